/*
 * arch/x86_64/exception.c - explain an exception nobody handled: its name,
 * its error code decoded, the registers, and a backtrace with function names.
 * Error code formats: SDM Vol. 3A, 6.13 (selector error code) and 4.7
 * (page-fault error code).
 */
#include "arch/x86_64/exception.h"

#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_stacks.h"
#include "arch/x86_64/trap.h"
#include "kernel/console.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/symbols.h"
#include "kernel/layout.h"
#include "kernel/thread.h"
#include "lib/vsnprintf.h"

static const char *const exception_names[32] = {
	[VEC_DE] = "divide error (#DE)",
	[VEC_DB] = "debug (#DB)",
	[VEC_NMI] = "non-maskable interrupt (NMI)",
	[VEC_BP] = "breakpoint (#BP)",
	[VEC_OF] = "overflow (#OF)",
	[VEC_BR] = "BOUND range exceeded (#BR)",
	[VEC_UD] = "invalid opcode (#UD)",
	[VEC_NM] = "device not available (#NM)",
	[VEC_DF] = "double fault (#DF)",
	[VEC_CSO] = "coprocessor segment overrun",
	[VEC_TS] = "invalid TSS (#TS)",
	[VEC_NP] = "segment not present (#NP)",
	[VEC_SS] = "stack-segment fault (#SS)",
	[VEC_GP] = "general protection fault (#GP)",
	[VEC_PF] = "page fault (#PF)",
	[VEC_MF] = "x87 floating-point error (#MF)",
	[VEC_AC] = "alignment check (#AC)",
	[VEC_MC] = "machine check (#MC)",
	[VEC_XM] = "SIMD floating-point exception (#XM)",
	[VEC_VE] = "virtualization exception (#VE)",
	[VEC_CP] = "control protection exception (#CP)",
	[VEC_HV] = "hypervisor injection exception (#HV)",
	[VEC_VC] = "VMM communication exception (#VC)",
	[VEC_SX] = "security exception (#SX)",
};

const char *exception_name(unsigned int vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

/* Guard pages: an access there means a stack ran off its end. */
#define MAX_GUARDS 8
static struct {
	uintptr_t start, end;	/* [start, end) */
	const char *stack;
} guards[MAX_GUARDS];
static size_t nguards;

void exception_add_guard(uintptr_t start, uintptr_t end, const char *stack)
{
	if (nguards == MAX_GUARDS)
		panic("more than %d guard pages", MAX_GUARDS);
	guards[nguards++] = (typeof(guards[0])){ start, end, stack };
}

const char *exception_guard_hit(uintptr_t addr)
{
	for (size_t i = 0; i < nguards; i++) {
		if (addr >= guards[i].start && addr < guards[i].end)
			return guards[i].stack;
	}
	/* The threads' stacks, then the other CPUs'. */
	return thread_guard_hit(addr) ?: cpu_stacks_guard_hit(addr);
}

/* Page-fault error code bits (SDM Vol. 3A, figure 4-12). */
static const struct {
	uint32_t bit;
	const char *set;
	const char *clear;
} pf_bits[] = {
	{ PF_ERR_PRESENT, "protection violation", "page not present" },
	{ PF_ERR_WRITE, "write", "read" },
	{ PF_ERR_USER, "user mode", "kernel mode" },
	{ PF_ERR_RESERVED, "reserved bit set in a paging entry", NULL },
	{ PF_ERR_FETCH, "instruction fetch", NULL },
	{ PF_ERR_PKEY, "protection key", NULL },
	{ PF_ERR_SHADOW_STACK, "shadow stack", NULL },
	{ PF_ERR_SGX, "SGX", NULL },
};

void exception_describe_pf(uint64_t error, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(pf_bits) / sizeof(pf_bits[0]); i++) {
		const char *s = (error & pf_bits[i].bit) ? pf_bits[i].set
							 : pf_bits[i].clear;
		if (s && len < size)
			len += snprintf(buf + len, size - len, "%s%s",
					len ? ", " : "", s);
	}
}

/* Selector error code (SDM Vol. 3A, figure 6-6): EXT, IDT, TI, index. */
void exception_describe_selector(uint64_t error, char *buf, size_t size)
{
	static const char *const tables[] = { "GDT", "IDT", "LDT", "IDT" };

	if (error == 0) {
		snprintf(buf, size, "no selector");
		return;
	}
	snprintf(buf, size, "selector %#llx: %s index %llu%s",
		 (unsigned long long)(error & 0xfff8), tables[(error >> 1) & 3],
		 (unsigned long long)((error >> 3) & 0x1fff),
		 (error & 1) ? ", external event" : "");
}

static bool has_selector_error(unsigned int v)
{
	return v == VEC_TS || v == VEC_NP || v == VEC_SS || v == VEC_GP;
}

static void print_symbol(uint64_t addr)
{
	uintptr_t off;
	const char *name = symbol_lookup(addr, &off);

	if (name)
		kprintf("%s+%#lx", name, off);
	else
		kprintf("?");
}

/* A frame pointer worth following: aligned and inside a kernel stack,
 * that is the kernel's .bss (the boot CPU's stacks), a thread's or another
 * CPU's. */
static bool frame_pointer_ok(uint64_t rbp)
{
	if (rbp & 7)
		return false;
	if (thread_stack_contains(rbp, 16) || cpu_stacks_contains(rbp, 16))
		return true;
	return rbp >= (uintptr_t)__bss_start &&
	       rbp + 16 <= (uintptr_t)__bss_end &&
	       !exception_guard_hit(rbp) && !exception_guard_hit(rbp + 8);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	kprintf("backtrace:\n  #0  %#018llx ", (unsigned long long)rip);
	print_symbol(rip);
	kprintf("\n");
	for (int depth = 1; depth < 24 && frame_pointer_ok(rbp); depth++) {
		const uint64_t *fp = (const uint64_t *)rbp;
		uint64_t ret = fp[1];

		if (!symbol_lookup(ret, &(uintptr_t){ 0 }))
			break;
		/* ret - 1 is inside the call instruction: name its caller. */
		kprintf("  #%-2d %#018llx ", depth, (unsigned long long)ret);
		print_symbol(ret - 1);
		kprintf("\n");
		if (fp[0] <= rbp)
			break;	/* stacks grow down: callers sit higher */
		rbp = fp[0];
	}
}

static void print_error_code(const struct trap_frame *f)
{
	char what[160];

	if (f->vector == VEC_PF) {
		exception_describe_pf(f->error_code, what, sizeof(what));
		kprintf(", error code %#llx: %s\n  fault address (CR2): %#018llx\n",
			(unsigned long long)f->error_code, what,
			(unsigned long long)read_cr2());
	} else if (has_selector_error(f->vector)) {
		exception_describe_selector(f->error_code, what, sizeof(what));
		kprintf(", error code %#llx: %s\n",
			(unsigned long long)f->error_code, what);
	} else {
		kprintf("\n");
	}
}

/* The general registers in the order they are printed, four a line. */
static const struct {
	const char *name;
	size_t offset;
} frame_registers[] = {
#define R(name, reg) { name, __builtin_offsetof(struct trap_frame, reg) }
	R("RAX", rax), R("RBX", rbx), R("RCX", rcx), R("RDX", rdx),
	R("RSI", rsi), R("RDI", rdi), R("RBP", rbp), R("RSP", rsp),
	R("R8 ", r8), R("R9 ", r9), R("R10", r10), R("R11", r11),
	R("R12", r12), R("R13", r13), R("R14", r14), R("R15", r15),
#undef R
};

static void print_registers(const struct trap_frame *f)
{
	const uint64_t crs[] = { read_cr0(), read_cr2(), read_cr3(), read_cr4() };

	for (size_t i = 0; i < sizeof(frame_registers) / sizeof(frame_registers[0]); i++) {
		uint64_t v = *(const uint64_t *)((const char *)f +
						 frame_registers[i].offset);

		kprintf("%s%s=%016llx%s", i % 4 ? " " : "  ", frame_registers[i].name,
			(unsigned long long)v, i % 4 == 3 ? "\n" : "");
	}
	kprintf("  RIP=%016llx RFLAGS=%016llx CS=%04llx SS=%04llx\n",
		(unsigned long long)f->rip, (unsigned long long)f->rflags,
		(unsigned long long)f->cs, (unsigned long long)f->ss);
	for (int i = 0; i < 4; i++)
		kprintf("%sCR%d=%016llx%s", i ? " " : "  ", i ? i + 1 : 0,
			(unsigned long long)crs[i], i == 3 ? "\n" : "");
}

void exception_report(const struct trap_frame *f)
{
	console_panic();
	kprintf("\nEXCEPTION: %s, vector %llu", exception_name(f->vector),
		(unsigned long long)f->vector);
	print_error_code(f);
	kprintf("  in ");
	print_symbol(f->rip);
	kprintf("\n");
	print_registers(f);
	backtrace_print(f->rip, f->rbp);
}

void exception_die(struct trap_frame *f)
{
	uintptr_t off;
	const char *where = symbol_lookup(f->rip, &off);

	exception_report(f);
	panic("unhandled %s in %s", exception_name(f->vector),
	      where ? where : "unknown code");
}

/* int3 is a debugging aid: say where it was hit and go on. */
static void on_breakpoint(struct trap_frame *f)
{
	kprintf("Keel: breakpoint at ");
	print_symbol(f->rip - 1);
	kprintf("\n");
}

/*
 * A double fault arrives on its own IST stack. After a kernel stack overflow
 * it is how the overflow shows: the #PF on the guard page could not push its
 * frame, so the CPU raised #DF. CR2 still holds the guard address.
 */
static void on_double_fault(struct trap_frame *f)
{
	const char *stack = exception_guard_hit(read_cr2());

	exception_report(f);
	if (stack)
		panic("kernel stack overflow: %s ran into its guard page at "
		      "%#llx", stack, (unsigned long long)read_cr2());
	panic("double fault (#DF): an exception happened while delivering "
	      "another");
}

void exception_init(void)
{
	trap_set_handler(VEC_BP, on_breakpoint);
	trap_set_handler(VEC_DF, on_double_fault);
}
