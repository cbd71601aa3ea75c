/*
 * kernel/bootinfo.h - the boot information, copied out of the loader's
 * memory before anything can overwrite it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/multiboot2.h"

/*
 * Copy and parse the Multiboot2 information at physical @info_phys. A tag
 * with bad contents is reported and left out; a tag list that cannot be
 * walked to its end tag stops the boot (what lies past the break may be
 * memory in use). Never returns NULL. Call once, early in kmain().
 */
const struct boot_info *bootinfo_load(uint32_t info_phys);

/* True when the whole tag list parsed cleanly, up to its end tag. */
bool bootinfo_ok(void);

/* The information loaded by bootinfo_load(). */
const struct boot_info *bootinfo(void);

/* The kernel's copy of the raw information and its size (for tests). */
const void *bootinfo_raw(size_t *size);

/* Where the loader's copy was (physical), so memory code can reserve it. */
uint64_t bootinfo_phys(void);
