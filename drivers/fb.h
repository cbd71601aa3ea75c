/*
 * drivers/fb.h - a text console on a linear framebuffer: the term_ops
 * backend that draws cells with a PSF font's glyphs, at any pitch and at
 * 32, 24, 16 (or 15) bits per pixel through the RGB field positions, or 8
 * through the palette (Multiboot2 spec 3.6.12 describes the formats).
 *
 * Pure: it writes only the pixels at the base it is given (video memory,
 * or a buffer in the tests) and reads nothing back but the two cursor rows.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/psf.h"
#include "lib/term.h"
#include "kernel/multiboot2.h"

#define FB_COLORS	16	/* the ANSI/VGA palette of term_cell */
/* Code points a psf_map has a direct entry for. */
#define FB_GLYPH_MAP	PSF_MAP_DIRECT
#define FB_CURSOR_ROWS	2	/* the cursor: an underline this thick */

struct fb {
	uint8_t *base;			/* pixel (0, 0) */
	uint32_t width, height;		/* pixels */
	uint32_t pitch;			/* bytes from one line to the next */
	uint32_t bytes_pp;
	uint32_t pixel[FB_COLORS];	/* each palette colour as a pixel */
	const struct psf_font *font;
	const struct psf_map *map;	/* code point to glyph */
	unsigned int cols, rows;	/* cells that fit */
	unsigned int cur_col, cur_row;
	bool cur_shown;
	/* What each cell on the screen shows (cols * rows), or NULL. A draw
	 * that would change nothing is skipped: a scroll rewrites only the
	 * cells whose text moved, never the blank ones. */
	struct term_cell *drawn;
	/* 32 bpp, 8-pixel glyphs: the 16 patterns of four pixels in the
	 * colours last drawn with (quad_fg on quad_bg); quad_fg > 15: none. */
	uint64_t quad[16][2];
	uint8_t quad_fg, quad_bg;
};

/* The 16 console colours as 8-bit red, green, blue (the VGA's). */
extern const uint8_t fb_palette_rgb[FB_COLORS][3];

/*
 * Set up @fb to draw on the framebuffer described by @mode, whose pixel
 * (0, 0) is at @base, with @font and @map, which says which glyph shows
 * each code point (the caller keeps both while @fb is in use). Returns 0,
 * or -EINVAL for a mode it cannot draw (EGA text, an unknown depth, a
 * screen smaller than one glyph).
 */
int fb_init(struct fb *fb, void *base, const struct mb2_framebuffer *mode,
	    const struct psf_font *font, const struct psf_map *map);

/*
 * Give @fb the memory @drawn (cols * rows cells) to remember what it drew,
 * and paint the whole screen palette colour @bg, so the shadow is true from
 * the start. Faster than drawing every cell: one store per two pixels.
 */
void fb_clear(struct fb *fb, struct term_cell *drawn, uint8_t bg);

/* Draw (struct term_ops.draw) and the cursor (.cursor); ctx is the fb. */
extern const struct term_ops fb_term_ops;
