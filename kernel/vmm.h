/*
 * kernel/vmm.h - the kernel's virtual memory: mapping pages in the kernel's
 * address space, for generic code (the heap). Callers say what they want
 * (VMM_WRITE, VMM_EXEC); each architecture implements these calls and turns
 * the request into page-table bits: arch/x86_64/vmm.c, on the kernel tree
 * that arch/x86_64/vm.c builds. See kernel/memory.h for the whole path.
 */
#pragma once

#include "kernel/types.h"

#define VMM_WRITE 0x1
#define VMM_EXEC 0x2

/*
 * Map the 4 KiB page at @va to @frame, creating page tables as needed.
 * Returns 0, -ENOMEM (no frame for a page table), -EEXIST (already mapped)
 * or -EINVAL (misaligned or outside the kernel's space).
 */
int vmm_map(vaddr_t va, paddr_t frame, unsigned int flags) __must_check;

/* Unmap the page at @va and return the frame it mapped, or 0 if none. */
paddr_t vmm_unmap(vaddr_t va);

/* Free the page tables that map nothing in [@start, @end), after a range
 * was unmapped. */
void vmm_release_tables(vaddr_t start, vaddr_t end);
