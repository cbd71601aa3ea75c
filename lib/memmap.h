/*
 * lib/memmap.h - turn the firmware's physical memory map into a clean one:
 * sorted, non-overlapping regions with usable RAM page-aligned.
 * Inputs: the Multiboot2 "Memory map" tag (type 6) and "EFI memory map" tag
 * (type 17) of the Multiboot2 spec 2.0 §3.6, the latter holding UEFI
 * EFI_MEMORY_DESCRIPTORs (UEFI 2.10 §7.2, GetMemoryMap()).
 *
 * All ranges are half-open, [start, end). Nothing here allocates: every
 * function works in arrays the caller provides.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define MEMMAP_PAGE_SIZE	4096ULL

/* Accepted CPU physical address widths (CPUID 0x80000008 EAX[7:0]). */
#define MEMMAP_MIN_PHYS_BITS	32
#define MEMMAP_MAX_PHYS_BITS	52

/*
 * Region types, in increasing order of restrictiveness: where inputs
 * overlap, the higher value wins. The order follows how long a range stays
 * off limits:
 *
 *   USABLE           free RAM, now
 *   ACPI_RECLAIMABLE RAM once the ACPI tables in it have been read
 *   KERNEL           kernel image, boot info, modules, boot page tables;
 *                    some of it may be given back later, so it must beat
 *                    the two above but never a type below
 *   ACPI_NVS         firmware keeps state here across sleep: never touch
 *   BAD              RAM that reported errors: never touch
 *   RESERVED         anything else, possibly not RAM at all (MMIO)
 *
 * Unknown firmware types count as RESERVED.
 */
enum memmap_type {
	MEMMAP_USABLE,
	MEMMAP_ACPI_RECLAIMABLE,
	MEMMAP_KERNEL,
	MEMMAP_ACPI_NVS,
	MEMMAP_BAD,
	MEMMAP_RESERVED,
	MEMMAP_NR_TYPES
};

/* One firmware entry as reported: base and length, possibly overlapping
 * others, possibly running past the physical address width. */
struct memmap_entry {
	uint64_t base;
	uint64_t length;
	enum memmap_type type;
};

/* A physical range [start, end) the kernel is using. */
struct memmap_range {
	uint64_t start;
	uint64_t end;
};

/* One normalized region, [start, end). */
struct memmap_region {
	uint64_t start;
	uint64_t end;
	enum memmap_type type;
};

/* What memmap_normalize() reads. Either array may be empty (NULL, 0). */
struct memmap_input {
	const struct memmap_entry *entries;	/* firmware map(s), any order */
	size_t nr_entries;
	const struct memmap_range *claimed;	/* become MEMMAP_KERNEL */
	size_t nr_claimed;
	unsigned int phys_bits;		/* CPU physical address width, 32..52 */
};

/* Type of a Multiboot2 memory map entry (1 usable, 2 reserved, 3 ACPI
 * reclaimable, 4 ACPI NVS, 5 bad; anything else reserved). */
enum memmap_type memmap_type_from_mb2(uint32_t mb2_type);

/* Type of an EFI memory descriptor as seen after ExitBootServices():
 * loader, boot-services and conventional memory are usable. */
enum memmap_type memmap_type_from_efi(uint32_t efi_type);

/* Short lower-case name for the boot summary; "unknown" if out of range. */
const char *memmap_type_name(enum memmap_type type);

/*
 * memmap_parse_mb2 - decode a Multiboot2 memory map tag (type 6).
 * @tag:   the tag, starting at its u32 type field; any alignment
 * @avail: bytes readable at @tag (the tag must fit inside)
 * @out:   receives one entry per map entry, in firmware order
 * @cap:   capacity of @out
 * @count: set to the number of entries in the tag
 *
 * Steps by the tag's entry_size, which may exceed 24 bytes. Returns 0,
 * -EBADMSG if the tag is malformed (wrong type, size past @avail,
 * entry_size < 24, a partial entry at the end), -EINVAL for a NULL @tag,
 * or -ENOSPC if @count entries do not fit in @cap (@out is left untouched
 * then, so @cap == 0 asks for the count).
 */
int memmap_parse_mb2(const void *tag, size_t avail,
		     struct memmap_entry *out, size_t cap, size_t *count);

/*
 * memmap_parse_mb2_efi - decode a Multiboot2 EFI memory map tag (type 17).
 * Same contract as memmap_parse_mb2(); steps by descriptor_size, which
 * must be at least 40, the size of EFI_MEMORY_DESCRIPTOR.
 */
int memmap_parse_mb2_efi(const void *tag, size_t avail,
			 struct memmap_entry *out, size_t cap, size_t *count);

/*
 * memmap_normalize - build the clean map.
 * @in:    entries, claimed ranges and the physical address width
 * @out:   receives the regions, sorted by address
 * @cap:   capacity of @out
 * @count: set to the number of regions the map has
 *
 * Rules, in order:
 *  - zero-length entries are ignored; entries starting at or above
 *    2^phys_bits are dropped and the others end there at the latest;
 *  - claimed ranges are entries of type MEMMAP_KERNEL;
 *  - where entries overlap, the more restrictive type wins (see
 *    enum memmap_type); touching runs of one type merge;
 *  - usable regions shrink inward to whole pages, and frame 0 (the first
 *    page) is never usable; what is left of a page becomes a hole.
 * Regions never overlap; gaps between them are memory the firmware did
 * not describe, which is not usable.
 *
 * Returns 0, -EINVAL for bad arguments (phys_bits out of range, NULL
 * array with a nonzero count), or -ENOSPC when the map has more than @cap
 * regions: then the first @cap are written, none past them, and @count
 * still says how many there are.
 *
 * Cost is O(n^2) for n = nr_entries + nr_claimed, with no scratch memory;
 * fine for the few hundred entries firmware reports.
 */
int memmap_normalize(const struct memmap_input *in,
		     struct memmap_region *out, size_t cap, size_t *count);

/* Total bytes of @type in a normalized map. */
uint64_t memmap_total_bytes(const struct memmap_region *regions, size_t n,
			    enum memmap_type type);

/* Total usable bytes in a normalized map. */
static inline uint64_t memmap_usable_bytes(const struct memmap_region *regions,
					   size_t n)
{
	return memmap_total_bytes(regions, n, MEMMAP_USABLE);
}
