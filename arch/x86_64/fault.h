/*
 * arch/x86_64/fault.h - catch a CPU exception on purpose and carry on.
 *
 * Tests provoke faults (#DE, #UD, #GP, #PF, ...) and check what the CPU
 * reported. Like setjmp: fault_catch() returns 0 when armed; if an exception
 * arrives while armed, the handler records it, disarms, and resumes as if
 * fault_catch() had returned 1, on the stack it was armed on.
 *
 *	struct fault_catch fc;
 *
 *	if (fault_catch(&fc) == 0) {
 *		*(volatile int *)0 = 1;		// faults
 *		fault_catch_disarm();
 *	}
 *	check fc.vector, fc.error_code, fc.cr2
 *
 * Only for code that can be abandoned midway (it holds no locks), and only
 * the function that armed it may be running when the fault arrives.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct fault_catch {
	/* Context to resume in; layout fixed by arch/x86_64/fault.asm. */
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
	/* What the exception handler recorded. */
	bool caught;
	uint64_t vector;
	uint64_t error_code;
	uint64_t cr2;
	uint64_t rip_at_fault;
};

/* Save the context and arm: returns 0 now, 1 after a caught exception. */
__attribute__((returns_twice)) int fault_catch(struct fault_catch *fc);

/* Disarm without a fault (call at the end of the protected code). */
void fault_catch_disarm(void);

/* Run @code with a catch armed; evaluates to true when it raised an
 * exception, which @fc then describes. For tests. */
#define FAULT_CAUGHT(fc, code)                                              \
	({                                                                  \
		if (fault_catch(&(fc)) == 0) {                              \
			code;                                               \
			fault_catch_disarm();                               \
		}                                                           \
		(fc).caught;                                                \
	})

struct trap_frame;

/*
 * For the exception path: when a catch is armed, record the exception in it,
 * point @frame at the saved context, disarm and return true.
 */
bool fault_catch_take(struct trap_frame *frame);
