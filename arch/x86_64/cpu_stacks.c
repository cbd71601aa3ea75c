/*
 * arch/x86_64/cpu_stacks.c - the application processors' stacks, mapped on
 * demand: 40 KiB of frames for each CPU that exists, rather than 56 KiB
 * (with guards) for each of the MAX_CPUS that might, kept in .bss.
 *
 * A CPU's slot, from its base at CPU_STACKS_START + index * SLOT_SIZE:
 *
 *   +0   guard | kernel stack (16 KiB)
 *   +20K guard | double-fault (IST1) stack (8 KiB)
 *   +32K guard | NMI (IST2) stack
 *   +44K guard | machine-check (IST3) stack
 *   +56K unmapped up to the next slot
 */
#include "arch/x86_64/cpu_stacks.h"

#include <stddef.h>

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/vsnprintf.h"
#include "kernel/frame.h"
#include "kernel/layout.h"
#include "kernel/percpu.h"
#include "kernel/vmm.h"

#define SLOT_SIZE (64 * 1024)
#define GUARD_SIZE PAGE_SIZE

/* The stacks in slot order, each above its own guard page. */
static const struct {
	uint32_t size;
	const char *name;
} areas[] = {
	{ KERNEL_STACK_SIZE, "kernel stack" },
	{ IST_STACK_SIZE, "double-fault (IST1) stack" },
	{ IST_STACK_SIZE, "NMI (IST2) stack" },
	{ IST_STACK_SIZE, "machine-check (IST3) stack" },
};
_Static_assert(sizeof(areas) / sizeof(areas[0]) == 1 + IST_COUNT,
	       "one kernel stack and the IST stacks");

static bool mapped[MAX_CPUS];

static uintptr_t slot_base(unsigned int index)
{
	return CPU_STACKS_START + (uintptr_t)index * SLOT_SIZE;
}

/* Offset of area @a's bottom (its guard page lies just below). */
static uintptr_t area_offset(size_t a)
{
	uintptr_t off = 0;

	for (size_t i = 0; i < a; i++)
		off += GUARD_SIZE + areas[i].size;
	return off + GUARD_SIZE;
}

static void unmap_range(uintptr_t from, uintptr_t to)
{
	for (uintptr_t va = from; va < to; va += PAGE_SIZE) {
		paddr_t frame = vmm_unmap(va);

		if (frame)
			frame_free(frame);
	}
}

static int map_area(uintptr_t bottom, uint32_t size)
{
	for (uintptr_t va = bottom; va < bottom + size; va += PAGE_SIZE) {
		paddr_t frame = frame_alloc();

		if (!frame || vmm_map(va, frame, VMM_WRITE)) {
			if (frame)
				frame_free(frame);
			unmap_range(bottom, va);
			return -ENOMEM;
		}
	}
	return 0;
}

int cpu_stacks_alloc(unsigned int index, struct cpu_stacks *out)
{
	uintptr_t base = slot_base(index);
	uint64_t tops[1 + IST_COUNT];

	if (index == 0 || index >= MAX_CPUS)
		return -EINVAL;
	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++) {
		uintptr_t bottom = base + area_offset(a);

		if (map_area(bottom, areas[a].size)) {
			unmap_range(base, base + SLOT_SIZE);
			return -ENOMEM;
		}
		tops[a] = bottom + areas[a].size;
	}
	out->kernel_top = tops[0];
	for (int i = 0; i < IST_COUNT; i++)
		out->ist_top[i] = tops[1 + i];
	mapped[index] = true;
	return 0;
}

/* The slot and area holding @addr, with @guard telling whether it is in the
 * guard page below that area. False outside every allocated slot. */
static bool locate(uintptr_t addr, unsigned int *index, size_t *area,
		   bool *guard)
{
	uintptr_t off;

	if (addr < CPU_STACKS_START ||
	    addr >= CPU_STACKS_START + (uintptr_t)MAX_CPUS * SLOT_SIZE)
		return false;
	*index = (unsigned int)((addr - CPU_STACKS_START) / SLOT_SIZE);
	off = (addr - CPU_STACKS_START) % SLOT_SIZE;
	if (!mapped[*index])
		return false;
	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++) {
		uintptr_t bottom = area_offset(a);

		if (off >= bottom - GUARD_SIZE &&
		    off < bottom + areas[a].size) {
			*area = a;
			*guard = off < bottom;
			return true;
		}
	}
	return false;
}

const char *cpu_stacks_guard_hit(uintptr_t addr)
{
	static char name[64];
	unsigned int index;
	size_t area;
	bool guard;

	if (!locate(addr, &index, &area, &guard) || !guard)
		return NULL;
	snprintf(name, sizeof(name), "CPU %u's %s", index, areas[area].name);
	return name;
}

bool cpu_stacks_contains(uintptr_t addr, uintptr_t len)
{
	unsigned int i1, i2;
	size_t a1, a2;
	bool g1, g2;

	return len && locate(addr, &i1, &a1, &g1) &&
	       locate(addr + len - 1, &i2, &a2, &g2) && !g1 && !g2 &&
	       i1 == i2 && a1 == a2;
}
