/*
 * arch/x86_64/uspace.c - user address spaces on 4-level paging (Intel SDM
 * Vol. 3A, 4.5; 4.6 for the U/S, R/W and XD rights). Each space has its own
 * PML4: entries 0..255 are its own, entries 256..511 are copies of the
 * kernel's, whose PDPTs never go away (arch/x86_64/vm.c), so the kernel
 * half looks the same from every space. User pages go through
 * paging_map() with PTE_USER, which also grants USER to every table above.
 */
#include "arch/x86_64/uspace.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/vm.h"
#include "kernel/frame.h"
#include "kernel/heap.h"
#include "kernel/layout.h"
#include "kernel/vmm.h"

#define USER_PML4_ENTRIES (PT_ENTRIES / 2)	/* the lower half */

struct uspace {
	struct paging_tree tree;
	struct paging_table_source src;	/* counts what it hands out */
	unsigned int tables;
};

static paddr_t table_alloc(void *ctx)
{
	struct uspace *s = ctx;
	paddr_t f = frame_alloc();

	if (f)
		s->tables++;
	return f;
}

static void table_free(void *ctx, paddr_t frame)
{
	struct uspace *s = ctx;

	s->tables--;
	frame_free(frame);
}

const struct paging_tree *uspace_tree(const struct uspace *s)
{
	return &s->tree;
}

const struct paging_table_source *uspace_table_source(const struct uspace *s)
{
	return &s->src;
}

struct uspace *uspace_create(void)
{
	struct uspace *s = kcalloc(1, sizeof(*s));
	pte_t *mine, *kernel;

	if (!s)
		return NULL;
	/* frame_alloc() zeroes: the mapper need not again. */
	s->src = (struct paging_table_source){ table_alloc, s, table_free,
					       true };
	s->tree = (struct paging_tree){ table_alloc(s), PHYS_OFFSET };
	if (!s->tree.pml4) {
		kfree(s);
		return NULL;
	}
	mine = phys_to_virt(s->tree.pml4);
	kernel = phys_to_virt(vm_kernel_tree()->pml4);
	memcpy(mine + USER_PML4_ENTRIES, kernel + USER_PML4_ENTRIES,
	       USER_PML4_ENTRIES * sizeof(pte_t));
	return s;
}

/* Free the frames a table at @level maps, and the tables below it. */
static void free_subtree(struct uspace *s, paddr_t table, int level)
{
	pte_t *e = phys_to_virt(table);

	for (int i = 0; i < PT_ENTRIES; i++) {
		if (!pte_present(e[i]))
			continue;
		if (level == 0)
			frame_free(pte_addr(e[i]));
		else
			free_subtree(s, pte_addr(e[i]), level - 1);
	}
	table_free(s, table);
}

void uspace_destroy(struct uspace *s)
{
	pte_t *pml4;

	if (!s)
		return;
	if (read_cr3() == s->tree.pml4)
		write_cr3(vm_kernel_tree()->pml4);
	pml4 = phys_to_virt(s->tree.pml4);
	for (int i = 0; i < USER_PML4_ENTRIES; i++) {
		if (pte_present(pml4[i]))
			free_subtree(s, pte_addr(pml4[i]), PT_LEVELS - 2);
	}
	table_free(s, s->tree.pml4);
	kfree(s);
}

static pte_t user_pte(unsigned int flags)
{
	pte_t pte = PTE_PRESENT | PTE_USER;

	/* A supervisor leaf under user tables: ring 3 faults on it. */
	if (flags & USPACE_NO_ACCESS)
		return PTE_PRESENT | vm_nx();
	if (flags & VMM_WRITE)
		pte |= PTE_WRITABLE;
	if (!(flags & VMM_EXEC))
		pte |= vm_nx();
	return pte;
}

/*
 * A user space is in one CPU's TLB at most: the CPU that runs its
 * process's thread (threads do not migrate), and only while its tables are
 * in CR3 there (a kernel thread runs on the kernel's, and a CR3 load drops
 * every entry not global). So a change is flushed on this CPU if the space
 * is loaded here, and nowhere else: a shootdown to every CPU for each user
 * page would cost an IPI round trip per page.
 */
static enum paging_error flush_here(const struct uspace *s,
				    struct paging_result r)
{
	if (read_cr3() == s->tree.pml4)
		for (vaddr_t va = r.flush.start; va < r.flush.end;
		     va += PAGE_SIZE)
			tlb_flush_local(va);
	return paging_ignore(r);
}

static bool is_user_page(vaddr_t va)
{
	return !(va & (PAGE_SIZE - 1)) && va < USER_TOP;
}

int uspace_map(struct uspace *s, vaddr_t va, paddr_t frame, unsigned int flags)
{
	enum paging_error err;

	if (!is_user_page(va))
		return -EINVAL;
	err = flush_here(s, paging_map(&s->tree, va, frame, PAGE_4K,
				       user_pte(flags), &s->src));
	if (err == PAGING_FRAME_ALLOCATION_FAILED)
		return -ENOMEM;
	if (err == PAGING_PAGE_ALREADY_MAPPED)
		return -EEXIST;
	return err == PAGING_OK ? 0 : -EINVAL;
}

paddr_t uspace_unmap(struct uspace *s, vaddr_t va)
{
	struct paging_result r;
	paddr_t frame;

	if (!is_user_page(va))
		return 0;
	r = paging_unmap(&s->tree, va, PAGE_4K);
	frame = r.frame;
	return flush_here(s, r) == PAGING_OK ? frame : 0;
}

int uspace_protect(struct uspace *s, vaddr_t va, unsigned int flags)
{
	if (!is_user_page(va))
		return -ENOENT;
	if (flush_here(s, paging_protect(&s->tree, va, PAGE_4K,
					 user_pte(flags))) != PAGING_OK)
		return -ENOENT;
	return 0;
}

paddr_t uspace_frame(const struct uspace *s, vaddr_t va)
{
	struct paging_translation t = paging_translate(&s->tree, va);

	if (t.err != PAGING_OK || va >= USER_TOP)
		return 0;
	return t.phys & ~(PAGE_SIZE - 1);
}

void uspace_activate(const struct uspace *s)
{
	paddr_t pml4 = s ? s->tree.pml4 : vm_kernel_tree()->pml4;

	/* A CR3 load flushes every non-global TLB entry: skip a needless one. */
	if (read_cr3() != pml4)
		write_cr3(pml4);
}

unsigned int uspace_table_count(const struct uspace *s)
{
	return s->tables;
}
