/*
 * kernel/process.h - processes: an address space (kernel/uspace.h), a
 * kernel stack for its entries into the kernel, and what its system calls
 * keep (program break, mappings, thread-local storage base).
 *
 * User layout (all below USER_TOP, kernel/uspace.h):
 *
 *   0x0000000000400000 ..        the program (ELF segments), then its break
 *   .. MMAP_TOP                  mmap() areas, handed out downwards
 *   MMAP_TOP .. stack bottom     guard gap, never mapped: a stack overflow
 *                                faults instead of running into a mapping
 *   .. USER_STACK_TOP            the stack (USER_STACK_SIZE, mapped at start)
 *
 * A process is one thread (kernel/thread.h) that enters user mode for good
 * (arch_user_enter()) and ends, from a system call or a fault, when the
 * process exits or is killed; its kernel stack is that thread's. The scheduler switches it like any
 * thread and calls process_activate() to load its address space.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/types.h"

#define USER_STACK_TOP		0x00007ffffff00000ULL
#define USER_STACK_SIZE		(64 * 1024)
#define USER_STACK_GUARD	(1024 * 1024)
#define MMAP_TOP		(USER_STACK_TOP - USER_STACK_SIZE - USER_STACK_GUARD)
#define USER_CODE_BASE		0x400000ULL	/* where test code is put */
#define PROCESS_NAME_MAX	16
/* Frames user memory may not take, so the kernel can always go on. */
#define USER_FRAME_RESERVE	1024
/* The most memory one process may hold (256 MiB), so that one program
 * cannot take a big machine's memory, nor take minutes doing so. */
#define PROCESS_FRAMES_MAX	(256ULL * 1024 * 1024 / PAGE_SIZE)

struct uspace;
struct thread;
struct arch_user_state;

/* process_kill(): status as if by SIGKILL, and no CPU vector. */
#define PROCESS_KILLED_STATUS	(128 + 9)
#define PROCESS_KILLED_VECTOR	256

/* How a process ended. */
struct process_end {
	bool killed;		/* by a fault; else it exited */
	int status;		/* exit status (0..255), or 128 + vector if killed */
	unsigned int vector;	/* killed: the exception */
	uint64_t ip;		/* killed: where */
	uint64_t addr;		/* killed by a page fault: the address */
};

struct process {
	int pid;
	char name[PROCESS_NAME_MAX];
	struct uspace *space;
	struct arch_user_state *arch;	/* FPU/SSE registers */
	struct thread *thread;		/* while it runs: its thread */
	uint64_t entry;			/* first user instruction */
	uint64_t start_rsp;		/* initial user stack pointer */
	uint64_t brk_start;		/* the break's lowest value */
	uint64_t brk;			/* the break now */
	uint64_t mmap_next;		/* mmap() hands out below this */
	uint64_t fs_base;		/* arch_prctl(ARCH_SET_FS) */
	uint64_t clear_child_tid;	/* set_tid_address() */
	bool enosys_reported;		/* an unknown call was reported */
	volatile bool kill_requested;	/* process_kill() */
	struct process_end end;
	uint64_t user_frames;		/* frames of its pages, for statistics */
};

/* A process with an empty address space and a stack of USER_STACK_SIZE,
 * or NULL (no memory). @name is cut to PROCESS_NAME_MAX - 1 bytes. */
struct process *process_create(const char *name);

/* Free everything the process holds. It must not be running. */
void process_destroy(struct process *p);

/*
 * Map @len bytes of fresh zeroed pages at @va (page-aligned) with @flags
 * (VMM_WRITE, VMM_EXEC) and copy @size bytes of @data to @va + @offset.
 * 0, -ENOMEM or -EINVAL (outside user space, overlap).
 */
int process_map_data(struct process *p, uint64_t va, uint64_t len,
		     unsigned int flags, const void *data, size_t offset,
		     size_t size);

/* Write @size bytes to the process's stack below USER_STACK_TOP (the
 * initial stack, built by the caller) and set the start RSP to its first
 * byte. 0 or -EINVAL when it does not fit. */
int process_set_stack(struct process *p, const void *data, size_t size);

/* Start the program break at @end (rounded up to a page): the end of
 * the program's highest segment. */
void process_set_break(struct process *p, uint64_t end);

/* Start @p's thread, which enters user mode at p->entry, on the least
 * loaded CPU. 0, or -ENOMEM (no thread). */
int process_start(struct process *p);

/* The same on CPU @cpu (PROCESS_ANY_CPU: any), for its whole life;
 * -EINVAL when that CPU does not schedule threads. */
#define PROCESS_ANY_CPU (-1)
int process_start_on(struct process *p, int cpu);

/* Wait for a started @p to end; returns p->end.status (p->end says how).
 * The caller then destroys it. */
int process_wait(struct process *p);

/* process_start() and process_wait(): run @p to its end. Returns its
 * status, or -ENOMEM when it could not start. */
int process_run(struct process *p);

/* Ask @p to end: it is killed the next time it would return to user
 * mode, from an interrupt or a system call (a blocking read gives up
 * with -EINTR first). */
void process_kill(struct process *p);

/* The process running on this CPU, or NULL. */
struct process *process_current(void);

/* Load @p's address space, FPU state and TLS base on this CPU (the
 * scheduler's hook on a switch; NULL does nothing). Interrupts off. */
void process_activate(struct process *p);

/* End the current process with @status (exit, exit_group). */
__attribute__((noreturn)) void process_exit(int status);

/* A fresh zeroed frame for user memory, or 0 once only the reserve is left. */
paddr_t process_frame_alloc(void);

/* Processes created and not yet destroyed. */
unsigned int process_count(void);
