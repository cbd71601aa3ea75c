/*
 * arch/x86_64/irq.c - kernel/irq.h on whichever controller delivers the
 * PC's interrupt lines: the 8259A pair (IRQ n on vector VEC_IRQ_BASE + n)
 * from arch_init() on, and the IOAPIC with the local APIC (IRQ n through
 * its MADT override on vector VEC_IOAPIC_BASE + n) once irq_controller_init()
 * finds them. The 8259 then stays remapped and fully masked; its spurious
 * IRQ 7/15 can still arrive and are handled as before.
 */
#include "kernel/irq.h"

#include "lib/errno.h"
#include "lib/vsnprintf.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "kernel/acpi.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

static struct {
	irq_handler fn;
	void *ctx;
	uint64_t count;
} lines[ISA_IRQS];
static uint64_t spurious;
static const char *pic_reason = "the APIC is not set up yet";

_Static_assert(PIC_IRQS == ISA_IRQS, "the 8259 pair serves the ISA IRQs");

static void run_handler(unsigned int irq)
{
	lines[irq].count++;
	if (lines[irq].fn)
		lines[irq].fn(lines[irq].ctx);
}

/* The 8259's vectors: every IRQ while it delivers, afterwards only its
 * spurious IRQ 7/15 (every line is masked). */
static void pic_entry(struct trap_frame *frame)
{
	unsigned int irq = frame->vector - VEC_IRQ_BASE;

	if (pic_filter_spurious(irq)) {
		spurious++;
		return;
	}
	run_handler(irq);
	pic_eoi(irq);
}

static void ioapic_entry(struct trap_frame *frame)
{
	run_handler(frame->vector - VEC_IOAPIC_BASE);
	lapic_eoi();
}

/* A pin no ISA IRQ uses is masked; one that fires anyway is reported. */
static void ioapic_other_entry(struct trap_frame *frame)
{
	if (trap_count(frame->vector) == 1)
		kprintf("irq: an IOAPIC pin without a driver interrupted "
			"(vector %llu)\n", (unsigned long long)frame->vector);
	lapic_eoi();
}

void irq_arch_init(void)
{
	pic_init(VEC_IRQ_BASE);
	/* Every line gets the entry path, so that spurious IRQ 7/15 and lines
	 * without a handler are acknowledged correctly. */
	for (unsigned int irq = 0; irq < PIC_IRQS; irq++)
		trap_set_handler(VEC_IRQ_BASE + irq, pic_entry);
}

static uint32_t gsi_of(unsigned int irq)
{
	return ioapic_isa_route(acpi_madt(), irq).gsi;
}

/* Why the APIC cannot be used, or NULL when it can. */
static const char *apic_refusal(void)
{
	const struct acpi_madt *madt = acpi_madt();

	if (!options_on("apic"))
		return "apic=off on the command line";
	if (!cpu_features()->apic)
		return "this CPU has no local APIC (CPUID leaf 1 EDX bit 9)";
	if (!madt)
		return "no ACPI MADT (the firmware describes no APIC)";
	if (!madt->ioapic_count)
		return "the MADT lists no IOAPIC";
	return NULL;
}

/* Move to the APICs: every IOAPIC pin programmed masked, the local APIC
 * on, the 8259 masked, then the lines that have handlers unmasked on the
 * IOAPIC. Interrupts are off (the boot enables them later). */
static int switch_to_apic(void)
{
	const struct acpi_madt *madt = acpi_madt();
	int err;

	/* The IOAPICs first: if they fail, no local APIC is on yet and the
	 * 8259 carries on (lapic_id() is CPUID's initial id until then). */
	err = ioapic_init(madt, lapic_id());
	if (err)
		return err;
	err = lapic_init(madt->lapic_phys, options_on("x2apic"));
	if (err)
		return err;
	for (unsigned int irq = 0; irq < ISA_IRQS; irq++)
		trap_set_handler(VEC_IOAPIC_BASE + irq, ioapic_entry);
	trap_set_handler(VEC_IOAPIC_OTHER, ioapic_other_entry);
	pic_mask_all();
	for (unsigned int irq = 0; irq < ISA_IRQS; irq++) {
		if (lines[irq].fn)
			ioapic_unmask(gsi_of(irq));
	}
	pic_reason = NULL;
	lapic_timer_window_open();	/* its rate, measured at timer_init() */
	return 0;
}

void irq_controller_init(void)
{
	const char *why = apic_refusal();
	int err;

	if (!why) {
		err = switch_to_apic();
		if (!err)
			return;
		why = errno_name(err);
	}
	pic_reason = why;
	kprintf("irq: staying on the 8259 PIC: %s\n", why);
}

void irq_print_summary(void)
{
	if (!apic_in_use()) {
		kprintf("interrupts: 8259 PIC, because %s\n", pic_reason);
		return;
	}
	/* Under 80 columns: the EGA text screen shows the summary too. */
	kprintf("interrupts: %u IOAPIC, %u pins; %s, id %u; 8259 masked; "
		"IRQ 0 on GSI %u\n", ioapic_count(), ioapic_pin_count(),
		lapic_x2apic() ? "x2APIC" : "xAPIC", lapic_id(), gsi_of(0));
}

static int set_line_mask(unsigned int irq, bool masked)
{
	if (irq >= ISA_IRQS || irq == PIC_CASCADE_IRQ)
		return -EINVAL;
	if (apic_in_use())
		return masked ? ioapic_mask(gsi_of(irq)) :
				ioapic_unmask(gsi_of(irq));
	if (masked)
		pic_mask(irq);
	else
		pic_unmask(irq);
	return 0;
}

int irq_register(unsigned int irq, irq_handler fn, void *ctx)
{
	if (irq >= ISA_IRQS || irq == PIC_CASCADE_IRQ || !fn)
		return -EINVAL;
	if (lines[irq].fn)
		return -EBUSY;
	lines[irq].fn = fn;
	lines[irq].ctx = ctx;
	return set_line_mask(irq, false);
}

int irq_unregister(unsigned int irq)
{
	int err = set_line_mask(irq, true);

	if (err)
		return err;
	lines[irq].fn = NULL;
	lines[irq].ctx = NULL;
	return 0;
}

int irq_mask(unsigned int irq)
{
	return set_line_mask(irq, true);
}

int irq_unmask(unsigned int irq)
{
	return set_line_mask(irq, false);
}

uint64_t irq_count(unsigned int irq)
{
	return irq < ISA_IRQS ? lines[irq].count : 0;
}

uint64_t irq_spurious_count(void)
{
	return spurious + lapic_spurious_count();
}

/* What a vector is, for the "irqs" table. */
static void vector_name(unsigned int v, char *buf, size_t size)
{
	if (v < VEC_IRQ_BASE)
		snprintf(buf, size, "%s", exception_name(v));
	else if (v < VEC_IRQ_BASE + PIC_IRQS)
		snprintf(buf, size, "8259 IRQ %u", v - VEC_IRQ_BASE);
	else if (v < VEC_IOAPIC_BASE + ISA_IRQS)
		snprintf(buf, size, "IRQ %u (IOAPIC GSI %u)",
			 v - VEC_IOAPIC_BASE, gsi_of(v - VEC_IOAPIC_BASE));
	else if (v == VEC_IOAPIC_OTHER)
		snprintf(buf, size, "IOAPIC pin without a driver");
	else if (v == VEC_LAPIC_TIMER)
		snprintf(buf, size, "local APIC timer");
	else if (v == VEC_LAPIC_ERROR)
		snprintf(buf, size, "local APIC error");
	else if (v == VEC_SPURIOUS)
		snprintf(buf, size, "local APIC spurious");
	else
		snprintf(buf, size, "vector %u", v);
}

void irq_print_counts(void)
{
	char name[40];

	kprintf("vector  %-28s", "source");
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		if (cpus[c].online)
			kprintf(" %10s%-2u", "cpu", c);
	}
	kprintf("\n");
	for (unsigned int v = 0; v < IDT_VECTORS; v++) {
		if (!trap_count(v))
			continue;
		vector_name(v, name, sizeof(name));
		kprintf("  %#4x  %-28s", v, name);
		for (unsigned int c = 0; c < MAX_CPUS; c++) {
			if (cpus[c].online)
				kprintf(" %12llu", (unsigned long long)
					trap_count_cpu(c, v));
		}
		kprintf("\n");
	}
	kprintf("interrupts through %s; %llu spurious\n",
		apic_in_use() ? "the IOAPIC and local APIC" : "the 8259 PIC",
		(unsigned long long)irq_spurious_count());
}

void irq_enable(void)
{
	sti();
}

void irq_disable(void)
{
	cli();
}
