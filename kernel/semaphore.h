/*
 * kernel/semaphore.h - a counting semaphore for threads.
 *
 * The count is how many semaphore_down() calls may go through without
 * sleeping; semaphore_up() adds one and wakes a sleeper. With a count of 0
 * to start, it signals events between threads ("a buffer is ready"); with
 * N, it admits N holders at once. Down is for threads only; up works in
 * any context, interrupt handlers included.
 */
#pragma once

#include <stdbool.h>

#include "kernel/wait.h"

struct semaphore {
	volatile int count;
	struct wait_queue waiters;
};

#define SEMAPHORE_INIT(var, n, name) \
	{ (n), WAIT_QUEUE_INIT((var).waiters, name) }

void semaphore_init(struct semaphore *s, int count, const char *name);

/* Take one from the count, sleeping while it is 0. */
void semaphore_down(struct semaphore *s);

/* Take one if the count is above 0; true on success. */
bool semaphore_trydown(struct semaphore *s);

/* Add one to the count and wake a sleeper. */
void semaphore_up(struct semaphore *s);
