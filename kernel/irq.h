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

/* Mask @irq again and forget its handler. Returns 0 or -EINVAL. */
int irq_unregister(unsigned int irq);

/* Mask and unmask @irq on whichever controller delivers it, keeping its
 * handler. Returns 0 or -EINVAL. */
int irq_mask(unsigned int irq);
int irq_unmask(unsigned int irq);

/*
 * Choose the controller: the IOAPIC and local APIC when the CPU has an
 * APIC, the ACPI MADT describes an IOAPIC and "apic=off" was not given;
 * else stay on the 8259 PIC and say why in one line. Lines registered
 * before move along. Needs the heap and acpi_init(); interrupts off.
 */
void irq_controller_init(void);

/* One line on the controller in use (the boot summary). */
void irq_print_summary(void);

/* Interrupts taken per vector and CPU, a line per vector (the shell's
 * "irqs"). */
void irq_print_counts(void);

/* Interrupts taken on @irq, and spurious ones seen (IRQ 7/15). */
uint64_t irq_count(unsigned int irq);
uint64_t irq_spurious_count(void);

/* Enable and disable interrupts on this CPU. */
void irq_enable(void);
void irq_disable(void);
