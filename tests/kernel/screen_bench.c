/*
 * tests/kernel/screen_bench.c - what the screen console costs at
 * 1024x768x32 (128x48 cells of the 8x16 font), drawn into memory: a line
 * that scrolls the whole screen, against writing every cell once.
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
#define LINES	40	/* each scrolls, once the screen is full */

static const char line[] =
	"bench: the quick brown fox jumps over the lazy dog 0123456789\n";

KBENCH(screen_scroll_1024x768x32)
{
	const struct mb2_framebuffer m = {
		.addr = 0x1000, .width = BW, .height = BH, .pitch = BW * 4,
		.bpp = 32, .type = MB2_FB_RGB, .red = { 16, 8 },
		.green = { 8, 8 }, .blue = { 0, 8 },
	};
	static uint16_t map[FB_GLYPH_MAP];
	static struct term_cell cells[128 * 48];
	struct psf_font font;
	struct term term;
	struct fb fb;
	const char *why;
	uint8_t *buf = kmalloc((size_t)BW * BH * 4);
	uint64_t t0, fill, scroll, hz = timer_cycles_hz();

	if (!buf || psf_parse(font_psf, (size_t)(font_psf_end - font_psf),
			      &font, &why) || fb_init(&fb, buf, &m, &font, map)) {
		kbench_report("screen scroll: cannot set up (no memory or font)",
			      0, "");
		kfree(buf);
		return;
	}
	psf_build_map(&font, map, FB_GLYPH_MAP, 0);
	t0 = arch_cycles();
	term_init(&term, fb.cols, fb.rows, cells, &fb_term_ops, &fb);
	fill = arch_cycles() - t0;	/* every cell drawn once */
	for (unsigned int i = 0; i < fb.rows; i++)
		term_write(&term, line, sizeof(line) - 1);
	t0 = arch_cycles();
	for (int i = 0; i < LINES; i++)
		term_write(&term, line, sizeof(line) - 1);
	scroll = (arch_cycles() - t0) / LINES;
	kbench_report("screen 1024x768x32: write every cell once", fill, "cycles");
	kbench_report("screen 1024x768x32: one scrolled line", scroll, "cycles");
	if (scroll && hz)
		kbench_report("screen 1024x768x32: scrolled lines per second",
			      hz / scroll, "lines/s");
	kfree(buf);
}
