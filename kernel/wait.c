/*
 * kernel/wait.c - wait queues (kernel/wait.h) on the scheduler's block and
 * wake (kernel/sched.h).
 */
#include "kernel/wait.h"

#include "kernel/panic.h"
#include "kernel/sched.h"
#include "kernel/thread.h"

void wait_queue_init(struct wait_queue *q, const char *name)
{
	q->lock = (struct spinlock)SPINLOCK_INIT(name);
	list_init(&q->waiters);
}

void wait_prepare(struct wait_queue *q, struct waiter *w)
{
	uint64_t flags;

	if (!sched_may_block())
		panic("waiting on \"%s\" where the caller may not block "
		      "(interrupt handler, preemption or interrupts off)",
		      q->lock.name);
	flags = spin_lock_irqsave(&q->lock);
	if (!w->queued) {
		w->thread = thread_current();
		list_add_tail(&q->waiters, &w->link);
		w->queued = true;
	}
	/* Blocked before the caller looks at its condition: a wake from
	 * here on makes it ready again (kernel/wait.h). */
	sched_block_current();
	spin_unlock_irqrestore(&q->lock, flags);
}

void wait_sleep(void)
{
	schedule();
}

void wait_finish(struct wait_queue *q, struct waiter *w)
{
	uint64_t flags = spin_lock_irqsave(&q->lock);

	if (w->queued) {
		list_del(&w->link);
		w->queued = false;
	}
	sched_unblock_current();
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Take the first waiter off @q (locked) and wake it. */
static bool wake_first(struct wait_queue *q)
{
	struct waiter *w;

	if (list_empty(&q->waiters))
		return false;
	w = list_first_entry(&q->waiters, struct waiter, link);
	list_del(&w->link);
	w->queued = false;
	sched_wake(w->thread);
	return true;
}

bool wake_one(struct wait_queue *q)
{
	uint64_t flags = spin_lock_irqsave(&q->lock);
	bool woke = wake_first(q);

	spin_unlock_irqrestore(&q->lock, flags);
	return woke;
}

unsigned int wake_all(struct wait_queue *q)
{
	uint64_t flags = spin_lock_irqsave(&q->lock);
	unsigned int n = 0;

	while (wake_first(q))
		n++;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}
