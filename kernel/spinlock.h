/*
 * kernel/spinlock.h - a lock for short critical sections, safe from
 * interrupt handlers and between CPUs.
 *
 * spin_lock_irqsave() turns interrupts off on this CPU before spinning and
 * spin_unlock_irqrestore() puts the interrupt flag back as it was, so a
 * handler that takes the same lock can never interrupt its holder on the
 * same CPU and deadlock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	volatile uint32_t locked;
	const char *name;		/* for reports */
};

#define SPINLOCK_INIT(lock_name) { .locked = 0, .name = (lock_name) }

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
