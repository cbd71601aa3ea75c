/*
 * tests/kernel/sched_bench.c - what threads cost, in cycles of the cycle
 * counter: a switch between two threads that yield to each other, and a
 * thread's whole lifetime (create, first switch, exit, join).
 */
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/thread.h"

#define YIELDS 20000
#define LIVES 1000

static void yielder(void *arg)
{
	(void)arg;
	for (int i = 0; i < YIELDS; i++)
		thread_yield();
}

/* Two yielders and the boot thread blocked in join: every yield switches
 * to the other yielder (schedule, switch_stacks, back). */
KBENCH(sched_switch_thread_to_thread)
{
	uint64_t switches = sched_switch_count();
	uint64_t start = arch_cycles();
	struct thread *a = thread_create("yield a", yielder, NULL);
	struct thread *b = thread_create("yield b", yielder, NULL);
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
