/*
 * arch/x86_64/fault.c - arming and taking fault catches.
 */
#include "arch/x86_64/fault.h"

#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

static struct fault_catch *armed;

_Static_assert(__builtin_offsetof(struct fault_catch, rip) == 7 * 8,
	       "fault.asm layout");

/* Called by fault_catch() (fault.asm) after it saved the context. */
int fault_catch_arm(struct fault_catch *fc);
int fault_catch_arm(struct fault_catch *fc)
{
	fc->caught = false;
	armed = fc;
	return 0;
}

void fault_catch_disarm(void)
{
	armed = NULL;
}

bool fault_catch_take(struct trap_frame *frame)
{
	struct fault_catch *fc = armed;

	if (!fc)
		return false;
	armed = NULL;
	fc->caught = true;
	fc->vector = frame->vector;
	fc->error_code = frame->error_code;
	fc->cr2 = read_cr2();
	fc->rip_at_fault = frame->rip;

	frame->rbx = fc->rbx;
	frame->rbp = fc->rbp;
	frame->r12 = fc->r12;
	frame->r13 = fc->r13;
	frame->r14 = fc->r14;
	frame->r15 = fc->r15;
	frame->rsp = fc->rsp;
	frame->rip = fc->rip;
	frame->rax = 1;			/* fault_catch() "returns" 1 */
	return true;
}
