/*
 * kernel/uspace.h - user address spaces: the lower half of a page-table
 * tree of its own, the kernel half shared with every other space.
 *
 *   0x0000000000000000 .. USER_TOP   the process's pages (4 KiB each)
 *   USER_TOP .. 2^47                 the last user page, never mapped: a
 *                                    syscall at its very end would return
 *                                    to a non-canonical address
 *   0xffff800000000000 ..            the kernel (kernel/layout.h), shared
 *
 * Callers say what a page allows (VMM_WRITE, VMM_EXEC from kernel/vmm.h);
 * every page is a user page, and neither writable nor executable is the
 * default. The frames mapped belong to the space: uspace_destroy() gives
 * every one back, with every page table of the user half. The architecture
 * implements this file (arch/x86_64/uspace.c).
 * Not thread-safe: the owner of a space serialises changes to it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/types.h"

/* A page that is mapped but that user code may not touch (PROT_NONE):
 * the kernel's user copies still reach it. */
#define USPACE_NO_ACCESS 0x100

/* The first address above user space (Linux's TASK_SIZE_MAX on x86_64). */
#define USER_TOP 0x00007ffffffff000ULL

struct uspace;

/* A new space with nothing mapped in its user half, or NULL (no memory). */
struct uspace *uspace_create(void);

/* Free every frame mapped in the user half, every page table of that half
 * and the space itself. If the space is loaded, the kernel's is loaded
 * first. NULL does nothing. */
void uspace_destroy(struct uspace *s);

/*
 * Map the user page @va (page-aligned, below USER_TOP) to @frame with
 * @flags (VMM_WRITE, VMM_EXEC). Returns 0, -ENOMEM (no frame for a table),
 * -EEXIST (already mapped) or -EINVAL (misaligned, or not a user address).
 */
int uspace_map(struct uspace *s, vaddr_t va, paddr_t frame, unsigned int flags)
	__must_check;

/* Unmap the user page at @va and return its frame (now the caller's), or
 * 0 if none was mapped. */
paddr_t uspace_unmap(struct uspace *s, vaddr_t va);

/* Change what the mapped page @va allows. 0, or -ENOENT when not mapped. */
int uspace_protect(struct uspace *s, vaddr_t va, unsigned int flags);

/* The frame mapped at user page @va, or 0. */
paddr_t uspace_frame(const struct uspace *s, vaddr_t va);

/* Load @s on this CPU (NULL: the kernel's own tables). */
void uspace_activate(const struct uspace *s);

/* Page tables (PML4 included) this space owns now, for tests. */
unsigned int uspace_table_count(const struct uspace *s);

/* Whether [@addr, @addr + @size) lies below USER_TOP without wrapping. */
/* The lowest address a mapping may start at: the first 64 KiB stay
 * unmapped, so that a NULL pointer plus a small offset always faults (the
 * ELF loader keeps the same floor, ELF_USER_BOTTOM_DEFAULT). */
#define USER_MAP_MIN 0x10000ULL

static inline bool uspace_range_ok(uint64_t addr, uint64_t size)
{
	return addr <= USER_TOP && size <= USER_TOP - addr;
}
