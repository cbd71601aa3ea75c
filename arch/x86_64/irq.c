/*
 * arch/x86_64/irq.c - kernel/irq.h on the 8259A PIC: IRQ n arrives on vector
 * VEC_IRQ_BASE + n.
 */
#include "kernel/irq.h"

#include "lib/errno.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"

static struct {
	irq_handler fn;
	void *ctx;
	uint64_t count;
} lines[PIC_IRQS];
static uint64_t spurious;

static void irq_entry(struct trap_frame *frame)
{
	unsigned int irq = frame->vector - VEC_IRQ_BASE;

	if (pic_filter_spurious(irq)) {
		spurious++;
		return;
	}
	lines[irq].count++;
	if (lines[irq].fn)
		lines[irq].fn(lines[irq].ctx);
	pic_eoi(irq);
}

void irq_arch_init(void)
{
	pic_init(VEC_IRQ_BASE);
	/* Every line gets the entry path, so that spurious IRQ 7/15 and lines
	 * without a handler are acknowledged correctly. */
	for (unsigned int irq = 0; irq < PIC_IRQS; irq++)
		trap_set_handler(VEC_IRQ_BASE + irq, irq_entry);
}

int irq_register(unsigned int irq, irq_handler fn, void *ctx)
{
	if (irq >= PIC_IRQS || irq == PIC_CASCADE_IRQ || !fn)
		return -EINVAL;
	if (lines[irq].fn)
		return -EBUSY;
	lines[irq].fn = fn;
	lines[irq].ctx = ctx;
	pic_unmask(irq);
	return 0;
}

uint64_t irq_count(unsigned int irq)
{
	return irq < PIC_IRQS ? lines[irq].count : 0;
}

uint64_t irq_spurious_count(void)
{
	return spurious;
}

void irq_enable(void)
{
	sti();
}

void irq_disable(void)
{
	cli();
}
