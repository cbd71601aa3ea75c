/*
 * tests/kernel/trap_bench.c - what an interrupt costs: entry through the IDT
 * stub, isr_common, trap_dispatch, a registered handler that does nothing,
 * and iretq. Measured with software interrupts, in TSC cycles.
 */
#include <stddef.h>

#include "arch/x86_64/trap.h"
#include "kernel/arch.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"

#define BENCH_VECTOR 0x65
#define ROUNDS 20000

static void nothing(struct trap_frame *frame)
{
	(void)frame;
}

KBENCH(interrupt_entry_exit)
{
	uint64_t best = UINT64_MAX;
	uint64_t total;
	uint64_t start;

	trap_set_handler(BENCH_VECTOR, nothing);
	irq_disable();		/* no timer tick inside the measurement */
	start = arch_cycles();
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t = arch_cycles();

		__asm__ volatile("int %[v]" : : [v] "i"(BENCH_VECTOR));
		t = arch_cycles() - t;
		if (t < best)
			best = t;
	}
	total = arch_cycles() - start;
	irq_enable();
	trap_set_handler(BENCH_VECTOR, NULL);
	kbench_report("interrupt entry+exit, mean", total / ROUNDS, "cycles");
	kbench_report("interrupt entry+exit, best", best, "cycles");
}
