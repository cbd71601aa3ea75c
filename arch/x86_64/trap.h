/*
 * arch/x86_64/trap.h - the trap frame: the registers of the interrupted code
 * as arch/x86_64/isr.asm saves them, and the interrupt handler API.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Layout is fixed by isr_common in arch/x86_64/isr.asm; keep them in sync. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;		/* pushed by the stub */
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "isr.asm frame size");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == 15 * 8,
	       "isr.asm pushes vector and error code after the 15 registers");

#define IDT_VECTORS 256

/* Exception vectors (SDM Vol. 3A, table 6-1). */
enum {
	VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4,
	VEC_BR = 5, VEC_UD = 6, VEC_NM = 7, VEC_DF = 8, VEC_CSO = 9, VEC_TS = 10,
	VEC_NP = 11, VEC_SS = 12, VEC_GP = 13, VEC_PF = 14, VEC_MF = 16,
	VEC_AC = 17, VEC_MC = 18, VEC_XM = 19, VEC_VE = 20, VEC_CP = 21,
	VEC_HV = 28, VEC_VC = 29, VEC_SX = 30,
	VEC_IRQ_BASE = 32,	/* the PIC's IRQ 0..15 after remapping */
};

/*
 * Interrupt vectors of the APICs (arch/x86_64/irq.c, lapic.c). The local
 * APIC ranks a vector by its top four bits, so the timer and the APIC's
 * own vectors sit above every device.
 */
enum {
	VEC_IOAPIC_BASE = 48,	/* ISA IRQ 0..15 through the IOAPIC */
	VEC_IOAPIC_OTHER = 64,	/* IOAPIC pins no ISA IRQ uses (masked) */
	VEC_LAPIC_TIMER = 0xf0,
	VEC_LAPIC_ERROR = 0xfe,
	VEC_SPURIOUS = 0xff,	/* bits 3:0 set, as P6-era APICs force */
};

/* Inter-processor interrupts (arch/x86_64/smp.c, tlb.c), in the top
 * priority class beside the timer. */
enum {
	VEC_IPI_CALL = 0xf2,	/* run a function on this CPU */
	VEC_IPI_TLB = 0xf3,	/* drop a stale kernel TLB entry */
	VEC_IPI_RESCHED = 0xf4,	/* a thread became ready on this CPU */
};

/* A handler for one vector. Runs with interrupts off. */
typedef void (*trap_handler)(struct trap_frame *frame);

/*
 * Route @vector to @handler (NULL: back to the default, which reports an
 * unexpected interrupt or, for an exception, panics with a full report).
 * Returns the previous handler.
 */
trap_handler trap_set_handler(unsigned int vector, trap_handler handler);

/* Called by isr_common for every interrupt and exception. */
void trap_dispatch(struct trap_frame *frame);

/* Exceptions from user mode end the process; one at a user-memory access
 * resumes at its fixup (arch/x86_64/usermode.c). True when it took @frame. */
bool usermode_trap(struct trap_frame *frame);

/* Handles exceptions that no handler claimed: report and panic. */
__attribute__((noreturn)) void exception_die(struct trap_frame *frame);

/* How many times each vector has been taken (for tests and statistics):
 * on every CPU, and on the CPU of index @cpu. */
uint64_t trap_count(unsigned int vector);
uint64_t trap_count_cpu(unsigned int cpu, unsigned int vector);
