/*
 * tests/kernel/console_test.c - the console lock between threads.
 *
 * The lock nests by CPU, so that an interrupt handler may print while its
 * CPU prints. A thread switched in on the same CPU must not count as that
 * CPU, so the holder runs with preemption off: here a holder spins with
 * interrupts on for several ticks while another thread on its CPU waits to
 * take the lock.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

static volatile bool holder_started, holder_inside, overlap_seen;

static void holder(void *arg)
{
	uint64_t until;

	(void)arg;
	console_lock();
	holder_inside = true;
	holder_started = true;
	until = timer_uptime_ns() + 30 * 1000000ULL;	/* about 30 ticks */
	while (timer_uptime_ns() < until)
		arch_relax();
	holder_inside = false;
	console_unlock();
}

static void contender(void *arg)
{
	(void)arg;
	while (!holder_started)
		thread_yield();
	console_lock();
	if (holder_inside)
		overlap_seen = true;
	console_unlock();
}

KTEST(console_lock_excludes_threads_of_one_cpu)
{
	struct thread *a, *b;

	holder_started = holder_inside = overlap_seen = false;
	a = thread_create_on(this_cpu_index(), "console holder", holder, NULL);
	b = thread_create_on(this_cpu_index(), "console contender", contender,
			     NULL);
	KT_ASSERT(a && b);
	KT_ASSERT_EQ(thread_join(a, NULL), 0);
	KT_ASSERT_EQ(thread_join(b, NULL), 0);
	KT_ASSERT(holder_started);
	KT_ASSERT(!overlap_seen);
}

/*
 * An interrupt may come between any two instructions of console_lock() and
 * console_unlock() where interrupts are on, and its handler may print. The
 * trap flag stops the CPU after every instruction (#DB, SDM Vol. 3A
 * §18.3.1.4); wherever the stopped code had interrupts on, the #DB handler
 * takes and gives back the console as a printing interrupt handler would.
 * A lock whose count reached 0 before interrupts went off let such a
 * handler release it under the unlock, which then panicked.
 */
#define RFLAGS_TF (1ULL << 8)	/* single-step (SDM Vol. 1 §3.4.3) */

static volatile unsigned int stepped, nested;

static void on_single_step(struct trap_frame *frame)
{
	stepped++;
	if (frame->rflags & RFLAGS_IF) {
		nested++;
		console_lock();
		console_unlock();
	}
}

static void set_trap_flag(bool on)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	f = on ? f | RFLAGS_TF : f & ~RFLAGS_TF;
	__asm__ volatile("pushq %0; popfq" : : "r"(f) : "memory", "cc");
}

KTEST(console_lock_survives_a_handler_at_any_instruction)
{
	trap_handler old = trap_set_handler(VEC_DB, on_single_step);
	uint64_t flags;

	preempt_disable();	/* no switch to step through */
	stepped = nested = 0;
	flags = arch_irq_save();
	set_trap_flag(true);
	arch_irq_restore(flags);	/* the handler runs where IF is set */
	console_lock();
	console_unlock();
	set_trap_flag(false);
	preempt_enable();
	trap_set_handler(VEC_DB, old);
	KT_ASSERT(stepped > 20);
	KT_ASSERT(nested > 10);
	console_lock();		/* and the lock is still whole */
	console_unlock();
}
