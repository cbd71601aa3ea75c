/*
 * kernel/options.h - the kernel command line options Keel understands.
 *
 *   ktest             run every in-kernel test, then exit QEMU with the result
 *   ktest=PATTERN     run the tests whose name matches PATTERN ('*', '?')
 *   serial=PORT       serial console: com1 (default), com2, com3, com4, an
 *                     I/O port such as 0x3f8, or none
 *   baud=N            serial speed, a divisor of 115200 (default 115200)
 *   timer_hz=N        timer tick rate (default 1000)
 *   bench             run the in-kernel benchmarks, then exit QEMU
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/cmdline.h"

/* Parse @raw, apply the console options and report unknown ones. */
void options_init(const char *raw);

/* The value of @name as a number in [@min, @max], or @fallback when it is
 * absent, not a number or out of range (the last two are reported). */
uint32_t options_u32_range(const char *name, uint32_t fallback, uint32_t min,
			   uint32_t max);

/* The parsed command line. */
const struct cmdline *options(void);
