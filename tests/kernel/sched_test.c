/*
 * tests/kernel/sched_test.c - the scheduler (kernel/sched.c): preemption by
 * the tick, yield order, sleeping, preempt_disable(); and wait queues
 * (kernel/wait.c).
 */
#include "kernel/sched.h"

#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

/* Cycles in @ms milliseconds (the counter is calibrated at boot). */
static uint64_t ms_cycles(uint64_t ms)
{
	return timer_cycles_hz() / 1000 * ms;
}

/* On the caller's CPU: the tests of one queue's round robin, preemption
 * and preempt_disable() need the other thread to share the CPU. */
static struct thread *create_here(const char *name, void (*fn)(void *),
				  void *arg)
{
	return thread_create_on(this_cpu()->index, name, fn, arg);
}

static volatile bool stop;
static volatile uint64_t spins;

/* Never yields, never blocks: only the tick can take the CPU away. */
static void spinner(void *arg)
{
	(void)arg;
	while (!stop)
		spins++;
}

/*
 * before: a spinner is created; the boot thread spins too, never yielding.
 * after: both made progress, so the tick preempted each in turn.
 */
KTEST(sched_spinner_is_preempted_both_ways)
{
	uint64_t start = arch_cycles();
	uint64_t preempted = sched_preempt_count();
	struct thread *th;

	stop = false;
	spins = 0;
	th = create_here("spinner", spinner, NULL);
	KT_ASSERT(th);
	/* No yield here: the spinner runs only if the tick preempts us. */
	while (spins == 0 && arch_cycles() - start < ms_cycles(2000))
		;
	stop = true;
	thread_join(th, NULL);
	KT_ASSERT(spins > 0);
	KT_ASSERT(sched_preempt_count() > preempted);
}

/* Two threads log their letter and yield; the round robin alternates. */
#define PINGS 8
static char order[2 * PINGS + 1];
static volatile unsigned int order_len;

static void ping(void *arg)
{
	for (int i = 0; i < PINGS; i++) {
		order[__atomic_fetch_add(&order_len, 1, __ATOMIC_RELAXED)] =
			*(const char *)arg;
		thread_yield();
	}
}

/* One round; false if a tick preempted a thread meanwhile (which may
 * reorder the letters, and is not what this test is about). */
static bool ping_pong_round(void)
{
	uint64_t preempted = sched_preempt_count();
	struct thread *a, *b;

	order_len = 0;
	a = create_here("ping", ping, "A");
	b = create_here("pong", ping, "B");
	thread_join(a, NULL);
	thread_join(b, NULL);
	order[order_len] = '\0';
	return sched_preempt_count() == preempted;
}

KTEST(sched_yield_alternates_two_threads)
{
	int tries = 0;

	/* A yield starts a fresh slice, so rounds are rarely preempted. */
	while (!ping_pong_round() && ++tries < 5)
		;
	KT_ASSERT(tries < 5);
	KT_EXPECT_STREQ(order, "ABABABABABABABAB");
}

/* A sleeping thread gives the CPU to the others. */
KTEST(sched_sleep_lets_others_run)
{
	struct thread *th;
	uint64_t t0 = timer_uptime_ns();

	stop = false;
	spins = 0;
	th = create_here("spinner", spinner, NULL);
	KT_ASSERT(th);
	sleep_ms(20);
	stop = true;
	KT_ASSERT(spins > 0);
	KT_ASSERT(timer_uptime_ns() - t0 >= 20000000);
	thread_join(th, NULL);
}

/* With nothing else to run, a sleep idles the CPU in the idle thread. */
KTEST(sched_sleep_alone_runs_the_idle_thread)
{
	uint64_t idle = sched_idle_cycles();

	sleep_ms(10);
	KT_ASSERT(sched_idle_cycles() > idle);
}

/* preempt_disable() holds the spinner off however long the boot thread
 * runs; preempt_enable() lets it in. */
KTEST(sched_preempt_disable_holds_off_the_tick)
{
	uint64_t start;
	struct thread *th;
	uint64_t seen;

	stop = false;
	spins = 0;
	preempt_disable();
	th = create_here("spinner", spinner, NULL);
	start = arch_cycles();
	while (arch_cycles() - start < ms_cycles(30))
		;
	seen = spins;
	preempt_enable();
	start = arch_cycles();
	while (spins == 0 && arch_cycles() - start < ms_cycles(2000))
		;
	stop = true;
	if (th)
		thread_join(th, NULL);
	KT_ASSERT(th);
	KT_ASSERT_EQ(seen, 0);
	KT_ASSERT(spins > 0);
}

/* --- Wait queues ---------------------------------------------------------- */

static struct wait_queue wq = WAIT_QUEUE_INIT(wq, "test queue");
static volatile int wq_flag;

static void wait_for_flag(void *arg)
{
	(void)arg;
	wait_event(&wq, wq_flag);
}

/* Yield until @th has blocked (or give up after many tries). */
static bool wait_until_blocked(struct thread *th)
{
	for (int i = 0; i < 1000 && th->state != THREAD_BLOCKED; i++)
		thread_yield();
	return th->state == THREAD_BLOCKED;
}

KTEST(wait_wake_all_wakes_every_waiter)
{
	struct thread *a, *b;
	bool blocked;
	unsigned int woken;

	wq_flag = 0;	/* before the waiters exist: the tick may run them */
	a = create_here("waiter", wait_for_flag, NULL);
	b = create_here("waiter", wait_for_flag, NULL);
	blocked = wait_until_blocked(a) && wait_until_blocked(b);
	wq_flag = 1;
	woken = wake_all(&wq);
	thread_join(a, NULL);
	thread_join(b, NULL);
	KT_ASSERT(blocked);
	KT_ASSERT_EQ(woken, 2);
}

KTEST(wait_wake_without_waiters_does_nothing)
{
	KT_ASSERT(!wake_one(&wq));
	KT_ASSERT_EQ(wake_all(&wq), 0);
}

/* A wake-up without the condition true leaves the waiter waiting. */
KTEST(wait_spurious_wake_rechecks_the_condition)
{
	struct thread *th;
	bool blocked_first, blocked_again;

	/* Before the waiter exists: a tick between its creation and this
	 * store ran it with the last test's flag still 1, and it ended
	 * without ever blocking. */
	wq_flag = 0;
	th = create_here("waiter", wait_for_flag, NULL);
	blocked_first = wait_until_blocked(th);
	wake_one(&wq);			/* the flag is still 0 */
	blocked_again = wait_until_blocked(th);
	wq_flag = 1;
	wake_one(&wq);
	thread_join(th, NULL);
	KT_ASSERT(blocked_first);
	KT_ASSERT(blocked_again);
}

/*
 * A hand-off of 2,000 tokens between two threads through two wait queues,
 * each side yielding at odd moments and preempted by the tick: a lost
 * wake-up would leave both asleep, which the boot thread notices as a
 * time-out instead of hanging.
 */
#define HANDOFFS 2000
static struct wait_queue to_b = WAIT_QUEUE_INIT(to_b, "to b");
static struct wait_queue to_a = WAIT_QUEUE_INIT(to_a, "to a");
static volatile unsigned int token;	/* even: A's turn, odd: B's */
static volatile int done_count;

static void handoff(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg;
	struct wait_queue *mine = me ? &to_b : &to_a;
	struct wait_queue *other = me ? &to_a : &to_b;

	for (unsigned int i = 0; i < HANDOFFS; i++) {
		wait_event(mine, token % 2 == me);
		if ((i * 7 + me) % 5 == 0)
			thread_yield();	/* between the check and the pass */
		token++;
		wake_one(other);
	}
	__atomic_fetch_add(&done_count, 1, __ATOMIC_RELAXED);
}

KTEST(wait_handoff_loses_no_wake_up)
{
	struct thread *a, *b;
	uint64_t start = timer_uptime_ns();

	token = 0;
	done_count = 0;
	a = thread_create("hand a", handoff, (void *)0);
	b = thread_create("hand b", handoff, (void *)1);
	KT_ASSERT(a && b);
	while (done_count < 2 && timer_uptime_ns() - start < 10000000000ULL)
		sleep_ms(5);
	KT_ASSERT_EQ(done_count, 2);	/* else they stay asleep: a leak */
	thread_join(a, NULL);
	thread_join(b, NULL);
	KT_ASSERT_EQ(token, 2 * HANDOFFS);
}
