/*
 * tests/kernel/screen_test.c - the screen backends on memory: the
 * framebuffer renderer at 32, 24, 16 and 8 bits per pixel with pitches that
 * are not width times bytes per pixel, checked pixel by pixel against the
 * font's own bitmaps; EGA text cells written and read back; and the frame
 * allocator kept off the loader's framebuffer.
 */
#include "lib/psf.h"
#include "lib/string.h"
#include "lib/term.h"
#include "drivers/fb.h"
#include "drivers/vga_text.h"
#include "kernel/frame.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "kernel/memory.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"

extern const uint8_t font_psf[], font_psf_end[];

#define W		40	/* pixels: 5 cells of 8 */
#define H		48	/* 3 cells of 16 */
#define SLACK		13	/* pitch bytes past the line: odd on purpose */
#define MAX_PITCH	(W * 4 + SLACK)
#define SENTINEL	0x5a

/* A string literal to the terminal. */
#define TERM_PUTS(t, s) term_write((t), (s), sizeof(s) - 1)

static uint8_t pixels[MAX_PITCH * H];
static struct psf_font font;
static uint16_t map[FB_GLYPH_MAP];
#define WIDE_MAX	512	/* Lat15-VGA16 lists 337 */
static struct psf_wide wide[WIDE_MAX];
static struct psf_map glyphs = { .direct = map, .wide = wide };

static bool load_font(void)
{
	const char *why;

	if (psf_parse(font_psf, (size_t)(font_psf_end - font_psf), &font, &why))
		return false;
	psf_build_map(&font, map, FB_GLYPH_MAP, 0);
	glyphs.fallback = map['?'];
	glyphs.wide_count = psf_build_wide(&font, wide, WIDE_MAX, NULL);
	return true;
}

/* The pixel a mode must hold for palette colour @c, computed here from the
 * format's own rules (not by the driver's code). */
static uint32_t want_pixel(const struct mb2_framebuffer *m, uint8_t c)
{
	const uint8_t *rgb = fb_palette_rgb[c];

	switch (m->bpp) {
	case 32:
	case 24:
		return (uint32_t)rgb[0] << 16 | rgb[1] << 8 | rgb[2];
	case 16:
		return (uint32_t)(rgb[0] >> 3) << 11 | (rgb[1] >> 2) << 5 |
		       rgb[2] >> 3;
	default:
		return c;	/* the palette below is the console's own */
	}
}

static uint32_t read_pixel(const uint8_t *p, uint32_t bytes)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < bytes; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static uint8_t palette8[3 * FB_COLORS];

static struct mb2_framebuffer mode_of(uint8_t bpp)
{
	struct mb2_framebuffer m = {
		.addr = 0x1000, .width = W, .height = H, .bpp = bpp,
		.pitch = W * ((bpp + 7u) / 8u) + SLACK, .type = MB2_FB_RGB,
	};

	if (bpp == 16) {
		m.red = (struct mb2_rgb_field){ 11, 5 };
		m.green = (struct mb2_rgb_field){ 5, 6 };
		m.blue = (struct mb2_rgb_field){ 0, 5 };
	} else if (bpp == 8) {
		m.type = MB2_FB_INDEXED;
		m.palette_colors = FB_COLORS;
		memcpy(palette8, fb_palette_rgb, sizeof(palette8));
		m.palette = palette8;
	} else {
		m.red = (struct mb2_rgb_field){ 16, 8 };
		m.green = (struct mb2_rgb_field){ 8, 8 };
		m.blue = (struct mb2_rgb_field){ 0, 8 };
	}
	return m;
}

/* Check cell (@col, @row) shows glyph @g in @fg on @bg, pixel by pixel. */
static bool glyph_matches(const struct mb2_framebuffer *m, unsigned int col,
			  unsigned int row, uint32_t g, uint8_t fg, uint8_t bg)
{
	uint32_t bytes = (m->bpp + 7u) / 8u;
	const uint8_t *glyph = psf_glyph(&font, g);

	for (uint32_t y = 0; y < font.height; y++) {
		for (uint32_t x = 0; x < font.width; x++) {
			const uint8_t *p = pixels + (row * font.height + y) * m->pitch +
					   (col * font.width + x) * bytes;
			bool ink = glyph[y * font.row_bytes + x / 8] & (0x80 >> (x % 8));

			if (read_pixel(p, bytes) != want_pixel(m, ink ? fg : bg))
				return false;
		}
	}
	return true;
}

/* ... and code point @ch (below U+0100) there. */
static bool cell_matches(const struct mb2_framebuffer *m, unsigned int col,
			 unsigned int row, uint8_t ch, uint8_t fg, uint8_t bg)
{
	return glyph_matches(m, col, row, map[ch], fg, bg);
}

/* Draw "K" and "g" through the terminal at known cells, then check them,
 * the cells around and the pitch padding (never written). */
static void render_at(struct ktest_ctx *t, uint8_t bpp)
{
	struct mb2_framebuffer m = mode_of(bpp);
	static struct term_cell cells[5 * 3];
	struct term term;
	struct fb fb;
	uint32_t line = W * ((bpp + 7u) / 8u);

	if (!load_font()) {
		ktest_skip(t, "the built-in font does not parse");
		return;
	}
	memset(pixels, SENTINEL, sizeof(pixels));
	KT_ASSERT(fb_init(&fb, pixels, &m, &font, &glyphs) == 0);
	KT_ASSERT_EQ(fb.cols, 5);
	KT_ASSERT_EQ(fb.rows, 3);
	term_init(&term, fb.cols, fb.rows, cells, &fb_term_ops, &fb);
	fb_term_ops.cursor(&fb, 0, 0, false);
	TERM_PUTS(&term, "\n\x1b[32;44m K\x1b[0mg");
	fb_term_ops.cursor(&fb, 0, 0, false);
	KT_ASSERT(cell_matches(&m, 1, 1, 'K', 2, 4));
	KT_ASSERT(cell_matches(&m, 2, 1, 'g', 7, 0));
	KT_ASSERT(cell_matches(&m, 0, 1, ' ', 2, 4));
	KT_ASSERT(cell_matches(&m, 4, 2, ' ', 7, 0));
	for (uint32_t y = 0; y < H; y++)
		for (uint32_t i = line; i < m.pitch; i++)
			KT_ASSERT_EQ(pixels[y * m.pitch + i], SENTINEL);
}

KTEST(screen_fb_renders_at_32_bpp)
{
	render_at(t, 32);
}

KTEST(screen_fb_renders_at_24_bpp)
{
	render_at(t, 24);
}

KTEST(screen_fb_renders_at_16_bpp)
{
	render_at(t, 16);
}

KTEST(screen_fb_renders_at_8_bpp_through_the_palette)
{
	render_at(t, 8);
}

#define NOT_LISTED	0xffff

/* The glyph psf_build_wide() found for @cp, by a plain scan of its table
 * (not the binary search under test), or NOT_LISTED. */
static uint16_t listed_glyph(uint32_t cp)
{
	for (size_t i = 0; i < glyphs.wide_count; i++)
		if (wide[i].cp == cp)
			return (uint16_t)wide[i].glyph;
	return NOT_LISTED;
}

/*
 * Code points past U+00FF, written through the terminal as UTF-8, show the
 * glyph the font's unicode table lists for them, not '?': the euro sign
 * and a box-drawing line, which Lat15-VGA16 has. A code point the font
 * lacks (U+E000, private use) shows '?'.
 * before: every code point past U+00FF showed '?'.
 */
KTEST(screen_fb_shows_code_points_past_latin1)
{
	struct mb2_framebuffer m = mode_of(32);
	static struct term_cell cells[5 * 3];
	struct term term;
	struct fb fb;
	uint16_t euro, line;

	if (!load_font()) {
		ktest_skip(t, "the built-in font does not parse");
		return;
	}
	euro = listed_glyph(0x20ac);
	line = listed_glyph(0x2500);
	if (euro == NOT_LISTED || line == NOT_LISTED) {
		ktest_skip(t, "the font has no U+20AC or U+2500");
		return;
	}
	KT_ASSERT_EQ(psf_map_glyph(&glyphs, 0x20ac), euro);
	KT_ASSERT_EQ(psf_map_glyph(&glyphs, 0x2500), line);
	KT_ASSERT(listed_glyph(0xe000) == NOT_LISTED);
	KT_ASSERT(psf_map_glyph(&glyphs, 0xe000) == map['?']);
	KT_ASSERT(fb_init(&fb, pixels, &m, &font, &glyphs) == 0);
	term_init(&term, fb.cols, fb.rows, cells, &fb_term_ops, &fb);
	fb_term_ops.cursor(&fb, 0, 0, false);
	TERM_PUTS(&term, "\xe2\x82\xac\xe2\x94\x80\xee\x80\x80?");
	fb_term_ops.cursor(&fb, 0, 0, false);
	KT_ASSERT(glyph_matches(&m, 0, 0, euro, 7, 0));
	KT_ASSERT(glyph_matches(&m, 1, 0, line, 7, 0));
	KT_ASSERT(cell_matches(&m, 2, 0, '?', 7, 0));
	KT_ASSERT(cell_matches(&m, 3, 0, '?', 7, 0));
	KT_ASSERT(!cell_matches(&m, 0, 0, '?', 7, 0));
	KT_ASSERT(!cell_matches(&m, 1, 0, '?', 7, 0));
}

/* One round of the cursor test, @before a buffer the size of pixels[]. */
static void cursor_round(struct ktest_ctx *t, uint8_t *before)
{
	struct mb2_framebuffer m = mode_of(32);
	static struct term_cell cells[5 * 3];
	struct term term;
	struct fb fb;
	const uint8_t *p;

	KT_ASSERT(load_font());
	KT_ASSERT(fb_init(&fb, pixels, &m, &font, &glyphs) == 0);
	term_init(&term, fb.cols, fb.rows, cells, &fb_term_ops, &fb);
	fb_term_ops.cursor(&fb, 0, 0, false);
	memcpy(before, pixels, sizeof(pixels));
	fb_term_ops.cursor(&fb, 3, 2, true);
	p = pixels + (2 * 16 + 15) * m.pitch + 3 * 8 * 4;
	KT_ASSERT_EQ(read_pixel(p, 4), ~want_pixel(&m, 0));
	KT_ASSERT(memcmp(pixels, before, (2 * 16 + 14) * m.pitch) == 0);
	fb_term_ops.cursor(&fb, 3, 2, false);
	KT_ASSERT(memcmp(pixels, before, sizeof(pixels)) == 0);
}

/* before: the cursor could leave marks. after: showing it inverts exactly
 * the underline rows of its cell, and hiding it restores them. */
KTEST(screen_fb_cursor_shows_and_hides)
{
	uint8_t *before = kmalloc(sizeof(pixels));

	KT_ASSERT(before);
	cursor_round(t, before);
	kfree(before);
}

/* fb_clear paints every pixel of every line in the colour asked for, at
 * every depth, and never the pitch's padding. */
KTEST(screen_fb_clear_paints_every_pixel)
{
	static const uint8_t depths[] = { 32, 24, 16, 8 };
	static struct term_cell drawn[5 * 3];

	KT_ASSERT(load_font());
	for (size_t d = 0; d < sizeof(depths); d++) {
		struct mb2_framebuffer m = mode_of(depths[d]);
		uint32_t bytes = (m.bpp + 7u) / 8u;
		struct fb fb;

		memset(pixels, SENTINEL, sizeof(pixels));
		KT_ASSERT(fb_init(&fb, pixels, &m, &font, &glyphs) == 0);
		fb_clear(&fb, drawn, 4);
		for (uint32_t y = 0; y < H; y++) {
			for (uint32_t x = 0; x < W; x++)
				KT_ASSERT_EQ(read_pixel(pixels + y * m.pitch + x * bytes,
							bytes), want_pixel(&m, 4));
			for (uint32_t i = W * bytes; i < m.pitch; i++)
				KT_ASSERT_EQ(pixels[y * m.pitch + i], SENTINEL);
		}
	}
}

/* before: a scroll redrew every cell. after: with the record of what is
 * drawn, a cell that would look the same is not written again (the pixels
 * poked here survive), and one that changes is. */
KTEST(screen_fb_skips_cells_that_look_the_same)
{
	struct mb2_framebuffer m = mode_of(32);
	static struct term_cell drawn[5 * 3];
	struct fb fb;
	uint8_t *p = pixels + 16 * m.pitch + 8 * 4;	/* cell (1, 1) */

	KT_ASSERT(load_font());
	KT_ASSERT(fb_init(&fb, pixels, &m, &font, &glyphs) == 0);
	fb_clear(&fb, drawn, 0);
	fb_term_ops.draw(&fb, 1, 1, &(struct term_cell){ 'x', 2, 0 });
	p[0] = 0x33;
	fb_term_ops.draw(&fb, 1, 1, &(struct term_cell){ 'x', 2, 0 });
	KT_ASSERT_EQ(p[0], 0x33);
	fb_term_ops.draw(&fb, 1, 1, &(struct term_cell){ ' ', 3, 0 });
	KT_ASSERT(cell_matches(&m, 1, 1, ' ', 7, 0));
	p[0] = 0x33;	/* blanks differ only in background */
	fb_term_ops.draw(&fb, 1, 1, &(struct term_cell){ ' ', 5, 0 });
	KT_ASSERT_EQ(p[0], 0x33);
	fb_term_ops.draw(&fb, 1, 1, &(struct term_cell){ ' ', 5, 6 });
	KT_ASSERT(cell_matches(&m, 1, 1, ' ', 7, 6));
}

/* The EGA test's buffers, from the heap (kept out of every boot's .bss). */
struct ega_bufs {
	uint16_t text[80 * 25];
	struct term_cell cells[80 * 25];
	uint16_t drawn[80 * 25];
};

static void ega_round(struct ktest_ctx *t, struct ega_bufs *b)
{
	const struct mb2_framebuffer m = {
		.addr = VGA_TEXT_PHYS, .width = 80, .height = 25, .pitch = 160,
		.bpp = 16, .type = MB2_FB_EGA_TEXT,
	};
	uint16_t *text = b->text;
	struct vga_text v;
	struct term term;

	KT_ASSERT(load_font());
	KT_ASSERT(vga_text_init(&v, text, &m, &glyphs, false) == 0);
	term_init(&term, 80, 25, b->cells, &vga_text_term_ops, &v);
	TERM_PUTS(&term, "\n\n   \x1b[31;44mR\x1b[0mz");
	KT_ASSERT_EQ(text[2 * 80 + 3], 0x14 << 8 | map['R']);
	KT_ASSERT_EQ(text[2 * 80 + 4], 0x07 << 8 | map['z']);
	KT_ASSERT_EQ(text[0], 0x07 << 8 | map[' ']);
	/* Past U+00FF: the glyph the font lists (one of the VGA's 256). */
	vga_text_term_ops.draw(&v, 6, 2, &(struct term_cell){ 0x2500, 7, 0 });
	KT_ASSERT_EQ(text[2 * 80 + 6], 0x07 << 8 | psf_map_glyph(&glyphs, 0x2500));
	vga_text_term_ops.draw(&v, 7, 2, &(struct term_cell){ 0xe000, 7, 0 });
	KT_ASSERT_EQ(text[2 * 80 + 7], 0x07 << 8 | map['?']);
	/* Without Keel's font in the VGA, ASCII goes as itself. */
	KT_ASSERT(vga_text_init(&v, text, &m, NULL, false) == 0);
	vga_text_term_ops.draw(&v, 79, 24, &(struct term_cell){ 'Q', 15, 1 });
	KT_ASSERT_EQ(text[24 * 80 + 79], 0x4f << 8 | 'Q');
	/* With a record of the cells, an unchanged cell is not written. */
	vga_text_clear(&v, b->drawn, 0);
	KT_ASSERT_EQ(text[24 * 80 + 79], 0x07 << 8 | ' ');
	vga_text_term_ops.draw(&v, 5, 5, &(struct term_cell){ 'Q', 15, 1 });
	text[5 * 80 + 5] = 0x1234;
	vga_text_term_ops.draw(&v, 5, 5, &(struct term_cell){ 'Q', 15, 1 });
	KT_ASSERT_EQ(text[5 * 80 + 5], 0x1234);
	vga_text_term_ops.draw(&v, 5, 5, &(struct term_cell){ 'Q', 14, 1 });
	KT_ASSERT_EQ(text[5 * 80 + 5], 0x4b << 8 | 'Q');	/* bright cyan */
}

/* Cells land at row * stride + col with the VGA's colour numbers (red is
 * 4 there, blue 1), the character being the font's glyph index. */
KTEST(screen_ega_text_written_and_read_back)
{
	struct ega_bufs *b = kmalloc(sizeof(*b));

	KT_ASSERT(b);
	ega_round(t, b);
	kfree(b);
}

/* No frame of the loader's framebuffer that the map calls usable is free. */
KTEST(screen_framebuffer_frames_never_handed_out)
{
	const struct boot_info *info = ktest_boot_info();
	const struct memmap_region *r;
	uint64_t start, end, checked = 0;
	size_t n;

	if (!info || !info->has_framebuffer) {
		ktest_skip(t, "the loader passed no framebuffer");
		return;
	}
	start = info->fb.addr & ~0xfffULL;
	end = info->fb.addr + (uint64_t)info->fb.pitch * info->fb.height;
	r = memory_map(&n);
	for (size_t i = 0; i < n; i++) {
		if (r[i].type != MEMMAP_USABLE)
			continue;
		for (uint64_t pa = start; pa < end; pa += 0x1000) {
			if (pa < r[i].start || pa >= r[i].end)
				continue;
			KT_ASSERT(pmm_is_allocated(frame_pmm(), pa));
			checked++;
		}
	}
	if (!checked)
		ktest_skip(t, "the framebuffer lies outside usable memory "
			   "(as it should): nothing the allocator could hand out");
}

/*
 * For the runner (scripts/test-all.sh, with a screenshot): a panic that
 * comes while the console is mid-line and mid-escape must still start on a
 * line of its own, in its own colours.
 */
KTEST_FLAGS(screen_panic_mid_line, KTEST_EXPLICIT)
{
	kprintf("half a line, \x1b[3");
	panic("deliberate panic in the middle of a line");
}
