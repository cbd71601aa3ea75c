/*
 * tests/kernel/memory_pick.c - addresses for tests from the memory map.
 */
#include "tests/kernel/memory_pick.h"

#include "lib/align.h"
#include "lib/memmap.h"
#include "kernel/memory.h"

bool ktest_usable_block(uint64_t size, paddr_t *start)
{
	size_t n;
	const struct memmap_region *r = memory_map(&n);

	for (size_t i = 0; i < n; i++) {
		paddr_t s = ALIGN_UP(r[i].start, size);

		if (r[i].type != MEMMAP_USABLE || s < r[i].start ||
		    s >= r[i].end || r[i].end - s < size)
			continue;
		*start = s;
		return true;
	}
	return false;
}
