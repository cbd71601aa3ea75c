/*
 * arch/x86_64/usermode.c - ring 3 on x86_64: the SYSCALL MSRs, the C half
 * of the system call entry, entering a process, and turning exceptions
 * from ring 3 into a report for kernel/process.c instead of a panic.
 * SDM Vol. 3A, 5.8.8 (SYSCALL and SYSRET), 6.14 (64-bit interrupts).
 */
#include "kernel/usermode.h"

#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "kernel/heap.h"
#include "kernel/arch.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/syscall.h"

#define EFER_SCE	(1ULL << 0)	/* SYSCALL enable */
#define RFLAGS_TF	(1ULL << 8)
#define RFLAGS_DF	(1ULL << 10)
#define RFLAGS_AC	(1ULL << 18)
#define RFLAGS_FIXED	(1ULL << 1)	/* always 1 */

/*
 * STAR[47:32]: SYSCALL loads CS from it and SS from it + 8.
 * STAR[63:48]: SYSRET to 64-bit mode loads CS from it + 16 and SS from it
 * + 8, both with RPL 3: hence user data right below user code in the GDT.
 */
#define STAR_SYSRET_BASE	(GDT_USER_DATA - 8)
_Static_assert(GDT_KERNEL_DATA == GDT_KERNEL_CODE + 8, "SYSCALL's SS");
_Static_assert(GDT_USER_CODE == STAR_SYSRET_BASE + 16, "SYSRET's CS");
_Static_assert(GDT_USER_DATA == 0x1b && GDT_USER_CODE == 0x23,
	       "the selectors arch/x86_64/syscall.asm uses");

/* Cleared on SYSCALL: interrupts stay off until the kernel has a stack,
 * string instructions go forward, no single-step into the kernel, and no
 * user-memory access allowed under SMAP. */
#define SYSCALL_FMASK	(RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC)

void syscall_entry(void);
__attribute__((noreturn)) void user_enter(uint64_t rip, uint64_t rsp,
					  uint64_t kstack_top);
extern char syscall_iret_insn[], user_iret_insn[];
extern uint64_t syscall_iret_count;

/*
 * User programs use SSE (the x86_64 ABI's floating point): the CPU must be
 * told that the system saves its state (CR4.OSFXSR) and handles its
 * exceptions (CR4.OSXMMEXCPT), and that there is an x87 unit to use (CR0.EM
 * clear, CR0.MP set). SDM Vol. 3A, 13.1.3. The kernel itself is built
 * without SSE and never touches these registers.
 */
#define CR0_MP		(1ULL << 1)
#define CR0_EM		(1ULL << 2)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)

/* The state a process starts with: x87 as FNINIT leaves it (control word
 * 0x37f), MXCSR with every exception masked, every register zero, so
 * that nothing of the previous process shows (SDM Vol. 1, table 10-2). */
#define FXSAVE_FCW	0
#define FXSAVE_MXCSR	24
static const uint8_t initial_fpu[512] __attribute__((aligned(16))) = {
	[FXSAVE_FCW] = 0x7f, [FXSAVE_FCW + 1] = 0x03,
	[FXSAVE_MXCSR] = 0x80, [FXSAVE_MXCSR + 1] = 0x1f,
};

static void enable_sse(void)
{
	write_cr0((read_cr0() & ~CR0_EM) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void arch_usermode_init(void)
{
	enable_sse();
	wrmsr(MSR_STAR, ((uint64_t)STAR_SYSRET_BASE << 48) |
			((uint64_t)GDT_KERNEL_CODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* Called by syscall_entry with interrupts off; returns with them off. */
void syscall_dispatch(struct trap_frame *f);
void syscall_dispatch(struct trap_frame *f)
{
	struct syscall_args a = {
		f->rax, { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 },
	};

	sti();
	f->rax = (uint64_t)syscall_handle(&a);
	cli();
}

_Static_assert((RFLAGS_FIXED | RFLAGS_IF) == 0x202, "syscall.asm USER_RFLAGS");

void arch_user_enter(uint64_t kstack_top, uint64_t rip, uint64_t rsp)
{
	cli();
	gdt_set_kernel_stack(kstack_top);
	this_cpu()->kernel_stack_top = kstack_top;
	user_enter(rip, rsp, kstack_top);
}

void arch_user_set_tls(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

struct arch_user_state {
	uint8_t fxsave[512];		/* FXSAVE image; 16-byte aligned */
};

struct arch_user_state *arch_user_state_create(void)
{
	struct arch_user_state *s = kmalloc_aligned(sizeof(*s), 16);

	if (s)
		memcpy(s->fxsave, initial_fpu, sizeof(s->fxsave));
	return s;
}

/* On the CPU whose unit holds @arg's registers, with interrupts off (an
 * IPI, or the caller's own CPU): forget them, since they are going. */
static void drop_fpu_owner(void *arg)
{
	struct arch_user_state **owner = &this_cpu()->fpu_owner;
	uint64_t flags = arch_irq_save();

	if (*owner == arg)
		*owner = NULL;
	arch_irq_restore(flags);
}

/*
 * Only the CPU the process's thread ran on can hold @s (threads do not
 * migrate), and that thread has ended, so no CPU takes @s up again: a
 * CPU not holding it now never will. One that does is told to forget it
 * on its own side, where its switches (interrupts off) cannot interleave.
 */
void arch_user_state_destroy(struct arch_user_state *s)
{
	for (unsigned int i = 0; s && i < MAX_CPUS; i++) {
		if (__atomic_load_n(&cpus[i].fpu_owner, __ATOMIC_ACQUIRE) == s)
			smp_call(i, drop_fpu_owner, s);
	}
	kfree(s);
}

/* Saved only when another state takes this CPU's unit: between two
 * threads of processes; kernel threads leave it alone. Interrupts off. */
void arch_user_state_load(struct arch_user_state *s)
{
	struct arch_user_state **owner = &this_cpu()->fpu_owner;

	if (!s || *owner == s)
		return;
	if (*owner)
		fxsave((*owner)->fxsave);
	fxrstor(s->fxsave);
	__atomic_store_n(owner, s, __ATOMIC_RELEASE);
}

uint64_t arch_user_slow_returns(void)
{
	return __atomic_load_n(&syscall_iret_count, __ATOMIC_RELAXED);
}

/* An IRETQ to ring 3 that faulted: the CPU refused the user's frame. */
static bool is_bad_iret(const struct trap_frame *f)
{
	return !(f->cs & 3) && (f->rip == (uintptr_t)syscall_iret_insn ||
				f->rip == (uintptr_t)user_iret_insn);
}

static void describe(struct user_fault *uf, const struct trap_frame *f)
{
	uf->name = exception_name(f->vector);
	uf->vector = (unsigned int)f->vector;
	uf->error_code = f->error_code;
	uf->ip = f->rip;
	uf->detail[0] = '\0';
	uf->has_addr = f->vector == VEC_PF;
	uf->addr = uf->has_addr ? read_cr2() : 0;
	if (f->vector == VEC_PF)
		exception_describe_pf(f->error_code, uf->detail,
				      sizeof(uf->detail));
}

/*
 * For trap_dispatch(): an exception from ring 3 ends the process (never
 * returns); one at a user-memory access in the kernel resumes at its fixup
 * (arch/x86_64/extable.h). False: the kernel's own fault.
 */
bool usermode_trap(struct trap_frame *f)
{
	struct user_fault uf;

	/* Interrupts, and the events that are nobody's fault, go on. */
	if (f->vector >= VEC_IRQ_BASE || f->vector == VEC_NMI ||
	    f->vector == VEC_MC || f->vector == VEC_DF)
		return false;
	if (f->cs & 3) {
		describe(&uf, f);
		process_fault(&uf);
	}
	if (is_bad_iret(f)) {
		/* Report the frame the CPU refused: its RIP is the process's. */
		describe(&uf, f);
		uf.ip = *(const uint64_t *)(uintptr_t)f->rsp;
		snprintf(uf.detail, sizeof(uf.detail), "return address %s",
			 vaddr_is_canonical(uf.ip) ? "refused" : "not canonical");
		process_fault(&uf);
	}
	return extable_fixup(f);
}
