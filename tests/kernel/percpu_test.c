/*
 * tests/kernel/percpu_test.c - this_cpu() and the spinlock on one CPU.
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"

KTEST(percpu_boot_cpu_is_record_zero)
{
	struct cpu *c = this_cpu();

	KT_ASSERT(c == &cpus[0]);
	KT_ASSERT(c->self == c);
	KT_ASSERT_EQ(c->index, 0);
	KT_ASSERT(c->online);
	KT_ASSERT(cpu_online_count() >= 1);
}

KTEST(percpu_spinlock_restores_interrupt_state)
{
	struct spinlock l = SPINLOCK_INIT("test");
	uint64_t outer = arch_irq_save();	/* off */
	uint64_t flags = spin_lock_irqsave(&l);

	KT_ASSERT(spin_is_locked(&l));
	KT_ASSERT(spin_held_here(&l));
	KT_ASSERT(!spin_trylock(&l));
	spin_unlock_irqrestore(&l, flags);
	KT_ASSERT(!spin_is_locked(&l));
	KT_ASSERT(arch_irq_save() == 0);	/* still off: it was off */
	arch_irq_restore(outer);
	KT_ASSERT(spin_trylock(&l));
	spin_unlock(&l);
}
