/*
 * kernel/wait.h - wait queues: sleep until a condition holds.
 *
 * A thread that waits puts itself on the queue and marks itself blocked
 * *before* it checks the condition; whoever makes the condition true does so
 * first and then wakes the queue. So a wake-up that comes between the check
 * and the switch only makes the blocked thread ready again, and the switch
 * returns at once: no wake-up is lost.
 *
 *	wait_event(&q, done);			the waiter
 *	done = true; wake_all(&q);		the waker, any context
 *
 * Waiting is for threads (never in an interrupt handler, never with
 * preemption disabled or a spinlock held); waking works anywhere, interrupt
 * handlers included. A woken thread checks its condition again, so a wake-up
 * without the condition true is harmless.
 */
#pragma once

#include <stdbool.h>

#include "lib/list.h"
#include "kernel/spinlock.h"

struct thread;

struct wait_queue {
	struct spinlock lock;		/* protects waiters */
	struct list_head waiters;	/* struct waiter, first to wake first */
};

#define WAIT_QUEUE_INIT(var, name) \
	{ SPINLOCK_INIT(name), LIST_HEAD_INIT((var).waiters) }

/* One waiting thread, on the waiter's own stack. */
struct waiter {
	struct list_head link;
	struct thread *thread;
	bool queued;		/* on the queue (a wake takes it off) */
};

void wait_queue_init(struct wait_queue *q, const char *name);

/* Put the caller on @q (once) and mark it blocked: the first half of a
 * wait. Then check the condition, and either wait_sleep() or wait_finish(). */
void wait_prepare(struct wait_queue *q, struct waiter *w);

/* Give the CPU away until woken (returns at once if already woken). */
void wait_sleep(void);

/* Leave @q and run on: the condition held. */
void wait_finish(struct wait_queue *q, struct waiter *w);

/* Wake the first waiter; true if there was one. */
bool wake_one(struct wait_queue *q);

/* Wake every waiter; returns how many. */
unsigned int wake_all(struct wait_queue *q);

/* Sleep on @q until @cond (an expression, evaluated again after each
 * wake-up) is true. */
#define wait_event(q, cond)                                                 \
	do {                                                                \
		struct waiter wait_w_ = { .queued = false };                \
		for (;;) {                                                  \
			wait_prepare((q), &wait_w_);                        \
			if (cond)                                           \
				break;                                      \
			wait_sleep();                                       \
		}                                                           \
		wait_finish((q), &wait_w_);                                 \
	} while (0)
