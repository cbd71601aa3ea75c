/*
 * kernel/boot_steps.h - how long each step of the boot took.
 *
 * kmain() marks the end of each init step with boot_step_done(); `make
 * bench` prints the breakdown ("bench: boot <step> N us") and the boot
 * summary prints the total, so a step that grows shows by name.
 */
#pragma once

#include <stdint.h>

/* Start the clock: the cycle counter reading at kmain's first line. */
void boot_steps_start(void);

/* Record that step @name ended now. Names are string literals. */
void boot_step_done(const char *name);

/*
 * Print one line per step in microseconds, as benchmark figures; needs
 * the cycle counter calibrated (timer_init), else prints nothing.
 */
void boot_steps_report(void);

/* Record that the kernel is ready: every subsystem is up. What follows
 * (the boot summary) is output, and shows as its own steps. */
void boot_steps_mark_ready(void);

/* Microseconds from boot_steps_start() to the ready mark, or 0 when the
 * cycle counter is not calibrated or the mark is not set yet. */
uint64_t boot_steps_ready_us(void);

/* Microseconds from boot_steps_start() to the last step, or 0. */
uint64_t boot_steps_total_us(void);
