/*
 * kernel/memory.c - from the firmware's memory map to a working frame
 * allocator: parse (lib/memmap.c), normalize, reserve the kernel, place the
 * allocator's metadata in usable memory, start it (kernel/frame.c).
 */
#include "kernel/memory.h"

#include "lib/align.h"
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
/* The kernel, the boot information and the modules, after merging: GRUB
 * loads modules back to back, so any number of them is usually one range. */
#define MAX_CLAIMED 64


static struct memmap_entry entries[MAX_ENTRIES];
static struct memmap_region regions[MAX_REGIONS];
static size_t nr_regions;

/* Append the entries of one map tag; returns how many were added. A tag
 * that does not fit is left out whole, never cut: half a map could leave
 * RAM that is in use looking free. */
static size_t add_entries(const char *what, const uint8_t *tag, uint32_t size,
			  size_t used,
			  int (*parse)(const void *, size_t, struct memmap_entry *,
				       size_t, size_t *))
{
	size_t count = 0;
	int err;

	if (!tag)
		return 0;
	err = parse(tag, size, entries + used, MAX_ENTRIES - used, &count);
	if (err == -ENOSPC)
		kprintf("Keel: the %s has %zu entries, more than the %zu left of "
			"%u; ignoring it\n", what, count, MAX_ENTRIES - used,
			MAX_ENTRIES);
	else if (err)
		kprintf("Keel: the %s is malformed (%s); ignoring it\n", what,
			errno_name(err));
	return err ? 0 : count;
}

struct claimed_set {
	struct memmap_range range[MAX_CLAIMED];
	size_t n;
};

static bool touches(const struct memmap_range *a, const struct memmap_range *b)
{
	return a->start <= b->end && b->start <= a->end;
}

/*
 * Add [start, end), widened to whole pages, to @set, merging every range it
 * overlaps or touches. A set that overflows stops the boot: a range left out
 * would be handed out as free memory while its owner still uses it.
 */
static void claim(struct claimed_set *set, uint64_t start, uint64_t end,
		  const char *what)
{
	struct memmap_range r = { ALIGN_DOWN(start, PAGE_SIZE),
				  ALIGN_UP(end, PAGE_SIZE) };

	if (start == end)
		return;
	for (size_t i = 0; i < set->n;) {
		if (!touches(&r, &set->range[i])) {
			i++;
			continue;
		}
		if (set->range[i].start < r.start)
			r.start = set->range[i].start;
		if (set->range[i].end > r.end)
			r.end = set->range[i].end;
		set->range[i] = set->range[--set->n];
		i = 0;		/* the wider range may touch an earlier one */
	}
	if (set->n == MAX_CLAIMED)
		panic("Keel cannot boot: %s at [%#llx, %#llx) makes more than %u "
		      "separate ranges of memory in use", what,
		      (unsigned long long)start, (unsigned long long)end,
		      MAX_CLAIMED);
	set->range[set->n++] = r;
}

/* What the kernel occupies and the loader handed over: every module. */
static void collect_claimed(const struct boot_info *info, uint64_t info_phys,
			    struct claimed_set *set)
{
	struct mb2_module mod;
	uint32_t cursor = 0;

	set->n = 0;
	claim(set, (uintptr_t)__kernel_phys_start, (uintptr_t)__kernel_phys_end,
	      "the kernel");
	if (info_phys)
		claim(set, info_phys, info_phys + info->total_size,
		      "the boot information");
	while (mb2_next_module(info, &cursor, &mod))
		claim(set, mod.start, mod.end, "a boot module");
}

static void normalize(const struct boot_info *info, uint64_t info_phys,
		      unsigned int phys_bits)
{
	static struct claimed_set claimed;
	struct memmap_input in = { .entries = entries, .claimed = claimed.range };
	int err;

	in.nr_entries = add_entries("memory map", info->mmap_tag,
				    info->mmap_tag_size, 0, memmap_parse_mb2);
	in.nr_entries += add_entries("EFI memory map", info->efi_mmap_tag,
				     info->efi_mmap_tag_size, in.nr_entries,
				     memmap_parse_mb2_efi);
	if (in.nr_entries == 0)
		panic("Keel cannot boot: the boot loader passed no usable memory map");
	collect_claimed(info, info_phys, &claimed);
	in.nr_claimed = claimed.n;
	in.phys_bits = phys_bits;
	err = memmap_normalize(&in, regions, MAX_REGIONS, &nr_regions);
	if (err)
		panic("Keel cannot boot: the memory map does not normalize (%s, "
		      "%zu regions)", errno_name(err), nr_regions);
}

/*
 * The allocator's metadata goes at the start of the lowest usable region
 * above the first MiB that holds it and lies below BOOT_DIRECT_MAP_LIMIT,
 * where the boot tables already map it at its direct-map address.
 */
static paddr_t place_metadata(size_t size)
{
	for (size_t i = 0; i < nr_regions; i++) {
		const struct memmap_region *r = &regions[i];
		paddr_t start = r->start < MEMORY_LOW_END ? MEMORY_LOW_END :
							     r->start;

		if (r->type != MEMMAP_USABLE || r->end < start + size ||
		    start + size > BOOT_DIRECT_MAP_LIMIT)
			continue;
		return start;
	}
	panic("Keel cannot boot: no usable region below 4 GiB holds the "
	      "frame allocator's %zu bytes of metadata", size);
}

/*
 * The page the other CPUs start in (a STARTUP IPI names a page below 1 MiB,
 * Intel SDM Vol. 3A 9.4.4): the lowest page from AP_START_MIN that the
 * map calls usable. The frame allocator never hands out the first MiB, so
 * nothing else can take it; what GRUB left there (the boot information)
 * was copied by bootinfo_load() and claimed in the map, so its pages are
 * not "usable" and are skipped.
 */
#define AP_START_MIN 0x8000
#define AP_START_END 0x9f000	/* below the EBDA's usual start */
static paddr_t ap_start_page;

static void choose_ap_start_page(void)
{
	for (size_t i = 0; i < nr_regions && !ap_start_page; i++) {
		const struct memmap_region *r = &regions[i];
		paddr_t p = ALIGN_UP(r->start < AP_START_MIN ? AP_START_MIN :
							     r->start, PAGE_SIZE);

		if (r->type == MEMMAP_USABLE && p + PAGE_SIZE <= r->end &&
		    p + PAGE_SIZE <= AP_START_END)
			ap_start_page = p;
	}
}

paddr_t memory_ap_start_page(void)
{
	return ap_start_page;
}

static void start_allocator(void)
{
	size_t size = pmm_metadata_size(regions, nr_regions);
	size_t rounded = ALIGN_UP(size, PAGE_SIZE);

	frame_init(regions, nr_regions, place_metadata(rounded), rounded);
	frame_reserve(0, MEMORY_LOW_END, "the first MiB");
}

/*
 * A framebuffer is device memory and normally lies outside the usable RAM
 * of the map; firmware that lists it as usable anyway must not see the
 * frame allocator hand its pages out, so they are reserved.
 */
static void reserve_framebuffer(const struct boot_info *info)
{
	uint64_t start = info->fb.addr;
	uint64_t end = start + (uint64_t)info->fb.pitch * info->fb.height;

	if (!info->has_framebuffer)
		return;
	for (size_t i = 0; i < nr_regions; i++) {
		uint64_t lo = regions[i].start > start ? regions[i].start : start;
		uint64_t hi = regions[i].end < end ? regions[i].end : end;

		if (regions[i].type != MEMMAP_USABLE || lo >= hi)
			continue;
		kprintf("Keel: the framebuffer at [%#llx, %#llx) lies in usable "
			"memory; reserving it\n", (unsigned long long)lo,
			(unsigned long long)hi);
		frame_reserve(ALIGN_DOWN(lo, PAGE_SIZE), ALIGN_UP(hi, PAGE_SIZE),
			      "the framebuffer");
	}
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
	choose_ap_start_page();
	reserve_framebuffer(info);
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
