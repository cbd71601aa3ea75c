/*
 * tests/kernel/screen_bench.c - what the screen console costs at
 * 1024x768x32 (128x48 cells of the 8x16 font), drawn into memory the way
 * drivers/screen.c sets it up (cleared, with its record of what is drawn):
 * painting every cell once, against lines that scroll the whole screen.
 */
#include "lib/psf.h"
#include "lib/term.h"
#include "drivers/fb.h"
#include "kernel/arch.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "kernel/timer.h"

extern const uint8_t font_psf[], font_psf_end[];

#define BW	1024
#define BH	768
#define COLS	(BW / 8)
#define ROWS	(BH / 16)
#define LINES	48	/* a screenful, each line scrolling it */

static uint16_t map[FB_GLYPH_MAP];
static const struct psf_map glyphs = { .direct = map };
/* From the heap, not .bss: a benchmark should not grow every boot's image. */
static struct term_cell *cells, *drawn;

/* Line @i: @len printable characters, shifted by i so that no cell keeps
 * its character when the screen scrolls, then a newline. */
static size_t make_line(char *buf, unsigned int i, unsigned int len)
{
	for (unsigned int c = 0; c < len; c++)
		buf[c] = (char)('!' + (c + i) % 94);
	buf[len] = '\n';
	return len + 1;
}

/* Cycles per line for @lines lines of @len characters. */
static uint64_t time_lines(struct term *t, unsigned int lines, unsigned int len)
{
	char buf[COLS + 1];
	uint64_t t0 = arch_cycles();

	for (unsigned int i = 0; i < lines; i++)
		term_write(t, buf, make_line(buf, i, len));
	return (arch_cycles() - t0) / lines;
}

static void report(const char *what, uint64_t cycles)
{
	kbench_report(what, cycles, "cycles");
}

/* The best of ROUNDS: the host's other work only ever adds time. */
#define ROUNDS	5

struct figures {
	uint64_t clear, paint, full, typical;
};

static void keep_best(uint64_t *best, uint64_t v)
{
	if (!*best || v < *best)
		*best = v;
}

static void one_round(struct fb *fb, struct figures *f)
{
	struct term term;
	uint64_t t0 = arch_cycles();

	fb_clear(fb, drawn, 0);
	term_init(&term, COLS, ROWS, cells, &fb_term_ops, fb);
	keep_best(&f->clear, arch_cycles() - t0);
	/* The first screenful fills every cell: the screen written once. */
	keep_best(&f->paint, time_lines(&term, ROWS - 1, COLS - 1) * (ROWS - 1));
	keep_best(&f->full, time_lines(&term, LINES, COLS - 1));
	time_lines(&term, LINES, 60);	/* until only short lines show */
	keep_best(&f->typical, time_lines(&term, LINES, 60));
}

KBENCH(screen_scroll_1024x768x32)
{
	const struct mb2_framebuffer m = {
		.addr = 0x1000, .width = BW, .height = BH, .pitch = BW * 4,
		.bpp = 32, .type = MB2_FB_RGB, .red = { 16, 8 },
		.green = { 8, 8 }, .blue = { 0, 8 },
	};
	struct psf_font font;
	struct figures f = { 0 };
	struct fb fb;
	const char *why;
	uint8_t *buf = kmalloc((size_t)BW * BH * 4);
	uint64_t hz = timer_cycles_hz();

	cells = kmalloc(COLS * ROWS * sizeof(*cells));
	drawn = kmalloc(COLS * ROWS * sizeof(*drawn));
	if (!buf || !cells || !drawn || psf_parse(font_psf, (size_t)(font_psf_end - font_psf),
			      &font, &why) || fb_init(&fb, buf, &m, &font, &glyphs)) {
		kbench_report("screen: cannot set up (no memory or font)", 0, "");
		goto out;
	}
	psf_build_map(&font, map, FB_GLYPH_MAP, 0);
	for (int i = 0; i < ROUNDS; i++)
		one_round(&fb, &f);
	report("screen 1024x768x32: clear and start the terminal", f.clear);
	report("screen 1024x768x32: write the screen once (every cell)", f.paint);
	report("screen 1024x768x32: scrolled line, 127 characters", f.full);
	report("screen 1024x768x32: scrolled line, 60 characters", f.typical);
	if (f.full && f.typical && hz) {
		kbench_report("screen 1024x768x32: scrolled lines per second, "
			      "127 characters", hz / f.full, "lines/s");
		kbench_report("screen 1024x768x32: scrolled lines per second, "
			      "60 characters", hz / f.typical, "lines/s");
	}
out:
	kfree(drawn);
	kfree(cells);
	kfree(buf);
}

/* What the screen console's start spends on the font's code points: the
 * direct map below U+0100 and the sorted table past it (drivers/screen.c
 * load_font()). The first round includes the emulator translating the
 * code, which the boot pays; the best round does not. */
KBENCH(screen_font_maps)
{
	const size_t max = 4096;
	struct psf_wide *wide = kmalloc(max * sizeof(*wide));
	uint64_t first = 0, direct = 0, sorted = 0;
	struct psf_font font;
	const char *why;
	size_t count = 0;

	if (!wide || psf_parse(font_psf, (size_t)(font_psf_end - font_psf),
			       &font, &why)) {
		kbench_report("screen: font maps: cannot set up", 0, "");
		goto out;
	}
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = arch_cycles(), t1;

		psf_build_map(&font, map, FB_GLYPH_MAP, 0);
		t1 = arch_cycles();
		count = psf_build_wide(&font, wide, max, NULL);
		if (i == 0)
			first = arch_cycles() - t0;
		keep_best(&direct, t1 - t0);
		keep_best(&sorted, arch_cycles() - t1);
	}
	kbench_report("screen: font maps, code points past U+00FF", count, "");
	report("screen: font maps, first build of both (as at boot)", first);
	report("screen: font maps, below U+0100, best", direct);
	report("screen: font maps, past U+00FF (sorted), best", sorted);
out:
	kfree(wide);
}
