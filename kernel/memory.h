/*
 * kernel/memory.h - physical memory: the clean memory map and the frame
 * allocator the rest of the kernel uses.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "kernel/types.h"

struct boot_info;
struct pmm;

/* Keel refuses to boot with less usable memory than this. */
#define MEMORY_MIN_MIB 16

/*
 * Build the normalized memory map from the boot information (the Multiboot2
 * map, and the EFI map when there is one), reserve what the kernel occupies,
 * and start the frame allocator. Stops the boot with a one-line message when
 * there is no memory map or too little memory.
 */
void memory_init(const struct boot_info *info, uint64_t info_phys,
		 unsigned int phys_bits);

/* The normalized map, sorted; *@n receives the number of regions. */
const struct memmap_region *memory_map(size_t *n);

/* Print the normalized map and the totals. */
void memory_print_map(void);

/* One zeroed 4 KiB frame, or 0 when memory is exhausted. */
paddr_t frame_alloc(void);

/* Called once the kernel's own tables map all RAM at PHYS_OFFSET; before,
 * only frames below BOOT_DIRECT_MAP_LIMIT can be zeroed and handed out. */
void memory_direct_map_ready(void);

/* Frames frame_alloc() can still hand out. */
uint64_t frame_free_count(void);

/* Fault injection for tests: after @n more successful frame_alloc() calls,
 * fail every call until frame_fail_after(-1) turns it off. */
void frame_fail_after(int64_t n);

/* Give back a frame from frame_alloc(). Freeing anything else, or twice,
 * is a kernel bug and panics naming the address. */
void frame_free(paddr_t frame);

/* The kernel's allocator itself, for statistics, the page-table auditor
 * and tests. */
struct pmm *memory_pmm(void);
