/*
 * kernel/smp.h - the other CPUs: starting them, running a function on one
 * of them, and what each does once up.
 *
 * smp_send_init() and smp_init() start every enabled processor of the ACPI
 * MADT (up to the smp=N option; none with nosmp); smp_init() returns when
 * each has reported in or was given up on. An AP then enters the scheduler
 * (sched_idle_enter(): its start-up flow becomes its idle thread), taking
 * its own timer tick, which preempts its threads, and the IPIs below.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct acpi_madt;

/*
 * Send INIT to the APs that @madt lists (NULL: there is no MADT, one CPU)
 * and make ready what they will run on. Boot CPU, once, after the heap and
 * the local APIC; the cycle counter need not be calibrated yet. The boot
 * goes on during the 10 ms the APs need before a STARTUP.
 */
void smp_send_init(const struct acpi_madt *madt);

/* Start the APs smp_send_init() readied, once the rest of the 10 ms is
 * over. Boot CPU, once, after the timer (its waits are measured on the
 * cycle counter, and each AP starts its own APIC timer) and the
 * scheduler. Prints a line for each AP that did not come up. */
void smp_init(void);

/* The boot summary's line: how many CPUs came up and how fast, or why
 * there is only one. */
void smp_print_summary(void);

/*
 * Run @fn(@arg) on CPU @cpu (an index into cpus[]) in its interrupt
 * context and wait until it returned. On this CPU it is a plain call.
 * Returns 0, -EINVAL when @cpu does not take IPIs, or -ETIMEDOUT when it
 * did not start @fn within SMP_CALL_TIMEOUT_MS (then @fn never runs).
 * Any context but an interrupt handler, interrupts on or off: a caller
 * that waits runs the calls other CPUs make to it meanwhile.
 */
int smp_call(unsigned int cpu, void (*fn)(void *), void *arg);
#define SMP_CALL_TIMEOUT_MS 5000

/* The same without waiting for @fn to return: once @cpu has started it.
 * The caller learns of the end through @arg. -EINVAL for this CPU. */
int smp_call_async(unsigned int cpu, void (*fn)(void *), void *arg);

/* The CPUs that take IPIs (online with their local APIC on), as a bit
 * per cpus[] index. */
uint64_t smp_ready_mask(void);

/* How long the APs took to start (the first INIT to the last report),
 * in microseconds, and how many were asked to start. */
uint64_t smp_bringup_us(void);
unsigned int smp_started_count(void);

/* One line per CPU: index, APIC id, state, its start-up time (the shell's
 * "cpus"). */
void smp_print_cpus(void);
