/*
 * kernel/pmm.h - the physical frame allocator core: hands out and takes back
 * 4 KiB frames of the usable RAM in a normalized memory map (lib/memmap.h).
 * It is pure C and keeps all its state in a struct pmm and a metadata buffer
 * that its caller owns, so the host tests run it unchanged.
 *
 * Design. The usable regions are numbered frame by frame into one dense
 * index space, so the metadata grows with usable memory only, never with
 * the highest address the firmware reports:
 *
 *   regions:  [r0 start, end)   [r1 start, end)     [r2 start, end)
 *   index:    0 .. n0-1         n0 .. n0+n1-1       n0+n1 .. total-1
 *
 * The metadata buffer holds a copy of the region table, then a hierarchy of
 * bitmaps. Level 0 has one bit per frame, set while the frame is free. Each
 * bit of level k+1 says whether one 64-bit word of level k has any bit set;
 * the top level is a single word:
 *
 *   metadata: | struct pmm_region[nr] | level 0 words | level 1 | ... | top |
 *
 * That costs about 33 KiB per GiB of usable RAM (1 bit per 4 KiB frame and
 * 1/64 of that for the levels above), plus 24 bytes per usable region.
 *
 * pmm_alloc() hands out the lowest free frame. A cursor remembers the lowest
 * level-0 word that may hold a free bit, so most allocations read one word;
 * otherwise they walk the hierarchy down from the top word, one word and one
 * find-first-set per level. pmm_free() finds the frame's region (the region
 * of the last operation is tried first, then a binary search), checks the
 * frame really is out (double-free and foreign-frame detection), and sets
 * its bit. Clearing the last bit of a word, or setting the first, updates
 * the level above, and so on up while that changes a word's emptiness.
 *
 * Worst cases, with F usable frames, R usable regions and at most
 * PMM_MAX_RESERVED reserved ranges (log64 F is the number of levels: 4 for
 * 64 GiB, 7 for the 2^52 bytes an x86_64 CPU can address):
 *   pmm_alloc             O(log64 F + log2 R)
 *   pmm_free              O(log64 F + log2 R + PMM_MAX_RESERVED)
 *   pmm_alloc_contiguous  O(F / 64 + R + count)
 *   pmm_reserve_range, pmm_free_contiguous   O(frames in the range / 64 + R)
 *   pmm_init              O(F / 64 + R)
 *
 * The allocator never reads or writes the frames it manages. It is not
 * thread-safe: the kernel serializes calls (with interrupts off or a lock).
 * All ranges are half-open, [start, end).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/memmap.h"
#include "kernel/types.h"

/* Levels for any map: 2^52 frames (a 64-bit address space) need 9. */
#define PMM_MAX_LEVELS		9
/* How many separate ranges pmm_reserve_range() remembers. */
#define PMM_MAX_RESERVED	16

/* One usable region as the allocator keeps it: [start, end), page-aligned,
 * whose first frame has index @first in the dense index space. */
struct pmm_region {
	paddr_t start;
	paddr_t end;
	uint64_t first;
};

/* A range given to pmm_reserve_range(), rounded out to whole frames. */
struct pmm_range {
	paddr_t start;
	paddr_t end;
};

/*
 * The allocator's state. The caller owns it (the kernel has one, static);
 * its fields are private to kernel/pmm.c, declared here only so it can be.
 */
struct pmm {
	struct pmm_region *regions;	/* in the metadata buffer, sorted */
	size_t nr_regions;
	size_t hint;			/* region of the last alloc or free */
	uint64_t *levels[PMM_MAX_LEVELS];	/* [0] one bit per frame */
	size_t nr_levels;
	uint64_t cursor;		/* level-0 words below it are all 0 */
	uint64_t total_frames;
	uint64_t free_frames;
	uint64_t reserved_frames;
	size_t metadata_bytes;
	struct pmm_range reserved[PMM_MAX_RESERVED];
	size_t nr_reserved;
};

/* What pmm_stats() reports; total = free + allocated + reserved. */
struct pmm_stats {
	uint64_t total_frames;		/* usable frames managed */
	uint64_t free_frames;
	uint64_t allocated_frames;	/* handed out and not yet freed */
	uint64_t reserved_frames;	/* taken by pmm_reserve_range() */
	size_t metadata_bytes;		/* of the caller's buffer in use */
};

/* What a physical address is to the allocator (pmm_frame_state()). */
enum pmm_frame_state {
	PMM_FRAME_UNMANAGED,	/* unaligned, or outside every usable region */
	PMM_FRAME_FREE,
	PMM_FRAME_ALLOCATED,	/* handed out by pmm_alloc*() */
	PMM_FRAME_RESERVED,	/* taken by pmm_reserve_range() */
};

/*
 * pmm_metadata_size - bytes of metadata pmm_init() needs for this map.
 * @regions: a normalized map (only MEMMAP_USABLE regions count)
 * @n:       number of regions
 *
 * Depends on usable memory only. The kernel carves this much (rounded up to
 * whole frames) out of a usable region, maps it, hands it to pmm_init(),
 * then reserves its frames with pmm_reserve_range().
 */
size_t pmm_metadata_size(const struct memmap_region *regions, size_t n);

/*
 * pmm_init - set up @pmm with every usable frame of the map free.
 * @regions:  a normalized map, sorted by address; other types are skipped,
 *            and usable regions are shrunk to whole frames, frame 0 excluded
 * @metadata: the caller's buffer, 8-byte aligned, reached through a virtual
 *            address; pmm_init() overwrites it and @pmm keeps pointers into
 *            it, so it must stay in place for the allocator's life
 * @size:     bytes at @metadata
 *
 * Returns 0, -EINVAL (NULL or misaligned @metadata, NULL @regions with @n
 * nonzero, usable regions out of order or overlapping) or -ENOSPC (@size
 * below pmm_metadata_size()). On error @pmm and @metadata are untouched.
 * A map without usable memory is accepted: every allocation then fails.
 * O(F / 64 + R); call it once, during boot.
 */
int pmm_init(struct pmm *pmm, const struct memmap_region *regions, size_t n,
	     void *metadata, size_t size) __must_check;

/*
 * pmm_reserve_range - take the free frames of [start, end) out of use for
 * good: the allocator's own metadata, or anything else the kernel keeps.
 * Every frame the range touches counts (start rounds down, end rounds up);
 * frames outside the usable regions are skipped. They count as reserved and
 * pmm_free() refuses them with -EBUSY.
 *
 * Returns 0, -EINVAL if start > end, -EBUSY if a managed frame of the range
 * is not free (allocated or already reserved), or -ENOSPC if the range
 * holds managed frames and PMM_MAX_RESERVED ranges are already reserved.
 * On error nothing changes.
 */
int pmm_reserve_range(struct pmm *pmm, paddr_t start, paddr_t end)
	__must_check;

/* The lowest free frame, now allocated; 0 when none is left (frame 0 is
 * never managed, so 0 is never a frame). */
paddr_t pmm_alloc(struct pmm *pmm) __must_check;

/*
 * pmm_free - give back a frame that pmm_alloc() or pmm_alloc_contiguous()
 * handed out. Returns 0 or, leaving all state untouched:
 *   -EINVAL  @addr is not 4 KiB-aligned;
 *   -ENOENT  @addr is outside every usable region (this includes 0);
 *   -EEXIST  the frame is free already: a double free, or a frame that was
 *            never handed out (the allocator cannot tell those apart);
 *   -EBUSY   the frame was reserved with pmm_reserve_range().
 * The kernel treats any error as a bug and panics naming @addr and
 * pmm_error_name(err).
 */
int pmm_free(struct pmm *pmm, paddr_t addr) __must_check;

/*
 * pmm_alloc_contiguous - allocate @count physically consecutive frames whose
 * first address is a multiple of @align_frames * PAGE_SIZE.
 * @align_frames: a power of two; 0 counts as 1
 *
 * Returns the first frame's address (the lowest run that fits), or 0 when
 * no run fits, @count is 0 or @align_frames is not a power of two; then
 * nothing changes. A run never spans two regions. O(F / 64 + R + count).
 */
paddr_t pmm_alloc_contiguous(struct pmm *pmm, uint64_t count,
			     uint64_t align_frames) __must_check;

/*
 * pmm_free_contiguous - give back @count frames starting at @addr, all of
 * them allocated. Checks every frame first and frees none on error; the
 * errors are pmm_free()'s, with -ENOENT also for a run that leaves its
 * region, and -EINVAL for @count 0.
 */
int pmm_free_contiguous(struct pmm *pmm, paddr_t addr, uint64_t count)
	__must_check;

/* What @addr is to the allocator; see enum pmm_frame_state. */
enum pmm_frame_state pmm_frame_state(const struct pmm *pmm, paddr_t addr);

/* Whether @addr is a frame handed out by pmm_alloc*() and not yet freed
 * (false for reserved, free, unaligned or unmanaged addresses). */
static inline bool pmm_is_allocated(const struct pmm *pmm, paddr_t addr)
{
	return pmm_frame_state(pmm, addr) == PMM_FRAME_ALLOCATED;
}

/* Frame counts and metadata size, as of now. */
void pmm_stats(const struct pmm *pmm, struct pmm_stats *out);

/* Bytes of usable RAM managed (reserved frames included): what the kernel
 * compares with the least it needs to boot. */
static inline uint64_t pmm_usable_bytes(const struct pmm *pmm)
{
	return pmm->total_frames * PAGE_SIZE;
}

/* A few words on one of pmm_free()'s errors, for the kernel's panic
 * message: "not allocated (double free?)". */
const char *pmm_error_name(int err);
