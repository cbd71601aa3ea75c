/*
 * arch/x86_64/tlb.c - the instructions behind arch/x86_64/tlb.h, and the
 * TLB shootdown that carries a flush to the other CPUs. Kept apart from
 * paging.c so that the mapper has no inline assembly and its host tests can
 * stand in for these functions.
 *
 * Every CPU uses the one kernel tree, and a TLB keeps an entry after the
 * entry in memory changed until its own CPU invalidates it (Intel SDM Vol.
 * 3A, 4.10.5 "propagation of paging-structure changes to multiple
 * processors"): so a change is flushed here, then on every other CPU that
 * takes IPIs, before the call returns. One shootdown runs at a time. A CPU
 * that waits with interrupts off (for a spinlock, for a call) still serves
 * shootdowns through arch_relax(), so a shootdown never waits on a CPU that
 * waits on it.
 */
#include "arch/x86_64/tlb.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"

static struct spinlock shootdown_lock = SPINLOCK_INIT("TLB shootdown");
static volatile uint64_t pending;	/* CPUs still to flush request_va */
static volatile vaddr_t request_va;
static volatile bool request_all;
static uint64_t shootdowns;

void tlb_shootdown_poll(void)
{
	uint64_t bit;

	if (!__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
		return;
	bit = 1ULL << this_cpu_index();
	if (!(__atomic_load_n(&pending, __ATOMIC_ACQUIRE) & bit))
		return;
	if (request_all)
		write_cr3(read_cr3());
	else
		invlpg(request_va);
	__atomic_fetch_and(&pending, ~bit, __ATOMIC_RELEASE);
}

void tlb_shootdown_ipi(struct trap_frame *frame)
{
	(void)frame;
	lapic_eoi();
	tlb_shootdown_poll();
}

static void shootdown(vaddr_t va, bool all)
{
	uint64_t me = 1ULL << this_cpu_index();
	uint64_t others = smp_ready_mask() & ~me;
	uint64_t flags;

	if (!others)
		return;
	flags = arch_irq_save();
	spin_lock(&shootdown_lock);	/* its wait serves the one running */
	others = smp_ready_mask() & ~me;
	request_va = va;
	request_all = all;
	shootdowns++;
	__atomic_store_n(&pending, others, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < MAX_CPUS; i++)
		if (others & (1ULL << i))
			lapic_send_ipi(cpus[i].apic_id, VEC_IPI_TLB);
	while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
		pause();
	spin_unlock(&shootdown_lock);
	arch_irq_restore(flags);
}

void tlb_flush_page(vaddr_t va)
{
	invlpg(va);
	shootdown(va, false);
}

void tlb_flush_all(void)
{
	write_cr3(read_cr3());
	shootdown(0, true);
}

void tlb_flush_local(vaddr_t va)
{
	invlpg(va);
}

uint64_t tlb_shootdown_count(void)
{
	return shootdowns;
}
