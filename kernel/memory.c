/*
 * kernel/memory.c - from the firmware's memory map to a working frame
 * allocator: parse (lib/memmap.c), normalize, reserve the kernel, place the
 * allocator's metadata in usable memory, start it (kernel/frame.c).
 */
#include "kernel/memory.h"

#include "lib/errno.h"
#include "kernel/frame.h"
#include "kernel/layout.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"

/* Room for the largest maps seen (OVMF: ~100 entries with its EFI map). */
#define MAX_ENTRIES 512
#define MAX_REGIONS 512
#define MAX_CLAIMED (3 + MB2_MAX_MODULES)

static struct memmap_entry entries[MAX_ENTRIES];
static struct memmap_region regions[MAX_REGIONS];
static size_t nr_regions;

/* Append the entries of one map tag; returns how many were added. */
static size_t add_entries(const uint8_t *tag, uint32_t size, size_t used,
			  int (*parse)(const void *, size_t, struct memmap_entry *,
				       size_t, size_t *))
{
	size_t count = 0;
	int err;

	if (!tag)
		return 0;
	err = parse(tag, size, entries + used, MAX_ENTRIES - used, &count);
	if (err) {
		kprintf("Keel: memory map tag ignored (%s, %zu entries)\n",
			errno_name(err), count);
		return 0;
	}
	return count;
}

/* What the kernel occupies and the loader handed over. */
static size_t collect_claimed(const struct boot_info *info, uint64_t info_phys,
			      struct memmap_range *claimed)
{
	size_t n = 0;

	claimed[n++] = (struct memmap_range){
		(uint64_t)(uintptr_t)__kernel_phys_start,
		(uint64_t)(uintptr_t)__kernel_phys_end };
	if (info_phys)
		claimed[n++] = (struct memmap_range){
			info_phys, info_phys + info->total_size };
	for (uint32_t i = 0; i < info->modules && i < MB2_MAX_MODULES; i++)
		claimed[n++] = (struct memmap_range){
			info->module[i].start, info->module[i].end };
	return n;
}

static void normalize(const struct boot_info *info, uint64_t info_phys,
		      unsigned int phys_bits)
{
	struct memmap_range claimed[MAX_CLAIMED];
	struct memmap_input in = { .entries = entries, .claimed = claimed };
	int err;

	in.nr_entries = add_entries(info->mmap_tag, info->mmap_tag_size, 0,
				    memmap_parse_mb2);
	in.nr_entries += add_entries(info->efi_mmap_tag, info->efi_mmap_tag_size,
				     in.nr_entries, memmap_parse_mb2_efi);
	if (in.nr_entries == 0)
		panic("Keel cannot boot: the boot loader passed no usable memory map");
	in.nr_claimed = collect_claimed(info, info_phys, claimed);
	in.phys_bits = phys_bits;
	err = memmap_normalize(&in, regions, MAX_REGIONS, &nr_regions);
	if (err)
		panic("Keel cannot boot: the memory map does not normalize (%s, "
		      "%zu regions)", errno_name(err), nr_regions);
}

/*
 * The allocator's metadata goes at the start of the lowest usable region
 * that holds it and lies below BOOT_DIRECT_MAP_LIMIT, where the boot tables
 * already map it at its direct-map address.
 */
static paddr_t place_metadata(size_t size)
{
	for (size_t i = 0; i < nr_regions; i++) {
		const struct memmap_region *r = &regions[i];

		if (r->type != MEMMAP_USABLE || r->end - r->start < size ||
		    r->start + size > BOOT_DIRECT_MAP_LIMIT)
			continue;
		return r->start;
	}
	panic("Keel cannot boot: no usable region below 4 GiB holds the "
	      "frame allocator's %zu bytes of metadata", size);
}

static void start_allocator(void)
{
	size_t size = pmm_metadata_size(regions, nr_regions);
	size_t rounded = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	frame_init(regions, nr_regions, place_metadata(rounded), rounded);
}

void memory_init(const struct boot_info *info, uint64_t info_phys,
		 unsigned int phys_bits)
{
	uint64_t usable;

	normalize(info, info_phys, phys_bits);
	usable = memmap_usable_bytes(regions, nr_regions);
	if (usable < (uint64_t)MEMORY_MIN_MIB << 20)
		panic("Keel needs at least %u MiB of usable memory, found %llu MiB",
		      MEMORY_MIN_MIB, (unsigned long long)(usable >> 20));
	start_allocator();
}

const struct memmap_region *memory_map(size_t *n)
{
	*n = nr_regions;
	return regions;
}

void memory_print_map(void)
{
	struct pmm_stats st;

	kprintf("memory map, normalized (%zu regions):\n", nr_regions);
	for (size_t i = 0; i < nr_regions; i++)
		kprintf("  [0x%016llx, 0x%016llx) %s\n",
			(unsigned long long)regions[i].start,
			(unsigned long long)regions[i].end,
			memmap_type_name(regions[i].type));
	pmm_stats(frame_pmm(), &st);
	kprintf("usable memory: %llu MiB in %llu frames; %llu free, allocator "
		"metadata %zu KiB\n",
		(unsigned long long)(st.total_frames * PAGE_SIZE >> 20),
		(unsigned long long)st.total_frames,
		(unsigned long long)st.free_frames, st.metadata_bytes >> 10);
}
