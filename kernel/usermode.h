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
 * Enter user mode at @rip with the stack pointer @rsp and interrupts on,
 * for good: the calling thread's kernel stack, which ends at @kstack_top,
 * is given over to the entries from user mode (system calls, interrupts,
 * faults), and the thread ends from one of them (process_exit()).
 */
__attribute__((noreturn)) void arch_user_enter(uint64_t kstack_top,
					       uint64_t rip, uint64_t rsp);

/*
 * What the CPU holds for a process besides its general registers, which
 * must follow it across switches: the floating-point and SSE registers
 * (the kernel itself never uses them). create gives the state a new
 * process starts with (NULL: no memory); load makes @s the CPU's, saving
 * the registers of the state that had them; destroy forgets @s.
 */
struct arch_user_state;
struct arch_user_state *arch_user_state_create(void);
void arch_user_state_destroy(struct arch_user_state *s);
void arch_user_state_load(struct arch_user_state *s);

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
 * the process. Runs on the process's kernel stack, interrupts off, with
 * nothing of the kernel's interrupted. */
__attribute__((noreturn)) void process_fault(const struct user_fault *f);

/* Called before an interrupt or a system call returns to user mode: ends
 * the process if the kernel asked it to end (process_kill()). */
void process_kill_point(void);
