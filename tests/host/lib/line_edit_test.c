/*
 * tests/host/lib/line_edit_test.c - host tests of lib/line_edit.c.
 *
 * The echo goes to a model terminal that understands only what the editor
 * may send (printable bytes, '\b', '\n', CSI n C, CSI n D, CSI K) and fails
 * the test on anything else. After every byte fed, the model's current row
 * must show exactly the editor's line, with its cursor at the line's
 * cursor: the echo and the line can never disagree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/line_edit.h"

#define COLS 100
#define ROWS 64

/* A terminal with a cursor and no scrolling (tests stay under ROWS). */
struct term_model {
	char cells[ROWS][COLS + 1];
	int row, col;
	int esc;		/* 0 none, 1 after ESC, 2 in CSI */
	int param;
	bool has_param;
	char bad[64];		/* the first thing it did not understand */
};

static void model_fail(struct term_model *m, const char *what, int c)
{
	if (!m->bad[0])
		snprintf(m->bad, sizeof(m->bad), "%s 0x%02x", what, c);
}

static void model_csi(struct term_model *m, int c)
{
	int n = m->has_param ? m->param : 1;

	m->esc = 0;
	if (c == 'C')
		m->col += n;
	else if (c == 'D')
		m->col -= n;
	else if (c == 'K')
		memset(&m->cells[m->row][m->col], ' ', COLS - m->col);
	else
		model_fail(m, "CSI final", c);
	if (m->col < 0 || m->col > COLS)
		model_fail(m, "cursor off the row after CSI", c);
}

static void model_byte(struct term_model *m, int c)
{
	if (m->esc == 1) {
		m->esc = c == '[' ? 2 : 0;
		m->param = 0;
		m->has_param = false;
		if (c != '[')
			model_fail(m, "ESC followed by", c);
	} else if (m->esc == 2 && c >= '0' && c <= '9') {
		m->param = m->param * 10 + c - '0';
		m->has_param = true;
	} else if (m->esc == 2) {
		model_csi(m, c);
	} else if (c == 0x1b) {
		m->esc = 1;
	} else if (c == '\b') {
		if (m->col == 0)
			model_fail(m, "backspace at column 0", c);
		else
			m->col--;
	} else if (c == '\n') {
		m->row++;
		m->col = 0;
	} else if (c >= 0x20 && c < 0x7f && m->col < COLS) {
		m->cells[m->row][m->col++] = (char)c;
	} else {
		model_fail(m, "byte", c);
	}
}

static void model_echo(void *ctx, const char *s, size_t len)
{
	while (len--)
		model_byte(ctx, (unsigned char)*s++);
}

struct fixture {
	struct line_edit le;
	char buf[LINE_EDIT_MAX + 1];
	struct term_model term;
	enum line_edit_status last;
	int done, cancelled;
	char lines[8][LINE_EDIT_MAX + 1];	/* the last finished lines */
};

static void setup_size(struct fixture *f, size_t size)
{
	memset(f, 0, sizeof(*f));
	memset(f->term.cells, ' ', sizeof(f->term.cells));
	for (int r = 0; r < ROWS; r++)
		f->term.cells[r][COLS] = '\0';
	line_edit_init(&f->le, f->buf, size, model_echo, &f->term);
}

/* The model's row shows the line and nothing after it; its cursor is the
 * line's. */
static void check_screen(struct fixture *f)
{
	const char *row = f->term.cells[f->term.row];
	size_t len = strlen(f->buf);

	if (f->term.bad[0])
		fail_msg("the echo held something a terminal may not know: %s",
			 f->term.bad);
	assert_int_equal(len, f->le.len);
	if (memcmp(row, f->buf, len) != 0)
		fail_msg("screen \"%.*s\" but line \"%s\"", (int)len, row,
			 f->buf);
	for (size_t i = len; i < COLS; i++)
		if (row[i] != ' ')
			fail_msg("screen keeps '%c' at column %zu after the "
				 "line \"%s\"", row[i], i, f->buf);
	assert_int_equal(f->term.col, (int)f->le.cursor);
}

/* Feed @s (a C string; "\0" cannot be in it, see feed_byte) and check the
 * screen after every byte that leaves a line being edited. */
static void feed_n(struct fixture *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		f->last = line_edit_feed(&f->le, (unsigned char)s[i]);
		if (f->last == LINE_EDIT_DONE) {
			memmove(f->lines[1], f->lines[0],
				sizeof(f->lines) - sizeof(f->lines[0]));
			strcpy(f->lines[0], f->buf);
			f->done++;
		} else if (f->last == LINE_EDIT_CANCELLED) {
			f->cancelled++;
		} else if (!f->le.finished) {	/* not the LF of a CRLF */
			check_screen(f);
		}
	}
}

static void feed(struct fixture *f, const char *s)
{
	feed_n(f, s, strlen(s));
}

static struct fixture *new_fixture(void)
{
	struct fixture *f = malloc(sizeof(*f));

	assert_non_null(f);
	setup_size(f, sizeof(f->buf));
	return f;
}

/* before: empty line; after: "help" typed and Enter: one line, "help". */
static void line_edit_test_typing_and_enter(void **state)
{
	struct fixture *f = new_fixture();

	(void)state;
	feed(f, "help");
	assert_string_equal(f->buf, "help");
	feed(f, "\r");
	assert_int_equal(f->last, LINE_EDIT_DONE);
	assert_int_equal(f->done, 1);
	assert_string_equal(f->lines[0], "help");
	assert_int_equal(f->term.row, 1);
	free(f);
}

/* '\r', '\n' and "\r\n" each end one line; "\n\n" is two lines. */
static void line_edit_test_crlf_counts_once(void **state)
{
	struct fixture *f = new_fixture();

	(void)state;
	feed(f, "a\r\nb\nc\r\n\r\nd\n\n");
	assert_int_equal(f->done, 6);
	assert_string_equal(f->lines[5], "a");
	assert_string_equal(f->lines[4], "b");
	assert_string_equal(f->lines[3], "c");
	assert_string_equal(f->lines[2], "");
	assert_string_equal(f->lines[1], "d");
	assert_string_equal(f->lines[0], "");
	free(f);
}

/* Backspace, both bytes, at the end and in the middle; at column 0 it does
 * nothing. */
static void line_edit_test_backspace(void **state)
{
	struct fixture *f = new_fixture();

	(void)state;
	feed(f, "abcd\x7f\b");
	assert_string_equal(f->buf, "ab");
	feed(f, "xyz\x1b[D\x1b[D\x7f");		/* "abxyz", cursor after b|x */
	assert_string_equal(f->buf, "abyz");
	assert_int_equal(f->le.cursor, 2);
	feed(f, "\x1b[H\x7f\b");
	assert_string_equal(f->buf, "abyz");
	assert_int_equal(f->le.cursor, 0);
	free(f);
}

/* Left, right, Home and End in all their spellings, inserting in the
 * middle, and Delete. */
static void line_edit_test_cursor_keys_and_insert(void **state)
{
	struct fixture *f = new_fixture();

	(void)state;
	feed(f, "mp 1000");
	feed(f, "\x1b[H");
	assert_int_equal(f->le.cursor, 0);
	feed(f, "\x1b[C\x1b[D\x01" "a");		/* Ctrl-A, then insert */
	assert_string_equal(f->buf, "amp 1000");
	feed(f, "\x1bOF");
	assert_int_equal(f->le.cursor, 8);
	feed(f, "\x1bOH\x1b[C\x1b[C\x1b[C\x1b[3~");	/* delete the space */
	assert_string_equal(f->buf, "amp1000");
	feed(f, "\x1b[1~\x1b[3~\x1b[4~\x05\x1b[F");
	assert_string_equal(f->buf, "mp1000");
	assert_int_equal(f->le.cursor, 6);
	feed(f, "\x1b[C\x1b[3~");			/* at the end: nothing */
	assert_string_equal(f->buf, "mp1000");
	feed(f, "\x1b[H\x1b[D");			/* at the start: nothing */
	assert_int_equal(f->le.cursor, 0);
	free(f);
}

/* Ctrl-U empties the line wherever the cursor is; Ctrl-C abandons it with
 * "^C" and starts the next one empty. */
static void line_edit_test_kill_and_cancel(void **state)
{
	struct fixture *f = new_fixture();

	(void)state;
	feed(f, "garbage\x1b[D\x1b[D\x15");
	assert_string_equal(f->buf, "");
	feed(f, "half a command\x03");
	assert_int_equal(f->cancelled, 1);
	assert_int_equal(f->done, 0);
	assert_string_equal(f->buf, "");
	assert_memory_equal(f->term.cells[0], "half a command^C", 16);
	assert_int_equal(f->term.row, 1);
	feed(f, "ok\r");
	assert_string_equal(f->lines[0], "ok");
	free(f);
}

/* Up and Down walk the history, newest first; Down past the newest gives
 * back the line being typed; duplicates of the newest and empty lines are
 * not kept. */
static void line_edit_test_history(void **state)
{
	struct fixture *f = new_fixture();

	(void)state;
	feed(f, "one\rtwo\rtwo\r\rthree\r");
	feed(f, "par");
	feed(f, "\x1b[A");
	assert_string_equal(f->buf, "three");
	feed(f, "\x1b[A");
	assert_string_equal(f->buf, "two");
	feed(f, "\x1b[A");
	assert_string_equal(f->buf, "one");
	feed(f, "\x1b[A");				/* no older entry */
	assert_string_equal(f->buf, "one");
	feed(f, "\x1b[B\x1b[B");
	assert_string_equal(f->buf, "three");
	feed(f, "\x1b[B");
	assert_string_equal(f->buf, "par");
	feed(f, "\x1b[B");
	assert_string_equal(f->buf, "par");
	feed(f, "\x1b[A\x1b[A!\r");			/* edit a recalled line */
	assert_string_equal(f->lines[0], "two!");
	free(f);
}

/* Only the last LINE_EDIT_HISTORY lines are kept. */
static void line_edit_test_history_keeps_the_last_n(void **state)
{
	struct fixture *f = new_fixture();
	char line[16];

	(void)state;
	for (int i = 0; i < LINE_EDIT_HISTORY + 5; i++) {
		snprintf(line, sizeof(line), "cmd%d\r", i);
		feed(f, line);
	}
	for (int i = 0; i < LINE_EDIT_HISTORY + 3; i++)
		feed(f, "\x1b[A");
	snprintf(line, sizeof(line), "cmd%d", 5);
	assert_string_equal(f->buf, line);
	free(f);
}

/* A full line refuses the next byte and echoes nothing for it; the bytes
 * typed later still edit the line. */
static void line_edit_test_overlong_line_refused(void **state)
{
	struct fixture *f = new_fixture();
	char big[LINE_EDIT_MAX + 11];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	feed(f, big);
	assert_int_equal(f->le.len, LINE_EDIT_MAX);
	assert_int_equal(f->term.col, LINE_EDIT_MAX);
	feed(f, "\x1b[Hy");				/* full: refused here too */
	assert_int_equal(f->buf[0], 'x');
	feed(f, "\x1b[3~y\r");
	assert_int_equal(strlen(f->lines[0]), LINE_EDIT_MAX);
	assert_int_equal(f->lines[0][0], 'y');
	free(f);
}

/* A small caller buffer bounds the line (the buffer is exactly its size
 * under ASan: a write past it would show). */
static void line_edit_test_small_buffer(void **state)
{
	struct line_edit *le = malloc(sizeof(*le));
	char *buf = malloc(4);
	struct term_model *m = calloc(1, sizeof(*m));

	(void)state;
	memset(m->cells, ' ', sizeof(m->cells));
	line_edit_init(le, buf, 4, model_echo, m);
	for (const char *s = "abcdefg\x1b[D\x1b[DZ"; *s; s++)
		line_edit_feed(le, (unsigned char)*s);
	assert_string_equal(buf, "abc");
	assert_int_equal(line_edit_feed(le, '\r'), LINE_EDIT_DONE);
	assert_string_equal(buf, "abc");
	assert_string_equal(m->bad, "");
	free(le);
	free(buf);
	free(m);
}

/* Unknown sequences, Alt-keys, other control bytes and bytes from 0x80 up
 * change nothing; a control byte inside a sequence is taken as itself. */
static void line_edit_test_junk_is_dropped(void **state)
{
	struct fixture *f = new_fixture();
	static const char junk[] =
		"\x1b[1;5C"		/* Ctrl-Right */
		"\x1b[5~\x1b[6~"	/* Page Up, Page Down */
		"\x1b[99~\x1b[2~"	/* no such key, Insert */
		"\x1b[?25h"		/* a private sequence */
		"\x1b[123456789012D"	/* a huge parameter */
		"\x1bx\x1bOx\x1b\x1b"	/* Alt-x, SS3 x, two ESCs */
		"[A"			/* ...whose second starts this */
		"\x01\x05"		/* Home, End on an empty line */
		"\t\x02\x04\x07\x0b\x0c\x0e\x1c\x1f"
		"\x80\xff\xc3\xa9\x9b" "A";	/* C1 CSI, then 'A' is plain */

	(void)state;
	feed(f, "ab");
	feed_n(f, junk, sizeof(junk) - 1);
	assert_string_equal(f->buf, "abA");
	feed(f, "\x1b[12");
	feed(f, "\r");				/* Enter still works */
	assert_int_equal(f->done, 1);
	assert_string_equal(f->lines[0], "abA");
	feed(f, "\x1b\x03");			/* Ctrl-C after a stray ESC */
	assert_int_equal(f->cancelled, 1);
	free(f);
}

/* Random bytes, weighted towards keys and sequence pieces: the screen
 * always agrees with the line, nothing overflows (ASan), and the echo
 * holds nothing but what the model knows. */
static void line_edit_test_random_bytes_keep_echo_and_line_equal(void **state)
{
	static const char pieces[][8] = {
		"\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F",
		"\x1b[3~", "\x1bOH", "\x1bOF", "\x7f", "\b", "\x15", "\x1b",
		"\x1b[", "\x1b[1;", "x", "yz", "0", "~",
	};
	struct fixture *f = new_fixture();
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		unsigned int r;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		r = (unsigned int)(seed >> 33);
		if (r % 4 == 0) {
			feed(f, pieces[(r >> 8) % (sizeof(pieces) / 8)]);
		} else if (r % 4096 == 1) {
			/* now and then a new editor with a smaller buffer */
			setup_size(f, sizeof(f->buf) - (r >> 8) % 8);
		} else {
			char c = (char)(r >> 8);

			feed_n(f, &c, 1);
		}
		if (f->term.row >= ROWS - 2) {	/* a fresh screen */
			memset(f->term.cells, ' ', sizeof(f->term.cells));
			for (int row = 0; row < ROWS; row++)
				f->term.cells[row][COLS] = '\0';
			f->term.row = 0;
		}
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_edit_test_typing_and_enter),
		cmocka_unit_test(line_edit_test_crlf_counts_once),
		cmocka_unit_test(line_edit_test_backspace),
		cmocka_unit_test(line_edit_test_cursor_keys_and_insert),
		cmocka_unit_test(line_edit_test_kill_and_cancel),
		cmocka_unit_test(line_edit_test_history),
		cmocka_unit_test(line_edit_test_history_keeps_the_last_n),
		cmocka_unit_test(line_edit_test_overlong_line_refused),
		cmocka_unit_test(line_edit_test_small_buffer),
		cmocka_unit_test(line_edit_test_junk_is_dropped),
		cmocka_unit_test(line_edit_test_random_bytes_keep_echo_and_line_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
