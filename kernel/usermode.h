/*
 * kernel/usermode.h - what the process code (kernel/process.c) asks of the
 * architecture to run code in user mode, and what the architecture hands
 * back: system calls (kernel/syscall.h) and faults.
 * arch/x86_64/usermode.c implements the arch_ side.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Turn on the system call instruction (SYSCALL/SYSRET on x86_64). Boot. */
void arch_usermode_init(void);

/*
 * Enter user mode at @rip with the stack pointer @rsp and interrupts on.
 * Entries from user mode (system calls, interrupts, faults) use the kernel
 * stack that ends at @kstack_top. The caller's context is kept in *@resume;
 * arch_user_leave(*resume, status), called on that kernel stack, comes
 * back here and this returns the status.
 */
int arch_user_run(uint64_t kstack_top, uint64_t rip, uint64_t rsp,
		  uint64_t *resume);

/* Leave user mode for good: return @status from the arch_user_run() whose
 * context @resume is. Interrupts are off when that call returns. */
__attribute__((noreturn)) void arch_user_leave(uint64_t resume, int status);

/* The thread-local storage base of the code in user mode (the FS base). */
void arch_user_set_tls(uint64_t base);

/* Returns to user mode that took the slow, always-safe path (IRETQ on
 * x86_64) because the fast one would have been unsafe. */
uint64_t arch_user_slow_returns(void);

/* A fault in user mode, as the architecture describes it. */
struct user_fault {
	const char *name;	/* "page fault (#PF)" */
	unsigned int vector;
	uint64_t error_code;
	uint64_t ip;		/* where the process was */
	bool has_addr;		/* a page fault: addr is the address touched */
	uint64_t addr;
	char detail[96];	/* the error code in words, or "" */
};

/* Called by the architecture for a fault in user mode: report it and end
 * the process. Runs on the process's kernel stack, interrupts off. */
__attribute__((noreturn)) void process_fault(const struct user_fault *f);
