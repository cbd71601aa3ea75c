/*
 * lib/term.h - a terminal over a grid of cells: text, control characters
 * and a small ANSI subset, drawn through a backend's term_ops. The cells
 * are the text shadow, so a scroll redraws from memory and never reads
 * video memory back.
 *
 * This is a small version until the full emulator lands; it keeps exactly
 * the interface the backends (drivers/fb.c, drivers/vga_text.c) use.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct term_cell {
	uint32_t ch;
	uint8_t fg, bg;		/* palette index 0-15 (ANSI/VGA order) */
};

struct term_ops {
	/* Draw one cell. Never asked to read anything back. */
	void (*draw)(void *ctx, unsigned int col, unsigned int row,
		     const struct term_cell *cell);
	/* Move (or hide) the cursor. May be NULL. */
	void (*cursor)(void *ctx, unsigned int col, unsigned int row,
		       bool visible);
};

#define TERM_MAX_PARAMS 4

struct term {
	unsigned int cols, rows;
	struct term_cell *cells;
	const struct term_ops *ops;
	void *ctx;
	unsigned int col, row;
	uint8_t fg, bg;			/* current colours */
	uint8_t def_fg, def_bg;		/* what SGR 0 restores */
	int state;			/* escape parser state */
	unsigned int params[TERM_MAX_PARAMS];
	unsigned int nparams;
};

void term_init(struct term *t, unsigned int cols, unsigned int rows,
	       struct term_cell *cells, const struct term_ops *ops, void *ctx);
void term_write(struct term *t, const char *s, size_t len);
void term_set_colors(struct term *t, uint8_t fg, uint8_t bg);
void term_reset(struct term *t);
void term_newline_if_needed(struct term *t);
