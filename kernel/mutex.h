/*
 * kernel/mutex.h - a sleeping lock for threads.
 *
 * A thread that finds the mutex held sleeps on its wait queue instead of
 * spinning, so the holder may block, sleep or be preempted inside its
 * critical section. Not recursive; only the holder may unlock; not for
 * interrupt handlers (use a spinlock there). There is no ordering among
 * waiters: whoever runs first after an unlock takes it.
 */
#pragma once

#include <stdbool.h>

#include "kernel/wait.h"

struct thread;

struct mutex {
	struct thread *volatile owner;	/* NULL: free */
	struct wait_queue waiters;
};

#define MUTEX_INIT(var, name) { NULL, WAIT_QUEUE_INIT((var).waiters, name) }

void mutex_init(struct mutex *m, const char *name);

/* Take @m, sleeping while another thread holds it. Thread context. */
void mutex_lock(struct mutex *m);

/* Take @m if it is free; true on success. */
bool mutex_trylock(struct mutex *m);

/* Give @m back and wake a waiter. Panics when the caller does not hold it. */
void mutex_unlock(struct mutex *m);

/* True when the calling thread holds @m (for assertions). */
bool mutex_held(const struct mutex *m);
