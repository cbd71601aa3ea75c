/*
 * tests/kernel/console_test.c - the console lock between threads.
 *
 * The lock nests by CPU, so that an interrupt handler may print while its
 * CPU prints. A thread switched in on the same CPU must not count as that
 * CPU, so the holder runs with preemption off: here a holder spins with
 * interrupts on for several ticks while another thread on its CPU waits to
 * take the lock.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
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
