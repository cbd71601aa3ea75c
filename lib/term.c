/*
 * lib/term.c - a small terminal over a grid of cells (see lib/term.h):
 * printable bytes, CR, LF, TAB, BS, scrolling, and ESC [ ... m (SGR
 * colours 30-37, 40-47, 90-97, 100-107, 0, 1), ESC [ 2 J and ESC [ H.
 */
#include "lib/term.h"

enum { GROUND, ESCAPE, CSI };

#define TAB_STOP 8

static struct term_cell *cell_at(struct term *t, unsigned int col,
				 unsigned int row)
{
	return &t->cells[(size_t)row * t->cols + col];
}

static void put_cell(struct term *t, unsigned int col, unsigned int row,
		     uint32_t ch)
{
	struct term_cell *c = cell_at(t, col, row);

	c->ch = ch;
	c->fg = t->fg;
	c->bg = t->bg;
	t->ops->draw(t->ctx, col, row, c);
}

static void move_cursor(struct term *t)
{
	if (t->ops->cursor)
		t->ops->cursor(t->ctx, t->col, t->row, true);
}

static void clear(struct term *t)
{
	for (unsigned int r = 0; r < t->rows; r++)
		for (unsigned int c = 0; c < t->cols; c++)
			put_cell(t, c, r, ' ');
	t->col = t->row = 0;
}

/* Move every row up one, from the shadow, and blank the last. */
static void scroll(struct term *t)
{
	size_t keep = (size_t)(t->rows - 1) * t->cols;

	for (size_t i = 0; i < keep; i++)
		t->cells[i] = t->cells[i + t->cols];
	for (unsigned int r = 0; r + 1 < t->rows; r++)
		for (unsigned int c = 0; c < t->cols; c++)
			t->ops->draw(t->ctx, c, r, cell_at(t, c, r));
	for (unsigned int c = 0; c < t->cols; c++)
		put_cell(t, c, t->rows - 1, ' ');
}

static void newline(struct term *t)
{
	t->col = 0;
	if (t->row + 1 < t->rows)
		t->row++;
	else
		scroll(t);
}

static void printable(struct term *t, uint32_t ch)
{
	if (t->col >= t->cols)
		newline(t);
	put_cell(t, t->col, t->row, ch);
	t->col++;
}

static void sgr(struct term *t, unsigned int p)
{
	if (p == 0) {
		t->fg = t->def_fg;
		t->bg = t->def_bg;
	} else if (p == 1) {
		t->fg |= 8;
	} else if (p >= 30 && p <= 37) {
		t->fg = (uint8_t)((t->fg & 8) | (p - 30));
	} else if (p >= 40 && p <= 47) {
		t->bg = (uint8_t)(p - 40);
	} else if (p >= 90 && p <= 97) {
		t->fg = (uint8_t)(p - 90 + 8);
	} else if (p >= 100 && p <= 107) {
		t->bg = (uint8_t)(p - 100 + 8);
	}
}

static void csi_final(struct term *t, char c)
{
	if (c == 'm') {
		if (t->nparams == 0)
			sgr(t, 0);
		for (unsigned int i = 0; i < t->nparams; i++)
			sgr(t, t->params[i]);
	} else if (c == 'J' && t->nparams && t->params[0] == 2) {
		clear(t);
	} else if (c == 'H') {
		t->row = t->nparams > 0 && t->params[0] ? t->params[0] - 1 : 0;
		t->col = t->nparams > 1 && t->params[1] ? t->params[1] - 1 : 0;
		if (t->row >= t->rows)
			t->row = t->rows - 1;
		if (t->col >= t->cols)
			t->col = t->cols - 1;
	}
	t->state = GROUND;
}

static void csi_byte(struct term *t, char c)
{
	if (c >= '0' && c <= '9') {
		if (t->nparams == 0)
			t->nparams = 1;
		if (t->nparams <= TERM_MAX_PARAMS) {
			unsigned int *p = &t->params[t->nparams - 1];

			if (*p < 10000)
				*p = *p * 10 + (unsigned int)(c - '0');
		}
	} else if (c == ';') {
		if (t->nparams == 0)
			t->nparams = 1;
		if (t->nparams < TERM_MAX_PARAMS)
			t->params[t->nparams++] = 0;
	} else if (c >= 0x40 && c <= 0x7e) {
		if (t->nparams > TERM_MAX_PARAMS)
			t->nparams = TERM_MAX_PARAMS;
		csi_final(t, c);
	} else if (c < 0x20 || c > 0x7e) {
		t->state = GROUND;	/* junk ends the sequence */
	}
}

static void ground(struct term *t, unsigned char c)
{
	switch (c) {
	case '\n':
		newline(t);
		break;
	case '\r':
		t->col = 0;
		break;
	case '\t':
		do
			printable(t, ' ');
		while (t->col % TAB_STOP && t->col < t->cols);
		break;
	case '\b':
		if (t->col)
			t->col--;
		break;
	case 0x1b:
		t->state = ESCAPE;
		break;
	default:
		if (c >= 0x20 && c != 0x7f)
			printable(t, c);
	}
}

void term_write(struct term *t, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (t->state == GROUND) {
			ground(t, (unsigned char)c);
		} else if (t->state == ESCAPE) {
			t->state = c == '[' ? CSI : GROUND;
			t->nparams = 0;
			for (int k = 0; k < TERM_MAX_PARAMS; k++)
				t->params[k] = 0;
		} else {
			csi_byte(t, c);
		}
	}
	move_cursor(t);
}

void term_init(struct term *t, unsigned int cols, unsigned int rows,
	       struct term_cell *cells, const struct term_ops *ops, void *ctx)
{
	t->cols = cols;
	t->rows = rows;
	t->cells = cells;
	t->ops = ops;
	t->ctx = ctx;
	t->def_fg = t->fg = 7;
	t->def_bg = t->bg = 0;
	t->state = GROUND;
	clear(t);
	move_cursor(t);
}

void term_set_colors(struct term *t, uint8_t fg, uint8_t bg)
{
	t->def_fg = t->fg = fg & 15;
	t->def_bg = t->bg = bg & 15;
}

void term_reset(struct term *t)
{
	t->state = GROUND;
	t->nparams = 0;
}

void term_newline_if_needed(struct term *t)
{
	if (t->col)
		newline(t);
}
