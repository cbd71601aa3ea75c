/*
 * tests/host/lib/term_test.c - host tests of lib/term.c through a recording
 * backend: what was drawn, how often, and where the cursor was put. A
 * second, independent model of the terminal (below) checks the shadow after
 * seeded random byte streams.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/term.h"

#define MAX_CELLS	(132 * 50)
#define COLS		20
#define ROWS		5

/* The screen as the backend saw it. */
struct rec {
	unsigned int cols, rows;
	struct term_cell screen[MAX_CELLS];
	unsigned long draws;
	unsigned long cursor_calls;
	unsigned int cur_col, cur_row;
	bool cur_visible;
};

struct fixture {
	struct rec rec;
	struct term t;
	struct term_cell cells[MAX_CELLS];
};

static void rec_draw(void *ctx, unsigned int col, unsigned int row,
		     const struct term_cell *cell)
{
	struct rec *r = ctx;

	assert_true(col < r->cols && row < r->rows);
	r->screen[row * r->cols + col] = *cell;
	r->draws++;
}

static void rec_cursor(void *ctx, unsigned int col, unsigned int row,
		       bool visible)
{
	struct rec *r = ctx;

	assert_true(col < r->cols && row < r->rows);
	r->cur_col = col;
	r->cur_row = row;
	r->cur_visible = visible;
	r->cursor_calls++;
}

static const struct term_ops rec_ops = { rec_draw, rec_cursor };

/* One fixture at a time, static so that a failed assertion leaks nothing. */
static struct fixture *fixture_new(unsigned int cols, unsigned int rows)
{
	static struct fixture storage;
	struct fixture *f = &storage;

	memset(f, 0, sizeof(*f));
	assert_true(cols * rows <= MAX_CELLS);
	f->rec.cols = cols;
	f->rec.rows = rows;
	/* Junk on the "screen" and in the shadow: init must cover both. */
	memset(f->rec.screen, 0xa5, sizeof(f->rec.screen));
	memset(f->cells, 0x5a, sizeof(f->cells));
	term_init(&f->t, cols, rows, f->cells, &rec_ops, &f->rec);
	return f;
}

static void put(struct fixture *f, const char *s)
{
	term_write(&f->t, s, strlen(s));
}

static const struct term_cell *cell_at(struct fixture *f, unsigned int col,
				       unsigned int row)
{
	return &f->cells[row * f->t.cols + col];
}

/* Row @row of the shadow as ASCII ('?' for anything else), spaces trimmed. */
static const char *row_text(struct fixture *f, unsigned int row)
{
	static char buf[256];
	unsigned int n = 0;

	for (unsigned int c = 0; c < f->t.cols; c++) {
		uint32_t ch = cell_at(f, c, row)->ch;

		buf[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	while (n && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return buf;
}

static bool cells_equal(const struct term_cell *a, const struct term_cell *b,
			size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].ch != b[i].ch || a[i].fg != b[i].fg ||
		    a[i].bg != b[i].bg)
			return false;
	return true;
}

/* What was drawn is what the shadow holds, and the cursor is reported. */
static void assert_screen_matches(struct fixture *f)
{
	assert_true(cells_equal(f->rec.screen, f->cells,
				f->t.cols * f->t.rows));
	assert_int_equal(f->rec.cur_col, f->t.col);
	assert_int_equal(f->rec.cur_row, f->t.row);
	assert_int_equal(f->rec.cur_visible, f->t.cursor_visible);
}

static void assert_cursor(struct fixture *f, unsigned int col,
			  unsigned int row)
{
	assert_int_equal(f->t.col, col);
	assert_int_equal(f->t.row, row);
	assert_int_equal(f->rec.cur_col, col);
	assert_int_equal(f->rec.cur_row, row);
}

/* --- Text, controls, wrap and scroll -------------------------------------- */

static void term_test_init_clears_and_draws_each_cell_once(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	assert_int_equal(f->rec.draws, COLS * ROWS);
	for (unsigned int i = 0; i < COLS * ROWS; i++) {
		assert_int_equal(f->cells[i].ch, ' ');
		assert_int_equal(f->cells[i].fg, TERM_DEFAULT_FG);
		assert_int_equal(f->cells[i].bg, TERM_DEFAULT_BG);
	}
	assert_int_equal(f->rec.cursor_calls, 1);
	assert_true(f->rec.cur_visible);
	assert_screen_matches(f);
}

static void term_test_text_fills_cells_left_to_right(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	f->rec.draws = 0;
	put(f, "Keel ~");
	assert_string_equal(row_text(f, 0), "Keel ~");
	assert_int_equal(f->rec.draws, 5);	/* the blank was there */
	assert_cursor(f, 6, 0);
	assert_screen_matches(f);
}

static void term_test_utf8_is_decoded(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc2\xa0");
	assert_int_equal(cell_at(f, 0, 0)->ch, 0xe9);
	assert_int_equal(cell_at(f, 1, 0)->ch, 0x20ac);
	assert_int_equal(cell_at(f, 2, 0)->ch, 0x1f600);
	assert_int_equal(cell_at(f, 3, 0)->ch, 0xa0);
	assert_cursor(f, 4, 0);
}

/* One character written a byte per call comes out whole. */
static void term_test_utf8_split_across_writes(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);
	const char euro[] = "\xe2\x82\xac";

	(void)state;
	for (int i = 0; i < 3; i++)
		term_write(&f->t, &euro[i], 1);
	assert_int_equal(cell_at(f, 0, 0)->ch, 0x20ac);
	assert_cursor(f, 1, 0);
}

static void term_test_bad_utf8_becomes_replacement(void **state)
{
	static const struct {
		const char *in;
		unsigned int cells;
	} cases[] = {
		{ "\x80", 1 },			/* stray continuation */
		{ "\xc0\x80", 2 },		/* C0 can never lead */
		{ "\xe0\x80\x80", 1 },		/* overlong NUL */
		{ "\xed\xa0\x80", 1 },		/* surrogate U+D800 */
		{ "\xf4\x90\x80\x80", 1 },	/* above U+10FFFF */
		{ "\xf5", 1 },
		{ "\xff", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *f = fixture_new(COLS, ROWS);

		put(f, cases[i].in);
		for (unsigned int c = 0; c < cases[i].cells; c++)
			assert_int_equal(cell_at(f, c, 0)->ch,
					 TERM_REPLACEMENT);
		assert_cursor(f, cases[i].cells, 0);
		}
}

/* A character cut short is replaced, and the byte that cut it is read. */
static void term_test_truncated_utf8_then_ascii(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\xe2\x82Z\xc3\x1b[31mA");
	assert_int_equal(cell_at(f, 0, 0)->ch, TERM_REPLACEMENT);
	assert_int_equal(cell_at(f, 1, 0)->ch, 'Z');
	assert_int_equal(cell_at(f, 2, 0)->ch, TERM_REPLACEMENT);
	assert_int_equal(cell_at(f, 3, 0)->ch, 'A');
	assert_int_equal(cell_at(f, 3, 0)->fg, 1);
}

static void term_test_lf_cr_and_crlf(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "ab\ncd\r\nef\rX");
	assert_string_equal(row_text(f, 0), "ab");
	assert_string_equal(row_text(f, 1), "cd");
	assert_string_equal(row_text(f, 2), "Xf");
	assert_string_equal(row_text(f, 3), "");
	assert_cursor(f, 1, 2);
}

static void term_test_tab_stops_every_8(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\tA");
	assert_int_equal(cell_at(f, 8, 0)->ch, 'A');
	put(f, "\t");
	assert_cursor(f, 16, 0);
	put(f, "\t");			/* no stop left: the last column */
	assert_cursor(f, COLS - 1, 0);
	put(f, "\t");
	assert_cursor(f, COLS - 1, 0);
	put(f, "\rabcdefgh\tZ");	/* from a stop to the next one */
	assert_int_equal(cell_at(f, 16, 0)->ch, 'Z');
	assert_int_equal(cell_at(f, 8, 0)->ch, 'A');	/* not erased */
}

static void term_test_backspace_moves_left_without_erasing(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "abc\b\b");
	assert_cursor(f, 1, 0);
	assert_string_equal(row_text(f, 0), "abc");
	put(f, "\b\b\b");		/* stops at column 0 */
	assert_cursor(f, 0, 0);
	put(f, "\b \b");		/* the usual erase: \b, space, \b */
	put(f, "x\b \b");
	assert_string_equal(row_text(f, 0), " bc");
	assert_cursor(f, 0, 0);
}

/* A full line leaves the wrap pending: "\n" after it takes one line. */
static void term_test_wrap_is_deferred_at_last_column(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);
	char line[COLS + 1];

	(void)state;
	memset(line, 'w', COLS);
	line[COLS] = '\0';
	put(f, line);
	assert_cursor(f, COLS - 1, 0);
	put(f, "\n+");
	assert_string_equal(row_text(f, 1), "+");
	put(f, "\r");
	put(f, line);
	put(f, "Z");			/* the next character wraps */
	assert_int_equal(cell_at(f, 0, 2)->ch, 'Z');
	assert_cursor(f, 1, 2);
}

/* Backspace over a wrap pending lands on the last column's character. */
static void term_test_backspace_cancels_pending_wrap(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);
	char line[COLS + 1];

	(void)state;
	memset(line, 'w', COLS);
	line[COLS] = '\0';
	put(f, line);
	put(f, "\b \b");
	assert_cursor(f, COLS - 1, 0);
	assert_int_equal(cell_at(f, COLS - 1, 0)->ch, ' ');
	put(f, "y");
	assert_int_equal(cell_at(f, COLS - 1, 0)->ch, 'y');
	assert_string_equal(row_text(f, 1), "");
}

static void term_test_scrolls_at_bottom(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "0\n1\n2\n3\n4\n5");
	assert_string_equal(row_text(f, 0), "1");
	assert_string_equal(row_text(f, 3), "4");
	assert_string_equal(row_text(f, 4), "5");
	assert_cursor(f, 1, ROWS - 1);
	assert_screen_matches(f);
}

/* Wrapping on the last row scrolls too. */
static void term_test_wrap_on_last_row_scrolls(void **state)
{
	struct fixture *f = fixture_new(4, 2);

	(void)state;
	put(f, "abcdefghij");
	assert_string_equal(row_text(f, 0), "efgh");
	assert_string_equal(row_text(f, 1), "ij");
	assert_cursor(f, 2, 1);
	assert_screen_matches(f);
}

/* Every cell differs from the one below: the scroll redraws each once. */
static void term_test_full_scroll_draws_at_most_every_cell(void **state)
{
	const unsigned int cols = 128, rows = 48;
	struct fixture *f = fixture_new(cols, rows);

	(void)state;
	for (unsigned int r = 0; r < rows; r++) {
		for (unsigned int c = 0; c < cols; c++) {
			char ch = (char)('!' + (r * 7 + c) % 90);

			term_write(&f->t, &ch, 1);
		}
	}
	assert_cursor(f, cols - 1, rows - 1);
	f->rec.draws = 0;
	put(f, "\n");
	assert_true(f->rec.draws <= cols * rows);
	assert_true(f->rec.draws >= cols * (rows - 1));
	assert_screen_matches(f);
}

/* Only the cells that change are drawn: blank rows staying blank cost 0. */
static void term_test_blank_rows_are_not_redrawn(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\n\n\n\nhello");
	f->rec.draws = 0;
	put(f, "\n");
	/* "hello" moves up a row (5 cells), the bottom row blanks (5). */
	assert_int_equal(f->rec.draws, 10);
	f->rec.draws = 0;
	put(f, "\n\n\n\n");	/* up three rows (10 each), then off (5) */
	assert_int_equal(f->rec.draws, 3 * 10 + 5);
	f->rec.draws = 0;
	put(f, "\n\n\n");	/* an empty screen scrolls for nothing */
	assert_int_equal(f->rec.draws, 0);
	assert_screen_matches(f);
}

/* --- The cursor callback -------------------------------------------------- */

static void term_test_cursor_reported_once_per_write(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);
	unsigned long calls = f->rec.cursor_calls;

	(void)state;
	put(f, "hello\nworld");
	assert_int_equal(f->rec.cursor_calls, calls + 1);
	assert_cursor(f, 5, 1);
	term_write(&f->t, "", 0);	/* nothing changed: not called */
	put(f, "\a");
	assert_int_equal(f->rec.cursor_calls, calls + 1);
	put(f, "\x1b[1;1H");		/* moved: called */
	assert_int_equal(f->rec.cursor_calls, calls + 2);
	assert_cursor(f, 0, 0);
	put(f, "h");			/* cell drawn under it: called */
	assert_int_equal(f->rec.cursor_calls, calls + 3);
}

static void term_test_cursor_hidden_and_shown(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[?25l");
	assert_false(f->rec.cur_visible);
	put(f, "\x1b[?25h");
	assert_true(f->rec.cur_visible);
	put(f, "\x1b[?7l\x1b[25l");	/* other modes, no marker: ignored */
	assert_true(f->rec.cur_visible);
}

/* A backend without a cursor callback is fine. */
static void term_test_cursor_callback_is_optional(void **state)
{
	static const struct term_ops ops = { rec_draw, NULL };
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	term_init(&f->t, COLS, ROWS, f->cells, &ops, &f->rec);
	put(f, "abc\n\x1b[?25l");
	assert_string_equal(row_text(f, 0), "abc");
}

/* --- SGR ------------------------------------------------------------------ */

struct sgr_case {
	const char *seq;
	uint8_t fg, bg;
};

static void term_test_sgr_colours(void **state)
{
	static const struct sgr_case cases[] = {
		{ "\x1b[31m", 1, 0 },
		{ "\x1b[1;31m", 9, 0 },
		{ "\x1b[1m\x1b[34m", 12, 0 },
		{ "\x1b[31;1;22m", 1, 0 },
		{ "\x1b[42m", 7, 2 },
		{ "\x1b[93;104m", 11, 12 },
		{ "\x1b[1;97m", 15, 0 },
		{ "\x1b[35;46m\x1b[39m", 7, 6 },
		{ "\x1b[35;46m\x1b[49m", 5, 0 },
		{ "\x1b[1;35;46m\x1b[0m", 7, 0 },
		{ "\x1b[1;35;46m\x1b[m", 7, 0 },
		{ "\x1b[32;;m", 7, 0 },		/* empty parameters are 0 */
		{ "\x1b[33;38;58;99m", 3, 0 },	/* unknown values ignored */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *f = fixture_new(COLS, ROWS);

		put(f, cases[i].seq);
		put(f, "X");
		assert_int_equal(cell_at(f, 0, 0)->ch, 'X');
		assert_int_equal(cell_at(f, 0, 0)->fg, cases[i].fg);
		assert_int_equal(cell_at(f, 0, 0)->bg, cases[i].bg);
		}
}

static void term_test_set_colors_are_the_defaults(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	term_set_colors(&f->t, 0xff, 4);	/* masked to 15 */
	put(f, "a\x1b[31;42mb\x1b[0mc\x1b[32m\x1b[39;49md");
	assert_int_equal(cell_at(f, 0, 0)->fg, 15);
	assert_int_equal(cell_at(f, 0, 0)->bg, 4);
	assert_int_equal(cell_at(f, 1, 0)->fg, 1);
	assert_int_equal(cell_at(f, 1, 0)->bg, 2);
	assert_int_equal(cell_at(f, 2, 0)->fg, 15);
	assert_int_equal(cell_at(f, 2, 0)->bg, 4);
	assert_int_equal(cell_at(f, 3, 0)->fg, 15);
	assert_int_equal(cell_at(f, 3, 0)->bg, 4);
}

/* --- Erase and cursor movement -------------------------------------------- */

static void term_test_clear_screen_keeps_cursor(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "one\ntwo\nthree\x1b[44m\x1b[2J");
	for (unsigned int r = 0; r < ROWS; r++)
		assert_string_equal(row_text(f, r), "");
	assert_int_equal(cell_at(f, 7, 3)->bg, 4);	/* current colours */
	assert_cursor(f, 5, 2);
	assert_screen_matches(f);
}

static void term_test_erase_display_halves(void **state)
{
	struct fixture *f = fixture_new(4, 3);

	(void)state;
	put(f, "abcdefghijk\x1b[2;2H\x1b[J");
	assert_string_equal(row_text(f, 0), "abcd");
	assert_string_equal(row_text(f, 1), "e");
	assert_string_equal(row_text(f, 2), "");
	put(f, "\x1b[1;1Habcdefghijk\x1b[2;2H\x1b[1J");
	assert_string_equal(row_text(f, 0), "");
	assert_string_equal(row_text(f, 1), "  gh");
	assert_string_equal(row_text(f, 2), "ijk");
}

static void term_test_erase_line(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "0123456789\n0123456789\n0123456789\n0123456789");
	put(f, "\x1b[1;5H\x1b[K\x1b[2;5H\x1b[0K");
	put(f, "\x1b[3;5H\x1b[1K\x1b[4;5H\x1b[2K");
	assert_string_equal(row_text(f, 0), "0123");
	assert_string_equal(row_text(f, 1), "0123");
	assert_string_equal(row_text(f, 2), "     56789");
	assert_string_equal(row_text(f, 3), "");
	assert_cursor(f, 4, 3);
	assert_screen_matches(f);
}

static void term_test_cursor_position_is_clamped(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[3;7H");
	assert_cursor(f, 6, 2);
	put(f, "\x1b[H");
	assert_cursor(f, 0, 0);
	put(f, "\x1b[4H");
	assert_cursor(f, 0, 3);
	put(f, "\x1b[;9H");
	assert_cursor(f, 8, 0);
	put(f, "\x1b[0;0f");
	assert_cursor(f, 0, 0);
	put(f, "\x1b[99;999H");
	assert_cursor(f, COLS - 1, ROWS - 1);
	put(f, "X");			/* at the corner: no scroll yet */
	assert_int_equal(cell_at(f, COLS - 1, ROWS - 1)->ch, 'X');
	assert_string_equal(row_text(f, 0), "");
}

static void term_test_cursor_moves_are_clamped(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[3;5H\x1b[A");
	assert_cursor(f, 4, 1);
	put(f, "\x1b[2B");
	assert_cursor(f, 4, 3);
	put(f, "\x1b[0C");		/* 0 means 1 */
	assert_cursor(f, 5, 3);
	put(f, "\x1b[3D");
	assert_cursor(f, 2, 3);
	put(f, "\x1b[99A\x1b[99D");
	assert_cursor(f, 0, 0);
	put(f, "\x1b[99B\x1b[99C");
	assert_cursor(f, COLS - 1, ROWS - 1);
	put(f, "\x1b[B\n");		/* B at the bottom never scrolls */
	assert_string_equal(row_text(f, 0), "");
}

/* --- Junk and malformed sequences ----------------------------------------- */

static void term_test_other_controls_are_ignored(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);
	const char junk[] = "a\0\a\v\f\x0e\x7f\xc2\x85\x1c" "b";

	(void)state;
	term_write(&f->t, junk, sizeof(junk) - 1);
	assert_string_equal(row_text(f, 0), "ab");
	assert_cursor(f, 2, 0);
}

static void term_test_unknown_and_malformed_sequences_dropped(void **state)
{
	static const struct {
		const char *seq;
		const char *text;	/* what row 1 shows from column 2 */
	} cases[] = {
		{ "\x1b[5z", "X" },		/* unknown final byte */
		{ "\x1b[2 J", "X" },		/* intermediate byte */
		{ "\x1b[2:3m", "X" },		/* sub-parameters */
		{ "\x1b[3?1m", "X" },		/* marker after a parameter */
		{ "\x1b[>1m", "X" },		/* other private marker */
		{ "\x1b[?1049h", "X" },		/* unknown private mode */
		{ "\x1b" "c", "X" },		/* ESC other than CSI */
		{ "\x1b(B", "X" },		/* ESC, intermediate, final */
		{ "\x1b#8", "X" },
		{ "\x1b([31m", "31mX" },	/* '[' as a final is not CSI */
		{ "\x1b[1;2;3;4;5;6;7;8;31m", "X" },	/* nine parameters */
		{ "\x1b[31\x18m", "mX" },	/* CAN aborts: "m" is text */
		{ "\x1b[31\x1am", "mX" },	/* so does SUB */
		{ "\x1b[31\x7fm", "mX" },	/* and DEL, which is dropped */
		{ "\x1b[31\xc3\xa9m", "?mX" },	/* a byte >= 0x80 is text */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture *f = fixture_new(COLS, ROWS);

		put(f, "ab\x1b[2;3H");
		put(f, cases[i].seq);
		put(f, "X");
		assert_string_equal(row_text(f, 1) + 2, cases[i].text);
		assert_int_equal(cell_at(f, 2, 1)->fg, TERM_DEFAULT_FG);
		assert_string_equal(row_text(f, 0), "ab");
		assert_screen_matches(f);
	}
}

/* Eight parameters are allowed, the ninth drops the sequence. */
static void term_test_parameter_count_is_bounded(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[0;0;0;0;0;0;1;31mA");
	assert_int_equal(cell_at(f, 0, 0)->fg, 9);
	put(f, "\x1b[0;0;0;0;0;0;0;0;32mB");
	assert_int_equal(cell_at(f, 1, 0)->fg, 9);
}

/* Huge values saturate instead of wrapping round to small ones. */
static void term_test_parameter_values_saturate(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[3;3H\x1b[65539B");		/* 65539 mod 2^16 would be 3 */
	assert_cursor(f, 2, ROWS - 1);
	put(f, "\x1b[99999999999999999999A");
	assert_cursor(f, 2, 0);
	put(f, "\x1b[65567m" "Z");		/* not 31 */
	assert_int_equal(cell_at(f, 2, 0)->fg, TERM_DEFAULT_FG);
}

/* A sequence longer than TERM_SEQ_MAX bytes is given up; then text again. */
static void term_test_overlong_sequence_is_abandoned(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);
	char seq[TERM_SEQ_MAX + 16];

	(void)state;
	memset(seq, '1', sizeof(seq));
	seq[0] = '\x1b';
	seq[1] = '[';
	memcpy(seq + TERM_SEQ_MAX + 1, "AB", 2);	/* byte 65 is dropped */
	term_write(&f->t, seq, TERM_SEQ_MAX + 3);
	assert_int_equal(cell_at(f, 0, 0)->ch, 'B');
	assert_cursor(f, 1, 0);
	assert_int_equal(f->t.state, TERM_GROUND);
}

/* ESC inside a sequence starts a new one; controls inside still act. */
static void term_test_esc_restarts_and_controls_act_inside(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[3;3\x1b[32mA");
	assert_int_equal(cell_at(f, 0, 0)->fg, 2);
	put(f, "\x1b[3\n3mB");
	assert_int_equal(cell_at(f, 0, 1)->ch, 'B');
	assert_int_equal(cell_at(f, 0, 1)->fg, 3);
	put(f, "\x1b\x1b\x1b[34mC");
	assert_int_equal(cell_at(f, 1, 1)->fg, 4);
}

static void term_test_sequence_split_across_writes(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);
	const char *s = "\x1b[2;4H\x1b[1;33mY";

	(void)state;
	for (size_t i = 0; s[i]; i++)
		term_write(&f->t, &s[i], 1);
	assert_int_equal(cell_at(f, 3, 1)->ch, 'Y');
	assert_int_equal(cell_at(f, 3, 1)->fg, 11);
}

/* --- term_reset, term_newline_if_needed, term_redraw ---------------------- */

static void term_test_reset_returns_parser_to_ground(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[41mab\x1b[3");
	term_reset(&f->t);
	put(f, "1mX\xe2\x82");
	term_reset(&f->t);
	put(f, "Y");
	assert_string_equal(row_text(f, 0), "ab1mXY");
	assert_int_equal(cell_at(f, 2, 0)->fg, TERM_DEFAULT_FG);
	assert_int_equal(cell_at(f, 2, 0)->bg, TERM_DEFAULT_BG);
	assert_cursor(f, 6, 0);
}

static void term_test_newline_if_needed(void **state)
{
	struct fixture *f = fixture_new(4, 3);

	(void)state;
	term_newline_if_needed(&f->t);
	assert_cursor(f, 0, 0);
	put(f, "ab");
	term_newline_if_needed(&f->t);
	assert_cursor(f, 0, 1);
	put(f, "abcd");			/* wrap pending at the last column */
	term_newline_if_needed(&f->t);
	assert_cursor(f, 0, 2);
	term_newline_if_needed(&f->t);
	assert_cursor(f, 0, 2);
	assert_string_equal(row_text(f, 2), "");
}

static void term_test_redraw_draws_every_cell_from_shadow(void **state)
{
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	put(f, "\x1b[35mredraw me");
	memset(f->rec.screen, 0, sizeof(f->rec.screen));
	f->rec.draws = 0;
	term_redraw(&f->t);
	assert_int_equal(f->rec.draws, COLS * ROWS);
	assert_screen_matches(f);
}

/* A zero-sized grid draws nothing and touches no cell, whatever it gets. */
static void term_test_empty_grid_ignores_output(void **state)
{
	static const unsigned int sizes[][2] = { { 0, 5 }, { 5, 0 }, { 0, 0 } };
	struct fixture *f = fixture_new(COLS, ROWS);

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		f->rec.draws = 0;
		f->rec.cursor_calls = 0;
		term_init(&f->t, sizes[i][0], sizes[i][1], NULL, &rec_ops,
			  &f->rec);
		put(f, "text\n\x1b[2J\x1b[9;9H\tmore");
		term_newline_if_needed(&f->t);
		term_redraw(&f->t);
		assert_int_equal(f->rec.draws, 0);
		assert_int_equal(f->rec.cursor_calls, 0);
	}
}

/* --- A model of the terminal, checked against random streams --------------
 * Written apart from lib/term.c and in another shape: it reads the whole
 * stream with lookahead instead of a byte-at-a-time state machine, and
 * scrolls with memmove. It follows lib/term.h's description.
 */
struct model {
	unsigned int cols, rows, col, row;
	bool pending, visible, bold;
	uint8_t fg, bg;
	struct term_cell grid[MAX_CELLS];
};

static void model_erase(struct model *m, unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to; i++)
		m->grid[i] = (struct term_cell){ ' ', m->fg, m->bg };
}

static void model_newline(struct model *m)
{
	m->col = 0;
	m->pending = false;
	if (++m->row < m->rows)
		return;
	m->row = m->rows - 1;
	memmove(m->grid, m->grid + m->cols,
		(m->rows - 1) * m->cols * sizeof(m->grid[0]));
	model_erase(m, (m->rows - 1) * m->cols, m->rows * m->cols);
}

static void model_print(struct model *m, uint32_t ch)
{
	if (m->pending)
		model_newline(m);
	m->grid[m->row * m->cols + m->col] = (struct term_cell){
		ch, (uint8_t)(m->bold && m->fg < 8 ? m->fg + 8 : m->fg), m->bg
	};
	if (m->col == m->cols - 1)
		m->pending = true;
	else
		m->col++;
}

static void model_control(struct model *m, unsigned char b)
{
	if (b == '\n') {
		model_newline(m);
	} else if (b == '\r') {
		m->col = 0;
		m->pending = false;
	} else if (b == '\t' && !m->pending) {
		m->col = (m->col / 8 + 1) * 8;
		if (m->col >= m->cols)
			m->col = m->cols - 1;
	} else if (b == '\b') {
		if (m->pending)
			m->pending = false;
		else if (m->col)
			m->col--;
	}
}

static long model_clamp(long v, long max)
{
	return v < 0 ? 0 : v > max ? max : v;
}

static void model_sgr(struct model *m, const long *p, int n)
{
	for (int i = 0; i < (n ? n : 1); i++) {
		long v = n ? p[i] : 0;

		if (v == 0) {
			m->fg = TERM_DEFAULT_FG;
			m->bg = TERM_DEFAULT_BG;
			m->bold = false;
		}
		m->bold = v == 1 ? true : v == 22 ? false : m->bold;
		if ((v >= 30 && v <= 37) || (v >= 90 && v <= 97))
			m->fg = (uint8_t)(v % 10 + (v >= 90 ? 8 : 0));
		if ((v >= 40 && v <= 47) || (v >= 100 && v <= 107))
			m->bg = (uint8_t)(v % 10 + (v >= 100 ? 8 : 0));
		if (v == 39)
			m->fg = TERM_DEFAULT_FG;
		if (v == 49)
			m->bg = TERM_DEFAULT_BG;
	}
}

/* ESC [ body final, where body holds only bytes 0x20-0x3f. */
static void model_csi(struct model *m, const char *body, char final)
{
	long p[TERM_SEQ_MAX + 2] = { 0 };
	int n = 0;
	char marker = 0;
	unsigned int cur = m->row * m->cols + m->col, line = m->row * m->cols;

	if (body[0] && strchr("<=>?", body[0]))
		marker = *body++;
	if (body[strspn(body, "0123456789;")] != '\0')
		return;
	for (const char *s = body; *body; s++) {
		const char *d = s + strspn(s, "0");

		p[n++] = strspn(d, "0123456789") > 4 ? 9999 : atol(d);
		p[n - 1] = p[n - 1] > 9999 ? 9999 : p[n - 1];
		s = strchr(s, ';');
		if (!s)
			break;
	}
	if (n > TERM_MAX_PARAMS)
		return;
	if (marker) {
		if (marker == '?' && n == 1 && p[0] == 25 && final == 'h')
			m->visible = true;
		if (marker == '?' && n == 1 && p[0] == 25 && final == 'l')
			m->visible = false;
		return;
	}
	long a = n > 0 && p[0] ? p[0] : 1, b = n > 1 && p[1] ? p[1] : 1;
	long e = n > 0 ? p[0] : 0;
	long col = m->col, row = m->row;
	unsigned int all = m->rows * m->cols;

	switch (final) {
	case 'm': model_sgr(m, p, n); return;
	case 'J':
		if (e == 0) model_erase(m, cur, all);
		if (e == 1) model_erase(m, 0, cur + 1);
		if (e == 2 || e == 3) model_erase(m, 0, all);
		return;
	case 'K':
		if (e == 0) model_erase(m, cur, line + m->cols);
		if (e == 1) model_erase(m, line, cur + 1);
		if (e == 2) model_erase(m, line, line + m->cols);
		return;
	case 'H': case 'f': row = a - 1; col = b - 1; break;
	case 'A': row -= a; break;
	case 'B': row += a; break;
	case 'C': col += a; break;
	case 'D': col -= a; break;
	default: return;
	}
	m->col = (unsigned int)model_clamp(col, m->cols - 1);
	m->row = (unsigned int)model_clamp(row, m->rows - 1);
	m->pending = false;
}

/* The escape starting at s[i] == ESC; returns the index after it. */
static size_t model_escape(struct model *m, const unsigned char *s,
			   size_t i, size_t len)
{
	char body[TERM_SEQ_MAX + 1];
	size_t nbody, seqlen;
	bool csi;

restart:
	nbody = 0;
	seqlen = 0;
	csi = false;
	for (i++; i < len; i++) {
		unsigned char b = s[i];

		if (b == 0x1b)
			goto restart;
		if (b == 0x18 || b == 0x1a)
			return i + 1;
		if (b < 0x20) {
			model_control(m, b);
			continue;
		}
		if (b >= 0x80)
			return i;	/* read again as text */
		if (++seqlen > TERM_SEQ_MAX)
			return i + 1;
		if (!csi && seqlen == 1 && b == '[') {
			csi = true;
			continue;
		}
		if (!csi && b >= 0x20 && b <= 0x2f)
			continue;	/* ESC intermediate... final */
		if (!csi)
			return i + 1;
		if (b >= 0x40 && b <= 0x7e) {
			body[nbody] = '\0';
			model_csi(m, body, (char)b);
			return i + 1;
		}
		if (b > 0x3f)
			return i + 1;	/* DEL */
		body[nbody++] = (char)b;
	}
	return len;
}

/* A UTF-8 character at s[i]: its code point (or U+FFFD) and length. */
static size_t model_utf8(const unsigned char *s, size_t i, size_t len,
			 uint32_t *cp)
{
	unsigned char b = s[i];
	size_t need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2
		    : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
	uint32_t min = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000;
	uint32_t v = b & (0x7f >> (need + 1));

	*cp = TERM_REPLACEMENT;
	if (!need)
		return 1;
	for (size_t k = 1; k <= need; k++) {
		if (i + k >= len)
			return len - i;	/* streams end complete, see below */
		if ((s[i + k] & 0xc0) != 0x80)
			return k;
		v = v << 6 | (s[i + k] & 0x3f);
	}
	if (v >= min && v <= 0x10ffff && !(v >= 0xd800 && v <= 0xdfff))
		*cp = v;
	return need + 1;
}

static void model_run(struct model *m, const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;

		if (s[i] == 0x1b) {
			i = model_escape(m, s, i, len);
		} else if (s[i] < 0x20) {
			model_control(m, s[i++]);
		} else if (s[i] < 0x80) {
			if (s[i] != 0x7f)
				model_print(m, s[i]);
			i++;
		} else {
			i += model_utf8(s, i, len, &cp);
			if (cp < 0x80 || cp > 0x9f)
				model_print(m, cp);
		}
	}
}

/* --- Random streams ------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

struct stream {
	unsigned char *buf;
	size_t len, cap;
};

static void emit_bytes(struct stream *st, const char *s, size_t n)
{
	for (size_t i = 0; i < n && st->len < st->cap; i++)
		st->buf[st->len++] = (unsigned char)s[i];
}

static void emit_str(struct stream *st, const char *s)
{
	emit_bytes(st, s, strlen(s));
}

/* A parameter: empty, small, near the screen's size, huge or padded. */
static void emit_param(struct stream *st)
{
	static const char *const odd[] = {
		"", "0", "25", "65539", "99999999999", "0000000031", "1",
	};
	char num[16];

	if (rng() % 3 == 0) {
		emit_str(st, odd[rng() % 7]);
		return;
	}
	snprintf(num, sizeof(num), "%u", rng() % 110);
	emit_str(st, num);
}

/* ESC [ [marker] params final, now and then with a junk byte inside. */
static void emit_csi(struct stream *st)
{
	static const char finals[] = "mmmmJKHfABCDhlz@~";
	unsigned int n = rng() % 11;

	emit_str(st, "\x1b[");
	if (rng() % 8 == 0) {
		emit_bytes(st, &"?<=>"[rng() % 4], 1);
		if (rng() % 2) {
			emit_str(st, rng() % 2 ? "25h" : "25l");
			return;
		}
	}
	for (unsigned int i = 0; i < n; i++) {
		if (i)
			emit_bytes(st, ";", 1);
		emit_param(st);
		if (rng() % 40 == 0) {
			char junk = (char)rng();

			emit_bytes(st, &junk, 1);
		}
	}
	if (rng() % 20 == 0)
		return;		/* left open: the next bytes go into it */
	if (rng() % 10 == 0) {
		char f = (char)(0x40 + rng() % 0x3f);

		emit_bytes(st, &f, 1);
	} else {
		emit_bytes(st, &finals[rng() % (sizeof(finals) - 1)], 1);
	}
}

static void emit_token(struct stream *st)
{
	static const char *const utf8[] = {
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc2\x85",
		"\xe0\x80\x80", "\xed\xa0\x80", "\xe2\x82", "\xc0",
	};
	static const char controls[] = "\n\n\r\t\b\a\x7f\x18";
	char c;

	switch (rng() % 16) {
	case 0:
		emit_csi(st);
		break;
	case 1:
		emit_str(st, utf8[rng() % 8]);
		break;
	case 2:
		emit_bytes(st, &controls[rng() % (sizeof(controls) - 1)], 1);
		break;
	case 3:
		c = (char)rng();
		emit_bytes(st, &c, 1);
		break;
	case 4:
		c = (char)(0x20 + rng() % 0x60);
		emit_bytes(st, "\x1b", 1);
		emit_bytes(st, &c, 1);
		break;
	case 5:
		if (rng() % 50 == 0) {	/* a sequence too long to keep */
			emit_str(st, "\x1b[");
			for (unsigned int i = rng() % 100; i; i--)
				emit_bytes(st, "7", 1);
		}
		break;
	default:
		c = (char)(0x21 + rng() % 0x5e);
		emit_bytes(st, &c, 1);
		break;
	}
}

#define STREAM_MAX	100000

/* Feed a stream in random pieces; the model reads it whole. */
static void check_random_stream(uint64_t seed, unsigned int cols,
				unsigned int rows, size_t len)
{
	struct fixture *f = fixture_new(cols, rows);
	static struct model model;
	static unsigned char buf[STREAM_MAX + 2];
	struct model *m = &model;
	struct stream st = { buf, 0, len };

	assert_true(len <= STREAM_MAX);
	rng_state = seed;
	while (st.len < st.cap)
		emit_token(&st);
	/* End on CAN and text, so no sequence or character is left open. */
	st.cap += 2;
	emit_bytes(&st, "\x18Z", 2);

	for (size_t i = 0; i < st.len;) {
		size_t n = 1 + rng() % 300;

		n = n > st.len - i ? st.len - i : n;
		term_write(&f->t, (const char *)st.buf + i, n);
		i += n;
	}
	*m = (struct model){ .cols = cols, .rows = rows, .visible = true,
			     .fg = TERM_DEFAULT_FG, .bg = TERM_DEFAULT_BG };
	model_erase(m, 0, cols * rows);
	model_run(m, st.buf, st.len);

	for (unsigned int i = 0; i < cols * rows; i++) {
		if (cells_equal(&f->cells[i], &m->grid[i], 1))
			continue;
		fail_msg("seed %#llx: cell %u,%u is U+%04X %u/%u, model U+%04X "
			 "%u/%u", (unsigned long long)seed, i % cols, i / cols,
			 f->cells[i].ch, f->cells[i].fg, f->cells[i].bg,
			 m->grid[i].ch, m->grid[i].fg, m->grid[i].bg);
	}
	assert_int_equal(f->t.col, m->col);
	assert_int_equal(f->t.row, m->row);
	assert_int_equal(f->t.wrap_pending, m->pending);
	assert_int_equal(f->t.cursor_visible, m->visible);
	assert_screen_matches(f);
}

static void term_test_random_streams_match_model(void **state)
{
	(void)state;
	check_random_stream(0x6b65656c7465726dull, 13, 7, 100000);
	check_random_stream(0x0123456789abcdefull, 80, 25, 100000);
	check_random_stream(0x5eed5eed5eed5eedull, 1, 1, 20000);
	check_random_stream(0xfeedfacecafebeefull, 128, 48, 100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(term_test_init_clears_and_draws_each_cell_once),
		cmocka_unit_test(term_test_text_fills_cells_left_to_right),
		cmocka_unit_test(term_test_utf8_is_decoded),
		cmocka_unit_test(term_test_utf8_split_across_writes),
		cmocka_unit_test(term_test_bad_utf8_becomes_replacement),
		cmocka_unit_test(term_test_truncated_utf8_then_ascii),
		cmocka_unit_test(term_test_lf_cr_and_crlf),
		cmocka_unit_test(term_test_tab_stops_every_8),
		cmocka_unit_test(term_test_backspace_moves_left_without_erasing),
		cmocka_unit_test(term_test_wrap_is_deferred_at_last_column),
		cmocka_unit_test(term_test_backspace_cancels_pending_wrap),
		cmocka_unit_test(term_test_scrolls_at_bottom),
		cmocka_unit_test(term_test_wrap_on_last_row_scrolls),
		cmocka_unit_test(term_test_full_scroll_draws_at_most_every_cell),
		cmocka_unit_test(term_test_blank_rows_are_not_redrawn),
		cmocka_unit_test(term_test_cursor_reported_once_per_write),
		cmocka_unit_test(term_test_cursor_hidden_and_shown),
		cmocka_unit_test(term_test_cursor_callback_is_optional),
		cmocka_unit_test(term_test_sgr_colours),
		cmocka_unit_test(term_test_set_colors_are_the_defaults),
		cmocka_unit_test(term_test_clear_screen_keeps_cursor),
		cmocka_unit_test(term_test_erase_display_halves),
		cmocka_unit_test(term_test_erase_line),
		cmocka_unit_test(term_test_cursor_position_is_clamped),
		cmocka_unit_test(term_test_cursor_moves_are_clamped),
		cmocka_unit_test(term_test_other_controls_are_ignored),
		cmocka_unit_test(term_test_unknown_and_malformed_sequences_dropped),
		cmocka_unit_test(term_test_parameter_count_is_bounded),
		cmocka_unit_test(term_test_parameter_values_saturate),
		cmocka_unit_test(term_test_overlong_sequence_is_abandoned),
		cmocka_unit_test(term_test_esc_restarts_and_controls_act_inside),
		cmocka_unit_test(term_test_sequence_split_across_writes),
		cmocka_unit_test(term_test_reset_returns_parser_to_ground),
		cmocka_unit_test(term_test_newline_if_needed),
		cmocka_unit_test(term_test_redraw_draws_every_cell_from_shadow),
		cmocka_unit_test(term_test_empty_grid_ignores_output),
		cmocka_unit_test(term_test_random_streams_match_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
