/*
 * kernel/sys_mem.c - brk, mmap (anonymous, private), munmap and mprotect.
 * Memory is given when asked for: each page is a fresh zeroed frame, mapped
 * at once. mmap() hands out addresses downwards from MMAP_TOP and does not
 * reuse holes (MAP_FIXED may); the break grows up from the program's end
 * and may not reach the lowest mmap() area.
 */
#include "kernel/syscall_internal.h"

#include "lib/align.h"
#include "lib/errno.h"
#include "kernel/frame.h"
#include "kernel/process.h"
#include "kernel/uspace.h"
#include "kernel/vmm.h"

#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define PROT_KNOWN	(PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
/* Flags that only advise, accepted and ignored: NORESERVE, POPULATE. */
#define MAP_IGNORED	(0x4000 | 0x8000)

static unsigned int prot_flags(uint64_t prot)
{
	unsigned int f = 0;

	if (!(prot & PROT_KNOWN))
		return USPACE_NO_ACCESS;
	if (prot & PROT_WRITE)
		f |= VMM_WRITE;
	if (prot & PROT_EXEC)
		f |= VMM_EXEC;
	return f;
}

/* Unmap the pages of [start, end) that are mapped and free their frames. */
static void unmap_range(struct process *p, uint64_t start, uint64_t end)
{
	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		paddr_t f = uspace_unmap(p->space, va);

		if (f) {
			frame_free(f);
			p->user_frames--;
		}
	}
}

int64_t sys_brk(const uint64_t *arg)
{
	struct process *p = process_current();
	uint64_t want = arg[0];
	uint64_t old_end = ALIGN_UP(p->brk, PAGE_SIZE);
	uint64_t new_end = ALIGN_UP(want, PAGE_SIZE);

	/* Linux's brk returns the break: unchanged when the request fails.
	 * The test is on @want itself: rounded up, an address in the last
	 * page wraps to 0 and would shrink the break over the program. */
	if (want < p->brk_start || want > p->mmap_next)
		return (int64_t)p->brk;
	if (new_end > old_end &&
	    process_map_data(p, old_end, new_end - old_end, VMM_WRITE, NULL, 0, 0))
		return (int64_t)p->brk;
	if (new_end < old_end)
		unmap_range(p, new_end, old_end);
	p->brk = want;
	return (int64_t)want;
}

/* Where a new area of @len bytes goes: below the last one, above the break. */
static int64_t pick_area(struct process *p, uint64_t len)
{
	uint64_t floor = ALIGN_UP(p->brk, PAGE_SIZE);

	if (len > p->mmap_next || p->mmap_next - len < floor)
		return -ENOMEM;
	return (int64_t)(p->mmap_next - len);
}

int64_t sys_mmap(const uint64_t *arg)
{
	struct process *p = process_current();
	uint64_t addr = arg[0], flags = arg[3];
	uint64_t len = ALIGN_UP(arg[1], PAGE_SIZE);
	int64_t va;
	int err;

	if (!arg[1] || !len || (flags & MAP_SHARED) || !(flags & MAP_PRIVATE) ||
	    !(flags & MAP_ANONYMOUS) ||
	    (flags & ~(MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_IGNORED)))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		if ((addr & (PAGE_SIZE - 1)) || !uspace_range_ok(addr, len))
			return -EINVAL;
		if (addr < USER_MAP_MIN)
			return -EPERM;	/* Linux's answer below mmap_min_addr */
		unmap_range(p, addr, addr + len);
		va = (int64_t)addr;
	} else {
		va = pick_area(p, len);
		if (va < 0)
			return va;
	}
	err = process_map_data(p, (uint64_t)va, len, prot_flags(arg[2]), NULL, 0, 0);
	if (err)
		return err;
	if (!(flags & MAP_FIXED))
		p->mmap_next = (uint64_t)va;
	return va;
}

/* A length in the last page wraps to 0 when rounded up: refused. */
static int check_range(uint64_t addr, uint64_t len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len ||
	    ALIGN_UP(len, PAGE_SIZE) < len ||
	    !uspace_range_ok(addr, ALIGN_UP(len, PAGE_SIZE)))
		return -EINVAL;
	return 0;
}

int64_t sys_munmap(const uint64_t *arg)
{
	int err = check_range(arg[0], arg[1]);

	if (!err)
		unmap_range(process_current(), arg[0],
			    arg[0] + ALIGN_UP(arg[1], PAGE_SIZE));
	return err;
}

int64_t sys_mprotect(const uint64_t *arg)
{
	struct process *p = process_current();
	uint64_t end = arg[0] + ALIGN_UP(arg[1], PAGE_SIZE);
	int err = check_range(arg[0], arg[1]);

	if (err)
		return err;
	/* Linux: -ENOMEM when part of the range is not mapped. */
	for (uint64_t va = arg[0]; va < end; va += PAGE_SIZE) {
		if (!uspace_frame(p->space, va))
			return -ENOMEM;
	}
	for (uint64_t va = arg[0]; va < end; va += PAGE_SIZE)
		uspace_protect(p->space, va, prot_flags(arg[2]));
	return 0;
}
