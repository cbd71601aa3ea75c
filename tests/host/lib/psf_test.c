/*
 * tests/host/lib/psf_test.c - host tests of lib/psf.c: the real console
 * font the kernel links (PSF_TEST_FONT, from the Makefile), every prefix of
 * it, and crafted PSF1/PSF2 fonts whose headers or tables lie. Every font
 * sits in a heap buffer of its exact size, so ASan catches any read past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/psf.h"
#include "lib/errno.h"

#define MAP_SIZE 256

static uint8_t *load_font(size_t *size)
{
	FILE *f = fopen(PSF_TEST_FONT, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* A copy of @src's first @n bytes in a buffer of exactly @n bytes. */
static uint8_t *exact_copy(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, src, n);
	return p;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A PSF2 font of @count glyphs of @w x @h with glyph i filled with byte i,
 * followed by @table (@table_len bytes, flag set when @table is not NULL). */
static uint8_t *make_psf2(uint32_t count, uint32_t w, uint32_t h,
			  const uint8_t *table, size_t table_len, size_t *size)
{
	uint32_t row = (w + 7) / 8, gb = row * h;
	size_t n = 32 + (size_t)count * gb + table_len;
	uint8_t *p = calloc(1, n);

	assert_non_null(p);
	put_u32(p, 0x864ab572);
	put_u32(p + 4, 0);
	put_u32(p + 8, 32);
	put_u32(p + 12, table ? 1 : 0);
	put_u32(p + 16, count);
	put_u32(p + 20, gb);
	put_u32(p + 24, h);
	put_u32(p + 28, w);
	for (uint32_t i = 0; i < count; i++)
		memset(p + 32 + i * gb, (int)i, gb);
	if (table)
		memcpy(p + 32 + (size_t)count * gb, table, table_len);
	*size = n;
	return p;
}

static int parse(const uint8_t *p, size_t n, struct psf_font *f)
{
	const char *why = NULL;
	int err = psf_parse(p, n, f, &why);

	if (err)
		assert_non_null(why);
	return err;
}

/* --- The real font ------------------------------------------------------ */

static void psf_test_real_font_parses(void **state)
{
	struct psf_font f;
	size_t n;
	uint8_t *p = load_font(&n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	assert_true(f.version == 1 || f.version == 2);
	assert_true(f.glyph_count >= 256);
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	assert_int_equal(f.glyph_bytes, 16);
	assert_non_null(f.unicode);
	assert_true(f.glyphs + (size_t)f.glyph_count * 16 <= p + n);
	assert_null(psf_glyph(&f, f.glyph_count));
	free(p);
}

/* before: a table-mapped font could show ASCII with the wrong glyphs.
 * after: printable ASCII maps to distinct glyphs, space is blank and the
 * underscore's ink is in its lower half. */
static void psf_test_real_font_maps_ascii(void **state)
{
	struct psf_font f;
	uint16_t map[MAP_SIZE];
	size_t n;
	uint8_t *p = load_font(&n);
	const uint8_t *space, *under;
	int ink_top = 0, ink_bottom = 0;

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	assert_true(psf_build_map(&f, map, MAP_SIZE, 0) >= 95);
	for (int a = 0x20; a < 0x7f; a++)
		for (int b = a + 1; b < 0x7f; b++)
			assert_true(memcmp(psf_glyph(&f, map[a]),
					   psf_glyph(&f, map[b]), 16) != 0);
	space = psf_glyph(&f, map[' ']);
	for (int r = 0; r < 16; r++)
		assert_int_equal(space[r], 0);
	under = psf_glyph(&f, map['_']);
	for (int r = 0; r < 16; r++)
		*(r < 8 ? &ink_top : &ink_bottom) += under[r] != 0;
	assert_int_equal(ink_top, 0);
	assert_true(ink_bottom > 0);
	free(p);
}

/* Every prefix of the real font: refused while the glyphs are cut, parsed
 * (with a shorter table) after; never a read past the prefix. */
static void psf_test_real_font_every_prefix(void **state)
{
	struct psf_font full, f;
	uint16_t map[MAP_SIZE];
	size_t n;
	uint8_t *p = load_font(&n);
	size_t glyph_end;

	(void)state;
	assert_int_equal(parse(p, n, &full), 0);
	glyph_end = (size_t)(full.glyphs - p) + (size_t)full.glyph_count * 16;
	for (size_t len = 0; len < n; len++) {
		uint8_t *q = exact_copy(p, len);
		int err = parse(q, len, &f);

		if (len < glyph_end) {
			assert_int_equal(err, -EBADMSG);
		} else {
			assert_int_equal(err, 0);
			assert_int_equal(f.unicode_size, len - glyph_end);
			psf_build_map(&f, map, MAP_SIZE, 0);
		}
		free(q);
	}
	free(p);
}

/* --- Lying headers ------------------------------------------------------ */

static void psf_test_bad_magic_is_refused(void **state)
{
	uint8_t junk[64] = { 0x36, 0x05, 0, 16 };
	struct psf_font f;

	(void)state;
	assert_int_equal(parse(junk, sizeof(junk), &f), -EBADMSG);
	assert_int_equal(parse(NULL, 0, &f), -EBADMSG);
}

static void psf_test_psf1_zero_height_is_refused(void **state)
{
	uint8_t h[4 + 16] = { 0x36, 0x04, 0, 0 };
	struct psf_font f;

	(void)state;
	assert_int_equal(parse(h, sizeof(h), &f), -EBADMSG);
}

/* PSF1 mode 512 claims twice the glyphs the data holds. */
static void psf_test_psf1_count_past_data_is_refused(void **state)
{
	size_t n = 4 + 256 * 8;
	uint8_t *p = calloc(1, n);
	struct psf_font f;

	(void)state;
	p[0] = 0x36, p[1] = 0x04, p[2] = 0, p[3] = 8;
	assert_int_equal(parse(p, n, &f), 0);
	p[2] = 1;	/* 512 glyphs */
	assert_int_equal(parse(p, n, &f), -EBADMSG);
	free(p);
}

/* Each header field set to a lie, one at a time. */
static void psf_test_psf2_lying_fields_are_refused(void **state)
{
	static const struct {
		size_t offset;
		uint32_t value;
	} lies[] = {
		{ 4, 1 },		/* version */
		{ 8, 31 },		/* header size below 32 */
		{ 8, 4096 },		/* header size past the end */
		{ 8, 0xffffffff },
		{ 16, 0 },		/* no glyphs */
		{ 16, 5 },		/* more glyphs than the data */
		{ 16, 0xffffffff },
		{ 20, 15 },		/* bytes per glyph != rows * height */
		{ 20, 0 },
		{ 24, 0 },		/* zero height */
		{ 24, 65 },		/* too tall */
		{ 28, 0 },		/* zero width */
		{ 28, 33 },		/* too wide */
	};
	struct psf_font f;
	size_t n;
	uint8_t *p = make_psf2(4, 8, 16, NULL, 0, &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		uint8_t *q = exact_copy(p, n);

		put_u32(q + lies[i].offset, lies[i].value);
		assert_int_equal(parse(q, n, &f), -EBADMSG);
		free(q);
	}
	for (size_t len = 0; len < n; len++) {
		uint8_t *q = exact_copy(p, len);

		assert_int_equal(parse(q, len, &f), -EBADMSG);
		free(q);
	}
	free(p);
}

/* A header size above 32 moves the glyphs (later versions' extra fields). */
static void psf_test_psf2_larger_header_moves_glyphs(void **state)
{
	size_t n = 40 + 2 * 16;
	uint8_t *p = calloc(1, n);
	struct psf_font f;

	(void)state;
	put_u32(p, 0x864ab572);
	put_u32(p + 8, 40);
	put_u32(p + 16, 2);
	put_u32(p + 20, 16);
	put_u32(p + 24, 16);
	put_u32(p + 28, 8);
	p[40 + 16] = 0xaa;
	assert_int_equal(parse(p, n, &f), 0);
	assert_ptr_equal(f.glyphs, p + 40);
	assert_int_equal(psf_glyph(&f, 1)[0], 0xaa);
	free(p);
}

/* 12 pixels wide: two bytes a row. */
static void psf_test_psf2_wide_glyph_rows(void **state)
{
	struct psf_font f;
	size_t n;
	uint8_t *p = make_psf2(3, 12, 24, NULL, 0, &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	assert_int_equal(f.row_bytes, 2);
	assert_int_equal(f.glyph_bytes, 48);
	assert_int_equal(psf_glyph(&f, 2)[47], 2);
	free(p);
}

/* --- Unicode tables ----------------------------------------------------- */

/* Glyph 0: 'A' and U+00C0 (UTF-8); sequence A+U+0300 skipped; glyph 1:
 * 'B', then 'A' again (the first glyph wins); glyph 2: a malformed byte and
 * 'C'; glyph 3 (past the count of 3): 'D'. */
static const uint8_t table2[] = {
	'A', 0xc3, 0x80, 0xfe, 'Z', 0xcc, 0x80, 0xff,
	'B', 'A', 0xff,
	0x80, 'C', 0xff,
	'D', 0xff,
};

static void psf_test_psf2_table_maps_code_points(void **state)
{
	struct psf_font f;
	uint16_t map[MAP_SIZE];
	size_t n;
	uint8_t *p = make_psf2(3, 8, 8, table2, sizeof(table2), &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	assert_int_equal(psf_build_map(&f, map, MAP_SIZE, 7), 4);
	assert_int_equal(map['A'], 0);
	assert_int_equal(map[0xc0], 0);
	assert_int_equal(map['Z'], 7);	/* only inside a sequence */
	assert_int_equal(map['B'], 1);
	assert_int_equal(map['C'], 2);
	assert_int_equal(map['D'], 7);	/* names a glyph that is not there */
	assert_int_equal(map[0], 7);
	free(p);
}

/* A UTF-8 sequence cut off by the end of the table is not read past. */
static void psf_test_psf2_table_cut_in_utf8(void **state)
{
	static const uint8_t cut[] = { 'A', 0xff, 0xe2, 0x82 };
	struct psf_font f;
	uint16_t map[MAP_SIZE];
	size_t n;
	uint8_t *p = make_psf2(2, 8, 8, cut, sizeof(cut), &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	assert_int_equal(psf_build_map(&f, map, MAP_SIZE, 9), 1);
	assert_int_equal(map['A'], 0);
	free(p);
}

/* PSF1: 16-bit entries; FFFE sequences skipped; an odd last byte ignored. */
static void psf_test_psf1_table_maps_code_points(void **state)
{
	size_t glyphs = 256 * 8, n = 4 + glyphs + 11;
	uint8_t *p = calloc(1, n);
	uint8_t *t = p + 4 + glyphs;
	struct psf_font f;
	uint16_t map[MAP_SIZE];

	(void)state;
	p[0] = 0x36, p[1] = 0x04, p[2] = 0x02, p[3] = 8;
	/* glyph 0: 'x', FFFE 'y', FFFF; glyph 1: 'z', then one odd byte */
	memcpy(t, "x\0\xfe\xffy\0\xff\xffz\0\x41", 11);
	assert_int_equal(parse(p, n, &f), 0);
	assert_int_equal(f.unicode_size, 11);
	assert_int_equal(psf_build_map(&f, map, MAP_SIZE, 5), 2);
	assert_int_equal(map['x'], 0);
	assert_int_equal(map['y'], 5);
	assert_int_equal(map['z'], 1);
	assert_int_equal(map['A'], 5);
	free(p);
}

/* No table: glyph i is code point i, up to the glyph count. */
static void psf_test_no_table_is_identity(void **state)
{
	struct psf_font f;
	uint16_t map[MAP_SIZE];
	size_t n;
	uint8_t *p = make_psf2(100, 8, 8, NULL, 0, &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	assert_null(f.unicode);
	assert_int_equal(psf_build_map(&f, map, MAP_SIZE, 3), 100);
	assert_int_equal(map[99], 99);
	assert_int_equal(map[100], 3);
	free(p);
}

/* --- Code points past U+00FF -------------------------------------------- */

#define WIDE_MAX	2048

/* A map of @f with room for WIDE_MAX wide entries, fallback @fallback. */
static void build_full_map(const struct psf_font *f, uint16_t *direct,
			   struct psf_wide *wide, struct psf_map *m,
			   uint16_t fallback)
{
	psf_build_map(f, direct, MAP_SIZE, fallback);
	*m = (struct psf_map){ .direct = direct, .wide = wide,
			       .fallback = fallback };
	m->wide_count = psf_build_wide(f, wide, WIDE_MAX, NULL);
}

/* Glyph 0: U+20AC, then U+2500 inside a sequence (skipped); glyph 1:
 * U+1F600 (4 bytes), U+0100, 'B'; glyph 2: U+20AC again (the first glyph
 * wins) and U+0416; glyph 3 (past the count of 3): U+2603. The code points
 * are listed out of order on purpose. */
static const uint8_t wide_table2[] = {
	0xe2, 0x82, 0xac, 0xfe, 'a', 0xe2, 0x94, 0x80, 0xff,
	0xf0, 0x9f, 0x98, 0x80, 0xc4, 0x80, 'B', 0xff,
	0xe2, 0x82, 0xac, 0xd0, 0x96, 0xff,
	0xe2, 0x98, 0x83, 0xff,
};

/* before: every code point past U+00FF showed the fallback ('?').
 * after: each one the table lists shows its first glyph, sorted, once. */
static void psf_test_psf2_wide_code_points_map(void **state)
{
	uint16_t direct[MAP_SIZE];
	struct psf_wide wide[WIDE_MAX];
	struct psf_map m;
	struct psf_font f;
	size_t n, wanted;
	uint8_t *p = make_psf2(3, 8, 8, wide_table2, sizeof(wide_table2), &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	build_full_map(&f, direct, wide, &m, 9);
	assert_int_equal(psf_build_wide(&f, wide, WIDE_MAX, &wanted), 4);
	assert_int_equal(wanted, 5);	/* U+20AC twice */
	assert_int_equal(m.wide_count, 4);
	for (size_t i = 1; i < m.wide_count; i++)
		assert_true(wide[i - 1].cp < wide[i].cp);
	assert_int_equal(psf_map_glyph(&m, 0x20ac), 0);
	assert_int_equal(psf_map_glyph(&m, 0x0100), 1);
	assert_int_equal(psf_map_glyph(&m, 0x1f600), 1);
	assert_int_equal(psf_map_glyph(&m, 0x0416), 2);
	assert_int_equal(psf_map_glyph(&m, 'B'), 1);
	assert_int_equal(psf_map_glyph(&m, 0x2500), 9);	/* in a seq. */
	assert_int_equal(psf_map_glyph(&m, 0x2603), 9);	/* no glyph */
	assert_int_equal(psf_map_glyph(&m, 0x00ff), 9);
	assert_int_equal(psf_map_glyph(&m, 0x10ffff), 9);
	assert_int_equal(psf_map_glyph(&m, UINT32_MAX), 9);
	free(p);
}

/* PSF1: 16-bit entries past U+00FF, a sequence skipped. */
static void psf_test_psf1_wide_code_points_map(void **state)
{
	size_t glyphs = 256 * 8, n = 4 + glyphs + 14;
	uint8_t *p = calloc(1, n);
	uint8_t *t = p + 4 + glyphs;
	uint16_t direct[MAP_SIZE];
	struct psf_wide wide[WIDE_MAX];
	struct psf_map m;
	struct psf_font f;

	(void)state;
	p[0] = 0x36, p[1] = 0x04, p[2] = 0x02, p[3] = 8;
	/* glyph 0: U+2588, FFFE U+2591, FFFF; glyph 1: U+0152, U+2588 */
	memcpy(t, "\x88\x25\xfe\xff\x91\x25\xff\xff\x52\x01\x88\x25\xff\xff",
	       14);
	assert_int_equal(parse(p, n, &f), 0);
	build_full_map(&f, direct, wide, &m, 5);
	assert_int_equal(m.wide_count, 2);
	assert_int_equal(psf_map_glyph(&m, 0x2588), 0);
	assert_int_equal(psf_map_glyph(&m, 0x0152), 1);
	assert_int_equal(psf_map_glyph(&m, 0x2591), 5);
	free(p);
}

/* A table too small keeps what fits, says how many there are, and one of
 * that size holds them all. */
static void psf_test_wide_table_too_small(void **state)
{
	struct psf_wide wide[WIDE_MAX];
	struct psf_font f;
	size_t n, wanted = 0;
	uint8_t *p = make_psf2(3, 8, 8, wide_table2, sizeof(wide_table2), &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	assert_int_equal(psf_build_wide(&f, wide, 2, &wanted), 2);
	assert_int_equal(wanted, 5);
	assert_int_equal(psf_build_wide(&f, wide, 0, &wanted), 0);
	assert_int_equal(psf_build_wide(&f, wide, wanted, NULL), 4);
	free(p);
}

/* No table: glyph i shows code point i past U+00FF too. */
static void psf_test_no_table_wide_is_identity(void **state)
{
	uint16_t direct[MAP_SIZE];
	struct psf_wide wide[WIDE_MAX];
	struct psf_map m;
	struct psf_font f;
	size_t n;
	uint8_t *p = make_psf2(300, 8, 8, NULL, 0, &n);

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	build_full_map(&f, direct, wide, &m, 3);
	assert_int_equal(m.wide_count, 300 - 256);
	assert_int_equal(psf_map_glyph(&m, 299), 299);
	assert_int_equal(psf_map_glyph(&m, 300), 3);
	free(p);
}

/* The first glyph the real font's table lists for @cp, by a plain walk of
 * the table (PSF1 16-bit or PSF2 UTF-8 entries), or -1. */
static int reference_glyph(const struct psf_font *f, uint32_t cp)
{
	const uint8_t *u = f->unicode;
	uint32_t glyph = 0;
	int in_seq = 0;

	for (size_t i = 0; i < f->unicode_size && glyph < f->glyph_count;) {
		uint32_t v;

		if (f->version == 1) {
			if (i + 1 >= f->unicode_size)
				break;
			v = u[i] | (uint32_t)u[i + 1] << 8;
			i += 2;
			if (v == 0xffff || v == 0xfffe) {
				glyph += v == 0xffff;
				in_seq = v == 0xfffe;
				continue;
			}
		} else {
			if (u[i] == 0xff || u[i] == 0xfe) {
				glyph += u[i] == 0xff;
				in_seq = u[i] == 0xfe;
				i++;
				continue;
			}
			v = u[i++];
			if (v >= 0xc0) {
				int more = v >= 0xf0 ? 3 : v >= 0xe0 ? 2 : 1;

				v &= 0x3f >> more;
				while (more-- && i < f->unicode_size)
					v = v << 6 | (u[i++] & 0x3f);
			}
		}
		if (!in_seq && v == cp)
			return (int)glyph;
	}
	return -1;
}

/* before: the real font's 337 code points past U+00FF (box drawing, the
 * euro sign, Latin Extended, U+FFFD) showed '?'.
 * after: every code point up to U+FFFF shows the first glyph the table
 * lists, and '?' only where it lists none. */
static void psf_test_real_font_maps_every_listed_code_point(void **state)
{
	uint16_t direct[MAP_SIZE];
	struct psf_wide wide[WIDE_MAX];
	struct psf_map m;
	struct psf_font f;
	size_t n, listed = 0;
	uint8_t *p = load_font(&n);
	uint16_t qmark;

	(void)state;
	assert_int_equal(parse(p, n, &f), 0);
	psf_build_map(&f, direct, MAP_SIZE, 0xffff);
	qmark = direct['?'];
	build_full_map(&f, direct, wide, &m, qmark);
	for (uint32_t cp = 0; cp <= 0xffff; cp++) {
		int want = reference_glyph(&f, cp);

		if (want >= 0 && cp >= PSF_MAP_DIRECT)
			listed++;
		assert_int_equal(psf_map_glyph(&m, cp),
				 want >= 0 ? (uint16_t)want : qmark);
	}
	assert_int_equal(m.wide_count, listed);
	assert_true(listed > 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psf_test_real_font_parses),
		cmocka_unit_test(psf_test_real_font_maps_ascii),
		cmocka_unit_test(psf_test_real_font_every_prefix),
		cmocka_unit_test(psf_test_bad_magic_is_refused),
		cmocka_unit_test(psf_test_psf1_zero_height_is_refused),
		cmocka_unit_test(psf_test_psf1_count_past_data_is_refused),
		cmocka_unit_test(psf_test_psf2_lying_fields_are_refused),
		cmocka_unit_test(psf_test_psf2_larger_header_moves_glyphs),
		cmocka_unit_test(psf_test_psf2_wide_glyph_rows),
		cmocka_unit_test(psf_test_psf2_table_maps_code_points),
		cmocka_unit_test(psf_test_psf2_table_cut_in_utf8),
		cmocka_unit_test(psf_test_psf1_table_maps_code_points),
		cmocka_unit_test(psf_test_no_table_is_identity),
		cmocka_unit_test(psf_test_psf2_wide_code_points_map),
		cmocka_unit_test(psf_test_psf1_wide_code_points_map),
		cmocka_unit_test(psf_test_wide_table_too_small),
		cmocka_unit_test(psf_test_no_table_wide_is_identity),
		cmocka_unit_test(
			psf_test_real_font_maps_every_listed_code_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
