/*
 * kernel/spinlock.h - a lock for short critical sections, safe from
 * interrupt handlers and between CPUs.
 *
 * spin_lock_irqsave() turns interrupts off on this CPU before spinning and
 * spin_unlock_irqrestore() puts the interrupt flag back as it was, so a
 * handler that takes the same lock can never interrupt its holder on the
 * same CPU and deadlock.
 *
 * It is a test-and-test-and-set lock, not a ticket lock (kernel/spinlock.c
 * has the measurements behind the choice). The lock records which CPU holds
 * it: taking it again on that CPU, or waiting for it longer than
 * SPINLOCK_DEADLOCK_SECONDS, panics naming the lock and its holder.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A wait this long is a deadlock, not contention. */
#define SPINLOCK_DEADLOCK_SECONDS 10

struct spinlock {
	volatile uint32_t locked;
	uint32_t holder;		/* CPU index + 1; 0: nobody */
	const char *name;		/* for reports */
	uint64_t contended;		/* acquisitions that had to wait */
};

#define SPINLOCK_INIT(lock_name) { .locked = 0, .holder = 0, \
				   .name = (lock_name), .contended = 0 }

/* Interrupts off, then take @l. Returns the interrupt state to restore. */
uint64_t spin_lock_irqsave(struct spinlock *l);

/* Release @l, then restore the interrupt state @flags. */
void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags);

/* Take and release without touching interrupts, for callers that have
 * them off already. */
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);

/* Take @l if it is free; true on success. */
bool spin_trylock(struct spinlock *l);

/* True while some CPU holds @l (for assertions and tests). */
bool spin_is_locked(const struct spinlock *l);

/* True when this CPU holds @l. */
bool spin_held_here(const struct spinlock *l);
