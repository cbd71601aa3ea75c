/*
 * tests/kernel/trap_test.c - interrupts and exceptions: each fault provoked
 * on purpose, caught (arch/x86_64/fault.h), checked and resumed, all in one
 * boot.
 */
#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/fault.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/symbols.h"

/* A lower-half address the kernel's tables never map. */
#define UNMAPPED_ADDR 0x0000100000000000ULL
#define TEST_VECTOR 0x64

KTEST(trap_breakpoint_returns)
{
	uint64_t before = trap_count(VEC_BP);

	int3();
	int3();
	KT_ASSERT_EQ(trap_count(VEC_BP) - before, 2);
}

static volatile int soft_hits;

static void on_test_vector(struct trap_frame *frame)
{
	if (frame->vector == TEST_VECTOR)
		soft_hits++;
}

KTEST(trap_soft_interrupt_reaches_handler_three_times)
{
	trap_set_handler(TEST_VECTOR, on_test_vector);
	soft_hits = 0;
	__asm__ volatile("int %[v]" : : [v] "i"(TEST_VECTOR));
	__asm__ volatile("int %[v]" : : [v] "i"(TEST_VECTOR));
	__asm__ volatile("int %[v]" : : [v] "i"(TEST_VECTOR));
	trap_set_handler(TEST_VECTOR, NULL);
	KT_ASSERT_EQ(soft_hits, 3);
}

KTEST(trap_divide_error_is_caught)
{
	struct fault_catch fc;
	volatile unsigned int zero = 0;
	volatile unsigned int r = 1;

	KT_ASSERT(FAULT_CAUGHT(fc, r = 10 / zero));
	KT_ASSERT_EQ(fc.vector, VEC_DE);
	KT_ASSERT_EQ(fc.error_code, 0);
	(void)r;
}

KTEST(trap_invalid_opcode_is_caught)
{
	struct fault_catch fc;

	KT_ASSERT(FAULT_CAUGHT(fc, __asm__ volatile("ud2")));
	KT_ASSERT_EQ(fc.vector, VEC_UD);
}

/* A non-canonical address faults with #GP and error code 0. */
KTEST(trap_general_protection_non_canonical)
{
	struct fault_catch fc;

	KT_ASSERT(FAULT_CAUGHT(fc, (void)*(volatile uint64_t *)0x8000000000000000ULL));
	KT_ASSERT_EQ(fc.vector, VEC_GP);
	KT_ASSERT_EQ(fc.error_code, 0);
}

/* Loading a selector beyond the GDT's limit: #GP naming that selector. */
KTEST(trap_general_protection_bad_selector)
{
	struct fault_catch fc;
	uint16_t bad = 0x1230;	/* GDT index 0x246, far past the end */

	KT_ASSERT(FAULT_CAUGHT(fc, __asm__ volatile("mov %0, %%ds" : : "r"(bad))));
	KT_ASSERT_EQ(fc.vector, VEC_GP);
	KT_ASSERT_EQ(fc.error_code, 0x1230);
	__asm__ volatile("mov %0, %%ds" : : "r"((uint16_t)GDT_KERNEL_DATA));
}

KTEST(trap_page_fault_read_reports_address)
{
	struct fault_catch fc;

	KT_ASSERT(FAULT_CAUGHT(fc, (void)*(volatile uint64_t *)UNMAPPED_ADDR));
	KT_ASSERT_EQ(fc.vector, VEC_PF);
	KT_ASSERT_EQ(fc.error_code, 0);		/* not present, read, kernel */
	KT_ASSERT_EQ(fc.cr2, UNMAPPED_ADDR);
}

KTEST(trap_page_fault_write_reports_address)
{
	struct fault_catch fc;

	KT_ASSERT(FAULT_CAUGHT(fc, *(volatile uint64_t *)(UNMAPPED_ADDR + 8) = 1));
	KT_ASSERT_EQ(fc.vector, VEC_PF);
	KT_ASSERT_EQ(fc.error_code, 2);		/* not present, write, kernel */
	KT_ASSERT_EQ(fc.cr2, UNMAPPED_ADDR + 8);
}

/* Several faults in a row, each resumed: the machinery leaves no state. */
KTEST(trap_faults_resume_repeatedly)
{
	struct fault_catch fc;

	/* volatile: it lives across fault_catch(), like a setjmp local. */
	for (volatile int i = 0; i < 100; i++) {
		KT_ASSERT(FAULT_CAUGHT(fc, __asm__ volatile("ud2")));
		KT_ASSERT_EQ(fc.vector, VEC_UD);
	}
	KT_ASSERT(!FAULT_CAUGHT(fc, (void)0));
}

static __attribute__((noinline)) void report_subject(void)
{
	__asm__ volatile("nop");
}

/* The report of a #PF names it, decodes the error code and names the
 * function that faulted. */
KTEST(trap_report_names_fault_and_function)
{
	static char out[2048];
	struct trap_frame frame = {
		.vector = VEC_PF,
		.error_code = 0x3,	/* present, write */
		.rip = (uint64_t)(uintptr_t)report_subject + 1,
	};

	console_capture(out, sizeof(out));
	exception_report(&frame);
	console_capture(NULL, 0);
	KT_ASSERT(strstr(out, "EXCEPTION: page fault (#PF), vector 14"));
	KT_ASSERT(strstr(out, "protection violation, write, kernel mode"));
	KT_ASSERT(strstr(out, "in report_subject+0x1"));
	KT_ASSERT(strstr(out, "backtrace:"));
}

KTEST(trap_gdt_holds_known_descriptors)
{
	const uint64_t *gdt = gdt_table();

	KT_ASSERT_EQ(gdt[0], 0);
	KT_ASSERT_EQ(gdt[GDT_KERNEL_CODE >> 3], 0x00af9b000000ffffULL);
	KT_ASSERT_EQ(gdt[GDT_KERNEL_DATA >> 3], 0x00cf93000000ffffULL);
	KT_ASSERT_EQ(gdt[GDT_USER_DATA >> 3], 0x00cff3000000ffffULL);
	KT_ASSERT_EQ(gdt[GDT_USER_CODE >> 3], 0x00affb000000ffffULL);
	KT_ASSERT_EQ(read_cs(), GDT_KERNEL_CODE);
	KT_ASSERT_EQ(str(), GDT_TSS);
}

KTEST(trap_idt_gates_present_with_ist)
{
	for (unsigned int v = 0; v < IDT_VECTORS; v++) {
		KT_ASSERT(idt_gate(v)->type_attr & IDT_GATE_PRESENT);
		KT_ASSERT_EQ(idt_gate(v)->selector, GDT_KERNEL_CODE);
	}
	KT_ASSERT_EQ(idt_gate(VEC_DF)->ist, IST_DOUBLE_FAULT);
	KT_ASSERT_EQ(idt_gate(VEC_NMI)->ist, IST_NMI);
	KT_ASSERT_EQ(idt_gate(VEC_MC)->ist, IST_MACHINE_CHECK);
	KT_ASSERT_EQ(idt_gate(VEC_PF)->ist, 0);
}

static struct cpu *volatile nmi_cpu;

static void on_test_nmi(struct trap_frame *frame)
{
	(void)frame;
	nmi_cpu = this_cpu();
}

/* Deliver vector 2 through its gate (IST, as a real NMI) with the GS base
 * @gs loaded, as the kernel's or as a process's; returns the GS base the
 * interrupted code has afterwards. */
static uint64_t nmi_with_gs(uint64_t gs)
{
	uint64_t saved = rdmsr(MSR_KERNEL_GS_BASE), after;
	bool user = gs != rdmsr(MSR_GS_BASE);

	wrmsr(MSR_KERNEL_GS_BASE, gs);
	if (user)
		__asm__ volatile("swapgs" ::: "memory");
	__asm__ volatile("int $2" ::: "memory");
	after = rdmsr(MSR_GS_BASE);
	if (user)
		__asm__ volatile("swapgs" ::: "memory");
	wrmsr(MSR_KERNEL_GS_BASE, saved);
	return after;
}

/*
 * An NMI (or machine check) can arrive in ring 0 with the user's GS base
 * loaded: right after SYSCALL, before its swapgs, or between the swapgs
 * and SYSRET. The CS it interrupted says ring 0 there, so the entry must
 * find out from the GS base itself, and put back what it found.
 */
KTEST(trap_nmi_with_the_user_gs_finds_its_cpu)
{
	struct cpu *me = this_cpu();
	uint64_t kernel_gs = rdmsr(MSR_GS_BASE);
	trap_handler old = trap_set_handler(VEC_NMI, on_test_nmi);
	uint64_t flags = arch_irq_save();
	uint64_t after_kernel, after_user;
	struct cpu *saw_kernel, *saw_user;

	nmi_cpu = NULL;
	after_kernel = nmi_with_gs(kernel_gs);
	saw_kernel = nmi_cpu;
	nmi_cpu = NULL;
	after_user = nmi_with_gs(UNMAPPED_ADDR);
	saw_user = nmi_cpu;
	arch_irq_restore(flags);
	trap_set_handler(VEC_NMI, old);
	KT_ASSERT(saw_kernel == me);
	KT_ASSERT_EQ(after_kernel, kernel_gs);
	KT_ASSERT(saw_user == me);
	KT_ASSERT_EQ(after_user, UNMAPPED_ADDR);
}

#define RFLAGS_AC (1ULL << 18)

static volatile uint64_t handler_rflags;

static void on_ac_vector(struct trap_frame *frame)
{
	(void)frame;
	handler_rflags = read_rflags();
}

static void write_rflags(uint64_t v)
{
	__asm__ volatile("push %0; popfq" : : "r"(v) : "memory", "cc");
}

/*
 * RFLAGS.AC is set while the kernel copies from or to user memory, so
 * that SMAP lets it (SDM Vol. 3A, 4.6.1). An interrupt taken then must
 * not run its handler, or the thread preemption switches to, with SMAP
 * lifted; the interrupted copy gets AC back from its frame.
 */
KTEST(trap_handler_runs_with_smap_window_closed)
{
	uint64_t flags = arch_irq_save();
	uint64_t before = read_rflags(), after;

	trap_set_handler(TEST_VECTOR, on_ac_vector);
	handler_rflags = RFLAGS_AC;
	write_rflags(before | RFLAGS_AC);
	__asm__ volatile("int %[v]" : : [v] "i"(TEST_VECTOR));
	after = read_rflags();
	write_rflags(before);
	trap_set_handler(TEST_VECTOR, NULL);
	arch_irq_restore(flags);
	KT_ASSERT_EQ(handler_rflags & RFLAGS_AC, 0);
	KT_ASSERT(after & RFLAGS_AC);
}

KTEST(trap_symbols_resolve_kernel_functions)
{
	uintptr_t off;

	KT_ASSERT(symbol_count() > 50);
	KT_EXPECT_STREQ(symbol_lookup((uintptr_t)report_subject, &off),
			"report_subject");
	KT_ASSERT_EQ(off, 0);
	KT_ASSERT_EQ(symbol_address("trap_dispatch"), (uintptr_t)trap_dispatch);
	KT_ASSERT(symbol_lookup(0x1000, &off) == NULL);
}
