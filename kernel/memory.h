/*
 * kernel/memory.h - physical memory at boot: the loader's memory map made
 * clean (sorted, non-overlapping, the kernel and boot information claimed),
 * and the frame allocator started over its usable regions.
 *
 * The memory path, top to bottom (an arrow is a call):
 *
 *   kmalloc(), kfree()                    kernel/heap.c
 *     |                      |
 *     | vmm_map(), ...       | frame_alloc(), frame_free():
 *     v                      | a frame per heap page
 *   vmm_map(), vmm_unmap(),  |            kernel/vmm.h (generic),
 *   vmm_release_tables()     |            arch/x86_64/vmm.c (x86_64)
 *     |                      |
 *     | paging_map(), ... on |
 *     | the kernel tree      |
 *     v                      |
 *   paging_map(), ...        |            arch/x86_64/paging.c
 *     |                      |
 *     | new page tables      |
 *     v                      v
 *   frame_alloc(), frame_free()           kernel/frame.c
 *     |
 *     v
 *   pmm_alloc(), pmm_free()               kernel/pmm.c (the core)
 *     ^
 *     | pmm_init() from frame_init(), over the usable regions
 *     |
 *   memory_init(), memory_map()           kernel/memory.c (this module)
 *     |
 *     | memmap_parse_mb2(), memmap_normalize(): the loader's map
 *     v
 *   struct memmap_region[]                lib/memmap.c
 *
 * Boot order (kernel/main.c): memory_init() starts the frame allocator;
 * vm_init() (arch/x86_64/vm.c) builds the kernel tree with paging_map()
 * over memory_map(), its tables from frame_alloc(), and loads it; then
 * kheap_init().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "kernel/types.h"

struct boot_info;

/*
 * The frame allocator never hands out the first MiB, though the map keeps
 * calling it usable. Below 1 MiB lie the real-mode interrupt table, the
 * BIOS data area and the EBDA; some firmware writes there after boot (Linux
 * keeps the whole first MiB out of its allocator for that reason); and the
 * start-up code of other CPUs will need a frame there. It is also where
 * GRUB ran: under QEMU's emulation every write to a page holding code it
 * translated takes a slow path, and page tables placed there made a BIOS
 * boot 60 ms slower.
 */
#define MEMORY_LOW_END 0x100000

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

/* The page below 1 MiB kept for the other CPUs' start-up code (never
 * handed out: the allocator skips the first MiB), or 0 if the map has
 * none usable. */
paddr_t memory_ap_start_page(void);

/* The normalized map, sorted; *@n receives the number of regions. */
const struct memmap_region *memory_map(size_t *n);

/* Print the normalized map and the totals. */
void memory_print_map(void);
