/*
 * tests/kernel/sched_bench.c - what threads cost, in cycles of the cycle
 * counter: a switch between two threads that yield to each other, and a
 * thread's whole lifetime (create, first switch, exit, join), and a
 * wake-up of a thread waiting on another, idle CPU.
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

#define YIELDS 20000
#define LIVES 1000
#define WAKES 500

static void yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < YIELDS; i++)
		thread_yield();
}

/* Two yielders on this CPU and the boot thread blocked in join: every
 * yield switches to the other yielder (schedule, switch_stacks, back). */
KBENCH(sched_switch_thread_to_thread)
{
	uint64_t switches = sched_switch_count();
	uint64_t start = arch_cycles();
	unsigned int self = this_cpu()->index;
	struct thread *a = thread_create_on(self, "yield a", yielder, NULL);
	struct thread *b = thread_create_on(self, "yield b", yielder, NULL);
	uint64_t cycles;

	thread_join(a, NULL);
	thread_join(b, NULL);
	cycles = arch_cycles() - start;
	switches = sched_switch_count() - switches;
	kbench_report("thread switch (yield to yield), mean",
		      switches ? cycles / switches : 0, "cycles");
}

static void nothing(void *arg)
{
	(void)arg;
}

KBENCH(sched_thread_create_join)
{
	uint64_t start = arch_cycles();

	for (int i = 0; i < LIVES; i++)
		thread_join(thread_create("life", nothing, NULL), NULL);
	kbench_report("thread create+run+exit+join, mean",
		      (arch_cycles() - start) / LIVES, "cycles");
}

static struct wait_queue wake_q;
static volatile uint64_t wake_seq, wake_seen, wake_sent_at;
static uint64_t wake_total, wake_worst;

/* Waits WAKES times; each time, the cycles from the waker's wake_one()
 * to running again here (the cycle counter is the same clock on every
 * CPU: the invariant TSC). */
static void woken(void *arg)
{
	(void)arg;
	for (uint64_t i = 0; i < WAKES; i++) {
		uint64_t took;

		wait_event(&wake_q, wake_seq > i);
		took = arch_cycles() - wake_sent_at;
		wake_total += took;
		if (took > wake_worst)
			wake_worst = took;
		__atomic_store_n(&wake_seen, i + 1, __ATOMIC_RELEASE);
	}
}

/* A thread blocked on CPU 1, which halts meanwhile, woken from here:
 * wait queue, run queue lock, reschedule IPI, idle CPU's switch. */
KBENCH(sched_wake_up_across_cpus)
{
	uint64_t khz = timer_cycles_hz() / 1000;
	struct thread *th;

	if (!sched_cpu_running(1) || this_cpu()->index == 1) {
		kbench_report("cross-CPU wake-up: needs two CPUs", 0, "");
		return;
	}
	wait_queue_init(&wake_q, "bench wake");
	wake_seq = wake_seen = 0;
	wake_total = wake_worst = 0;
	th = thread_create_on(1, "woken", woken, NULL);
	for (uint64_t i = 0; th && i < WAKES; i++) {
		while (th->state != THREAD_BLOCKED)
			arch_relax();
		wake_sent_at = arch_cycles();
		wake_seq = i + 1;
		wake_one(&wake_q);
		while (__atomic_load_n(&wake_seen, __ATOMIC_ACQUIRE) <= i)
			arch_relax();
	}
	if (th)
		thread_join(th, NULL);
	kbench_report("cross-CPU wake-up to running, mean",
		      wake_total / WAKES, "cycles");
	kbench_report("cross-CPU wake-up to running, mean",
		      khz ? wake_total / WAKES * 1000 / khz : 0, "us");
	kbench_report("cross-CPU wake-up to running, worst",
		      khz ? wake_worst * 1000 / khz : 0, "us");
}
