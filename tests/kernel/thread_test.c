/*
 * tests/kernel/thread_test.c - kernel threads: create, exit, join, their
 * stacks and guard pages (kernel/thread.c).
 */
#include "kernel/thread.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"

static void set_flag(void *arg)
{
	*(volatile int *)arg = 1;
}

static void exit_with(void *arg)
{
	thread_exit((int)(intptr_t)arg);
}

/* before: a flag at 0. after: the thread set it, and join gives status 0
 * (the function returned). */
KTEST(thread_create_runs_and_join_returns_zero)
{
	volatile int ran = 0;
	struct thread *th = thread_create("flag", set_flag, (void *)&ran);
	int status = -1;

	KT_ASSERT(th);
	KT_ASSERT_EQ(thread_join(th, &status), 0);
	KT_ASSERT_EQ(ran, 1);
	KT_ASSERT_EQ(status, 0);
}

KTEST(thread_exit_status_reaches_join)
{
	struct thread *th = thread_create("exit42", exit_with, (void *)42);
	int status = 0;

	KT_ASSERT(th);
	KT_ASSERT_EQ(thread_join(th, &status), 0);
	KT_ASSERT_EQ(status, 42);
}

KTEST(thread_join_refuses_self_and_boot)
{
	KT_ASSERT_EQ(thread_join(thread_current(), NULL), -EINVAL);
	KT_ASSERT_EQ(thread_join(NULL, NULL), -EINVAL);
}

KTEST(thread_current_is_boot_in_the_self_test)
{
	KT_EXPECT_STREQ(thread_current()->name, "boot");
	KT_ASSERT(thread_current()->process == NULL);
}

/* Each thread adds its own number once; the sum says every one ran. */
#define MANY 64
static volatile uint64_t many_sum;

static void add_self(void *arg)
{
	__atomic_fetch_add(&many_sum, (uint64_t)(uintptr_t)arg,
			   __ATOMIC_RELAXED);
	thread_yield();
	thread_exit((int)(uintptr_t)arg);
}

KTEST(thread_many_at_once_all_run)
{
	struct thread *ts[MANY];
	unsigned int before = thread_count();
	int bad = 0, status;

	many_sum = 0;
	for (uintptr_t i = 0; i < MANY; i++)
		ts[i] = thread_create("many", add_self, (void *)(i + 1));
	for (uintptr_t i = 0; i < MANY; i++) {
		if (!ts[i] || thread_join(ts[i], &status) || status != (int)i + 1)
			bad++;
	}
	KT_ASSERT_EQ(bad, 0);
	KT_ASSERT_EQ(many_sum, MANY * (MANY + 1) / 2);
	KT_ASSERT_EQ(thread_count(), before);
}

/* Each thread's stack is its own: a local's address lies in its slot,
 * below its kstack_top and above the guard. */
static void note_stack(void *arg)
{
	volatile int local = 0;

	*(uintptr_t *)arg = (uintptr_t)&local;
}

KTEST(thread_runs_on_its_own_stack_with_a_guard_below)
{
	uintptr_t where = 0;
	struct thread *th = thread_create("stack", note_stack, &where);
	uint64_t top, bottom;

	KT_ASSERT(th);
	top = th->kstack_top;
	bottom = top - THREAD_STACK_SIZE;
	/* The guard below is reported as this thread's. */
	KT_ASSERT(thread_guard_hit(bottom - 1) != NULL);
	KT_ASSERT(thread_guard_hit(bottom) == NULL);
	KT_ASSERT(thread_stack_contains(bottom, 16));
	KT_ASSERT_EQ(thread_join(th, NULL), 0);
	KT_ASSERT(where >= bottom && where < top);
	KT_ASSERT(!thread_stack_contains(bottom, 16));	/* freed */
}

/*
 * 1,000 thread lifetimes give back every frame: the stack's four and any
 * the heap took for records. One lifetime first, so that the page tables
 * of the first slot and the heap's block exist before counting; they are
 * kept for the next thread and are not a leak.
 */
KTEST(thread_stacks_freed_after_1000_lifetimes)
{
	uint64_t before;
	int failed = 0;

	thread_join(thread_create("warm", set_flag, &(int){ 0 }), NULL);
	before = frame_free_count();
	for (int i = 0; i < 1000; i++) {
		int flag = 0;
		struct thread *th = thread_create("life", set_flag, &flag);

		if (!th || thread_join(th, NULL) || !flag)
			failed++;
	}
	KT_ASSERT_EQ(failed, 0);
	KT_ASSERT_EQ(frame_free_count(), before);
}

/* Out of frames: create fails cleanly and leaks nothing. */
KTEST(thread_create_without_memory_returns_null)
{
	uint64_t before = frame_free_count();
	struct thread *th;

	frame_fail_after(2);	/* half a stack */
	th = thread_create("nomem", set_flag, &(int){ 0 });
	frame_fail_after(-1);
	if (th)
		thread_join(th, NULL);
	KT_ASSERT(th == NULL);
	KT_ASSERT_EQ(frame_free_count(), before);
}

/* "threads" lists each thread with its state: the caller running, a new
 * thread on the caller's CPU ready (it has not run yet: nothing yielded,
 * and preemption is held off until the list is printed, so that the tick
 * cannot run it to its end first). */
KTEST(thread_print_all_lists_names_and_states)
{
	static char out[4096];
	struct thread *th;
	char row[64];

	preempt_disable();
	th = thread_create_on(this_cpu()->index, "listed", set_flag,
			      &(int){ 0 });
	console_capture(out, sizeof(out));
	thread_print_all();
	console_capture(NULL, 0);
	preempt_enable();
	KT_ASSERT(th);
	thread_join(th, NULL);
	snprintf(row, sizeof(row), "%4u  %-16s %-8s", thread_current()->id,
		 "boot", "running");
	KT_ASSERT(strstr(out, row));
	snprintf(row, sizeof(row), "  %-16s %-8s", "listed", "ready");
	KT_ASSERT(strstr(out, row));
	KT_ASSERT(strstr(out, "idle0"));
}

/* Recurse until the stack runs into its guard page. */
static volatile uint64_t recursion_limit = UINT64_MAX;

static __attribute__((noinline)) uint64_t recurse(uint64_t depth)
{
	volatile uint8_t pad[256];

	pad[0] = (uint8_t)depth;
	if (depth == recursion_limit)
		return 0;
	return recurse(depth + 1) + pad[0];
}

static void overflow(void *arg)
{
	(void)arg;
	recurse(0);
}

/* Own boot: a thread's overflow is reported through the double-fault
 * stack, naming the thread. */
KTEST_FLAGS(thread_stack_overflow_is_reported, KTEST_EXPLICIT)
{
	thread_join(thread_create("overflow", overflow, NULL), NULL);
}
