/*
 * kernel/percpu.c - the per-CPU records.
 */
#include "kernel/percpu.h"

#include <stddef.h>

_Static_assert(offsetof(struct cpu, self) == CPU_OFFSET_SELF, "percpu.h");
_Static_assert(offsetof(struct cpu, kernel_stack_top) ==
	       CPU_OFFSET_KERNEL_STACK_TOP, "percpu.h");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_OFFSET_USER_RSP,
	       "percpu.h");

struct cpu cpus[MAX_CPUS];

unsigned int cpu_online_count(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++)
		n += cpus[i].online;
	return n;
}
