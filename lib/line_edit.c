/*
 * lib/line_edit.c - the line editor (lib/line_edit.h). Escape sequences are
 * read as ECMA-48 §5.4 frames them: ESC [, parameter bytes 0x30-0x3f,
 * intermediate bytes 0x20-0x2f, one final byte 0x40-0x7e; SS3 (ESC O) is
 * followed by a single byte. Each key becomes one action, found in a table.
 */
#include "lib/line_edit.h"

#include <stdint.h>

#include "lib/string.h"
#include "lib/vsnprintf.h"

#define KEY_ESC 0x1b
#define KEY_DEL 0x7f
#define CTRL(letter) ((letter) & 0x1f)
/* A CSI parameter stops growing here: no key has a larger one. */
#define PARAM_MAX 9999
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum esc_state {
	ESC_NONE,	/* ordinary bytes */
	ESC_START,	/* after ESC */
	ESC_CSI,	/* after ESC [ */
	ESC_SS3,	/* after ESC O */
};

enum action {
	ACT_IGNORE = 0,	/* every table's zero: unknown keys do nothing */
	ACT_ENTER,
	ACT_BACKSPACE,
	ACT_DELETE,
	ACT_KILL,
	ACT_CANCEL,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_HOME,
	ACT_END,
	ACT_UP,
	ACT_DOWN,
};

/* Control bytes (0x00-0x1f); DEL is handled beside them. */
static const unsigned char control_keys[0x20] = {
	['\r'] = ACT_ENTER,
	['\n'] = ACT_ENTER,
	['\b'] = ACT_BACKSPACE,
	[CTRL('U')] = ACT_KILL,
	[CTRL('C')] = ACT_CANCEL,
	[CTRL('A')] = ACT_HOME,
	[CTRL('E')] = ACT_END,
};

/* The final byte of CSI and SS3 cursor keys (xterm: CSI A ... CSI F). */
static const struct {
	char final;
	unsigned char action;
} cursor_keys[] = {
	{ 'A', ACT_UP },   { 'B', ACT_DOWN }, { 'C', ACT_RIGHT },
	{ 'D', ACT_LEFT }, { 'H', ACT_HOME }, { 'F', ACT_END },
};

/* CSI n ~ keys (VT220 editing keypad; 7 and 8 are rxvt's Home and End). */
static const unsigned char tilde_keys[] = {
	[1] = ACT_HOME, [3] = ACT_DELETE, [4] = ACT_END,
	[7] = ACT_HOME, [8] = ACT_END,
};

/* --- Echo ---------------------------------------------------------------- */

static void emit(struct line_edit *le, const char *s, size_t len)
{
	if (len)
		le->echo(le->ctx, s, len);
}

/* Move the terminal's cursor @n columns: @dir 'C' right, 'D' left. */
static void emit_move(struct line_edit *le, char dir, size_t n)
{
	char seq[16];

	if (n == 0)
		return;
	if (n == 1 && dir == 'D') {
		emit(le, "\b", 1);
		return;
	}
	emit(le, seq, (size_t)snprintf(seq, sizeof(seq), "\x1b[%zu%c", n, dir));
}

/* Show the line from the cursor to its end, erase what was beyond it, and
 * put the terminal's cursor back where the line's is. */
static void redraw_tail(struct line_edit *le)
{
	emit(le, le->buf + le->cursor, le->len - le->cursor);
	emit(le, "\x1b[K", 3);
	emit_move(le, 'D', le->len - le->cursor);
}

/* --- Editing ------------------------------------------------------------- */

static void start_line(struct line_edit *le)
{
	le->len = 0;
	le->cursor = 0;
	le->buf[0] = '\0';
	le->hist_pos = 0;
	le->finished = false;
}

static void insert(struct line_edit *le, char c)
{
	char *at = le->buf + le->cursor;

	if (le->len == le->cap)
		return;		/* refused: the line is full */
	memmove(at + 1, at, le->len - le->cursor + 1);
	*at = c;
	le->len++;
	le->cursor++;
	emit(le, at, le->len - le->cursor + 1);
	emit_move(le, 'D', le->len - le->cursor);
}

/* Remove the byte at the cursor and redraw from there. */
static void remove_at_cursor(struct line_edit *le)
{
	char *at = le->buf + le->cursor;

	memmove(at, at + 1, le->len - le->cursor);
	le->len--;
	redraw_tail(le);
}

static void backspace(struct line_edit *le)
{
	if (le->cursor == 0)
		return;
	le->cursor--;
	emit(le, "\b", 1);
	remove_at_cursor(le);
}

static void delete_under(struct line_edit *le)
{
	if (le->cursor < le->len)
		remove_at_cursor(le);
}

static void move_to(struct line_edit *le, size_t pos)
{
	if (pos < le->cursor)
		emit_move(le, 'D', le->cursor - pos);
	else	/* rewriting the bytes moves right on any terminal */
		emit(le, le->buf + le->cursor, pos - le->cursor);
	le->cursor = pos;
}

/* Make the line @text (at most cap bytes), cursor at its end. */
static void replace_line(struct line_edit *le, const char *text)
{
	move_to(le, 0);
	le->len = strlcpy(le->buf, text, le->cap + 1);
	if (le->len > le->cap)
		le->len = le->cap;
	emit(le, le->buf, le->len);
	emit(le, "\x1b[K", 3);
	le->cursor = le->len;
}

/* --- History ------------------------------------------------------------- */

/* The @k-th newest entry, 1 <= k <= hist_count. */
static const char *history_entry(const struct line_edit *le, size_t k)
{
	return le->history[(le->hist_next + LINE_EDIT_HISTORY - k) %
			   LINE_EDIT_HISTORY];
}

static void history_add(struct line_edit *le)
{
	if (le->len == 0 ||
	    (le->hist_count && strcmp(history_entry(le, 1), le->buf) == 0))
		return;
	strlcpy(le->history[le->hist_next], le->buf, LINE_EDIT_MAX + 1);
	le->hist_next = (le->hist_next + 1) % LINE_EDIT_HISTORY;
	if (le->hist_count < LINE_EDIT_HISTORY)
		le->hist_count++;
}

static void history_up(struct line_edit *le)
{
	if (le->hist_pos == le->hist_count)
		return;
	if (le->hist_pos == 0)
		strlcpy(le->saved, le->buf, sizeof(le->saved));
	le->hist_pos++;
	replace_line(le, history_entry(le, le->hist_pos));
}

static void history_down(struct line_edit *le)
{
	if (le->hist_pos == 0)
		return;
	le->hist_pos--;
	replace_line(le, le->hist_pos ? history_entry(le, le->hist_pos)
				      : le->saved);
}

/* --- Keys ---------------------------------------------------------------- */

static enum line_edit_status finish(struct line_edit *le,
				    enum line_edit_status status)
{
	le->finished = true;
	return status;
}

static enum line_edit_status act(struct line_edit *le, enum action a)
{
	switch (a) {
	case ACT_ENTER:
		emit(le, "\n", 1);
		history_add(le);
		return finish(le, LINE_EDIT_DONE);
	case ACT_CANCEL:
		emit(le, "^C\n", 3);
		start_line(le);
		return finish(le, LINE_EDIT_CANCELLED);
	case ACT_KILL:
		move_to(le, 0);
		emit(le, "\x1b[K", 3);
		le->len = 0;
		le->buf[0] = '\0';
		break;
	case ACT_BACKSPACE: backspace(le); break;
	case ACT_DELETE: delete_under(le); break;
	case ACT_LEFT: move_to(le, le->cursor ? le->cursor - 1 : 0); break;
	case ACT_RIGHT: move_to(le, le->cursor + (le->cursor < le->len)); break;
	case ACT_HOME: move_to(le, 0); break;
	case ACT_END: move_to(le, le->len); break;
	case ACT_UP: history_up(le); break;
	case ACT_DOWN: history_down(le); break;
	case ACT_IGNORE: break;
	}
	return LINE_EDIT_EDITING;
}

static enum action cursor_key(unsigned char final)
{
	for (size_t i = 0; i < ARRAY_SIZE(cursor_keys); i++) {
		if (cursor_keys[i].final == final)
			return cursor_keys[i].action;
	}
	return ACT_IGNORE;
}

/* The key a CSI sequence ending in @final names; unknown ones, and known
 * finals with parameters we do not know (Ctrl-Right is CSI 1 ; 5 C), are
 * ignored. */
static enum action csi_key(const struct line_edit *le, unsigned char final)
{
	if (le->odd_sequence)
		return ACT_IGNORE;
	if (final == '~')
		return le->param < sizeof(tilde_keys) ? tilde_keys[le->param]
						      : ACT_IGNORE;
	return le->param <= 1 ? cursor_key(final) : ACT_IGNORE;
}

/* A byte inside ESC [ ...: collect the parameter, or end the sequence.
 * Returns the key once the final byte has come. */
static enum action csi_byte(struct line_edit *le, unsigned char c)
{
	if (c >= '0' && c <= '9') {
		le->param = le->param * 10 + (c - '0');
		if (le->param > PARAM_MAX)
			le->param = PARAM_MAX;
		return ACT_IGNORE;
	}
	if (c < 0x40) {		/* ';', private markers, intermediates */
		le->odd_sequence = true;
		return ACT_IGNORE;
	}
	le->esc = ESC_NONE;
	return csi_key(le, c);
}

/* Whether @c ends an escape sequence that it does not belong to: a control
 * byte (the user pressed Enter or Ctrl-C after a stray ESC) is then taken
 * as itself; any other byte is part of the sequence. */
static bool breaks_sequence(unsigned char c)
{
	return c < 0x20 || c == KEY_DEL;
}

/* A byte after ESC, ESC [ or ESC O. Returns the key it completes. */
static enum action escape_byte(struct line_edit *le, unsigned char c)
{
	if (c >= 0x80) {	/* not part of any 7-bit sequence: drop both */
		le->esc = ESC_NONE;
		return ACT_IGNORE;
	}
	switch (le->esc) {
	case ESC_START:
		le->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		le->param = 0;
		le->odd_sequence = false;
		return ACT_IGNORE;	/* ESC x (Alt-x) is dropped whole */
	case ESC_SS3:
		le->esc = ESC_NONE;
		return cursor_key(c);
	default:
		return csi_byte(le, c);
	}
}

static enum action plain_byte(struct line_edit *le, unsigned char c)
{
	if (c == KEY_ESC)
		le->esc = ESC_START;
	else if (c == KEY_DEL)
		return ACT_BACKSPACE;
	else if (c < 0x20)
		return control_keys[c];
	else if (c < 0x7f)
		insert(le, (char)c);
	return ACT_IGNORE;	/* bytes from 0x80 up are dropped */
}

void line_edit_init(struct line_edit *le, char *buf, size_t size,
		    line_edit_echo_fn echo, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->buf = buf;
	le->cap = size - 1 < LINE_EDIT_MAX ? size - 1 : LINE_EDIT_MAX;
	le->echo = echo;
	le->ctx = ctx;
	start_line(le);
}

enum line_edit_status line_edit_feed(struct line_edit *le, unsigned char c)
{
	bool after_cr = le->after_cr;

	le->after_cr = false;
	if (after_cr && c == '\n')
		return LINE_EDIT_EDITING;	/* the LF of a CRLF */
	if (le->finished)
		start_line(le);
	if (le->esc != ESC_NONE && breaks_sequence(c))
		le->esc = ESC_NONE;
	if (le->esc != ESC_NONE)
		return act(le, escape_byte(le, c));
	le->after_cr = c == '\r';
	return act(le, plain_byte(le, c));
}
