/*
 * arch/x86_64/trap.c - route every interrupt and exception to its handler.
 */
#include "arch/x86_64/trap.h"

#include "arch/x86_64/fault.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

static trap_handler handlers[IDT_VECTORS];
/* Per CPU, so that no two CPUs ever write one counter. */
static uint64_t counts[MAX_CPUS][IDT_VECTORS];

trap_handler trap_set_handler(unsigned int vector, trap_handler handler)
{
	trap_handler old = handlers[vector % IDT_VECTORS];

	handlers[vector % IDT_VECTORS] = handler;
	return old;
}

uint64_t trap_count_cpu(unsigned int cpu, unsigned int vector)
{
	return cpu < MAX_CPUS ? counts[cpu][vector % IDT_VECTORS] : 0;
}

uint64_t trap_count(unsigned int vector)
{
	uint64_t n = 0;

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		n += counts[c][vector % IDT_VECTORS];
	return n;
}

void trap_dispatch(struct trap_frame *frame)
{
	unsigned int v = frame->vector % IDT_VECTORS;
	uint64_t n = ++counts[this_cpu()->index][v];

	if (handlers[v]) {
		handlers[v](frame);
		return;
	}
	if (v < VEC_IRQ_BASE) {
		/* A test that provoked this exception on purpose resumes. */
		if (fault_catch_take(frame))
			return;
		exception_die(frame);
	}
	/* An interrupt nobody asked for: say so once per vector. */
	if (n == 1)
		kprintf("Keel: unexpected interrupt on vector %u (ignored)\n", v);
}
