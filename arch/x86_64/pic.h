/*
 * arch/x86_64/pic.h - the two cascaded 8259A interrupt controllers of the PC
 * (Intel 8259A data sheet; the PC wires the slave to the master's IRQ 2).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define PIC_IRQS 16
#define PIC_CASCADE_IRQ 2

/*
 * Remap IRQ 0-15 to vectors @base..@base+15 (BIOS and GRUB leave the master
 * on vectors 8-15, which collide with CPU exceptions: the timer would arrive
 * as a "double fault") and mask every line.
 */
void pic_init(uint8_t base);

void pic_unmask(unsigned int irq);
void pic_mask(unsigned int irq);

/* Mask every line, the cascade too: the APICs deliver instead. Spurious
 * IRQ 7/15 can still arrive. */
void pic_mask_all(void);

/* The masks as the two PICs hold them (OCW1 read back), bit n = IRQ n. */
uint16_t pic_read_masks(void);

/* Tell the PIC(s) that @irq has been handled. */
void pic_eoi(unsigned int irq);

/*
 * IRQ 7 and IRQ 15 can be spurious: the line dropped before the PIC could
 * name it. Then its in-service bit is clear, and it must get no EOI (for a
 * spurious IRQ 15, the master still needs one for the cascade line).
 * Returns true when @irq is such a spurious interrupt, after sending any EOI
 * that is due.
 */
bool pic_filter_spurious(unsigned int irq);

/* EOIs sent so far (for tests). */
uint64_t pic_eoi_count(void);
