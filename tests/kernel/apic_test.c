/*
 * tests/kernel/apic_test.c - the local APIC and the IOAPIC: which
 * controller is in use and why, the IOAPIC's routing of ISA IRQs (the PIT
 * through its override, the serial receive interrupt), the spurious and
 * error vectors, and the local APIC timer's rate.
 *
 * Under `-cpu qemu64,-apic` or `apic=off` the tests that need the APIC
 * skip, and apic_pic_is_used_for_a_reason checks the 8259 is in charge.
 */
#include "lib/acpi.h"
#include "lib/string.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/trap.h"
#include "drivers/fw_cfg.h"
#include "drivers/uart16550.h"
#include "kernel/acpi.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "tests/kernel/ktest_sort.h"

#define TOLERANCE_PERCENT 20	/* as tests/kernel/timer_test.c */

static bool within_percent(uint64_t value, uint64_t expected, int percent)
{
	uint64_t slack = expected * percent / 100;

	return value + slack >= expected && value <= expected + slack;
}

static bool need_apic(struct ktest_ctx *t)
{
	if (!apic_in_use())
		ktest_skip(t, "the 8259 PIC delivers interrupts on this boot");
	return apic_in_use();
}

/* With an APIC, an IOAPIC in the MADT and no apic=off, the APIC is used;
 * otherwise the 8259 is. */
KTEST(apic_used_exactly_when_the_machine_has_one)
{
	const struct acpi_madt *madt = acpi_madt();
	bool can = cpu_features()->apic && madt && madt->ioapic_count &&
		   options_on("apic");

	KT_ASSERT_EQ(apic_in_use(), can);
}

/* On the 8259 path every line with a handler is unmasked there. */
KTEST(apic_pic_is_used_for_a_reason)
{
	if (apic_in_use()) {
		ktest_skip(t, "the APIC is in use");
		return;
	}
	KT_ASSERT(!(pic_read_masks() & (1u << 0)));	/* the PIT's tick */
	KT_ASSERT(strstr(timer_source(), "PIT") != NULL);
}

/* With the APIC in use every 8259 line is masked, the cascade too. */
KTEST(apic_pic_fully_masked)
{
	if (!need_apic(t))
		return;
	KT_ASSERT_EQ(pic_read_masks(), 0xffff);
}

KTEST(apic_local_apic_enabled_with_spurious_and_error_vectors)
{
	uint32_t svr, error;

	if (!need_apic(t))
		return;
	svr = lapic_read(LAPIC_REG_SVR);
	error = lapic_read(LAPIC_REG_LVT_ERROR);
	KT_ASSERT(svr & (1u << 8));		/* software enabled */
	KT_ASSERT_EQ(svr & 0xff, VEC_SPURIOUS);
	KT_ASSERT_EQ(error & 0xff, VEC_LAPIC_ERROR);
	KT_ASSERT(!(error & LAPIC_LVT_MASKED));
	KT_ASSERT_EQ(this_cpu()->apic_id, lapic_id());
}

/*
 * The error vector's handler reads ESR, counts and reports. No emulator
 * here raises the error interrupt (QEMU and Bochs record errors in ESR but
 * never deliver the vector), so the vector is raised by software; first,
 * in xAPIC mode, a read of a reserved register (offset 0, SDM Vol. 3A
 * table 11-1) makes the APIC record ESR bit 7 (§11.5.3), which the handler
 * must then read. A PC raises the error interrupt for that read too; it
 * arrives after interrupts come back on and finds nothing new. In x2APIC
 * mode a reserved register is a #GP, not an ESR bit: the handler reads 0.
 */
#define LAPIC_REG_RESERVED 0x000

KTEST(apic_error_vector_reads_and_reports_esr)
{
	bool xapic = !lapic_x2apic();
	uint64_t errors, flags;
	uint32_t esr;

	if (!need_apic(t))
		return;
	errors = lapic_error_count();
	kprintf("# apic: the error vector raised on purpose, reported below:\n");
	flags = arch_irq_save();
	if (xapic) {
		lapic_write(LAPIC_REG_ESR, 0);	/* latch, so drop, older ones */
		(void)lapic_read(LAPIC_REG_RESERVED);
	}
	__asm__ volatile("int %[v]" : : [v] "i"(VEC_LAPIC_ERROR));
	esr = lapic_last_error();
	arch_irq_restore(flags);
	KT_ASSERT(lapic_error_count() >= errors + 1);
	KT_ASSERT_EQ(esr, xapic ? LAPIC_ESR_ILLEGAL_REGISTER : 0);
}

/* The spurious vector's handler counts and sends no EOI. */
KTEST(apic_spurious_vector_is_counted)
{
	uint64_t before;

	if (!need_apic(t))
		return;
	before = irq_spurious_count();
	__asm__ volatile("int %[v]" : : [v] "i"(VEC_SPURIOUS));
	KT_ASSERT_EQ(irq_spurious_count(), before + 1);
}

/* A crafted MADT: overrides move and re-signal ISA IRQs; "conforms" keeps
 * ISA's edge, active high; an override of another bus is not ISA's. */
KTEST(apic_overrides_route_isa_irqs)
{
	static struct acpi_madt madt;
	struct ioapic_route r;

	memset(&madt, 0, sizeof(madt));
	madt.override_count = 4;
	madt.overrides[0] = (struct acpi_madt_override){
		0, 0, 2, ACPI_POLARITY_CONFORMS, ACPI_TRIGGER_CONFORMS };
	madt.overrides[1] = (struct acpi_madt_override){
		0, 9, 9, ACPI_POLARITY_HIGH, ACPI_TRIGGER_LEVEL };
	madt.overrides[2] = (struct acpi_madt_override){
		0, 11, 20, ACPI_POLARITY_LOW, ACPI_TRIGGER_CONFORMS };
	madt.overrides[3] = (struct acpi_madt_override){
		1, 4, 17, ACPI_POLARITY_LOW, ACPI_TRIGGER_LEVEL };
	r = ioapic_isa_route(&madt, 0);
	KT_ASSERT(r.gsi == 2 && !r.level && !r.active_low);
	r = ioapic_isa_route(&madt, 9);
	KT_ASSERT(r.gsi == 9 && r.level && !r.active_low);
	r = ioapic_isa_route(&madt, 11);
	KT_ASSERT(r.gsi == 20 && !r.level && r.active_low);
	r = ioapic_isa_route(&madt, 4);
	KT_ASSERT(r.gsi == 4 && !r.level && !r.active_low);
	r = ioapic_isa_route(NULL, 1);
	KT_ASSERT(r.gsi == 1 && !r.level && !r.active_low);
}

/* An override sends some other ISA IRQ to @gsi. */
static bool moved_onto(const struct acpi_madt *madt, uint32_t gsi)
{
	for (unsigned int i = 0; i < madt->override_count; i++) {
		const struct acpi_madt_override *o = &madt->overrides[i];

		if (o->bus == 0 && o->gsi == gsi && o->irq != gsi)
			return true;
	}
	return false;
}

/* Every ISA IRQ's pin holds its vector, polarity and trigger, and the
 * GSI an override took from its own IRQ carries nothing (QEMU: GSI 0). */
KTEST(apic_ioapic_entries_follow_the_madt)
{
	const struct acpi_madt *madt = acpi_madt();

	if (!need_apic(t))
		return;
	for (unsigned int irq = 0; irq < ISA_IRQS; irq++) {
		struct ioapic_route r = ioapic_isa_route(madt, irq);
		uint64_t e;

		if (irq == 2 || ioapic_read_entry(r.gsi, &e))
			continue;	/* the cascade; a pin no IOAPIC has */
		if (r.gsi == irq && moved_onto(madt, irq))
			continue;	/* another IRQ's override took it */
		KT_ASSERT_EQ(e & IOAPIC_VECTOR_MASK, VEC_IOAPIC_BASE + irq);
		KT_ASSERT_EQ(!!(e & IOAPIC_LEVEL), r.level);
		KT_ASSERT_EQ(!!(e & IOAPIC_ACTIVE_LOW), r.active_low);
	}
	if (ioapic_isa_route(madt, 0).gsi != 0) {
		uint64_t e0;

		KT_ASSERT_EQ(ioapic_read_entry(0, &e0), 0);
		KT_ASSERT(e0 & IOAPIC_MASKED);
		KT_ASSERT_EQ(e0 & IOAPIC_VECTOR_MASK, VEC_IOAPIC_OTHER);
	}
}

static volatile uint64_t pit_irqs;

static void count_pit(void *ctx)
{
	(void)ctx;
	pit_irqs++;
}

/*
 * The PIT's IRQ 0 arrives through its override (GSI 2 on QEMU and most
 * PCs) on the IOAPIC's vector for IRQ 0: channel 0 at 1 kHz for 50 ms.
 * Only the route is checked (every interrupt on that vector, and enough
 * of them, 10 of the ~50, to rule out a stray one); the PIT's rate is the
 * timer tests' job under -cpu qemu64,-apic, and a busy host drops ticks.
 */
KTEST_FLAGS(apic_pit_arrives_through_the_override, KTEST_TIMING)
{
	uint64_t vec0, start, got;

	if (!need_apic(t))
		return;
	if (irq_register(0, count_pit, NULL)) {
		ktest_skip(t, "IRQ 0 is taken (the PIT is the tick)");
		return;
	}
	pit_irqs = 0;
	vec0 = trap_count(VEC_IOAPIC_BASE + 0);
	pit_start(1000);
	start = arch_cycles();
	while (arch_cycles() - start < timer_cycles_hz() / 20)
		arch_idle();
	pit_stop();
	irq_unregister(0);
	got = pit_irqs;
	KT_ASSERT(got >= 10);
	KT_ASSERT_EQ(trap_count(VEC_IOAPIC_BASE + 0) - vec0, got);
}

/*
 * The runner types a known text on COM1 when asked (as for
 * uart_receives_by_interrupt); it must arrive through the IOAPIC pin of
 * the UART's IRQ and the IOAPIC's vector for it.
 */
KTEST_FLAGS(apic_ioapic_delivers_serial_receive, KTEST_TIMING)
{
	char expected[64];
	size_t len = 0, want;
	uint64_t vec, start, e;
	unsigned int irq;

	if (!need_apic(t))
		return;
	if (!console_uart() ||
	    fw_cfg_read_file("opt/keel/serial-input", expected,
			     sizeof(expected)) < 0) {
		ktest_skip(t, "no UART or no serial input for this test");
		return;
	}
	irq = console_uart()->irq;
	KT_ASSERT_EQ(ioapic_read_entry(ioapic_isa_route(acpi_madt(), irq).gsi,
				       &e), 0);
	KT_ASSERT(!(e & IOAPIC_MASKED));
	while (console_getc() >= 0)
		;
	want = strlen(expected);
	vec = trap_count(VEC_IOAPIC_BASE + irq);
	kprintf("# ktest: waiting for serial input\n");
	start = arch_cycles();
	while (len < want && arch_cycles() - start < timer_cycles_hz() * 5) {
		if (console_getc() >= 0)
			len++;
		else
			arch_idle();
	}
	KT_ASSERT_EQ(len, want);
	KT_ASSERT(trap_count(VEC_IOAPIC_BASE + irq) > vec);
}

#define SAMPLES 33

/* Wait for this CPU's next local APIC timer interrupt (false after 100
 * tick periods without one) and return its TSC time in *@at. */
static bool next_lapic_tick(uint64_t period, uint64_t *at)
{
	unsigned int cpu = this_cpu()->index;
	uint64_t seen = trap_count_cpu(cpu, VEC_LAPIC_TIMER);
	uint64_t start = arch_cycles();

	while (trap_count_cpu(cpu, VEC_LAPIC_TIMER) == seen) {
		if (arch_cycles() - start > 100 * period)
			return false;
	}
	*at = arch_cycles();
	return true;
}

/*
 * The local APIC timer's own vector fires at the tick rate: the median of
 * SAMPLES - 1 periods between its interrupts, timed with the TSC, within
 * the timer tests' tolerance (the median ignores the periods in which a
 * busy host did not run the emulator).
 */
KTEST_FLAGS(apic_timer_ticks_at_configured_rate, KTEST_TIMING)
{
	uint64_t expected = timer_cycles_hz() * 1000 / timer_rate_millihz();
	uint64_t period[SAMPLES - 1];
	uint64_t prev = 0, at;

	if (!need_apic(t))
		return;
	if (!strstr(timer_source(), "local APIC")) {
		ktest_skip(t, "the tick is %s", timer_source());
		return;
	}
	for (int i = 0; i < SAMPLES; i++) {
		KT_ASSERT(next_lapic_tick(expected, &at));
		if (i > 0)
			period[i - 1] = at - prev;
		prev = at;
	}
	ktest_sort_u64(period, SAMPLES - 1);
	if (!within_percent(period[(SAMPLES - 1) / 2], expected,
			    TOLERANCE_PERCENT))
		ktest_fail_at(t, __FILE__, __LINE__,
			      "median local APIC timer period %llu cycles, "
			      "expected %llu +- %d%%",
			      (unsigned long long)period[(SAMPLES - 1) / 2],
			      (unsigned long long)expected, TOLERANCE_PERCENT);
}

/*
 * Periodic mode: the count rate calibrated at boot agrees with one of up
 * to FRESH_TRIES fresh measurements (the timer restarts after them). Each
 * is a short window, which a host holding the emulator off skews; a wrong
 * boot figure agrees with none.
 */
#define FRESH_TRIES 5

KTEST_FLAGS(apic_timer_count_rate_is_stable, KTEST_TIMING)
{
	uint64_t boot_hz = lapic_timer_count_hz();
	uint64_t now_hz = 0;
	bool agreed = false;

	if (!need_apic(t))
		return;
	if (lapic_timer_uses_deadline() || !boot_hz) {
		ktest_skip(t, "the tick uses TSC deadlines: no count rate");
		return;
	}
	for (int i = 0; i < FRESH_TRIES && !agreed; i++) {
		irq_disable();
		now_hz = lapic_timer_measure_hz(timer_cycles_hz());
		lapic_timer_start_cpu();
		irq_enable();
		agreed = within_percent(now_hz, boot_hz, 2);
	}
	if (!agreed)
		ktest_fail_at(t, __FILE__, __LINE__, "boot %llu Hz, the last of "
			      "%d fresh measurements %llu Hz",
			      (unsigned long long)boot_hz, FRESH_TRIES,
			      (unsigned long long)now_hz);
}

/* How long the local APIC timer's set-up took at boot (its calibration in
 * periodic mode): a figure, not a test. */
KBENCH(apic_timer_setup_time)
{
	uint64_t hz = timer_cycles_hz();

	if (!apic_in_use() || !hz)
		return;
	kbench_report("local APIC timer set-up at boot",
		      lapic_timer_setup_cycles() * 1000000 / hz, "us");
}

/* The cost of an EOI write (none is in service: the APIC ignores it). */
KBENCH(apic_eoi_cost)
{
	enum { N = 1000 };
	uint64_t start;

	if (!apic_in_use())
		return;
	irq_disable();
	start = arch_cycles();
	for (int i = 0; i < N; i++)
		lapic_eoi();
	kbench_report("local APIC EOI", (arch_cycles() - start) / N,
		      "cycles");
	irq_enable();
}
