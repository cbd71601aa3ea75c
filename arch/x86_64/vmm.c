/*
 * arch/x86_64/vmm.c - kernel/vmm.h for x86_64: the generic requests
 * (VMM_WRITE, VMM_EXEC) become page-table bits here, and the work is done
 * by the mapper (arch/x86_64/paging.c) on the kernel tree of
 * arch/x86_64/vm.c.
 */
#include "kernel/vmm.h"

#include <stddef.h>

#include "lib/align.h"
#include "lib/errno.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/vm.h"
#include "kernel/layout.h"
#include "kernel/spinlock.h"

/*
 * The kernel's page tables are one tree that every CPU uses: changes go one
 * at a time under this lock (taken after the heap's, before the frame
 * allocator's). An unmap's TLB flush reaches every CPU before the lock is
 * released (arch/x86_64/tlb.c), so no CPU keeps a stale entry once a call
 * returns.
 */
static struct spinlock vm_lock = SPINLOCK_INIT("kernel page tables");

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
	uint64_t irq = spin_lock_irqsave(&vm_lock);
	/* No flush, here or on another CPU: the page and any table the call
	 * adds were not present, and no TLB or paging-structure cache holds
	 * a not-present entry (Intel SDM Vol. 3A 4.10.2.3, 4.10.3.1). A page
	 * already mapped is refused (-EEXIST), never replaced. */
	enum paging_error err = paging_ignore(paging_map(vm_kernel_tree(), va,
							 frame, PAGE_4K,
							 pte_flags(flags),
							 vm_table_source()));

	spin_unlock_irqrestore(&vm_lock, irq);
	return map_errno(err);
}

paddr_t vmm_unmap(vaddr_t va)
{
	uint64_t irq = spin_lock_irqsave(&vm_lock);
	struct paging_result r = paging_unmap(vm_kernel_tree(), va, PAGE_4K);
	paddr_t frame = r.frame;

	if (paging_flush(r) != PAGING_OK)
		frame = 0;
	spin_unlock_irqrestore(&vm_lock, irq);
	return frame;
}

void vmm_release_tables(vaddr_t start, vaddr_t end)
{
	uint64_t irq = spin_lock_irqsave(&vm_lock);

	paging_free_empty_tables(vm_kernel_tree(),
				 (struct page_range){ start, end },
				 vm_table_source());
	spin_unlock_irqrestore(&vm_lock, irq);
}

/*
 * Write-combining through the PAT (Intel SDM Vol. 3A 12.12): a leaf's PAT,
 * PCD and PWT bits pick one of the eight entries of IA32_PAT. Keel sets
 * entry 1 (PWT alone, the same bit in 4 KiB and 2 MiB leaves) from its
 * power-on write-through to write-combining, as Linux does; no mapping used
 * PWT before, so no cached line or TLB entry holds the old type. Without a
 * PAT, PWT alone still means write-through.
 */
#define PAT_ENTRY_SHIFT(i)	((i) * 8)
#define PAT_TYPE_WC		0x01
#define CPUID_1_EDX_PAT		(1u << 16)
#define PTE_WRITE_COMBINE	PTE_PWT	/* PAT entry 1 */

static bool pat_write_combine(void)
{
	static int done;	/* 0: not tried, 1: WC, -1: no PAT */
	uint64_t pat;

	if (!done) {
		done = -1;
		if (cpuid(1, 0).edx & CPUID_1_EDX_PAT) {
			pat = rdmsr(MSR_IA32_PAT);
			pat &= ~(0xffULL << PAT_ENTRY_SHIFT(1));
			pat |= (uint64_t)PAT_TYPE_WC << PAT_ENTRY_SHIFT(1);
			wrmsr(MSR_IA32_PAT, pat);
			done = 1;
		}
	}
	return done > 0;
}

bool vmm_has_write_combine(void)
{
	return pat_write_combine();
}

static vaddr_t device_next = DEVICE_MAP_START;

/* 2 MiB where @pa and @va both allow it and it fits before @end. */
static enum page_size device_page(paddr_t pa, vaddr_t va, paddr_t end)
{
	uint64_t big = page_size_bytes(PAGE_2M);

	if (!(pa & (big - 1)) && !(va & (big - 1)) && end - pa >= big)
		return PAGE_2M;
	return PAGE_4K;
}

static void *map_device_locked(paddr_t phys, uint64_t size, unsigned int flags)
{
	uint64_t big = page_size_bytes(PAGE_2M);
	paddr_t start = ALIGN_DOWN(phys, PAGE_SIZE);
	paddr_t end = ALIGN_UP(phys + size, PAGE_SIZE);
	/* The same offset in a 2 MiB page as @phys, so 2 MiB pages line up. */
	vaddr_t va0 = ALIGN_UP(device_next, big) + (start & (big - 1));
	pte_t pte = PTE_PRESENT | PTE_WRITABLE | vm_nx();

	if (end <= start || end - start > DEVICE_MAP_START + DEVICE_MAP_MAX - va0)
		return NULL;
	if (flags & VMM_WRITE_COMBINE) {
		pat_write_combine();
		pte |= PTE_WRITE_COMBINE;
	}
	/* PCD and PWT pick PAT entry 3, uncached at power-on and never
	 * changed (Intel SDM Vol. 3A 12.12.2, table 12-11). */
	if (flags & VMM_NOCACHE)
		pte |= PTE_PCD | PTE_PWT;
	for (paddr_t pa = start; pa < end;) {
		vaddr_t va = va0 + (pa - start);
		enum page_size ps = device_page(pa, va, end);

		/* A page that was not present is in no TLB (Intel SDM Vol. 3A
		 * 4.10.4.3): no invlpg, which under QEMU's emulation flushes
		 * its whole TLB once the kernel uses large pages. */
		if (paging_ignore(paging_map(vm_kernel_tree(), va, pa, ps, pte,
					     vm_table_source())) != PAGING_OK)
			return NULL;
		pa += page_size_bytes(ps);
	}
	device_next = va0 + (end - start);
	return (void *)(uintptr_t)(va0 + (phys - start));
}

void *vmm_map_device(paddr_t phys, uint64_t size, unsigned int flags)
{
	uint64_t irq = spin_lock_irqsave(&vm_lock);
	void *p = map_device_locked(phys, size, flags);

	spin_unlock_irqrestore(&vm_lock, irq);
	return p;
}
