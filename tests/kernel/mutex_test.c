/*
 * tests/kernel/mutex_test.c - the mutex and the semaphore (kernel/mutex.c,
 * kernel/semaphore.c) under yields inside their critical sections and
 * preemption by the tick.
 */
#include "kernel/mutex.h"

#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/semaphore.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

#define WORKERS 4
#define ROUNDS 500

/* On the caller's CPU: these tests hand the CPU over with yields, which
 * only works between threads sharing one (tests/kernel/sched_cpus_test.c
 * has the tests across CPUs). */
static struct thread *create_here(const char *name, void (*fn)(void *),
				  void *arg)
{
	return thread_create_on(this_cpu()->index, name, fn, arg);
}

static struct mutex counter_lock = MUTEX_INIT(counter_lock, "test counter");
static volatile uint64_t counter;

/* Read, give the CPU away, write back: without mutual exclusion another
 * thread's increment in between is lost. Every 100th round also spins
 * over a tick, so the holder is preempted while it holds the mutex. */
static void bump(void)
{
	uint64_t v = counter;

	thread_yield();
	counter = v + 1;
}

static void spin_a_tick(void)
{
	uint64_t t = timer_ticks();

	while (timer_ticks() < t + 2)
		;
}

static void locked_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		mutex_lock(&counter_lock);
		bump();
		if (i % 100 == 0)
			spin_a_tick();
		mutex_unlock(&counter_lock);
	}
}

static void unlocked_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		bump();
}

static void run_workers(void (*fn)(void *))
{
	struct thread *ts[WORKERS];

	counter = 0;
	for (int i = 0; i < WORKERS; i++)
		ts[i] = create_here("worker", fn, NULL);
	for (int i = 0; i < WORKERS; i++) {
		if (ts[i])
			thread_join(ts[i], NULL);
	}
}

/* The control: the same work without the mutex loses updates, so the
 * test below can fail. */
KTEST(mutex_counter_without_it_loses_updates)
{
	run_workers(unlocked_worker);
	KT_ASSERT(counter < WORKERS * ROUNDS);
}

KTEST(mutex_counter_with_it_is_exact)
{
	run_workers(locked_worker);
	KT_ASSERT_EQ(counter, WORKERS * ROUNDS);
	KT_ASSERT(!mutex_held(&counter_lock));
}

static void try_from_other(void *arg)
{
	if (!mutex_trylock(arg))
		thread_exit(0);
	mutex_unlock(arg);
	thread_exit(1);
}

KTEST(mutex_trylock_fails_while_held_elsewhere)
{
	static struct mutex m = MUTEX_INIT(m, "trylock");
	int held_status = -1, free_status = -1;

	KT_ASSERT(mutex_trylock(&m));
	KT_ASSERT(mutex_held(&m));
	thread_join(thread_create("try", try_from_other, &m), &held_status);
	mutex_unlock(&m);
	thread_join(thread_create("try", try_from_other, &m), &free_status);
	KT_ASSERT_EQ(held_status, 0);
	KT_ASSERT_EQ(free_status, 1);
}

/* --- Semaphore ------------------------------------------------------------ */

#define SLOTS 3
#define GUESTS 8
static struct semaphore slots = SEMAPHORE_INIT(slots, SLOTS, "slots");
static volatile int inside, most_inside;

static void guest(void *arg)
{
	(void)arg;
	for (int round = 0; round < 20; round++) {
		int now;

		semaphore_down(&slots);
		now = __atomic_add_fetch(&inside, 1, __ATOMIC_RELAXED);
		if (now > most_inside)
			most_inside = now;
		thread_yield();
		thread_yield();
		__atomic_sub_fetch(&inside, 1, __ATOMIC_RELAXED);
		semaphore_up(&slots);
	}
}

/* Never more than the count inside, and the count is reached. */
KTEST(semaphore_admits_count_holders)
{
	struct thread *ts[GUESTS];

	inside = most_inside = 0;
	for (int i = 0; i < GUESTS; i++)
		ts[i] = create_here("guest", guest, NULL);
	for (int i = 0; i < GUESTS; i++) {
		if (ts[i])
			thread_join(ts[i], NULL);
	}
	KT_ASSERT_EQ(most_inside, SLOTS);
	KT_ASSERT_EQ(slots.count, SLOTS);
}

static struct semaphore items = SEMAPHORE_INIT(items, 0, "items");
static volatile int consumed;

static void consumer(void *arg)
{
	for (int i = 0; i < (int)(uintptr_t)arg; i++) {
		semaphore_down(&items);
		consumed++;
	}
}

/* From 0, each up lets exactly one down through. */
KTEST(semaphore_counts_events)
{
	struct thread *th;

	consumed = 0;
	th = thread_create("consumer", consumer, (void *)10);
	KT_ASSERT(th);
	for (int i = 0; i < 10; i++) {
		semaphore_up(&items);
		thread_yield();
	}
	thread_join(th, NULL);
	KT_ASSERT_EQ(consumed, 10);
	KT_ASSERT(!semaphore_trydown(&items));	/* nothing left over */
}
