/*
 * tests/bench/term_bench.c - what lib/term.c costs per character and per
 * scrolled line on a 128x48 grid (1024x768 with an 8x16 font).
 * scripts/term-bench.sh runs it in both modes and prints the table.
 *
 *   term_bench time        ns per operation of each workload, best of 7
 *   term_bench callgrind   one run of each, one callgrind dump each
 *
 * Output: one line per workload and backend, "name backend ops=N ns=N
 * draws=N" (ns in time mode only).
 *
 * Workloads (each operation is the unit the name gives):
 *   char     a character written over a different one, no scrolling: a
 *            127-character line rewritten after CR, two texts in turn
 *   line     a 128-character line and LF at the bottom of a full screen,
 *            each row unlike the next, so the scroll redraws every cell:
 *            the worst case, what a screenful of text costs
 *   scroll   LF alone on a screen whose rows all differ (the line above,
 *            minus its 128 characters, counted apart)
 *   blank    LF on an empty screen: nothing changes, nothing is drawn
 * Backends:
 *   null     draw() only counts: the terminal's own cost
 *   fb32     draw() paints an 8x16 glyph into a 1024x768 32 bpp buffer,
 *            one pixel store at a time from a made-up font: what a simple
 *            framebuffer renderer adds
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/term.h"

#include "tests/bench/callgrind.h"

#define COLS		128
#define ROWS		48
#define GLYPH_W		8
#define GLYPH_H		16
#define WIDTH		(COLS * GLYPH_W)
#define HEIGHT		(ROWS * GLYPH_H)
#define REPEATS		7

static const uint32_t palette[16] = {
	0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa,
	0xaaaaaa, 0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff,
	0x55ffff, 0xffffff,
};

static uint32_t framebuffer[WIDTH * HEIGHT];
static unsigned long draws;

static void null_draw(void *ctx, unsigned int col, unsigned int row,
		      const struct term_cell *cell)
{
	(void)ctx;
	(void)col;
	(void)row;
	(void)cell;
	draws++;
}

/* A glyph row of a made-up font: any bits that vary with the character. */
static uint8_t glyph_bits(uint32_t ch, unsigned int y)
{
	return (uint8_t)((ch * 0x9e3779b1u) >> (y + 8));
}

static void fb32_draw(void *ctx, unsigned int col, unsigned int row,
		      const struct term_cell *cell)
{
	uint32_t fg = palette[cell->fg], bg = palette[cell->bg];
	uint32_t *p = &framebuffer[row * GLYPH_H * WIDTH + col * GLYPH_W];

	(void)ctx;
	for (unsigned int y = 0; y < GLYPH_H; y++, p += WIDTH) {
		uint8_t bits = glyph_bits(cell->ch, y);

		for (unsigned int x = 0; x < GLYPH_W; x++)
			p[x] = bits & (0x80 >> x) ? fg : bg;
	}
	draws++;
}

static void no_cursor(void *ctx, unsigned int col, unsigned int row,
		      bool visible)
{
	(void)ctx;
	(void)col;
	(void)row;
	(void)visible;
}

static const struct term_ops backends[] = {
	{ null_draw, no_cursor },
	{ fb32_draw, no_cursor },
};
static const char *const backend_names[] = { "null", "fb32" };

static struct term term;
static struct term_cell cells[COLS * ROWS];
static char lines[2 * ROWS][COLS + 1];

/* Lines of text, each unlike the one before it. */
static void make_lines(void)
{
	for (unsigned int r = 0; r < 2 * ROWS; r++)
		for (unsigned int c = 0; c < COLS; c++)
			lines[r][c] = (char)('!' + (r * 7 + c * 3) % 94);
}

static void fill_screen(void)
{
	term_write(&term, "\x1b[H", 3);
	for (unsigned int r = 0; r < ROWS; r++) {
		term_write(&term, lines[r], COLS);
		if (r + 1 < ROWS)
			term_write(&term, "\r\n", 2);
	}
}

struct workload {
	const char *name;
	unsigned long ops;
	void (*prepare)(void);
	void (*run)(unsigned long ops);
};

static void prepare_blank(void)
{
	term_write(&term, "\x1b[2J\x1b[48;1H", 11);
}

/* A full screen, the cursor home: the char workload never scrolls. */
static void prepare_char(void)
{
	fill_screen();
	term_write(&term, "\x1b[H", 3);
}

static void run_char(unsigned long ops)
{
	for (unsigned long i = 0; i < ops / (COLS - 1); i++) {
		term_write(&term, lines[i & 1], COLS - 1);
		term_write(&term, "\r", 1);
	}
}

static void run_line(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++) {
		term_write(&term, "\n", 1);
		term_write(&term, lines[i % (2 * ROWS)], COLS);
	}
}

/* A screen of distinct rows, then LFs: each scroll redraws every row that
 * is not yet blank. Refilled (not counted) before it runs out. */
static void run_scroll(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		term_write(&term, "\n", 1);
}

static void run_blank(unsigned long ops)
{
	for (unsigned long i = 0; i < ops; i++)
		term_write(&term, "\n", 1);
}

static const struct workload workloads[] = {
	{ "char", (COLS - 1) * 400, prepare_char, run_char },
	{ "line", 200, fill_screen, run_line },
	{ "scroll", 1, fill_screen, run_scroll },
	{ "blank", 400, prepare_blank, run_blank },
};
#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One timed pass of @w; "scroll" is repeated over fresh screens. */
static uint64_t run_once(const struct workload *w, unsigned long *ops,
			 unsigned long *drawn)
{
	uint64_t ns = 0;
	unsigned int passes = w->run == run_scroll ? 200 : 1;

	*ops = 0;
	*drawn = 0;
	for (unsigned int p = 0; p < passes; p++) {
		uint64_t t0;

		w->prepare();
		draws = 0;
		t0 = now_ns();
		w->run(w->run == run_scroll ? 1 : w->ops);
		ns += now_ns() - t0;
		*ops += w->run == run_scroll ? 1 : w->ops;
		*drawn += draws;
	}
	return ns;
}

static void bench_time(unsigned int be, const struct workload *w)
{
	uint64_t best = UINT64_MAX;
	unsigned long ops = 0, d = 0;

	for (int i = 0; i < REPEATS; i++) {
		uint64_t ns;

		ns = run_once(w, &ops, &d);
		best = ns < best ? ns : best;
	}
	printf("%s %s ops=%lu ns=%llu draws=%lu\n", w->name, backend_names[be],
	       ops, (unsigned long long)best, d);
}

static void bench_callgrind(unsigned int be, const struct workload *w)
{
	char name[64];
	unsigned long ops = w->run == run_scroll ? 1 : w->ops;

	snprintf(name, sizeof(name), "%s-%s", w->name, backend_names[be]);
	w->prepare();
	draws = 0;
	CALLGRIND_ZERO_STATS;
	CALLGRIND_START_INSTRUMENTATION;
	w->run(ops);
	CALLGRIND_STOP_INSTRUMENTATION;
	CALLGRIND_DUMP_STATS_AT(name);
	printf("%s %s ops=%lu draws=%lu\n", w->name, backend_names[be], ops,
	       draws);
}

int main(int argc, char **argv)
{
	bool cg = argc == 2 && !strcmp(argv[1], "callgrind");

	if (argc != 2 || (!cg && strcmp(argv[1], "time"))) {
		fprintf(stderr, "usage: %s time|callgrind\n", argv[0]);
		return 2;
	}
	make_lines();
	for (unsigned int be = 0; be < 2; be++) {
		term_init(&term, COLS, ROWS, cells, &backends[be], NULL);
		for (unsigned int i = 0; i < NWORKLOADS; i++) {
			if (cg)
				bench_callgrind(be, &workloads[i]);
			else
				bench_time(be, &workloads[i]);
		}
	}
	return 0;
}
