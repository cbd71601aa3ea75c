/*
 * drivers/screen.c - the screen console (see drivers/screen.h): chooses the
 * backend for the loader's framebuffer tag (Multiboot2 spec 3.6.12), maps
 * its memory and runs a terminal on it.
 */
#include "drivers/screen.h"

#include "lib/errno.h"
#include "lib/psf.h"
#include "lib/string.h"
#include "lib/term.h"
#include "kernel/heap.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"
#include "kernel/vmm.h"
#include "arch/x86_64/cpu.h"
#include "drivers/fb.h"
#include "drivers/vga_text.h"

/* The font the Makefile links in (build/gen/font.asm). */
extern const uint8_t font_psf[], font_psf_end[];

/* What was written before the screen existed, shown once it does. */
#define EARLY_SIZE	8192
#define NO_GLYPH	0xffff	/* no glyph index is this large in a map */
#define PANIC_FG	15	/* bright white */
#define PANIC_BG	1	/* on red */

/*
 * The terminal's cells and the backend's record of the screen, for the
 * 1024x768 the kernel asks for (8x16 font), in .bss: the loader zeroes it
 * before the kernel runs, where growing the heap by 100 KiB cost a
 * millisecond of the boot under emulation. Bigger screens use the heap.
 */
#define STATIC_CELLS	(128 * 48)

static struct term_cell static_cells[STATIC_CELLS];
static struct term_cell static_drawn[STATIC_CELLS];
static char early[EARLY_SIZE];
/* Text written by an interrupt handler while a write was in progress,
 * drawn by that write when it is done (the terminal is not re-entrant). */
#define PENDING_SIZE	1024
static char pending[PENDING_SIZE];
static size_t pending_len;
static size_t early_len;
static struct psf_font font;
static uint16_t glyph_map[FB_GLYPH_MAP];
/* The font's code points past the direct map, for Lat15-VGA16's 337 and
 * fonts of that kind in .bss; a font that lists more gets heap memory. */
#define STATIC_WIDE	512
static struct psf_wide static_wide[STATIC_WIDE];
static struct psf_map map;
static struct term term;
static struct fb fb;
static struct vga_text vga;
static struct mb2_framebuffer mode;
static bool active;
static bool vga_font_loaded;
static int depth;		/* screen_write() calls in progress */

bool screen_active(void)
{
	return active;
}

/* The font's code points past U+00FF, sorted, in map.wide. */
static void build_wide_map(void)
{
	struct psf_wide *wide = static_wide;
	size_t wanted;

	map.wide = wide;
	map.wide_count = psf_build_wide(&font, wide, STATIC_WIDE, &wanted);
	if (wanted <= STATIC_WIDE)
		return;
	wide = kmalloc(wanted * sizeof(*wide));
	if (!wide) {
		kprintf("screen: no memory for the font's %zu code points past "
			"U+00FF; %zu of them shown\n", wanted, map.wide_count);
		return;
	}
	map.wide = wide;
	map.wide_count = psf_build_wide(&font, wide, wanted, NULL);
}

static int load_font(void)
{
	const char *why;
	int err = psf_parse(font_psf, (size_t)(font_psf_end - font_psf), &font,
			    &why);

	if (err) {
		kprintf("screen: the built-in font is unusable (%s); no screen "
			"console\n", why);
		return err;
	}
	/* A code point no glyph shows is drawn as the font's '?' (or glyph 0
	 * in a font without one). */
	psf_build_map(&font, glyph_map, FB_GLYPH_MAP, NO_GLYPH);
	map.fallback = glyph_map['?'] == NO_GLYPH ? 0 : glyph_map['?'];
	for (uint32_t cp = 0; cp < FB_GLYPH_MAP; cp++)
		if (glyph_map[cp] == NO_GLYPH)
			glyph_map[cp] = map.fallback;
	map.direct = glyph_map;
	build_wide_map();
	return 0;
}

static const char *check_mode(const struct mb2_framebuffer *m,
			      unsigned int phys_bits)
{
	uint64_t end = m->addr + (uint64_t)m->pitch * m->height;

	if (phys_bits < 64 && end > 1ULL << phys_bits)
		return "it lies beyond the CPU's physical address space";
	if (m->type != MB2_FB_EGA_TEXT &&
	    (m->width < font.width || m->height < font.height))
		return "it is smaller than one character";
	return NULL;
}

static int start_vga(void)
{
	void *cells = vmm_map_device(mode.addr, (uint64_t)mode.pitch * mode.height,
				     0);
	void *plane;

	if (!cells)
		return -ENOMEM;
	if (vga_text_font_fits(&font)) {
		plane = vmm_map_device(VGA_FONT_PHYS, VGA_FONT_WINDOW, 0);
		if (plane) {
			vga_text_load_font(plane, &font);
			vga_font_loaded = true;
		}
	}
	vga_text_init(&vga, cells, &mode, vga_font_loaded ? &map : NULL,
		      true);
	return 0;
}

static int start_fb(void)
{
	void *base = vmm_map_device(mode.addr, (uint64_t)mode.pitch * mode.height,
				    VMM_WRITE_COMBINE);

	if (!base)
		return -ENOMEM;
	return fb_init(&fb, base, &mode, &font, &map);
}

/* Start the terminal on the backend, then show the early text. */
static int start_term(void)
{
	bool text = mode.type == MB2_FB_EGA_TEXT;
	unsigned int cols = text ? vga.cols : fb.cols;
	unsigned int rows = text ? vga.rows : fb.rows;
	size_t n = (size_t)cols * rows;
	struct term_cell *cells = static_cells;
	/* The backend's record of what the screen shows. */
	void *drawn = static_drawn;

	if (n > STATIC_CELLS) {
		cells = kmalloc(n * sizeof(*cells));
		drawn = kmalloc(n * sizeof(struct term_cell));
	}
	if (!cells || !drawn) {
		kfree(cells);
		kfree(drawn);
		return -ENOMEM;
	}
	if (text)
		vga_text_clear(&vga, drawn, 0);
	else
		fb_clear(&fb, drawn, 0);
	term_init(&term, cols, rows, cells,
		  text ? &vga_text_term_ops : &fb_term_ops, text ? (void *)&vga :
								  (void *)&fb);
	active = true;
	screen_write(early, early_len);
	return 0;
}

int screen_init(const struct boot_info *info, unsigned int phys_bits)
{
	const char *why;
	int err;

	if (!info->has_framebuffer) {
		kprintf("screen: the loader set up no screen; serial only\n");
		return -ENOENT;
	}
	mode = info->fb;
	if (load_font())
		return -ENOENT;
	why = check_mode(&mode, phys_bits);
	if (why) {
		kprintf("screen: ignoring the framebuffer at %#llx: %s\n",
			(unsigned long long)mode.addr, why);
		return -ENOENT;
	}
	err = mode.type == MB2_FB_EGA_TEXT ? start_vga() : start_fb();
	if (!err)
		err = start_term();
	if (err) {
		kprintf("screen: cannot start the screen console (%s)\n",
			errno_name(err));
		return -ENOENT;
	}
	return 0;
}

static void append(char *buf, size_t *used, size_t size, const char *s,
		   size_t len)
{
	for (size_t i = 0; i < len && *used < size; i++)
		buf[(*used)++] = s[i];
}

/* Draw what interrupt handlers left in pending[], with interrupts off
 * while the buffer is handed over; they may add more meanwhile. */
static void drain_pending(void)
{
	static char chunk[PENDING_SIZE];
	size_t n;

	for (;;) {
		bool irqs = read_rflags() & RFLAGS_IF;

		cli();
		n = pending_len;
		memcpy(chunk, pending, n);
		pending_len = 0;
		if (irqs)
			sti();
		if (!n)
			return;
		term_write(&term, chunk, n);
	}
}

void screen_write(const char *s, size_t len)
{
	if (!active) {
		append(early, &early_len, EARLY_SIZE, s, len);
		return;
	}
	if (depth) {
		append(pending, &pending_len, PENDING_SIZE, s, len);
		return;
	}
	depth++;
	term_write(&term, s, len);
	drain_pending();
	depth--;
}

void screen_panic(void)
{
	if (!active)
		return;
	if (depth) {
		/* The panic came from inside the terminal or a backend: its
		 * state cannot be trusted, so the screen stays as it is. */
		active = false;
		return;
	}
	term_reset(&term);
	term_set_colors(&term, PANIC_FG, PANIC_BG);
	term_write(&term, "\x1b[0m", 4);	/* the defaults: the panic's */
	term_newline_if_needed(&term);
}

void screen_print_summary(void)
{
	if (!active) {
		kprintf("screen: none\n");
		return;
	}
	if (mode.type == MB2_FB_EGA_TEXT) {
		kprintf("screen: EGA text %ux%u at %#llx, %s font\n", mode.width,
			mode.height, (unsigned long long)mode.addr,
			vga_font_loaded ? "Keel's PSF" : "the VGA's own");
		return;
	}
	kprintf("screen: framebuffer %ux%ux%u (pitch %u) at %#llx, %ux%u "
		"cells of %ux%u, %s\n", mode.width, mode.height, mode.bpp,
		mode.pitch, (unsigned long long)mode.addr, fb.cols, fb.rows,
		font.width, font.height,
		vmm_has_write_combine() ? "write-combining (PAT entry 1)" :
					  "write-through (no PAT)");
}
