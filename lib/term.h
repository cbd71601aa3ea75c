/*
 * lib/term.h - a terminal emulator over a grid of character cells: text,
 * a few control bytes and a small subset of ECMA-48 / ANSI X3.64 escapes.
 *
 * The terminal keeps a text shadow of the screen in the caller's cells
 * array and draws through a backend (struct term_ops) that is only ever
 * asked to paint a cell, never to read the screen back. It is pure and
 * freestanding: no allocation, no locks, no global state. One struct term
 * belongs to one writer at a time; the caller serialises.
 *
 * What it understands (bytes, not C strings: NUL is just an ignored byte):
 *   UTF-8 text      decoded into Unicode code points, one cell each.
 *                   Malformed, overlong or surrogate sequences and code
 *                   points above U+10FFFF become U+FFFD. C1 controls
 *                   (U+0080-U+009F) are ignored.
 *   LF              to column 0 of the next line (the kernel's "\n" is a
 *                   whole new line); scrolls at the bottom.
 *   CR              to column 0. CR LF is one new line.
 *   HT              to the next tab stop (every 8 columns), at most the
 *                   last column; cells are not erased.
 *   BS              one column left, no erase; stops at column 0.
 *   ESC I... F      other escape sequences (ECMA-35 §13.2: intermediate
 *                   bytes 0x20-0x2f, then a final byte) are dropped.
 *   CAN, SUB        abort an escape sequence. Other C0 bytes and DEL are
 *                   ignored.
 *   ESC [ ... m     SGR: 0 reset, 1 bold (shown as the bright colour),
 *                   22 not bold, 30-37 / 40-47 colour, 90-97 / 100-107
 *                   bright colour, 39 / 49 default colour. No parameter
 *                   means 0. Other values are ignored.
 *   ESC [ n J       erase: 0 cursor to end of screen, 1 start to cursor,
 *                   2 (or 3) the whole screen. The cursor stays.
 *   ESC [ n K       erase in line: 0 to end, 1 from start, 2 whole line.
 *   ESC [ r ; c H   cursor to row r, column c (1-based, 0 or missing is
 *                   1, clamped to the screen); ESC [ r ; c f the same.
 *   ESC [ n A/B/C/D cursor up/down/right/left n (default 1), clamped, no
 *                   scrolling.
 *   ESC [ ? 25 l/h  hide / show the cursor.
 * Erased cells take the current colours (as the Linux console does).
 *
 * Wrapping is deferred, as on a VT100: a character written in the last
 * column leaves the cursor there with a wrap pending, and the next
 * printable character goes to the start of the next line. So a line of
 * exactly "cols" characters followed by "\n" takes one line, not two. A
 * BS or a cursor move cancels the pending wrap (a BS then leaves the
 * cursor on the last column, over the last character written).
 *
 * Junk never corrupts the grid or the state: a sequence holds at most
 * TERM_MAX_PARAMS parameters (one with more is ignored whole), each value
 * saturates at TERM_PARAM_MAX, an unknown final byte or a sequence with
 * intermediate bytes or an unknown private marker is dropped, ESC inside a
 * sequence starts a new one, DEL ends it, a byte >= 0x80 ends it and is
 * read as text, and a sequence longer than TERM_SEQ_MAX bytes is abandoned
 * (the bytes after it are text again). C0 controls inside a sequence act
 * as they do outside it (ECMA-48 §5.4 note).
 *
 * For the backend (drivers/):
 *   - cell->ch is a Unicode code point, never a byte of UTF-8: map it to
 *     a glyph (a PSF font's Unicode table, or CP437 for EGA text) and show
 *     a replacement glyph for code points the font lacks.
 *   - fg and bg are palette indices 0-15: 0 black, 1 red, 2 green,
 *     3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white (grey), 8-15 the bright
 *     versions in the same order.
 *   - draw() is called only for cells whose content changes; a scroll
 *     moves the shadow and draws at most cols * rows cells, fewer where
 *     the new content of a cell equals the old (blank rows staying blank
 *     cost nothing).
 *   - cursor() (optional) is called at the end of a term_* call whenever
 *     the cursor moved, was shown or hidden, or cells were drawn. A backend
 *     that paints its own cursor repaints the previous cursor cell from the
 *     shadow (cells[row * cols + col], which always holds what the screen
 *     shows) and then paints the cursor at the new place.
 *   - col < cols and row < rows in every call.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERM_MAX_PARAMS	8	/* parameters in one escape sequence */
#define TERM_PARAM_MAX	9999	/* a larger value saturates here */
#define TERM_SEQ_MAX	64	/* bytes after ESC before giving up */
#define TERM_TAB_WIDTH	8
#define TERM_REPLACEMENT 0xfffd	/* U+FFFD REPLACEMENT CHARACTER */

/* Default colours after term_init: light grey on black. */
#define TERM_DEFAULT_FG	7
#define TERM_DEFAULT_BG	0

struct term_cell {
	uint32_t ch;		/* Unicode code point */
	uint8_t fg, bg;		/* palette index 0-15 */
};

struct term_ops {
	/* Draw one cell. Never asked to read anything back. */
	void (*draw)(void *ctx, unsigned int col, unsigned int row,
		     const struct term_cell *cell);
	/* Move (or hide) the cursor. May be NULL. */
	void (*cursor)(void *ctx, unsigned int col, unsigned int row,
		       bool visible);
};

enum term_state { TERM_GROUND, TERM_ESC, TERM_CSI };

/* The parser of one escape sequence (ESC [ params final). */
struct term_seq {
	uint16_t params[TERM_MAX_PARAMS];
	uint8_t count;		/* parameters started so far */
	uint8_t len;		/* bytes since ESC */
	bool too_many;		/* more than TERM_MAX_PARAMS parameters */
	bool unsupported;	/* intermediate byte or misplaced marker */
	char private_marker;	/* '?' ... or 0 */
};

/* A UTF-8 decoder of one code point at a time (RFC 3629). */
struct term_utf8 {
	uint32_t cp;		/* bits so far */
	uint32_t min;		/* smallest code point for this length */
	uint8_t need;		/* continuation bytes still to come */
};

/* All of a terminal's state; the fields are private to lib/term.c. */
struct term {
	unsigned int cols, rows;
	struct term_cell *cells;	/* rows * cols, row-major */
	const struct term_ops *ops;
	void *ctx;
	unsigned int col, row;		/* the cursor, always on the screen */
	bool wrap_pending;		/* last column written, see above */
	bool cursor_visible;
	bool bold;
	uint8_t fg, bg;			/* current colours (fg without bold) */
	uint8_t default_fg, default_bg;
	enum term_state state;
	struct term_seq seq;
	struct term_utf8 utf8;
	/* What cursor() was last told, and whether cells were drawn since. */
	unsigned int shown_col, shown_row;
	bool shown_visible;
	bool drawn;
};

/*
 * term_init - set up @t over @cells (@cols * @rows cells of the caller's
 * memory, kept for the terminal's lifetime), clear it to blanks in the
 * default colours and draw every cell once (the screen's previous content
 * is unknown). @ops->draw is required. A zero @cols or @rows or a NULL
 * @cells gives a terminal that ignores all output and draws nothing.
 */
void term_init(struct term *t, unsigned int cols, unsigned int rows,
	       struct term_cell *cells, const struct term_ops *ops, void *ctx);

/* term_write - interpret @len bytes of @s (see above). */
void term_write(struct term *t, const char *s, size_t len);

/*
 * term_set_colors - set the default colours (palette indices, masked to
 * 0-15) that SGR 0, 39 and 49 return to, and make them the current
 * colours with bold off. Draws nothing.
 */
void term_set_colors(struct term *t, uint8_t fg, uint8_t bg);

/*
 * term_reset - put the parser back to ground (no escape sequence or UTF-8
 * character half read) and the colours back to the defaults; the screen,
 * the cursor position and visibility stay. For a panic that interrupts
 * a writer mid-sequence.
 */
void term_reset(struct term *t);

/*
 * term_newline_if_needed - start a fresh line unless the cursor is at
 * column 0 with no wrap pending.
 */
void term_newline_if_needed(struct term *t);

/* term_redraw - draw every cell from the shadow, e.g. after a mode set. */
void term_redraw(struct term *t);
