/*
 * arch/x86_64/pic.c - program the 8259A pair: initialization command words
 * ICW1-ICW4, then operation command words for masks (OCW1), EOI (OCW2) and
 * reading the in-service register (OCW3).
 */
#include "arch/x86_64/pic.h"

#include <stddef.h>

#include "lib/align.h"
#include "arch/x86_64/cpu.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01		/* ICW4 follows */
#define ICW4_8086 0x01
#define OCW2_EOI 0x20		/* non-specific end of interrupt */
#define OCW3_READ_ISR 0x0b
#define ISR_IRQ7 0x80		/* in-service bit of the last line of a PIC */

static uint16_t mask = 0xffff;	/* bit n set: IRQ n masked */
static uint64_t eois;

/* The PIC needs a moment between command words on old hardware; a write
 * to the unused port 0x80 takes about a microsecond. */
static void io_wait(void)
{
	outb(0x80, 0);
}

static void write_masks(void)
{
	outb(PIC1_DATA, mask & 0xff);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(uint8_t base)
{
	static const struct {
		uint16_t port;
		uint8_t value;
		bool add_base;	/* ICW2: the value is an offset from @base */
	} init_sequence[] = {
		{ PIC1_CMD, ICW1_INIT | ICW1_ICW4, false },
		{ PIC2_CMD, ICW1_INIT | ICW1_ICW4, false },
		{ PIC1_DATA, 0, true },		/* ICW2: IRQ 0-7 at base */
		{ PIC2_DATA, 8, true },		/* ICW2: IRQ 8-15 at base + 8 */
		{ PIC1_DATA, 1 << PIC_CASCADE_IRQ, false },	/* ICW3: slave on IRQ 2 */
		{ PIC2_DATA, PIC_CASCADE_IRQ, false },		/* ICW3: its cascade id */
		{ PIC1_DATA, ICW4_8086, false },
		{ PIC2_DATA, ICW4_8086, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(init_sequence); i++) {
		uint8_t v = init_sequence[i].value;

		if (init_sequence[i].add_base)
			v += base;
		outb(init_sequence[i].port, v);
		io_wait();
	}
	mask = 0xffff & ~(1u << PIC_CASCADE_IRQ);
	write_masks();
}

void pic_unmask(unsigned int irq)
{
	mask &= ~(1u << irq);
	write_masks();
}

void pic_mask(unsigned int irq)
{
	mask |= 1u << irq;
	write_masks();
}

void pic_mask_all(void)
{
	mask = 0xffff;
	write_masks();
}

uint16_t pic_read_masks(void)
{
	return (uint16_t)(inb(PIC2_DATA) << 8 | inb(PIC1_DATA));
}

void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
	eois++;
}

static uint8_t read_isr(uint16_t cmd_port)
{
	outb(cmd_port, OCW3_READ_ISR);
	return inb(cmd_port);
}

bool pic_filter_spurious(unsigned int irq)
{
	if (irq == 7 && !(read_isr(PIC1_CMD) & ISR_IRQ7))
		return true;
	if (irq == 15 && !(read_isr(PIC2_CMD) & ISR_IRQ7)) {
		outb(PIC1_CMD, OCW2_EOI);	/* the cascade line was real */
		eois++;
		return true;
	}
	return false;
}

uint64_t pic_eoi_count(void)
{
	return eois;
}
