/*
 * arch/x86_64/inspect.c - what the monitor shell asks about the CPU and the
 * page tables (kernel/arch.h: arch_print_cpu, arch_translate), in x86 words
 * turned into generic ones.
 */
#include "kernel/arch.h"

#include <stddef.h>

#include "lib/errno.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/vm.h"
#include "kernel/printk.h"

/* One generic mapping flag for each page-table bit that sets it. */
static const struct {
	pte_t bit;
	unsigned int flag;
} pte_flags[] = {
	{ PTE_WRITABLE, ARCH_MAP_WRITE },
	{ PTE_USER, ARCH_MAP_USER },
	{ PTE_GLOBAL, ARCH_MAP_GLOBAL },
	{ PTE_PCD, ARCH_MAP_NOCACHE },
	{ PTE_PWT, ARCH_MAP_WRITE_THROUGH },
	{ PTE_ACCESSED, ARCH_MAP_ACCESSED },
	{ PTE_DIRTY, ARCH_MAP_DIRTY },
};

int arch_translate(uint64_t va, struct arch_mapping *m)
{
	struct paging_translation tr = paging_translate(vm_kernel_tree(), va);

	if (tr.err == PAGING_ADDRESS_NOT_CANONICAL)
		return -EINVAL;
	if (tr.err != PAGING_OK)
		return -ENOENT;
	m->phys = tr.phys;
	m->page_size = page_size_bytes(tr.size);
	m->entry_flags = tr.flags;
	m->flags = tr.flags & PTE_NX ? 0 : ARCH_MAP_EXEC;
	for (size_t i = 0; i < sizeof(pte_flags) / sizeof(pte_flags[0]); i++) {
		if (tr.flags & pte_flags[i].bit)
			m->flags |= pte_flags[i].flag;
	}
	return 0;
}

static const char *on_off(bool has, bool on)
{
	return !has ? "not available" : on ? "on" : "available, off";
}

void arch_print_cpu(void)
{
	const struct cpu_features *f = cpu_features();
	const struct vm_features *v = vm_features();

	kprintf("cpu: %s%s, CPUID leaves to %#x and %#x\n", f->vendor,
		f->hypervisor ? " (under a hypervisor)" : "", f->max_leaf,
		f->max_ext_leaf);
	kprintf("addresses: %u-bit physical, %u-bit virtual\n", f->phys_bits,
		f->virt_bits);
	kprintf("NX %s, SMEP %s, SMAP %s, UMIP %s\n", on_off(f->nx, v->nx),
		on_off(f->smep, v->smep), on_off(f->smap, v->smap),
		on_off(f->umip, v->umip));
	kprintf("1 GiB pages %s; TSC %s\n", on_off(f->pages_1g, v->pages_1g),
		f->invariant_tsc ? "invariant" : "not invariant");
}
