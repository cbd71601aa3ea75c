/*
 * lib/psf.c - parse PSF1 and PSF2 fonts and their unicode tables (see
 * lib/psf.h for the layouts).
 */
#include "lib/psf.h"

#include <stdbool.h>

#include "lib/errno.h"
#include "lib/string.h"

#define PSF1_MAGIC0		0x36
#define PSF1_MAGIC1		0x04
#define PSF1_HEADER_SIZE	4
#define PSF1_MODE_512		0x01
#define PSF1_MODE_HAS_TABLE	0x02
#define PSF1_MODE_HAS_SEQ	0x04
#define PSF1_SEPARATOR		0xffff
#define PSF1_START_SEQ		0xfffe

#define PSF2_MAGIC		0x864ab572
#define PSF2_HEADER_SIZE	32
#define PSF2_FLAG_HAS_TABLE	0x01
#define PSF2_SEPARATOR		0xff
#define PSF2_START_SEQ		0xfe

/* Marks a code point not yet mapped: a uint16_t map names glyphs below it. */
#define PSF_NO_GLYPH		0xffff

static uint32_t read_u32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EBADMSG;
}

/* Glyph sizes and where the data ends: common to both versions. */
static int check_glyphs(const uint8_t *base, size_t size, size_t header,
			struct psf_font *f, const char **why)
{
	uint64_t data;

	if (f->width == 0 || f->height == 0 || f->glyph_count == 0)
		return bad(why, "zero glyph width, height or count");
	if (f->width > PSF_MAX_WIDTH || f->height > PSF_MAX_HEIGHT)
		return bad(why, "glyphs larger than 32x64 pixels");
	f->row_bytes = (f->width + 7) / 8;
	if (f->glyph_bytes != f->row_bytes * f->height)
		return bad(why, "bytes per glyph do not match width and height");
	data = (uint64_t)f->glyph_count * f->glyph_bytes;
	if (header > size || data > size - header)
		return bad(why, "glyph data runs past the end of the font");
	f->glyphs = base + header;
	return 0;
}

static int parse_psf1(const uint8_t *p, size_t size, struct psf_font *f,
		      const char **why)
{
	uint8_t mode = p[2];
	int err;

	f->version = 1;
	f->width = 8;
	f->height = p[3];
	f->glyph_bytes = p[3];
	f->glyph_count = mode & PSF1_MODE_512 ? 512 : 256;
	err = check_glyphs(p, size, PSF1_HEADER_SIZE, f, why);
	if (err)
		return err;
	if (mode & (PSF1_MODE_HAS_TABLE | PSF1_MODE_HAS_SEQ)) {
		f->unicode = f->glyphs + f->glyph_count * f->glyph_bytes;
		f->unicode_size = size - (size_t)(f->unicode - p);
	}
	return 0;
}

static int parse_psf2(const uint8_t *p, size_t size, struct psf_font *f,
		      const char **why)
{
	uint32_t header;
	int err;

	if (size < PSF2_HEADER_SIZE)
		return bad(why, "shorter than the PSF2 header");
	header = read_u32(p + 8);
	if (read_u32(p + 4) != 0)
		return bad(why, "PSF2 version is not 0");
	if (header < PSF2_HEADER_SIZE)
		return bad(why, "PSF2 header size is below 32");
	f->version = 2;
	f->glyph_count = read_u32(p + 16);
	f->glyph_bytes = read_u32(p + 20);
	f->height = read_u32(p + 24);
	f->width = read_u32(p + 28);
	err = check_glyphs(p, size, header, f, why);
	if (err)
		return err;
	if (read_u32(p + 12) & PSF2_FLAG_HAS_TABLE) {
		f->unicode = f->glyphs + (size_t)f->glyph_count * f->glyph_bytes;
		f->unicode_size = size - (size_t)(f->unicode - p);
	}
	return 0;
}

int psf_parse(const void *buf, size_t size, struct psf_font *font,
	      const char **why)
{
	const uint8_t *p = buf;

	memset(font, 0, sizeof(*font));
	if (!p || size < PSF1_HEADER_SIZE)
		return bad(why, "shorter than any font header");
	if (p[0] == PSF1_MAGIC0 && p[1] == PSF1_MAGIC1)
		return parse_psf1(p, size, font, why);
	if (read_u32(p) == PSF2_MAGIC)
		return parse_psf2(p, size, font, why);
	return bad(why, "no PSF1 or PSF2 magic");
}

const uint8_t *psf_glyph(const struct psf_font *font, uint32_t index)
{
	if (index >= font->glyph_count)
		return NULL;
	return font->glyphs + (size_t)index * font->glyph_bytes;
}

/* Called for every code point the font lists, with its glyph, in the
 * table's order (glyph by glyph); sequences are skipped. */
typedef void (*entry_fn)(void *ctx, uint32_t cp, uint32_t glyph);

/* PSF1 table: 16-bit little-endian code points. */
static void walk_psf1(const struct psf_font *f, entry_fn fn, void *ctx)
{
	uint32_t glyph = 0;
	int in_seq = 0;

	for (size_t i = 0; i + 1 < f->unicode_size; i += 2) {
		uint32_t v = f->unicode[i] | (uint32_t)f->unicode[i + 1] << 8;

		if (v == PSF1_SEPARATOR) {
			glyph++;
			in_seq = 0;
		} else if (v == PSF1_START_SEQ) {
			in_seq = 1;
		} else if (!in_seq) {
			fn(ctx, v, glyph);
		}
	}
}

/*
 * Decode one UTF-8 code point at @p (@left bytes). Returns its length, or 1
 * with *@cp = UINT32_MAX for a malformed or cut-off sequence.
 */
static size_t utf8_decode(const uint8_t *p, size_t left, uint32_t *cp)
{
	size_t len = p[0] < 0x80 ? 1 : p[0] >= 0xf0 && p[0] < 0xf8 ? 4 :
		     p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	uint32_t v = len == 1 ? p[0] : p[0] & (0x7f >> len);

	*cp = UINT32_MAX;
	if (len == 0 || len > left)
		return 1;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 1;
		v = v << 6 | (p[i] & 0x3f);
	}
	*cp = v;
	return len;
}

/* PSF2 table: UTF-8 code points. */
static void walk_psf2(const struct psf_font *f, entry_fn fn, void *ctx)
{
	uint32_t glyph = 0;
	int in_seq = 0;

	for (size_t i = 0; i < f->unicode_size;) {
		uint8_t b = f->unicode[i];
		uint32_t cp;

		if (b == PSF2_SEPARATOR || b == PSF2_START_SEQ) {
			glyph += b == PSF2_SEPARATOR;
			in_seq = b == PSF2_START_SEQ;
			i++;
			continue;
		}
		i += utf8_decode(f->unicode + i, f->unicode_size - i, &cp);
		if (!in_seq && cp != UINT32_MAX)
			fn(ctx, cp, glyph);
	}
}

/* Every (code point, glyph) pair of @f: its table, or with none, glyph cp
 * for code point cp. Pairs naming a glyph the font does not have are left
 * out. */
struct walk {
	const struct psf_font *font;
	entry_fn fn;
	void *ctx;
};

static void checked(void *ctx, uint32_t cp, uint32_t glyph)
{
	struct walk *w = ctx;

	if (glyph < w->font->glyph_count && glyph < PSF_NO_GLYPH)
		w->fn(w->ctx, cp, glyph);
}

static void walk_font(const struct psf_font *f, entry_fn fn, void *ctx)
{
	struct walk w = { f, fn, ctx };

	if (!f->unicode) {
		for (uint32_t g = 0; g < f->glyph_count; g++)
			checked(&w, g, g);
	} else if (f->version == 1) {
		walk_psf1(f, checked, &w);
	} else {
		walk_psf2(f, checked, &w);
	}
}

/* psf_build_map(): the first glyph that lists a code point below n. */
struct direct_map {
	uint16_t *map;
	size_t n, found;
};

static void note_direct(void *ctx, uint32_t cp, uint32_t glyph)
{
	struct direct_map *d = ctx;

	if (cp >= d->n || d->map[cp] != PSF_NO_GLYPH)
		return;
	d->map[cp] = (uint16_t)glyph;
	d->found++;
}

size_t psf_build_map(const struct psf_font *font, uint16_t *map, size_t n,
		     uint16_t fallback)
{
	struct direct_map d = { map, n, 0 };

	for (size_t cp = 0; cp < n; cp++)
		map[cp] = PSF_NO_GLYPH;
	walk_font(font, note_direct, &d);
	for (size_t cp = 0; cp < n; cp++)
		if (map[cp] == PSF_NO_GLYPH)
			map[cp] = fallback;
	return d.found;
}

/* psf_build_wide(): every pair at or past PSF_MAP_DIRECT, as many as fit. */
struct wide_map {
	struct psf_wide *wide;
	size_t max, count, wanted;
};

static void note_wide(void *ctx, uint32_t cp, uint32_t glyph)
{
	struct wide_map *w = ctx;

	if (cp < PSF_MAP_DIRECT)
		return;
	w->wanted++;
	if (w->count < w->max)
		w->wide[w->count++] = (struct psf_wide){ cp, glyph };
}

/* Order by code point, then glyph: the first glyph listing a code point
 * has the lowest index, as the table goes glyph by glyph. */
static bool wide_before(const struct psf_wide *a, const struct psf_wide *b)
{
	return a->cp < b->cp || (a->cp == b->cp && a->glyph < b->glyph);
}

/* Heapsort (in place, O(n log n) whatever the table's order). */
static void sift_down(struct psf_wide *a, size_t root, size_t n)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		struct psf_wide tmp;

		if (child + 1 < n && wide_before(&a[child], &a[child + 1]))
			child++;
		if (!wide_before(&a[root], &a[child]))
			return;
		tmp = a[root];
		a[root] = a[child];
		a[child] = tmp;
	}
}

static void sort_wide(struct psf_wide *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		struct psf_wide tmp = a[0];

		a[0] = a[end];
		a[end] = tmp;
		sift_down(a, 0, end);
	}
}

size_t psf_build_wide(const struct psf_font *font, struct psf_wide *wide,
		      size_t max, size_t *wanted)
{
	struct wide_map w = { wide, max, 0, 0 };
	size_t kept = 0;

	walk_font(font, note_wide, &w);
	sort_wide(wide, w.count);
	for (size_t i = 0; i < w.count; i++)
		if (kept == 0 || wide[i].cp != wide[kept - 1].cp)
			wide[kept++] = wide[i];
	if (wanted)
		*wanted = w.wanted;
	return kept;
}

uint16_t psf_map_glyph(const struct psf_map *map, uint32_t cp)
{
	size_t lo = 0, hi = map->wide_count;

	if (cp < PSF_MAP_DIRECT)
		return map->direct[cp];
	while (lo < hi) {	/* the first entry at or past cp */
		size_t mid = lo + (hi - lo) / 2;

		if (map->wide[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < map->wide_count && map->wide[lo].cp == cp)
		return (uint16_t)map->wide[lo].glyph;
	return map->fallback;
}
