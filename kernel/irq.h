/*
 * kernel/irq.h - device interrupt lines, whatever controller delivers them.
 */
#pragma once

#include <stdint.h>

typedef void (*irq_handler)(void *ctx);

/*
 * Call @fn(@ctx) on each interrupt of line @irq (0-15 on a PC) and unmask
 * the line. Handlers run with interrupts off; the controller gets its EOI
 * after the handler returns. Returns 0, -EINVAL for a bad line or -EBUSY if
 * the line has a handler.
 */
int irq_register(unsigned int irq, irq_handler fn, void *ctx);

/* Interrupts taken on @irq, and spurious ones seen (IRQ 7/15). */
uint64_t irq_count(unsigned int irq);
uint64_t irq_spurious_count(void);

/* Enable and disable interrupts on this CPU. */
void irq_enable(void);
void irq_disable(void);
