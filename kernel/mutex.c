/*
 * kernel/mutex.c - the mutex (kernel/mutex.h) on a wait queue.
 *
 * The owner field is the lock: taking it is one compare-and-swap from NULL
 * to the caller. An unlock stores NULL first and then wakes a waiter, and a
 * waiter is on the queue and blocked before it tries again (wait_event), so
 * an unlock between its failed try and its sleep cannot be missed.
 */
#include "kernel/mutex.h"

#include "kernel/panic.h"
#include "kernel/thread.h"

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	wait_queue_init(&m->waiters, name);
}

bool mutex_trylock(struct mutex *m)
{
	struct thread *none = NULL;

	return __atomic_compare_exchange_n(&m->owner, &none, thread_current(),
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

void mutex_lock(struct mutex *m)
{
	if (m->owner == thread_current())
		panic("mutex \"%s\" taken twice by thread %u",
		      m->waiters.lock.name, thread_current()->id);
	if (mutex_trylock(m))
		return;
	wait_event(&m->waiters, mutex_trylock(m));
}

void mutex_unlock(struct mutex *m)
{
	struct thread *self = thread_current();

	if (m->owner != self)
		panic("mutex \"%s\" unlocked by thread %u, which does not hold "
		      "it", m->waiters.lock.name, self ? self->id : 0);
	__atomic_store_n(&m->owner, NULL, __ATOMIC_RELEASE);
	wake_one(&m->waiters);
}

bool mutex_held(const struct mutex *m)
{
	return m->owner == thread_current();
}
