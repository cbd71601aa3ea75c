/*
 * arch/x86_64/cpu_stacks.h - the stacks of the application processors: a
 * kernel stack and the IST stacks of arch/x86_64/gdt.h for each, mapped
 * from the frame allocator at CPU_STACKS_START (kernel/layout.h) with an
 * unmapped guard page below every stack. The boot CPU keeps the stacks in
 * the kernel image.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/gdt.h"

struct cpu_stacks {
	uint64_t kernel_top;		/* initial RSP, 16-byte aligned */
	uint64_t ist_top[IST_COUNT];	/* for gdt_init_ap() */
};

/*
 * Map CPU @index's stacks (1 <= index < MAX_CPUS) and fill @out. Returns 0
 * or -ENOMEM (no frame, or no page table), leaving nothing mapped then.
 */
int cpu_stacks_alloc(unsigned int index, struct cpu_stacks *out);

/* If @addr is in the guard page of one of these stacks, its name ("CPU 2's
 * NMI (IST2) stack"), else NULL. The name lives until the next call. */
const char *cpu_stacks_guard_hit(uintptr_t addr);

/* True when [@addr, @addr + @len) lies in one mapped stack. */
bool cpu_stacks_contains(uintptr_t addr, uintptr_t len);
