/*
 * drivers/vga_text.h - a text console in EGA/VGA text mode: 16-bit cells
 * (character in the low byte, attribute in the high) at 0xB8000, and the
 * hardware cursor through the CRT controller (IBM VGA Technical Reference,
 * CRTC registers 0Ah, 0Bh, 0Eh, 0Fh). Can also load a PSF font into the
 * VGA's character generator (plane 2), so the screen shows Keel's font.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/psf.h"
#include "lib/term.h"
#include "kernel/multiboot2.h"

#define VGA_TEXT_PHYS		0xb8000
#define VGA_FONT_PHYS		0xa0000	/* plane 2 while the font is loaded */
#define VGA_FONT_WINDOW		0x10000	/* the 64 KiB mapped there */
#define VGA_FONT_GLYPHS		256
#define VGA_FONT_SLOT		32	/* bytes per glyph in plane 2 */

struct vga_text {
	volatile uint16_t *cells;	/* cell (0, 0) */
	unsigned int cols, rows;
	unsigned int stride;		/* cells from one row to the next */
	const struct psf_map *map;	/* code point to glyph; NULL: ASCII */
	bool hw_cursor;			/* program the CRTC (not in tests) */
	/* The words last written to each cell (cols * rows), or NULL: a write
	 * that changes nothing is skipped, since under emulation every
	 * access to video memory is a slow device access. */
	uint16_t *drawn;
};

/* Set up @v on the text buffer at @base described by @mode (EGA text),
 * with @map for a font loaded by vga_text_load_font() (NULL: the VGA's own
 * font, ASCII as is). Returns 0, or -EINVAL when @mode is not EGA text. */
int vga_text_init(struct vga_text *v, void *base,
		  const struct mb2_framebuffer *mode,
		  const struct psf_map *map, bool hw_cursor);

/* Give @v the memory @drawn (cols * rows words), and blank the screen in
 * palette colour @bg through it. */
void vga_text_clear(struct vga_text *v, uint16_t *drawn, uint8_t bg);

/* True when @font can replace the VGA's: 8 pixels wide, 16 high (the text
 * mode's character cell), at least 256 glyphs. */
bool vga_text_font_fits(const struct psf_font *font);

/* Write the first 256 glyphs of @font into plane 2 through @plane (the
 * mapping of VGA_FONT_PHYS), switching the sequencer and graphics
 * controller to plane access and back to text mode. */
void vga_text_load_font(void *plane, const struct psf_font *font);

/* Cells to attribute: ANSI palette index to VGA colour number. */
uint8_t vga_text_attr(uint8_t fg, uint8_t bg);

extern const struct term_ops vga_text_term_ops;
