/*
 * kernel/percpu.h - what each CPU keeps for itself.
 *
 * Every CPU has one struct cpu, and this_cpu() finds it without a lock: on
 * x86_64 the GS base points at it while the CPU runs kernel code. The first
 * fields sit at fixed offsets because assembly (the system call entry)
 * reads them through GS; add new fields at the end.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MAX_CPUS 64

struct thread;
struct arch_user_state;

struct cpu {
	struct cpu *self;		/* offset 0: GS:0 gives the pointer */
	uint64_t kernel_stack_top;	/* offset 8: stack for entries from ring 3 */
	uint64_t user_rsp;		/* offset 16: scratch for the SYSCALL entry */
	unsigned int index;		/* 0 for the boot CPU, then MADT order */
	uint32_t apic_id;
	bool online;			/* running kernel code */
	struct thread *current;		/* NULL until the scheduler runs */
	uint64_t start_us;		/* STARTUP IPI to reporting in (APs) */
	/* Whose x87/SSE registers this CPU's unit holds (saved only when
	 * another process's thread is switched in here); NULL: nobody's. */
	struct arch_user_state *fpu_owner;
};

#define CPU_OFFSET_SELF			0
#define CPU_OFFSET_KERNEL_STACK_TOP	8
#define CPU_OFFSET_USER_RSP		16

extern struct cpu cpus[MAX_CPUS];

/* This CPU's record. Valid from arch_init() on. */
struct cpu *this_cpu(void);

/* How many CPUs are online (1 until others are started). */
unsigned int cpu_online_count(void);

/* Point this CPU's per-CPU base at @c and mark it online (arch code). */
void arch_percpu_init(struct cpu *c);

/* This CPU's index; 0 before arch_init() (only the boot CPU runs then),
 * so that locks and printk work from the first line of kmain(). */
unsigned int this_cpu_index(void);
