/*
 * arch/x86_64/vmm.c - kernel/vmm.h for x86_64: the generic requests
 * (VMM_WRITE, VMM_EXEC) become page-table bits here, and the work is done
 * by the mapper (arch/x86_64/paging.c) on the kernel tree of
 * arch/x86_64/vm.c.
 */
#include "kernel/vmm.h"

#include "lib/errno.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/vm.h"

static pte_t pte_flags(unsigned int flags)
{
	pte_t pte = PTE_PRESENT;

	if (flags & VMM_WRITE)
		pte |= PTE_WRITABLE;
	if (!(flags & VMM_EXEC))
		pte |= vm_nx();
	return pte;
}

/* The errno for each way paging_map() can fail on a kernel page. */
static int map_errno(enum paging_error err)
{
	switch (err) {
	case PAGING_OK:
		return 0;
	case PAGING_FRAME_ALLOCATION_FAILED:
		return -ENOMEM;
	case PAGING_PAGE_ALREADY_MAPPED:
	case PAGING_PARENT_ENTRY_HUGE_PAGE:
		return -EEXIST;
	default:
		return -EINVAL;
	}
}

int vmm_map(vaddr_t va, paddr_t frame, unsigned int flags)
{
	return map_errno(paging_flush(paging_map(vm_kernel_tree(), va, frame,
						 PAGE_4K, pte_flags(flags),
						 vm_table_source())));
}

paddr_t vmm_unmap(vaddr_t va)
{
	struct paging_result r = paging_unmap(vm_kernel_tree(), va, PAGE_4K);
	paddr_t frame = r.frame;

	return paging_flush(r) == PAGING_OK ? frame : 0;
}

void vmm_release_tables(vaddr_t start, vaddr_t end)
{
	paging_free_empty_tables(vm_kernel_tree(),
				 (struct page_range){ start, end },
				 vm_table_source());
}
