/*
 * lib/line_edit.h - a line editor fed one byte at a time: the keys of a
 * terminal (ECMA-48 control functions, as xterm and the kernel's keyboard
 * send them) edit a line in the caller's buffer, and what the terminal must
 * show is handed to an echo callback.
 *
 * Keys: printable bytes (0x20-0x7e) insert at the cursor; Backspace (0x7f
 * or 0x08) deletes left of it, Delete (ESC [ 3 ~) under it; Left and Right
 * (ESC [ D, ESC [ C) move; Home and End (ESC [ H, ESC [ F, ESC O H,
 * ESC O F, ESC [ 1 ~, ESC [ 4 ~, and Ctrl-A, Ctrl-E) jump; Up and Down
 * (ESC [ A, ESC [ B) walk the history; Ctrl-U kills the line; Ctrl-C
 * abandons it; Enter ('\r' or '\n'; "\r\n" counts once) ends it.
 * A byte that would make the line longer than it may be is refused (not
 * inserted, nothing echoed). Escape sequences it does not know, other
 * control bytes and bytes from 0x80 up are dropped whole: they never reach
 * the line or the echo.
 *
 * The echo uses only the line's own bytes, '\b' (one column left), CSI K
 * (erase to the end of the line), CSI n C and CSI n D (n columns right or
 * left), "\n" at the end of a line and "^C\n" for Ctrl-C, which any
 * terminal understands. The editor assumes the line never wraps: the
 * caller's prompt plus LINE_EDIT_MAX columns must fit the terminal.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The longest line: with a prompt of up to 8 columns it fits an 80-column
 * terminal, so no cursor move has to cross a row. */
#define LINE_EDIT_MAX 72
/* Lines kept for Up and Down. */
#define LINE_EDIT_HISTORY 16

/* Where the echo goes: @len bytes to show on the terminal, in order. */
typedef void (*line_edit_echo_fn)(void *ctx, const char *s, size_t len);

enum line_edit_status {
	LINE_EDIT_EDITING,	/* the line is not finished */
	LINE_EDIT_DONE,		/* Enter: the buffer holds the line */
	LINE_EDIT_CANCELLED,	/* Ctrl-C: the line was abandoned */
};

/* The editor's state; the fields are private to lib/line_edit.c (tests
 * read len, cursor and finished). */
struct line_edit {
	char *buf;		/* the caller's; always NUL-terminated */
	size_t cap;		/* most bytes the line may hold */
	size_t len;
	size_t cursor;		/* 0..len: where the next byte goes */
	line_edit_echo_fn echo;
	void *ctx;
	bool finished;		/* the last byte ended a line */
	bool after_cr;		/* the last byte was a '\r' Enter */
	unsigned char esc;	/* escape parser state (enum in the .c) */
	unsigned int param;	/* the CSI parameter so far */
	bool odd_sequence;	/* the CSI has something we do not know */
	char history[LINE_EDIT_HISTORY][LINE_EDIT_MAX + 1];
	size_t hist_count;	/* entries held, up to LINE_EDIT_HISTORY */
	size_t hist_next;	/* the slot the next entry goes in */
	size_t hist_pos;	/* 0: the line being typed; k: k-th newest */
	char saved[LINE_EDIT_MAX + 1];	/* that line, while walking */
};

/*
 * Start editing into @buf of @size bytes (at least 1): lines of up to
 * min(@size - 1, LINE_EDIT_MAX) bytes, with an empty history. @echo gets
 * what to show, with @ctx.
 */
void line_edit_init(struct line_edit *le, char *buf, size_t size,
		    line_edit_echo_fn echo, void *ctx);

/*
 * Take one byte typed at the terminal. Returns LINE_EDIT_DONE when it ended
 * the line (the buffer then holds it, NUL-terminated, and it joins the
 * history unless empty or the same as the newest entry), LINE_EDIT_CANCELLED
 * for Ctrl-C (the buffer is then empty), else LINE_EDIT_EDITING. The byte
 * after a finished line starts a new, empty one.
 */
enum line_edit_status line_edit_feed(struct line_edit *le, unsigned char c);
