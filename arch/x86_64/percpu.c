/*
 * arch/x86_64/percpu.c - this_cpu() through the GS base.
 *
 * In the kernel, IA32_GS_BASE holds the address of this CPU's struct cpu,
 * whose first field points at itself, so one GS-relative load finds it.
 * IA32_KERNEL_GS_BASE holds the other value that swapgs exchanges it with
 * on entries from ring 3 (SDM Vol. 3A, 5.8.8, SWAPGS).
 */
#include "kernel/percpu.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/msr.h"

static bool gs_ready;	/* the boot CPU's GS base is set */

void arch_percpu_init(struct cpu *c)
{
	c->self = c;
	c->index = (unsigned int)(c - cpus);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	c->online = true;
	gs_ready = true;
}

unsigned int this_cpu_index(void)
{
	return gs_ready ? this_cpu()->index : 0;
}

struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}
