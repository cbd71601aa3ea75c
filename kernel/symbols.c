/*
 * kernel/symbols.c - binary search in the link-time symbol table.
 */
#include "kernel/symbols.h"

#include "lib/string.h"
#include "kernel/layout.h"

struct ksym {
	uint64_t addr;
	const char *name;
};

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];

const char *symbol_lookup(uintptr_t addr, uintptr_t *offset)
{
	size_t lo = 0;
	size_t hi = ksyms_count;

	if (addr < (uintptr_t)__text_start || addr >= (uintptr_t)__text_end)
		return NULL;
	/* Find the last symbol whose address is <= addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (hi == 0 || ksyms_table[lo].addr > addr)
		return NULL;
	*offset = addr - ksyms_table[lo].addr;
	return ksyms_table[lo].name;
}

uintptr_t symbol_address(const char *name)
{
	for (size_t i = 0; i < ksyms_count; i++) {
		if (strcmp(ksyms_table[i].name, name) == 0)
			return ksyms_table[i].addr;
	}
	return 0;
}

size_t symbol_count(void)
{
	return ksyms_count;
}
