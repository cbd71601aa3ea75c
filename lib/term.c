/*
 * lib/term.c - a terminal emulator over a grid of cells (see lib/term.h).
 * Escape sequences follow ECMA-48 5th ed. (CSI syntax §5.4, SGR §8.3.117,
 * ED §8.3.39, EL §8.3.41, CUP §8.3.21, CUU/CUD/CUF/CUB §8.3.22-19); UTF-8
 * follows RFC 3629 §3-4.
 */
#include "lib/term.h"

#define COLOR_MASK	0x0f
#define BRIGHT		0x08

/* C0 control bytes the terminal acts on (ECMA-48 §8.2). */
enum {
	C0_BS = 0x08, C0_HT = 0x09, C0_LF = 0x0a, C0_CR = 0x0d,
	C0_CAN = 0x18, C0_SUB = 0x1a, C0_ESC = 0x1b, DEL = 0x7f,
};

/* The CSI byte classes of ECMA-48 §5.4. */
#define CSI_PARAM_FIRST		0x30	/* 0-9 : ; < = > ? */
#define CSI_PARAM_LAST		0x3f
#define CSI_INTER_FIRST		0x20	/* SP ! " # ... / */
#define CSI_INTER_LAST		0x2f
#define CSI_FINAL_FIRST		0x40	/* @ A-Z [ \ ] ^ _ ` a-z { | } ~ */
#define CSI_FINAL_LAST		0x7e

#define C1_FIRST	0x80
#define C1_LAST		0x9f
#define SURROGATE_FIRST	0xd800
#define SURROGATE_LAST	0xdfff
#define UNICODE_MAX	0x10ffff

static struct term_cell blank(const struct term *t)
{
	return (struct term_cell){ .ch = ' ', .fg = t->fg, .bg = t->bg };
}

/* The foreground actually drawn: bold brightens the eight base colours. */
static uint8_t shown_fg(const struct term *t)
{
	return t->bold ? (uint8_t)(t->fg | BRIGHT) : t->fg;
}

static bool cell_equal(const struct term_cell *a, const struct term_cell *b)
{
	return a->ch == b->ch && a->fg == b->fg && a->bg == b->bg;
}

/* Store @c at cell index @i and draw it, unless the cell holds it already. */
static void set_cell(struct term *t, unsigned int i, struct term_cell c)
{
	struct term_cell *cell = &t->cells[i];

	if (cell_equal(cell, &c))
		return;
	*cell = c;
	t->ops->draw(t->ctx, i % t->cols, i / t->cols, cell);
	t->drawn = true;
}

/* Blank the cells [start, end) of the row-major grid. */
static void erase_range(struct term *t, unsigned int start, unsigned int end)
{
	struct term_cell b = blank(t);

	for (unsigned int i = start; i < end; i++)
		set_cell(t, i, b);
}

/*
 * Make row @row hold @src (cols cells), drawing only the cells that change.
 * The loop keeps what it needs in locals: this is the whole cost of a
 * scroll, and cells that stay the same must cost only a compare.
 */
static void set_row(struct term *t, unsigned int row,
		    const struct term_cell *src)
{
	struct term_cell *dst = &t->cells[row * t->cols];
	void (*draw)(void *, unsigned int, unsigned int,
		     const struct term_cell *) = t->ops->draw;
	void *ctx = t->ctx;
	unsigned int cols = t->cols;

	for (unsigned int c = 0; c < cols; c++) {
		if (cell_equal(&dst[c], &src[c]))
			continue;
		dst[c] = src[c];
		draw(ctx, c, row, &dst[c]);
		t->drawn = true;
	}
}

/*
 * Move every row up by one and blank the last. Each cell is compared with
 * what it held, so only changed cells are drawn: at most cols * rows.
 * Row r + 1 is read before it is overwritten, so going down works in place.
 */
static void scroll_up(struct term *t)
{
	unsigned int last = (t->rows - 1) * t->cols;

	for (unsigned int r = 0; r + 1 < t->rows; r++)
		set_row(t, r, &t->cells[(r + 1) * t->cols]);
	erase_range(t, last, last + t->cols);
}

static void line_feed(struct term *t)
{
	t->col = 0;
	t->wrap_pending = false;
	if (t->row + 1 < t->rows)
		t->row++;
	else
		scroll_up(t);
}

static void put_char(struct term *t, uint32_t ch)
{
	struct term_cell c = { .ch = ch, .fg = shown_fg(t), .bg = t->bg };

	if (t->wrap_pending)
		line_feed(t);
	set_cell(t, t->row * t->cols + t->col, c);
	if (t->col + 1 < t->cols)
		t->col++;
	else
		t->wrap_pending = true;
}

static void tab(struct term *t)
{
	unsigned int next = (t->col / TERM_TAB_WIDTH + 1) * TERM_TAB_WIDTH;

	t->col = next < t->cols ? next : t->cols - 1;
}

static void backspace(struct term *t)
{
	if (t->wrap_pending)
		t->wrap_pending = false;
	else if (t->col > 0)
		t->col--;
}

/* Act on a C0 control byte; the ones not listed are ignored. */
static void control(struct term *t, unsigned char b)
{
	switch (b) {
	case C0_LF:
		line_feed(t);
		break;
	case C0_CR:
		t->col = 0;
		t->wrap_pending = false;
		break;
	case C0_HT:
		tab(t);
		break;
	case C0_BS:
		backspace(t);
		break;
	default:
		break;	/* BEL, VT, FF, ... are ignored */
	}
}

/* --- Escape sequences ----------------------------------------------------- */

/* Parameter @i, or @dflt where it is missing or 0 (ECMA-48 §5.4.2). */
static unsigned int param(const struct term *t, unsigned int i,
			  unsigned int dflt)
{
	if (i >= t->seq.count || t->seq.params[i] == 0)
		return dflt;
	return t->seq.params[i];
}

static void move_to(struct term *t, unsigned int col, unsigned int row)
{
	t->col = col < t->cols ? col : t->cols - 1;
	t->row = row < t->rows ? row : t->rows - 1;
	t->wrap_pending = false;
}

/* @v moved by @n in direction @d (-1, 0 or 1), kept within [0, @max]. */
static unsigned int step(unsigned int v, int d, unsigned int n,
			 unsigned int max)
{
	if (d < 0)
		return v >= n ? v - n : 0;
	if (d > 0)
		return max - v >= n ? v + n : max;
	return v;
}

/* CUU, CUD, CUF, CUB: no scrolling at the edges. */
static void move_by(struct term *t, int dc, int dr)
{
	unsigned int n = param(t, 0, 1);

	move_to(t, step(t->col, dc, n, t->cols - 1),
		step(t->row, dr, n, t->rows - 1));
}

/* One SGR parameter (ECMA-48 §8.3.117, with the aixterm bright colours). */
static void sgr_one(struct term *t, unsigned int p)
{
	if (p == 0) {
		t->fg = t->default_fg;
		t->bg = t->default_bg;
		t->bold = false;
	} else if (p == 1) {
		t->bold = true;
	} else if (p == 22) {
		t->bold = false;
	} else if (p >= 30 && p <= 37) {
		t->fg = (uint8_t)(p - 30);
	} else if (p == 39) {
		t->fg = t->default_fg;
	} else if (p >= 40 && p <= 47) {
		t->bg = (uint8_t)(p - 40);
	} else if (p == 49) {
		t->bg = t->default_bg;
	} else if (p >= 90 && p <= 97) {
		t->fg = (uint8_t)(p - 90 + BRIGHT);
	} else if (p >= 100 && p <= 107) {
		t->bg = (uint8_t)(p - 100 + BRIGHT);
	}
}

static void sgr(struct term *t)
{
	if (t->seq.count == 0)
		sgr_one(t, 0);
	for (unsigned int i = 0; i < t->seq.count; i++)
		sgr_one(t, t->seq.params[i]);
}

/* ED and EL: @first/@end bound the screen or the line; the cursor cell
 * belongs to both halves. */
static void erase(struct term *t, unsigned int first, unsigned int end)
{
	unsigned int cur = t->row * t->cols + t->col;

	switch (param(t, 0, 0)) {
	case 0:
		erase_range(t, cur, end);
		break;
	case 1:
		erase_range(t, first, cur + 1);
		break;
	case 2:
	case 3:
		erase_range(t, first, end);
		break;
	default:
		break;
	}
}

/* DECTCEM, ESC [ ? 25 h / l: the only private mode understood. */
static void private_mode(struct term *t, unsigned char final)
{
	if (t->seq.count != 1 || t->seq.params[0] != 25)
		return;
	if (final == 'h')
		t->cursor_visible = true;
	else if (final == 'l')
		t->cursor_visible = false;
}

static void csi_dispatch(struct term *t, unsigned char final)
{
	unsigned int line = t->row * t->cols;

	if (t->seq.too_many || t->seq.unsupported)
		return;
	if (t->seq.private_marker) {
		if (t->seq.private_marker == '?')
			private_mode(t, final);
		return;
	}
	switch (final) {
	case 'm': sgr(t); break;
	case 'J': erase(t, 0, t->rows * t->cols); break;
	case 'K': erase(t, line, line + t->cols); break;
	case 'H':
	case 'f': move_to(t, param(t, 1, 1) - 1, param(t, 0, 1) - 1); break;
	case 'A': move_by(t, 0, -1); break;
	case 'B': move_by(t, 0, 1); break;
	case 'C': move_by(t, 1, 0); break;
	case 'D': move_by(t, -1, 0); break;
	default: break;		/* an unknown final byte is dropped */
	}
}

static void seq_start(struct term *t)
{
	t->seq = (struct term_seq){ 0 };
	t->state = TERM_ESC;
}

/* A parameter byte: a digit, ';' or a private marker (ECMA-48 §5.4.2). */
static void csi_param(struct term *t, unsigned char b)
{
	struct term_seq *s = &t->seq;

	if (b == ';') {
		if (s->count == 0)
			s->count = 1;	/* ";5" is an empty first parameter */
		if (s->count == TERM_MAX_PARAMS)
			s->too_many = true;
		else
			s->count++;
	} else if (b >= '0' && b <= '9') {
		unsigned int v;

		if (s->count == 0)
			s->count = 1;
		v = s->params[s->count - 1] * 10u + (b - '0');
		s->params[s->count - 1] =
			(uint16_t)(v > TERM_PARAM_MAX ? TERM_PARAM_MAX : v);
	} else if (s->count == 0 && !s->private_marker && b != ':') {
		s->private_marker = (char)b;	/* '<' '=' '>' '?' first */
	} else {
		s->unsupported = true;		/* ':' or a marker later on */
	}
}

/* One byte inside ESC [ ... (ECMA-48 §5.4). */
static void csi_byte(struct term *t, unsigned char b)
{
	if (b >= CSI_PARAM_FIRST && b <= CSI_PARAM_LAST) {
		csi_param(t, b);
	} else if (b >= CSI_INTER_FIRST && b <= CSI_INTER_LAST) {
		t->seq.unsupported = true;
	} else if (b >= CSI_FINAL_FIRST && b <= CSI_FINAL_LAST) {
		t->state = TERM_GROUND;
		csi_dispatch(t, b);
	} else {
		t->state = TERM_GROUND;		/* DEL */
	}
}

static void ground_byte(struct term *t, unsigned char b);

/* A byte while an escape sequence is open; C0 controls act as usual. */
static void seq_byte(struct term *t, unsigned char b)
{
	if (b == C0_ESC) {
		seq_start(t);
		return;
	}
	if (b == C0_CAN || b == C0_SUB) {
		t->state = TERM_GROUND;
		return;
	}
	if (b < 0x20) {
		control(t, b);
		return;
	}
	if (b >= 0x80) {	/* never part of a sequence: text again */
		t->state = TERM_GROUND;
		ground_byte(t, b);
		return;
	}
	if (++t->seq.len > TERM_SEQ_MAX) {
		t->state = TERM_GROUND;
		return;
	}
	if (t->state == TERM_CSI)
		csi_byte(t, b);
	else if (b == '[' && t->seq.len == 1)
		t->state = TERM_CSI;
	else if (b < CSI_INTER_FIRST || b > CSI_INTER_LAST)
		t->state = TERM_GROUND;	/* the final byte of ESC I... F */
}

/* --- UTF-8 ---------------------------------------------------------------- */

/* A decoded code point or single byte: print it, or act on a control. */
static void emit(struct term *t, uint32_t cp)
{
	if (cp == C0_ESC)
		seq_start(t);
	else if (cp < 0x20)
		control(t, (unsigned char)cp);
	else if (cp == DEL || (cp >= C1_FIRST && cp <= C1_LAST))
		return;
	else
		put_char(t, cp);
}

static bool utf8_valid(uint32_t cp, uint32_t min)
{
	return cp >= min && cp <= UNICODE_MAX &&
	       !(cp >= SURROGATE_FIRST && cp <= SURROGATE_LAST);
}

/* Start a sequence at lead byte @b; a byte that cannot lead is U+FFFD. */
static void utf8_lead(struct term *t, unsigned char b)
{
	struct term_utf8 *u = &t->utf8;

	if (b >= 0xc2 && b <= 0xdf)
		*u = (struct term_utf8){ b & 0x1f, 0x80, 1 };
	else if (b >= 0xe0 && b <= 0xef)
		*u = (struct term_utf8){ b & 0x0f, 0x800, 2 };
	else if (b >= 0xf0 && b <= 0xf4)
		*u = (struct term_utf8){ b & 0x07, 0x10000, 3 };
	else
		emit(t, TERM_REPLACEMENT);	/* 80-c1 stray, f5-ff never */
}

static void ground_byte(struct term *t, unsigned char b)
{
	struct term_utf8 *u = &t->utf8;

	if (u->need && (b & 0xc0) == 0x80) {
		u->cp = u->cp << 6 | (b & 0x3f);
		if (--u->need == 0)
			emit(t, utf8_valid(u->cp, u->min) ? u->cp
							  : TERM_REPLACEMENT);
		return;
	}
	if (u->need) {		/* cut short: replace it, then read @b */
		u->need = 0;
		emit(t, TERM_REPLACEMENT);
	}
	if (b < 0x80)
		emit(t, b);
	else
		utf8_lead(t, b);
}

/* --- Entry points --------------------------------------------------------- */

/* Tell the backend where the cursor is, if that or the screen changed. */
static void report_cursor(struct term *t)
{
	if (!t->ops->cursor)
		return;
	if (!t->drawn && t->shown_col == t->col && t->shown_row == t->row &&
	    t->shown_visible == t->cursor_visible)
		return;
	t->ops->cursor(t->ctx, t->col, t->row, t->cursor_visible);
	t->shown_col = t->col;
	t->shown_row = t->row;
	t->shown_visible = t->cursor_visible;
	t->drawn = false;
}

/* A grid with no cells (a zero size at init) takes no output at all. */
static bool is_empty(const struct term *t)
{
	return t->cols == 0 || t->rows == 0;
}

void term_write(struct term *t, const char *s, size_t len)
{
	if (is_empty(t))
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];

		if (t->state == TERM_GROUND)
			ground_byte(t, b);
		else
			seq_byte(t, b);
	}
	report_cursor(t);
}

void term_set_colors(struct term *t, uint8_t fg, uint8_t bg)
{
	t->default_fg = fg & COLOR_MASK;
	t->default_bg = bg & COLOR_MASK;
	t->fg = t->default_fg;
	t->bg = t->default_bg;
	t->bold = false;
}

void term_reset(struct term *t)
{
	t->state = TERM_GROUND;
	t->seq = (struct term_seq){ 0 };
	t->utf8 = (struct term_utf8){ 0 };
	term_set_colors(t, t->default_fg, t->default_bg);
}

void term_newline_if_needed(struct term *t)
{
	if (is_empty(t))
		return;
	if (t->col != 0 || t->wrap_pending)
		line_feed(t);
	report_cursor(t);
}

void term_redraw(struct term *t)
{
	if (is_empty(t))
		return;
	for (unsigned int i = 0; i < t->rows * t->cols; i++)
		t->ops->draw(t->ctx, i % t->cols, i / t->cols, &t->cells[i]);
	t->drawn = true;
	report_cursor(t);
}

void term_init(struct term *t, unsigned int cols, unsigned int rows,
	       struct term_cell *cells, const struct term_ops *ops, void *ctx)
{
	if (cols == 0 || rows == 0 || !cells)
		cols = rows = 0;
	*t = (struct term){
		.cols = cols, .rows = rows, .cells = cells,
		.ops = ops, .ctx = ctx, .cursor_visible = true,
	};
	term_set_colors(t, TERM_DEFAULT_FG, TERM_DEFAULT_BG);
	for (unsigned int i = 0; i < rows * cols; i++)
		cells[i] = blank(t);
	term_redraw(t);
}
