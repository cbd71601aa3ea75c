/*
 * arch/x86_64/vm.h - the kernel's own address space (kernel/layout.h has the
 * map): built once at boot from the frame allocator, replacing the boot
 * stub's tables.
 */
#pragma once

#include <stdbool.h>

#include "arch/x86_64/paging.h"

/* CPU protections the kernel turned on, for the boot summary and tests. */
struct vm_features {
	bool nx;
	bool smep;
	bool smap;
	bool umip;
	bool pages_1g;		/* the direct map uses 1 GiB pages */
};

/*
 * Build the kernel address space and switch to it: the image with W^X
 * (.text read+execute, .rodata read-only, .data/.bss read+write, the last
 * two no-execute), guard pages below the kernel stack and each IST stack,
 * the direct map of RAM (no-execute) and nothing at address 0. Also turns on
 * SMEP, SMAP and UMIP when the CPU has them. Needs memory_init() first.
 */
void vm_init(void);

/* The kernel tree, and the source of its new page tables (frame_alloc()). */
const struct paging_tree *vm_kernel_tree(void);
const struct paging_table_source *vm_table_source(void);

/* PTE_NX when the CPU has NX, else 0: NX is a reserved bit without it. */
pte_t vm_nx(void);

const struct vm_features *vm_features(void);

/*
 * Check the loaded tree with paging_audit() (every rule, W^X when NX is on,
 * every table frame allocated). Prints each violation; returns how many.
 */
unsigned int vm_audit(void);
