/*
 * kernel/arch.h - what generic kernel code asks of the architecture.
 * arch/x86_64/arch.c implements it; generic code includes nothing else
 * from arch/ for these jobs.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Stop this CPU for good with interrupts off. */
__attribute__((noreturn)) void arch_halt(void);

/* Stop every other CPU that runs the kernel (an NMI each) and wait a
 * little for them to halt: for panic(). Nothing when there are none. */
void arch_stop_other_cpus(void);

/* Mask interrupts on this CPU. */
void arch_irq_disable(void);

/* Mask interrupts and return the previous state, for arch_irq_restore(). */
uint64_t arch_irq_save(void);

/* Put back the interrupt state arch_irq_save() returned. */
void arch_irq_restore(uint64_t state);

/* Wait for the next interrupt (or return at once: the caller loops). */
void arch_idle(void);

/*
 * Wait for an interrupt unless @ready() already reports work. @ready runs
 * with interrupts off and the halt follows atomically, so an interrupt that
 * makes it true cannot slip in between and leave the CPU asleep until the
 * next one. Interrupts are on when this returns.
 */
void arch_idle_unless(bool (*ready)(void));

/* A hint inside busy-wait loops. */
void arch_relax(void);

/* Interrupt CPU @cpu (not the caller's) so that it looks at its run
 * queue again: it may be halted in its idle thread. */
void arch_send_resched(unsigned int cpu);

/* A free-running cycle counter (the TSC on x86). */
uint64_t arch_cycles(void);

/*
 * Ask the emulator to exit with @code (QEMU isa-debug-exit: the exit status
 * becomes code * 2 + 1). On a machine without that device nothing happens,
 * so the caller must halt after it.
 */
void arch_exit_emulator(uint32_t code);

/*
 * Restart the machine: the FADT's reset register when the FADT says it is
 * supported, then the reset line through the keyboard controller, and if
 * the machine is still running after that, a triple fault. Sends the console's queued output first.
 */
__attribute__((noreturn)) void arch_reboot(void);

/* Provoke a triple fault, which resets the machine (or stops QEMU with
 * -no-reboot). For the runner's own tests. */
__attribute__((noreturn)) void arch_triple_fault(void);

/* Set up the CPU tables (GDT, TSS, IDT), exception reporting and the
 * interrupt controller, with every device interrupt masked. */
void arch_init(void);

/* Build the kernel's address space (W^X image, guard pages, direct map)
 * and switch to it. Needs memory_init(). */
void arch_vm_init(void);

/* One line on the memory protections in force (NX, SMEP, SMAP, UMIP). */
void arch_print_protections(void);

struct arch_timer {
	uint64_t period_ps;	/* picoseconds between ticks */
	const char *source;	/* "PIT, IRQ 0", "local APIC, periodic" */
};

/* Start the periodic tick at about @hz; each tick calls timer_tick(). */
struct arch_timer arch_timer_start(uint32_t hz);

/* The cycle counter's frequency in Hz, measured against a known clock. */
uint64_t arch_cycles_calibrate(void);

/* Print a backtrace of the caller. */
void arch_backtrace(void);

/* Short CPU facts for the boot summary and the memory code, from the
 * features arch_init() read once. */
struct arch_cpu_info {
	char vendor[13];
	bool has_nx;		/* no-execute pages (EFER.NXE set at boot) */
	bool has_1g_pages;
	uint8_t phys_addr_bits;
	uint8_t virt_addr_bits;
};
const struct arch_cpu_info *arch_cpu_info(void);

/* Print the CPU's vendor, its address widths and the features the kernel
 * uses, a line each (the shell's "cpu"). */
void arch_print_cpu(void);

/* What a mapping allows, in words any architecture can give. */
#define ARCH_MAP_WRITE		0x01
#define ARCH_MAP_EXEC		0x02
#define ARCH_MAP_USER		0x04
#define ARCH_MAP_GLOBAL		0x08	/* kept in the TLB across CR3 loads */
#define ARCH_MAP_NOCACHE	0x10
#define ARCH_MAP_WRITE_THROUGH	0x20
#define ARCH_MAP_ACCESSED	0x40
#define ARCH_MAP_DIRTY		0x80

/* How the kernel's page tables map one virtual address. */
struct arch_mapping {
	uint64_t phys;		/* the byte the address reaches */
	uint64_t page_size;	/* in bytes, of the page that maps it */
	unsigned int flags;	/* ARCH_MAP_* */
	uint64_t entry_flags;	/* the page-table entry's own bits */
};

/* Look @va up in the kernel's page tables. Returns 0, -EINVAL when it is
 * not canonical (no page table can map it) or -ENOENT when not mapped. */
int arch_translate(uint64_t va, struct arch_mapping *m);

/* --- Threads (arch/x86_64/thread.c and switch.asm) ---------------------- */

struct thread;

/* Lay out @t's stack (below t->kstack_top) so that the first switch to it
 * calls sched_thread_start() there. */
void arch_thread_prepare(struct thread *t);

/*
 * Get the CPU ready to run @next, before the switch: TSS.RSP0 and
 * this_cpu()->kernel_stack_top become next->kstack_top, and when next's
 * process is not the current thread's, process_activate() loads its
 * address space. Interrupts off.
 */
void arch_thread_switch_in(struct thread *next);

/*
 * Save @prev's callee-saved registers and stack pointer, and resume @next
 * where it last switched away (or at its start). Returns when something
 * switches back to @prev, giving the thread that ran just before.
 */
struct thread *arch_thread_switch(struct thread *prev, struct thread *next);
