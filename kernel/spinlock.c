/*
 * kernel/spinlock.c - test-and-test-and-set spinlock with a holder check.
 *
 * Waiters spin on a plain read, so the cache line stays shared until the
 * holder releases it, and only then try the atomic exchange.
 *
 * Why not a ticket lock, which hands the lock round in order: measured
 * with the stress test of tests/kernel/smp_test.c (4 CPUs, one lock) under
 * QEMU's emulator on a host with fewer cores than the guest has CPUs, a
 * ticket lock took 0.8 s for 5,000 rounds a CPU and never finished 17,000
 * in 60 s: each hand-over waits for the one CPU whose ticket is next, and
 * that CPU's host thread is often not running. This lock did 100,000
 * rounds a CPU in 0.9 s, as whichever CPU runs takes it. The same holds on
 * virtual machines generally; the cost is fairness, which short critical
 * sections make matter little.
 */
#include "kernel/spinlock.h"

#include "kernel/arch.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/timer.h"

/* Look at the clock only every so many spins. */
#define DEADLOCK_CHECK_SPINS 4096
/* Until the timer has measured the cycle counter: a generous guess. */
#define GUESS_CYCLES_HZ 4000000000ULL

static uint32_t me(void)
{
	return this_cpu_index() + 1;
}

static const char *name_of(const struct spinlock *l)
{
	return l->name ? l->name : "?";
}

static void check_recursion(struct spinlock *l)
{
	if (__atomic_load_n(&l->holder, __ATOMIC_RELAXED) == me())
		panic("spinlock \"%s\" taken again by CPU %u, which holds it "
		      "(a recursive call, or an interrupt handler that takes "
		      "it without spin_lock_irqsave() around its holder)",
		      name_of(l), me() - 1);
}

static uint64_t deadlock_cycles(void)
{
	uint64_t hz = timer_cycles_hz();

	return (hz ? hz : GUESS_CYCLES_HZ) * SPINLOCK_DEADLOCK_SECONDS;
}

/* Spin until @l looks free; panic when that takes a deadlock's time. */
static __attribute__((noinline)) void wait_free(struct spinlock *l,
						uint64_t start)
{
	unsigned int spins = 0;

	while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
		arch_relax();
		if (++spins % DEADLOCK_CHECK_SPINS)
			continue;
		if (arch_cycles() - start > deadlock_cycles())
			panic("spinlock \"%s\": CPU %u waited more than %u s "
			      "for it; CPU %d holds it (a deadlock)",
			      name_of(l), me() - 1, SPINLOCK_DEADLOCK_SECONDS,
			      (int)__atomic_load_n(&l->holder,
						   __ATOMIC_RELAXED) - 1);
	}
}

static bool take(struct spinlock *l)
{
	return __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

bool spin_trylock(struct spinlock *l)
{
	if (!take(l))
		return false;
	__atomic_store_n(&l->holder, me(), __ATOMIC_RELAXED);
	return true;
}

void spin_lock(struct spinlock *l)
{
	uint64_t start;

	check_recursion(l);
	if (!take(l)) {
		l->contended++;	/* advisory: not under the lock */
		start = arch_cycles();
		do
			wait_free(l, start);
		while (!take(l));
	}
	__atomic_store_n(&l->holder, me(), __ATOMIC_RELAXED);
}

void spin_unlock(struct spinlock *l)
{
	if (__atomic_load_n(&l->holder, __ATOMIC_RELAXED) != me())
		panic("spinlock \"%s\" released by CPU %u, which does not hold "
		      "it", name_of(l), me() - 1);
	__atomic_store_n(&l->holder, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

bool spin_is_locked(const struct spinlock *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0;
}

bool spin_held_here(const struct spinlock *l)
{
	return __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == me();
}

uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}
