/*
 * drivers/fb.c - draw text cells on a linear framebuffer (see drivers/fb.h).
 */
#include "drivers/fb.h"

#include "lib/errno.h"

const uint8_t fb_palette_rgb[FB_COLORS][3] = {
	{ 0, 0, 0 },	   { 170, 0, 0 },    { 0, 170, 0 },   { 170, 85, 0 },
	{ 0, 0, 170 },	   { 170, 0, 170 },  { 0, 170, 170 }, { 170, 170, 170 },
	{ 85, 85, 85 },	   { 255, 85, 85 },  { 85, 255, 85 }, { 255, 255, 85 },
	{ 85, 85, 255 },   { 255, 85, 255 }, { 85, 255, 255 }, { 255, 255, 255 },
};

/* The top @field.size bits of @v, moved to @field.position. */
static uint32_t field_bits(uint8_t v, struct mb2_rgb_field f)
{
	return (uint32_t)(v >> (8 - f.size)) << f.position;
}

/* The palette entry nearest to (@r, @g, @b), for 8-bit indexed modes. */
static uint32_t nearest_index(const struct mb2_framebuffer *m, uint8_t r,
			      uint8_t g, uint8_t b)
{
	uint32_t best = 0, best_d = UINT32_MAX;

	for (uint32_t i = 0; i < m->palette_colors; i++) {
		const uint8_t *c = m->palette + 3 * i;
		int dr = c[0] - r, dg = c[1] - g, db = c[2] - b;
		uint32_t d = (uint32_t)(dr * dr + dg * dg + db * db);

		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

static uint32_t mode_pixel(const struct mb2_framebuffer *m, uint8_t r,
			   uint8_t g, uint8_t b)
{
	if (m->type == MB2_FB_INDEXED)
		return nearest_index(m, r, g, b);
	return field_bits(r, m->red) | field_bits(g, m->green) |
	       field_bits(b, m->blue);
}

int fb_init(struct fb *fb, void *base, const struct mb2_framebuffer *mode,
	    const struct psf_font *font, const struct psf_map *map)
{
	uint32_t bytes_pp = (mode->bpp + 7u) / 8u;

	if (mode->type == MB2_FB_EGA_TEXT || bytes_pp < 1 || bytes_pp > 4 ||
	    (mode->type == MB2_FB_INDEXED && !mode->palette_colors))
		return -EINVAL;
	if (mode->width < font->width || mode->height < font->height)
		return -EINVAL;
	fb->base = base;
	fb->width = mode->width;
	fb->height = mode->height;
	fb->pitch = mode->pitch;
	fb->bytes_pp = bytes_pp;
	fb->font = font;
	fb->map = map;
	fb->cols = mode->width / font->width;
	fb->rows = mode->height / font->height;
	fb->cur_shown = false;
	fb->drawn = NULL;
	fb->quad_fg = 0xff;	/* no table yet */
	for (int i = 0; i < FB_COLORS; i++)
		fb->pixel[i] = mode_pixel(mode, fb_palette_rgb[i][0],
					  fb_palette_rgb[i][1],
					  fb_palette_rgb[i][2]);
	return 0;
}

static const uint8_t *glyph_of(const struct fb *fb, uint32_t ch)
{
	const uint8_t *bits = psf_glyph(fb->font, psf_map_glyph(fb->map, ch));

	return bits ? bits : psf_glyph(fb->font, 0);
}

/* Stores that need no alignment: a pitch may be any number of bytes. */
static inline void store64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline void store32(uint8_t *p, uint32_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static inline void store16(uint8_t *p, uint16_t v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

/*
 * 32 bpp, 8 pixels wide (every 8-wide font): a glyph row is two nibbles,
 * each four pixels from a table, written as two 64-bit stores. Four stores
 * and two lookups a row instead of eight compares and stores; under
 * emulation it is the instructions per pixel that cost. The table is kept
 * for the colours last used, which rarely change from cell to cell.
 */
static void set_quads(struct fb *fb, uint8_t fg, uint8_t bg)
{
	uint64_t f = fb->pixel[fg], b = fb->pixel[bg];

	for (int n = 0; n < 16; n++) {
		/* Bit 3 of the nibble is its leftmost pixel (lowest address). */
		fb->quad[n][0] = (n & 8 ? f : b) | (n & 4 ? f : b) << 32;
		fb->quad[n][1] = (n & 2 ? f : b) | (n & 1 ? f : b) << 32;
	}
	fb->quad_fg = fg;
	fb->quad_bg = bg;
}

static void draw_glyph_32x8(struct fb *fb, uint8_t *dst, const uint8_t *bits,
			    uint32_t height)
{
	for (uint32_t y = 0; y < height; y++, dst += fb->pitch) {
		const uint64_t *hi = fb->quad[bits[y] >> 4];
		const uint64_t *lo = fb->quad[bits[y] & 15];

		store64(dst, hi[0]);
		store64(dst + 8, hi[1]);
		store64(dst + 16, lo[0]);
		store64(dst + 24, lo[1]);
	}
}

/* Any other row: one pixel at a time, @bytes_pp bytes each, MSB first. */
static void draw_row(uint8_t *dst, uint32_t bytes_pp, const uint8_t *bits,
		     uint32_t w, uint32_t fg, uint32_t bg)
{
	for (uint32_t x = 0; x < w; x++, dst += bytes_pp) {
		uint32_t v = bits[x >> 3] & (0x80 >> (x & 7)) ? fg : bg;

		switch (bytes_pp) {
		case 4:
			store32(dst, v);
			break;
		case 3:
			dst[2] = (uint8_t)(v >> 16);
			/* fall through */
		case 2:
			store16(dst, (uint16_t)v);
			break;
		default:
			*dst = (uint8_t)v;
		}
	}
}

static uint8_t *cell_origin(const struct fb *fb, unsigned int col,
			    unsigned int row)
{
	return fb->base + (size_t)row * fb->font->height * fb->pitch +
	       (size_t)col * fb->font->width * fb->bytes_pp;
}

/* The cursor inverts the bottom rows of its cell, so showing it twice
 * hides it: every pixel change at its cell goes through here or fb_draw. */
static void invert_cursor(struct fb *fb)
{
	const struct psf_font *f = fb->font;
	uint32_t rows = f->height < FB_CURSOR_ROWS ? f->height : FB_CURSOR_ROWS;
	uint8_t *p = cell_origin(fb, fb->cur_col, fb->cur_row) +
		     (size_t)(f->height - rows) * fb->pitch;

	for (uint32_t y = 0; y < rows; y++, p += fb->pitch)
		for (uint32_t i = 0; i < f->width * fb->bytes_pp; i++)
			p[i] ^= 0xff;
}

void fb_clear(struct fb *fb, struct term_cell *drawn, uint8_t bg)
{
	uint32_t px = fb->pixel[bg & 15];
	uint8_t bytes[8];
	uint32_t line = fb->width * fb->bytes_pp;

	for (int i = 0; i < 8; i++)
		bytes[i] = (uint8_t)(px >> (8 * (i % fb->bytes_pp)));
	for (uint32_t y = 0; y < fb->height; y++) {
		uint8_t *p = fb->base + (size_t)y * fb->pitch;
		uint32_t x = 0;
		uint64_t pair;

		/* 8-byte stores while the pattern repeats in 8 bytes (1, 2 and
		 * 4 bytes a pixel); 24 bpp goes a pixel at a time. */
		__builtin_memcpy(&pair, bytes, sizeof(pair));
		if (fb->bytes_pp != 3)
			for (; x + 8 <= line; x += 8)
				store64(p + x, pair);
		for (; x < line; x++)
			p[x] = bytes[x % fb->bytes_pp];
	}
	fb->drawn = drawn;
	fb->cur_shown = false;
	if (drawn)
		for (size_t i = 0; i < (size_t)fb->cols * fb->rows; i++)
			drawn[i] = (struct term_cell){ ' ', 7, (uint8_t)(bg & 15) };
}

/* True when @c would draw the same pixels as @d: blanks differ only in
 * their background. */
static bool same_look(const struct term_cell *c, const struct term_cell *d)
{
	if (c->bg != d->bg)
		return false;
	return c->ch == d->ch && (c->fg == d->fg || c->ch == ' ');
}

static void fb_draw(void *ctx, unsigned int col, unsigned int row,
		    const struct term_cell *cell)
{
	struct fb *fb = ctx;
	struct term_cell *drawn;
	const struct psf_font *f = fb->font;
	const uint8_t *bits = glyph_of(fb, cell->ch);
	uint32_t fg = fb->pixel[cell->fg & 15], bg = fb->pixel[cell->bg & 15];
	uint8_t *dst;

	if (col >= fb->cols || row >= fb->rows)
		return;
	if (fb->drawn) {
		drawn = &fb->drawn[(size_t)row * fb->cols + col];
		if (same_look(cell, drawn))
			return;
		*drawn = *cell;
	}
	dst = cell_origin(fb, col, row);
	if (fb->bytes_pp == 4 && f->width == 8) {
		if (fb->quad_fg != (cell->fg & 15) || fb->quad_bg != (cell->bg & 15))
			set_quads(fb, cell->fg & 15, cell->bg & 15);
		draw_glyph_32x8(fb, dst, bits, f->height);
	} else {
		for (uint32_t y = 0; y < f->height; y++, dst += fb->pitch)
			draw_row(dst, fb->bytes_pp, bits + y * f->row_bytes,
				 f->width, fg, bg);
	}
	if (fb->cur_shown && col == fb->cur_col && row == fb->cur_row)
		invert_cursor(fb);
}

static void fb_cursor(void *ctx, unsigned int col, unsigned int row,
		      bool visible)
{
	struct fb *fb = ctx;

	if (fb->cur_shown)
		invert_cursor(fb);
	fb->cur_shown = visible && col < fb->cols && row < fb->rows;
	fb->cur_col = col;
	fb->cur_row = row;
	if (fb->cur_shown)
		invert_cursor(fb);
}

const struct term_ops fb_term_ops = {
	.draw = fb_draw,
	.cursor = fb_cursor,
};
