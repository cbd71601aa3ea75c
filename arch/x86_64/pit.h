/*
 * arch/x86_64/pit.h - the 8254 programmable interval timer (Intel 82C54
 * data sheet): channel 0 drives IRQ 0, channel 2 can be polled through
 * port 0x61, which makes it a clock for calibrating the TSC.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182		/* 14.31818 MHz / 12 */
#define PIT_MAX_DIVISOR 0xffff
#define PIT_MIN_DIVISOR 2	/* a count of 1 is illegal in mode 2 */
#define PIT_MIN_HZ (PIT_HZ / PIT_MAX_DIVISOR + 1)

/*
 * Program channel 0 as a rate generator (mode 2) at the rate closest to
 * @hz, clamped to what a 16-bit divisor of at least 2 can make. Returns the
 * divisor it used; the true rate is PIT_HZ / divisor.
 */
uint32_t pit_start(uint32_t hz);

/* Stop channel 0 (when the local APIC timer is the tick, and after a test
 * of IRQ 0). */
void pit_stop(void);

/*
 * Count TSC cycles during @us microseconds (at most 54925) of channel 2,
 * polled (interrupts not needed), and return the TSC frequency in Hz, or 0
 * when channel 2 never finished (no PIT). The result can only err high, by
 * up to a PIT period plus one port read (~2 us on a PC) per window.
 */
uint64_t pit_calibrate_tsc(uint32_t us);

/*
 * Channel 2 as a free-running down-counter, read on demand: start it from
 * 65536, read the count (latched, so both bytes belong together), stop it.
 * It wraps after 65536 periods (54.9 ms). For checking the TSC against it.
 */
void pit_count_start(void);
uint16_t pit_count_read(void);
/* Whether the count has gone past zero (and wrapped) since the start. */
bool pit_count_expired(void);
void pit_count_stop(void);
