/*
 * arch/x86_64/thread.c - the x86_64 side of threads (kernel/arch.h): the
 * first frame of a new thread's stack, what the CPU needs to know about
 * the thread switched in, and the switch itself (switch.asm).
 */
#include "kernel/arch.h"

#include "lib/string.h"
#include "arch/x86_64/gdt.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"

/* What switch_stacks pops, lowest address first (arch/x86_64/switch.asm). */
struct switch_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx;
	uint64_t rip;		/* where its ret goes */
};
_Static_assert(sizeof(struct switch_frame) == 7 * 8, "switch.asm frame");

/* Above the frame: a zero return address and saved RBP for the
 * trampoline, which also keeps RSP 16-byte aligned at its call. */
#define TOP_PAD 16

struct thread *switch_stacks(uint64_t *save_sp, uint64_t sp,
			     struct thread *prev);
void thread_trampoline(void);

void arch_thread_prepare(struct thread *t)
{
	uint64_t top = t->kstack_top;
	struct switch_frame *f = (struct switch_frame *)(uintptr_t)
		(top - TOP_PAD - sizeof(*f));

	memset(f, 0, sizeof(*f) + TOP_PAD);
	f->rip = (uint64_t)(uintptr_t)thread_trampoline;
	t->arch_sp = (uint64_t)(uintptr_t)f;
}

void arch_thread_switch_in(struct thread *next)
{
	struct cpu *c = this_cpu();

	/* Interrupts and system calls from ring 3 enter on this stack. */
	gdt_set_kernel_stack(next->kstack_top);
	c->kernel_stack_top = next->kstack_top;
	if (!c->current || c->current->process != next->process)
		process_activate(next->process);
}

struct thread *arch_thread_switch(struct thread *prev, struct thread *next)
{
	return switch_stacks(&prev->arch_sp, next->arch_sp, prev);
}
