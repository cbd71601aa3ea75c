/*
 * drivers/vga_text.c - the EGA text console (see drivers/vga_text.h).
 */
#include "drivers/vga_text.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "arch/x86_64/cpu.h"

#define VGA_SEQ_INDEX		0x3c4	/* sequencer; data at index + 1 */
#define VGA_GC_INDEX		0x3ce	/* graphics controller */
#define VGA_CRTC_INDEX		0x3d4	/* CRT controller (colour mode) */
#define VGA_CRTC_DATA		0x3d5

#define SEQ_MAP_MASK		0x02
#define SEQ_MEMORY_MODE		0x04
#define GC_READ_MAP		0x04
#define GC_MODE			0x05
#define GC_MISC			0x06
#define CRTC_CURSOR_START	0x0a
#define CRTC_CURSOR_END		0x0b
#define CRTC_CURSOR_HIGH	0x0e
#define CRTC_CURSOR_LOW		0x0f
#define CURSOR_DISABLE		0x20	/* in CURSOR_START */
#define CURSOR_FIRST_LINE	14	/* an underline in a 16-line cell */
#define CURSOR_LAST_LINE	15

/* ANSI order (red = 1, blue = 4) to the VGA's (blue = 1, red = 4). */
static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

uint8_t vga_text_attr(uint8_t fg, uint8_t bg)
{
	uint8_t f = (uint8_t)(ansi_to_vga[fg & 7] | (fg & 8));

	/* Background bit 3 blinks by default: keep backgrounds dark. */
	return (uint8_t)(ansi_to_vga[bg & 7] << 4 | f);
}

int vga_text_init(struct vga_text *v, void *base,
		  const struct mb2_framebuffer *mode,
		  const struct psf_map *map, bool hw_cursor)
{
	if (mode->type != MB2_FB_EGA_TEXT)
		return -EINVAL;
	v->cells = base;
	v->cols = mode->width;
	v->rows = mode->height;
	v->stride = mode->pitch / 2;
	v->map = map;
	v->hw_cursor = hw_cursor;
	v->drawn = NULL;
	return 0;
}

static uint8_t char_of(const struct vga_text *v, uint32_t ch)
{
	uint16_t g;

	if (!v->map)
		return ch < 0x7f ? (uint8_t)ch : '?';
	/* The VGA holds the font's first VGA_FONT_GLYPHS glyphs only. */
	g = psf_map_glyph(v->map, ch);
	if (g >= VGA_FONT_GLYPHS)
		g = v->map->fallback;
	return g < VGA_FONT_GLYPHS ? (uint8_t)g : '?';
}

static void vga_draw(void *ctx, unsigned int col, unsigned int row,
		     const struct term_cell *cell)
{
	struct vga_text *v = ctx;
	uint16_t word;

	if (col >= v->cols || row >= v->rows)
		return;
	word = (uint16_t)(vga_text_attr(cell->fg, cell->bg) << 8 |
			  char_of(v, cell->ch));
	if (v->drawn) {
		if (v->drawn[row * v->cols + col] == word)
			return;
		v->drawn[row * v->cols + col] = word;
	}
	v->cells[row * v->stride + col] = word;
}

void vga_text_clear(struct vga_text *v, uint16_t *drawn, uint8_t bg)
{
	uint16_t blank = (uint16_t)(vga_text_attr(7, bg) << 8 | char_of(v, ' '));

	for (unsigned int r = 0; r < v->rows; r++)
		for (unsigned int c = 0; c < v->cols; c++) {
			v->cells[r * v->stride + c] = blank;
			if (drawn)
				drawn[r * v->cols + c] = blank;
		}
	v->drawn = drawn;
}

static void crtc_write(uint8_t index, uint8_t value)
{
	outb(VGA_CRTC_INDEX, index);
	outb(VGA_CRTC_DATA, value);
}

static void vga_cursor(void *ctx, unsigned int col, unsigned int row,
		       bool visible)
{
	struct vga_text *v = ctx;
	unsigned int pos = row * v->stride + col;

	if (!v->hw_cursor)
		return;
	if (!visible || col >= v->cols || row >= v->rows) {
		crtc_write(CRTC_CURSOR_START, CURSOR_DISABLE);
		return;
	}
	crtc_write(CRTC_CURSOR_START, CURSOR_FIRST_LINE);
	crtc_write(CRTC_CURSOR_END, CURSOR_LAST_LINE);
	crtc_write(CRTC_CURSOR_HIGH, (uint8_t)(pos >> 8));
	crtc_write(CRTC_CURSOR_LOW, (uint8_t)pos);
}

const struct term_ops vga_text_term_ops = {
	.draw = vga_draw,
	.cursor = vga_cursor,
};

bool vga_text_font_fits(const struct psf_font *font)
{
	return font->width == 8 && font->height == 16 &&
	       font->glyph_count >= VGA_FONT_GLYPHS;
}

/* Register writes as index | value << 8 to the index port (a word out). */
static const struct {
	uint16_t port;
	uint16_t word;
} plane2_access[] = {
	{ VGA_SEQ_INDEX, 0x0400 | SEQ_MAP_MASK },	/* write plane 2 only */
	{ VGA_SEQ_INDEX, 0x0700 | SEQ_MEMORY_MODE },	/* sequential, no odd/even */
	{ VGA_GC_INDEX, 0x0200 | GC_READ_MAP },		/* read plane 2 */
	{ VGA_GC_INDEX, 0x0000 | GC_MODE },		/* no odd/even */
	{ VGA_GC_INDEX, 0x0400 | GC_MISC },		/* A0000, 64 KiB */
}, text_access[] = {
	{ VGA_SEQ_INDEX, 0x0300 | SEQ_MAP_MASK },	/* planes 0 and 1 */
	{ VGA_SEQ_INDEX, 0x0300 | SEQ_MEMORY_MODE },	/* odd/even */
	{ VGA_GC_INDEX, 0x0000 | GC_READ_MAP },
	{ VGA_GC_INDEX, 0x1000 | GC_MODE },		/* odd/even */
	{ VGA_GC_INDEX, 0x0e00 | GC_MISC },		/* B8000, 32 KiB, text */
};

void vga_text_load_font(void *plane, const struct psf_font *font)
{
	volatile uint32_t *dst = plane;

	for (size_t i = 0; i < sizeof(plane2_access) / sizeof(plane2_access[0]); i++)
		outw(plane2_access[i].port, plane2_access[i].word);
	/* The 16 rows of each glyph, four bytes a store (each store is one
	 * device access under emulation); rows 16-31 of a slot are never
	 * shown with 16-line characters. */
	for (uint32_t g = 0; g < VGA_FONT_GLYPHS; g++) {
		const uint8_t *bits = psf_glyph(font, g);

		for (uint32_t y = 0; y < font->height; y += 4) {
			uint32_t w;

			__builtin_memcpy(&w, bits + y, sizeof(w));
			dst[(g * VGA_FONT_SLOT + y) / 4] = w;
		}
	}
	for (size_t i = 0; i < sizeof(text_access) / sizeof(text_access[0]); i++)
		outw(text_access[i].port, text_access[i].word);
}
