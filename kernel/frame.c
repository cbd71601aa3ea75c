/*
 * kernel/frame.c - the kernel's frame allocator: one struct pmm
 * (kernel/pmm.c), zeroing through the direct map, fault injection, and a
 * panic for every misuse.
 */
#include "kernel/frame.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/spinlock.h"

/* Guards kernel_pmm and the fault injection count; taken inside the heap's
 * and the page tables' locks, never around them. */
static struct spinlock frame_lock = SPINLOCK_INIT("frame allocator");
static struct pmm kernel_pmm;
static int64_t allocs_until_failure = -1;	/* -1: no injected failure */
static bool direct_map_complete;

void frame_init(const struct memmap_region *regions, size_t n, paddr_t meta,
		size_t size)
{
	int err = pmm_init(&kernel_pmm, regions, n, phys_to_virt(meta), size);

	if (!err)
		err = pmm_reserve_range(&kernel_pmm, meta, meta + size);
	if (err)
		panic("Keel cannot boot: frame allocator setup failed (%s)",
		      errno_name(err));
}

void frame_reserve(paddr_t start, paddr_t end, const char *what)
{
	uint64_t flags = spin_lock_irqsave(&frame_lock);
	int err = pmm_reserve_range(&kernel_pmm, start, end);

	spin_unlock_irqrestore(&frame_lock, flags);

	if (err)
		panic("Keel cannot boot: cannot reserve %s [%#llx, %#llx) (%s)",
		      what, (unsigned long long)start, (unsigned long long)end,
		      pmm_error_name(err));
}

static paddr_t take_frame(void)
{
	uint64_t flags = spin_lock_irqsave(&frame_lock);
	paddr_t frame = 0;

	if (allocs_until_failure != 0) {
		if (allocs_until_failure > 0)
			allocs_until_failure--;
		frame = pmm_alloc(&kernel_pmm);
	}
	spin_unlock_irqrestore(&frame_lock, flags);
	return frame;
}

paddr_t frame_alloc(void)
{
	paddr_t frame = take_frame();

	/* Frames come lowest first, so this holds unless low memory is
	 * almost all taken before the kernel's tables exist. */
	if (frame && !direct_map_complete && frame >= BOOT_DIRECT_MAP_LIMIT)
		panic("frame %#llx is beyond the boot direct map (4 GiB) while the "
		      "kernel's page tables are built", (unsigned long long)frame);

	if (frame)
		memset(phys_to_virt(frame), 0, PAGE_SIZE);
	return frame;
}

void frame_free(paddr_t frame)
{
	uint64_t flags = spin_lock_irqsave(&frame_lock);
	int err = pmm_free(&kernel_pmm, frame);

	spin_unlock_irqrestore(&frame_lock, flags);
	if (err)
		panic("frame_free(%#llx): %s", (unsigned long long)frame,
		      pmm_error_name(err));
}

uint64_t frame_free_count(void)
{
	return __atomic_load_n(&kernel_pmm.free_frames, __ATOMIC_RELAXED);
}

void frame_fail_after(int64_t n)
{
	uint64_t flags = spin_lock_irqsave(&frame_lock);

	allocs_until_failure = n;
	spin_unlock_irqrestore(&frame_lock, flags);
}

void frame_direct_map_ready(void)
{
	direct_map_complete = true;
}

struct pmm *frame_pmm(void)
{
	return &kernel_pmm;
}
