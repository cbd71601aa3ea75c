/*
 * kernel/timer.h - the periodic tick, uptime and sleeping.
 */
#pragma once

#include <stdint.h>

#define TIMER_DEFAULT_HZ 1000
#define TIMER_MIN_HZ 20
#define TIMER_MAX_HZ 10000	/* beyond this the tick would eat the CPU */

/*
 * Start the tick at @hz (the hardware picks the nearest rate it can make)
 * and calibrate the cycle counter. Interrupts must be enabled afterwards
 * for the tick to run.
 */
void timer_init(uint32_t hz);

/* Called by the arch code on every tick, in interrupt context. */
void timer_tick(void);

uint64_t timer_ticks(void);

/* What makes the tick, in words ("PIT, IRQ 0"). */
const char *timer_source(void);

/* The tick rate actually programmed, in millihertz (1000 Hz -> 1000151). */
uint64_t timer_rate_millihz(void);

/* Nanoseconds since timer_init(), at tick resolution. */
uint64_t timer_uptime_ns(void);

/* Cycle-counter frequency in Hz (0 if calibration failed). */
uint64_t timer_cycles_hz(void);

/* How long timer_init() spent finding that frequency, in microseconds. */
uint64_t timer_calibration_us(void);

/* Sleep at least @ms milliseconds, idling (interrupts must be on). */
void sleep_ms(uint32_t ms);
