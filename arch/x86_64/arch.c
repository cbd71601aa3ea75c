/*
 * arch/x86_64/arch.c - the x86_64 side of kernel/arch.h.
 */
#include "kernel/arch.h"

#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vm.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/usermode.h"

void irq_arch_init(void);

/* QEMU's isa-debug-exit device, as the test runner configures it. */
#define DEBUG_EXIT_PORT 0xf4

/* The generic view of the features cpuid_probe() read, filled once. */
static struct arch_cpu_info cpu_info;

static void fill_cpu_info(void)
{
	const struct cpu_features *f = cpu_features();

	memcpy(cpu_info.vendor, f->vendor, sizeof(cpu_info.vendor));
	cpu_info.has_nx = f->nx;
	cpu_info.has_1g_pages = f->pages_1g;
	cpu_info.phys_addr_bits = f->phys_bits;
	cpu_info.virt_addr_bits = f->virt_bits;
}

void arch_init(void)
{
	cpuid_probe();		/* CPU features, read once for everyone */
	fill_cpu_info();
	arch_percpu_init(&cpus[0]);	/* this_cpu() for the boot CPU */
	gdt_init();		/* our own segments and the TSS with IST stacks */
	idt_init();		/* all 256 vectors into isr.asm */
	exception_init();	/* breakpoint and double-fault handlers */
	irq_arch_init();	/* PIC remapped to 32-47, every line masked */
	arch_usermode_init();	/* SYSCALL/SYSRET for user mode */
	/* The TSC is measured against the PIT over the boot's next steps,
	 * to arch_cycles_calibrate() in timer_init(): no wait of its own. */
	tsc_window_open();
}

void arch_vm_init(void)
{
	vm_init();
}

void arch_print_protections(void)
{
	const struct vm_features *f = vm_features();

	kprintf("protections: W^X kernel image%s, SMEP %s, SMAP %s, UMIP %s, "
		"direct map in %s pages\n",
		f->nx ? "" : " (write-protect only: this CPU has no NX)",
		f->smep ? "on" : "not available",
		f->smap ? "on" : "not available",
		f->umip ? "on" : "not available", f->pages_1g ? "1 GiB" : "2 MiB");
}

static void on_timer_irq(void *ctx)
{
	(void)ctx;
	timer_tick();
}

/* The local APIC timer when the APIC delivers interrupts (it needs the
 * TSC's rate, which timer_init() has measured by now), else the PIT on
 * IRQ 0, through whichever controller is in use. */
struct arch_timer arch_timer_start(uint32_t hz)
{
	uint64_t period_ps = lapic_timer_setup(hz, timer_cycles_hz());
	uint32_t divisor;

	if (period_ps) {
		pit_stop();	/* the firmware's 18.2 Hz is nobody's tick now */
		lapic_timer_start_cpu();
		return (struct arch_timer){
			period_ps, lapic_timer_uses_deadline() ?
			"local APIC, TSC deadline" : "local APIC, periodic" };
	}
	if (apic_in_use())
		kprintf("timer: the local APIC timer did not count; "
			"ticking with the PIT\n");
	divisor = pit_start(hz);
	irq_register(0, on_timer_irq, NULL);
	/* period = divisor / PIT_HZ seconds */
	return (struct arch_timer){ divisor * 1000000000000ULL / PIT_HZ,
				    "PIT, IRQ 0" };
}

void arch_backtrace(void)
{
	/* Start at our caller: its return address and its saved frame. */
	const uint64_t *fp = __builtin_frame_address(0);

	backtrace_print((uint64_t)(uintptr_t)__builtin_return_address(0), fp[0]);
}

/* Both stop the machine: the console's queued output goes out first. */
void arch_halt(void)
{
	console_flush();
	for (;;) {
		cli();
		hlt();
	}
}

void arch_irq_disable(void)
{
	cli();
}

uint64_t arch_irq_save(void)
{
	uint64_t rflags = read_rflags();

	cli();
	return rflags & RFLAGS_IF;
}

void arch_irq_restore(uint64_t state)
{
	if (state & RFLAGS_IF)
		sti();
}

void arch_idle(void)
{
	hlt();
}

void arch_idle_unless(bool (*ready)(void))
{
	cli();
	if (ready())
		sti();
	else
		sti_hlt();
}

/* Busy-waiters serve TLB shootdowns: one may wait on this CPU. */
void arch_relax(void)
{
	pause();
	tlb_shootdown_poll();
}

uint64_t arch_cycles(void)
{
	return rdtsc();
}

void arch_exit_emulator(uint32_t code)
{
	console_flush();
	outl(DEBUG_EXIT_PORT, code);
}

void arch_triple_fault(void)
{
	cli();
	lidt_null();
	int3();
	arch_halt();
}

const struct arch_cpu_info *arch_cpu_info(void)
{
	return &cpu_info;
}
