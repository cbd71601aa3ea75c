/*
 * kernel/frame.h - the kernel's physical frame allocator: the one instance
 * of the allocator core (kernel/pmm.c) that the rest of the kernel takes
 * its 4 KiB frames from. kernel/memory.c starts it from the memory map.
 *
 * pmm_* is the core, written against a caller-owned struct pmm and tested
 * on the host; frame_* is the kernel's allocator built on it, which zeroes
 * what it hands out, panics on a bad free and can be told to fail.
 * Safe on every CPU at once and from interrupt handlers (one spinlock).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "kernel/types.h"

struct pmm;

/*
 * Start the allocator over the usable regions of the normalized map
 * @regions, keeping its metadata in the @size bytes at physical @meta
 * (reached through the direct map, and reserved here). Boot only; stops the
 * boot with a message if the allocator cannot be set up.
 */
void frame_init(const struct memmap_region *regions, size_t n, paddr_t meta,
		size_t size);

/* One zeroed 4 KiB frame, or 0 when memory is exhausted. */
paddr_t frame_alloc(void);

/* Keep the free frames of [start, end) from ever being handed out (boot
 * only; @what names the range if that fails, which stops the boot). */
void frame_reserve(paddr_t start, paddr_t end, const char *what);

/* Give back a frame from frame_alloc(). Freeing anything else, or twice,
 * is a kernel bug and panics naming the address. */
void frame_free(paddr_t frame);

/* Frames frame_alloc() can still hand out. */
uint64_t frame_free_count(void);

/* Fault injection for tests: after @n more successful frame_alloc() calls,
 * fail every call until frame_fail_after(-1) turns it off. */
void frame_fail_after(int64_t n);

/* Called once the kernel's own tables map all RAM at PHYS_OFFSET; before,
 * only frames below BOOT_DIRECT_MAP_LIMIT can be zeroed and handed out. */
void frame_direct_map_ready(void);

/* The allocator itself, for statistics, the page-table auditor and tests. */
struct pmm *frame_pmm(void);
