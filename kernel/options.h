/*
 * kernel/options.h - the kernel command line options Keel understands.
 *
 *   ktest             run every in-kernel test, then exit QEMU with the result
 *   ktest=PATTERN     run the tests whose name matches PATTERN ('*', '?')
 *   serial=PORT       serial console: com1 (default), com2, com3, com4, an
 *                     I/O port such as 0x3f8, or none
 *   baud=N            serial speed, a divisor of 115200 (default 115200)
 */
#pragma once

#include <stdbool.h>

#include "lib/cmdline.h"

/* Parse @raw, apply the console options and report unknown ones. */
void options_init(const char *raw);

/* The parsed command line. */
const struct cmdline *options(void);
