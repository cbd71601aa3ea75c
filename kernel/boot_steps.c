/*
 * kernel/boot_steps.c - timestamps of the boot's init steps.
 */
#include "kernel/boot_steps.h"

#include <stddef.h>

#include "lib/vsnprintf.h"
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/timer.h"

#define MAX_STEPS 24

static struct {
	const char *name;
	uint64_t cycles;	/* the counter when the step ended */
} steps[MAX_STEPS];
static size_t nr_steps;
static uint64_t start_cycles;
static uint64_t ready_cycles;

void boot_steps_start(void)
{
	start_cycles = arch_cycles();
}

void boot_step_done(const char *name)
{
	if (nr_steps == MAX_STEPS)
		return;		/* the breakdown is a measurement, not a need */
	steps[nr_steps].name = name;
	steps[nr_steps].cycles = arch_cycles();
	nr_steps++;
}

static uint64_t cycles_to_us(uint64_t cycles)
{
	return cycles * 1000000 / timer_cycles_hz();
}

void boot_steps_report(void)
{
	uint64_t prev = start_cycles;
	char name[48];

	if (!timer_cycles_hz())
		return;
	for (size_t i = 0; i < nr_steps; i++) {
		snprintf(name, sizeof(name), "boot %s", steps[i].name);
		kbench_report(name, cycles_to_us(steps[i].cycles - prev), "us");
		prev = steps[i].cycles;
	}
	kbench_report("boot kmain to ready", boot_steps_ready_us(), "us");
	kbench_report("boot kmain to the last step", boot_steps_total_us(),
		      "us");
}

void boot_steps_mark_ready(void)
{
	ready_cycles = arch_cycles();
}

uint64_t boot_steps_ready_us(void)
{
	if (!timer_cycles_hz() || !ready_cycles)
		return 0;
	return cycles_to_us(ready_cycles - start_cycles);
}

uint64_t boot_steps_total_us(void)
{
	if (!timer_cycles_hz() || !nr_steps)
		return 0;
	return cycles_to_us(steps[nr_steps - 1].cycles - start_cycles);
}
