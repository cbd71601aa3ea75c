/*
 * kernel/symbols.h - function names for addresses, from a table built into
 * the image at link time (scripts/gen-ksyms.sh).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * The name of the function containing @addr, or NULL when @addr lies outside
 * the kernel's text. *@offset receives how far into the function it is.
 */
const char *symbol_lookup(uintptr_t addr, uintptr_t *offset);

/* The address of the function named @name, or 0. */
uintptr_t symbol_address(const char *name);

/* How many symbols the table holds. */
size_t symbol_count(void);
