/*
 * tests/fuzz/term_fuzz.c - libFuzzer target for lib/term.c: any byte stream
 * on any small grid keeps the terminal's invariants (cursor on the screen,
 * every draw inside it, the drawn screen equal to the shadow, every cell a
 * printable code point in palette colours, the parser within its bounds),
 * and the result does not depend on how the stream is cut into writes.
 * `make term-fuzz`.
 *
 * Input: two bytes of geometry (columns, rows), then the stream. The stream
 * goes to one terminal in a single write and to a second one a byte at a
 * time, with term_newline_if_needed and term_reset at a few fixed places in
 * both.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/term.h"

#define MAX_COLS	40
#define MAX_ROWS	12

struct screen {
	unsigned int cols, rows;
	unsigned long draws;
	struct term_cell cells[MAX_COLS * MAX_ROWS];
};

struct side {
	struct term t;
	struct screen screen;
	struct term_cell shadow[MAX_COLS * MAX_ROWS];
};

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "term_fuzz: %s\n", what);
		abort();
	}
}

static void fuzz_draw(void *ctx, unsigned int col, unsigned int row,
		      const struct term_cell *cell)
{
	struct screen *s = ctx;

	check(col < s->cols && row < s->rows, "draw outside the grid");
	s->cells[row * s->cols + col] = *cell;
	s->draws++;
}

static void fuzz_cursor(void *ctx, unsigned int col, unsigned int row,
			bool visible)
{
	struct screen *s = ctx;

	(void)visible;
	check(col < s->cols && row < s->rows, "cursor outside the grid");
}

static const struct term_ops fuzz_ops = { fuzz_draw, fuzz_cursor };

static bool printable(uint32_t ch)
{
	return ch >= 0x20 && ch != 0x7f && !(ch >= 0x80 && ch <= 0x9f) &&
	       ch <= 0x10ffff && !(ch >= 0xd800 && ch <= 0xdfff);
}

static void check_state(const struct side *s)
{
	const struct term *t = &s->t;

	check(t->col < t->cols && t->row < t->rows, "cursor off the screen");
	check(!t->wrap_pending || t->col == t->cols - 1, "wrap not at edge");
	check(t->seq.count <= TERM_MAX_PARAMS, "too many parameters kept");
	check(t->state == TERM_GROUND || t->seq.len <= TERM_SEQ_MAX,
	      "sequence longer than its bound");
	check(t->utf8.need <= 3, "UTF-8 state out of range");
	for (unsigned int i = 0; i < t->cols * t->rows; i++) {
		const struct term_cell *c = &s->shadow[i];
		const struct term_cell *d = &s->screen.cells[i];

		check(printable(c->ch), "a control or invalid code point");
		check(c->fg < 16 && c->bg < 16, "colour outside the palette");
		check(c->ch == d->ch && c->fg == d->fg && c->bg == d->bg,
		      "the screen differs from the shadow");
	}
}

static void side_init(struct side *s, unsigned int cols, unsigned int rows)
{
	memset(s, 0, sizeof(*s));
	s->screen.cols = cols;
	s->screen.rows = rows;
	term_init(&s->t, cols, rows, s->shadow, &fuzz_ops, &s->screen);
}

/*
 * Write @len bytes. A byte prints at most two characters (a UTF-8 character
 * cut short, then itself as U+FFFD), each a scroll and one cell at most.
 */
static void side_write(struct side *s, const uint8_t *p, size_t len)
{
	unsigned long before = s->screen.draws;
	unsigned long cells = s->t.cols * s->t.rows;

	term_write(&s->t, (const char *)p, len);
	check(s->screen.draws - before <= 2 * len * (cells + 1),
	      "too many draws");
	check_state(s);
}

/* Between the pieces, at the same places on both sides. */
static void side_between(struct side *s, size_t piece)
{
	if (piece == 1)
		term_newline_if_needed(&s->t);
	if (piece == 2)
		term_reset(&s->t);
	check_state(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct side whole, bytes;
	unsigned int cols, rows;
	size_t cut[3];

	if (size < 2)
		return 0;
	cols = 1 + data[0] % MAX_COLS;
	rows = 1 + data[1] % MAX_ROWS;
	data += 2;
	size -= 2;
	side_init(&whole, cols, rows);
	side_init(&bytes, cols, rows);
	cut[0] = size / 3;
	cut[1] = 2 * size / 3;
	cut[2] = size;
	for (size_t piece = 0, at = 0; piece < 3; piece++) {
		side_write(&whole, data + at, cut[piece] - at);
		for (; at < cut[piece]; at++)
			side_write(&bytes, data + at, 1);
		side_between(&whole, piece + 1);
		side_between(&bytes, piece + 1);
	}
	for (unsigned int i = 0; i < cols * rows; i++)
		check(whole.shadow[i].ch == bytes.shadow[i].ch &&
		      whole.shadow[i].fg == bytes.shadow[i].fg &&
		      whole.shadow[i].bg == bytes.shadow[i].bg,
		      "the result depends on how the stream was cut");
	check(whole.t.col == bytes.t.col && whole.t.row == bytes.t.row,
	      "the cursor depends on how the stream was cut");
	return 0;
}
