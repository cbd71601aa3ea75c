/*
 * kernel/semaphore.c - the counting semaphore (kernel/semaphore.h) on a wait
 * queue: the count changes by compare-and-swap, and sleepers wait for it
 * to be positive (wait_event), so an up between a failed try and the sleep
 * is not lost.
 */
#include "kernel/semaphore.h"

void semaphore_init(struct semaphore *s, int count, const char *name)
{
	s->count = count;
	wait_queue_init(&s->waiters, name);
}

bool semaphore_trydown(struct semaphore *s)
{
	int n = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

	while (n > 0) {
		if (__atomic_compare_exchange_n(&s->count, &n, n - 1, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	}
	return false;
}

void semaphore_down(struct semaphore *s)
{
	if (!semaphore_trydown(s))
		wait_event(&s->waiters, semaphore_trydown(s));
}

void semaphore_up(struct semaphore *s)
{
	__atomic_fetch_add(&s->count, 1, __ATOMIC_RELEASE);
	wake_one(&s->waiters);
}
