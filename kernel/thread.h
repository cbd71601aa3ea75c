/*
 * kernel/thread.h - kernel threads: create, exit, join.
 *
 * Each thread has its own kernel stack of THREAD_STACK_SIZE bytes in the
 * stack window (kernel/layout.h), with THREAD_GUARD_SIZE bytes left
 * unmapped below it, so an overflow faults and is reported naming the
 * thread. The boot flow becomes the thread "boot" in sched_init() and keeps
 * the boot stack. Scheduling (kernel/sched.h) decides which thread runs.
 *
 * Lifetime: thread_create() makes a thread ready to run; it ends by
 * returning from its function (status 0) or by thread_exit(status). Its
 * stack and record stay until another thread joins it with thread_join(),
 * which returns the status and frees both. A thread that is never joined
 * stays listed as "dead" (a zombie) and keeps its stack.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"
#include "kernel/wait.h"

#define THREAD_NAME_MAX 16
#define THREAD_STACK_SIZE (16 * 1024)
/* Unmapped below each stack: more than a page, so that a function with a
 * few KiB of locals cannot step over the guard into the next stack. */
#define THREAD_GUARD_SIZE (16 * 1024)
#define THREAD_MAX 4096		/* stack slots in the window */

struct process;

enum thread_state {
	THREAD_RUNNING,		/* on a CPU now */
	THREAD_READY,		/* in a run queue, waiting for a CPU */
	THREAD_BLOCKED,		/* on a wait queue, or sleeping */
	THREAD_DEAD,		/* exited, waiting to be joined */
};

struct thread {
	uint64_t arch_sp;	/* saved stack pointer while switched out */
	uint64_t kstack_top;	/* TSS.RSP0 and cpu->kernel_stack_top */
	struct process *process;	/* NULL: kernel thread */
	unsigned int id;
	char name[THREAD_NAME_MAX];
	enum thread_state state;	/* changed under its run queue's lock */
	unsigned int cpu;	/* index of the CPU whose run queue it is on */
	volatile bool on_cpu;	/* its stack is in use (until switched away) */
	bool joining;		/* somebody is in thread_join() on it */
	void (*fn)(void *);
	void *arg;
	int exit_status;
	struct wait_queue exited;	/* thread_join() waits here */
	struct list_head run_link;	/* run queue or sleep list */
	struct list_head all_link;	/* every thread (thread_print) */
	uint64_t wake_ns;	/* when sleeping: uptime to wake at */
	uint64_t cycles;	/* CPU time, in cycles of arch_cycles() */
	uint64_t switches;	/* times it was switched to */
	int stack_slot;		/* -1: a stack it did not get from here */
	bool idle;		/* a CPU's idle thread: never joined */
};

/*
 * Start fn(arg) in a new thread named @name (cut to THREAD_NAME_MAX - 1
 * characters), ready to run on the least loaded CPU (kernel/sched.h).
 * Returns NULL when no memory is
 * left for its record or its stack, or every stack slot is taken. Thread
 * context only, after sched_init().
 */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);

/*
 * The same, on CPU @cpu for its whole life (tests, per-CPU work); NULL
 * also when that CPU does not schedule threads (offline, or not started).
 */
struct thread *thread_create_on(unsigned int cpu, const char *name,
				void (*fn)(void *), void *arg);

/*
 * A thread like thread_create()'s that is on no run queue yet, so that
 * fields such as ->process can be set before it first runs; sched_add()
 * then makes it ready. And a record for a flow of control that already
 * runs on the stack ending at @stack_top (the boot flow, a CPU's first
 * flow). NULL when out of memory.
 */
struct thread *thread_alloc(const char *name, void (*fn)(void *), void *arg);
struct thread *thread_adopt(const char *name, uint64_t stack_top);

/* End the calling thread with @status, which thread_join() returns. */
__attribute__((noreturn)) void thread_exit(int status);

/*
 * Wait until @t has ended, store its status in *@status (if not NULL) and
 * free its stack and record; @t is invalid afterwards. Returns 0, or
 * -EINVAL when @t is the caller, the boot or an idle thread, or -EBUSY
 * when another thread is already joining it.
 */
int thread_join(struct thread *t, int *status);

/* Let other ready threads on this CPU run first. */
void thread_yield(void);

/* The thread running this code; NULL before sched_init(). */
struct thread *thread_current(void);

/* The boot flow becomes the thread "boot", and this CPU gets its idle
 * thread; preemption starts with the next tick. Once, after the heap. */
void sched_init(void);

/* Called by timer_tick() on every tick, in interrupt context: CPU time,
 * sleepers, the time slice. */
void sched_tick(void);

/*
 * The hook that loads a process's address space when a thread of another
 * process is switched in (kernel/process.c; NULL loads the kernel's own
 * tables, for a kernel thread). Called with interrupts off.
 */
void process_activate(struct process *p);

/* Print every thread: id, name, state, CPU, CPU time, switches (the
 * shell's "threads"). */
void thread_print_all(void);

/* How many threads exist, dead ones not yet joined included. */
unsigned int thread_count(void);

/*
 * If @addr is in the guard below a thread's stack, a description of the
 * stack it protects ("the stack of thread 7 (\"spin\")") in a static
 * buffer, else NULL. For the fault reports.
 */
const char *thread_guard_hit(uintptr_t addr);

/* True when [@addr, @addr + @len) lies inside a mapped thread stack (for
 * backtraces). */
bool thread_stack_contains(uintptr_t addr, uintptr_t len);
