/*
 * drivers/screen.h - the screen console: the framebuffer or EGA text mode
 * the loader set up, with the kernel's font, behind a lib/term.c terminal.
 * kernel/console.c sends every message here as well as to serial and 0xe9.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct boot_info;

/*
 * Take over the screen described by @info's framebuffer tag: map it
 * (write-combining), pick the backend, and show what was written before
 * (kept from the first line on). Needs the heap. Returns 0, or -ENOENT
 * when there is no usable screen (said on the other consoles: no tag, a
 * format Keel cannot draw, memory beyond the CPU's physical address bits).
 * @phys_bits is the CPU's MAXPHYADDR.
 */
int screen_init(const struct boot_info *info, unsigned int phys_bits);

/* Write to the screen; before screen_init(), keep the text for it. */
void screen_write(const char *s, size_t len);

/*
 * A panic: from here on the screen writes white on red on a fresh line,
 * the escape parser back to ground. Safe from any context; when the panic
 * came from inside the screen code itself, the screen is dropped instead
 * (the other consoles carry the report).
 */
void screen_panic(void);

/* One line for the boot summary: what the screen is. */
void screen_print_summary(void);

/* True once screen_init() succeeded. */
bool screen_active(void);
