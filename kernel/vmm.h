/*
 * kernel/vmm.h - the kernel's virtual memory: mapping pages in the kernel's
 * address space, for generic code (the heap). Callers say what they want
 * (VMM_WRITE, VMM_EXEC); each architecture implements these calls and turns
 * the request into page-table bits: arch/x86_64/vmm.c, on the kernel tree
 * that arch/x86_64/vm.c builds. See kernel/memory.h for the whole path.
 */
#pragma once

#include <stdbool.h>

#include "kernel/types.h"

#define VMM_WRITE 0x1
#define VMM_EXEC 0x2
#define VMM_WRITE_COMBINE 0x4	/* device memory written in bursts (a framebuffer) */
#define VMM_NOCACHE 0x8	/* registers: every access reaches the device, in order */

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

/*
 * Map the device memory [@phys, @phys + @size) into the kernel's device
 * window (kernel/layout.h), writable and never executable, with the largest
 * pages that fit; VMM_WRITE_COMBINE asks for write-combining where the CPU
 * has it (else the mapping is write-through), VMM_NOCACHE for uncached
 * (device registers such as the local APIC's). Boot only: the window is
 * never given back. Returns the address that reaches @phys, or NULL when
 * the window is full or a page table cannot be allocated.
 */
void *vmm_map_device(paddr_t phys, uint64_t size, unsigned int flags);

/* True when VMM_WRITE_COMBINE mappings are write-combining (the CPU has a
 * PAT, which the first call sets up). */
bool vmm_has_write_combine(void);
