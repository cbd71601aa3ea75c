/*
 * kernel/module.h - the boot modules the loader handed over (Multiboot2
 * 3.6.6), by name: a module's name is the first word of its string, as
 * scripts/mkiso.sh writes "module2 /boot/user/NAME NAME" for each user
 * program. The modules' memory stays reserved (kernel/memory.c) and is read
 * through the direct map.
 */
#pragma once

#include <stddef.h>

#include "kernel/types.h"

struct boot_info;

struct boot_module {
	const char *name;	/* the string's first word ("" if none) */
	const char *string;	/* the whole string, as the loader gave it */
	paddr_t phys;		/* [phys, phys + size) */
	size_t size;
	const void *data;	/* the bytes, read-only, via the direct map */
};

/*
 * Make the table of @info's modules. Call once, after kheap_init(); until
 * then there are no modules. Without memory for a name, that module is
 * reported and left out.
 */
void module_init(const struct boot_info *info);

/* The first module named @name, or NULL. Names are compared whole. */
const struct boot_module *module_find(const char *name);

/* The module after @prev (NULL: the first), or NULL past the last. */
const struct boot_module *module_next(const struct boot_module *prev);

#define for_each_module(m) \
	for (const struct boot_module *m = module_next(NULL); m; \
	     m = module_next(m))

/* How many modules the table holds. */
size_t module_count(void);

/*
 * Print one line per module: its name, size, and whether lib/elf.c accepts
 * it as a program (entry and segments) or why not (the shell's
 * "programs").
 */
void module_print_programs(void);
