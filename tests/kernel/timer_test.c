/*
 * tests/kernel/timer_test.c - the PIT tick against the TSC, and the PIC's
 * handling of spurious interrupts.
 *
 * The TSC is calibrated by polling PIT channel 2; the tick comes from
 * channel 0 through IRQ 0. Timing tick periods with the TSC checks that
 * interrupts arrive at the programmed rate. Tolerance: 20%, because under
 * TCG the emulated clocks follow the host's, which a busy host disturbs.
 */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"
#include "kernel/timer.h"

#define TOLERANCE_PERCENT 20

static bool within(uint64_t value, uint64_t expected)
{
	uint64_t slack = expected * TOLERANCE_PERCENT / 100;

	return value + slack >= expected && value <= expected + slack;
}

KTEST(timer_cycle_counter_is_calibrated)
{
	/* Any x86_64 CPU, emulated or not, counts between 100 MHz and 10 GHz. */
	KT_ASSERT(timer_cycles_hz() > 100000000ULL);
	KT_ASSERT(timer_cycles_hz() < 10000000000ULL);
}

#define SAMPLES 65

/* Sort @n values in place (insertion sort: n is small). */
static void sort(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * Time SAMPLES - 1 tick periods with the TSC and compare the median with the
 * programmed period. The median ignores the few periods in which the host
 * did not run the emulator (under TCG a busy host delays or drops ticks);
 * a wrong divisor or a wrong calibration moves every period.
 */
KTEST(timer_ticks_at_configured_rate)
{
	uint64_t period[SAMPLES - 1];
	uint64_t expected = timer_cycles_hz() * 1000 / timer_rate_millihz();
	uint64_t last, prev_at = 0;

	KT_ASSERT(timer_rate_millihz() > 0 && timer_cycles_hz() > 0);
	last = timer_ticks();
	for (int i = 0; i < SAMPLES; i++) {
		uint64_t start = arch_cycles();

		while (timer_ticks() == last) {
			/* No tick for 100 periods: the timer has stopped. */
			KT_ASSERT(arch_cycles() - start < 100 * expected);
		}
		last = timer_ticks();
		if (i > 0)
			period[i - 1] = arch_cycles() - prev_at;
		prev_at = arch_cycles();
	}
	sort(period, SAMPLES - 1);
	if (!within(period[(SAMPLES - 1) / 2], expected))
		ktest_fail_at(t, __FILE__, __LINE__,
			      "median tick period %llu cycles, expected %llu +- %d%%",
			      (unsigned long long)period[(SAMPLES - 1) / 2],
			      (unsigned long long)expected, TOLERANCE_PERCENT);
}

KTEST(timer_sleep_lasts_long_enough)
{
	uint64_t start = arch_cycles();
	uint64_t up = timer_uptime_ns();
	uint64_t elapsed_ms;

	sleep_ms(50);
	elapsed_ms = (arch_cycles() - start) * 1000 / timer_cycles_hz();
	KT_ASSERT(timer_uptime_ns() - up >= 50000000ULL);
	KT_ASSERT(elapsed_ms + 50 * TOLERANCE_PERCENT / 100 >= 50);
	KT_ASSERT(elapsed_ms < 50 * 3);
}

KTEST(timer_uptime_is_monotonic)
{
	uint64_t last = timer_uptime_ns();

	for (int i = 0; i < 20; i++) {
		uint64_t now;

		arch_idle();
		now = timer_uptime_ns();
		KT_ASSERT(now >= last);
		last = now;
	}
	KT_ASSERT(last > 0);
}

/* A software "int 0x27" looks exactly like a spurious IRQ 7: the vector
 * arrives but the PIC has no IRQ 7 in service. No EOI may follow. */
KTEST(irq_spurious_irq7_gets_no_eoi)
{
	uint64_t spurious = irq_spurious_count();
	uint64_t eois, handled;

	uint64_t eois_after;

	irq_disable();	/* no timer EOI in between */
	eois = pic_eoi_count();
	handled = irq_count(7);
	__asm__ volatile("int %[v]" : : [v] "i"(VEC_IRQ_BASE + 7));
	eois_after = pic_eoi_count();
	irq_enable();	/* before any assert can return */
	KT_ASSERT_EQ(eois_after, eois);
	KT_ASSERT_EQ(irq_spurious_count(), spurious + 1);
	KT_ASSERT_EQ(irq_count(7), handled);
}

/* A spurious IRQ 15 still owes the master PIC an EOI for the cascade. */
KTEST(irq_spurious_irq15_eois_master_only)
{
	uint64_t spurious = irq_spurious_count();
	uint64_t eois;

	uint64_t eois_after;

	irq_disable();
	eois = pic_eoi_count();
	__asm__ volatile("int %[v]" : : [v] "i"(VEC_IRQ_BASE + 15));
	eois_after = pic_eoi_count();
	irq_enable();
	KT_ASSERT_EQ(eois_after, eois + 1);
	KT_ASSERT_EQ(irq_spurious_count(), spurious + 1);
}
