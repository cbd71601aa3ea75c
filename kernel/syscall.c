/*
 * kernel/syscall.c - the system call table: Linux's x86_64 numbers
 * (arch/x86/entry/syscalls/syscall_64.tbl), so that a static program
 * built against a Linux libc runs unmodified. Adding a call is one row here
 * and one function in a kernel/sys_*.c file (README, "User mode").
 */
#include "kernel/syscall.h"

#include "lib/align.h"
#include "lib/errno.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/syscall_internal.h"
#include "kernel/usermode.h"

static const struct {
	const char *name;
	syscall_fn fn;
} calls[] = {
	[0] = { "read", sys_read },
	[1] = { "write", sys_write },
	[9] = { "mmap", sys_mmap },
	[10] = { "mprotect", sys_mprotect },
	[11] = { "munmap", sys_munmap },
	[12] = { "brk", sys_brk },
	[16] = { "ioctl", sys_ioctl },
	[20] = { "writev", sys_writev },
	[24] = { "sched_yield", sys_sched_yield },
	[35] = { "nanosleep", sys_nanosleep },
	[39] = { "getpid", sys_getpid },
	[60] = { "exit", sys_exit },
	[63] = { "uname", sys_uname },
	[158] = { "arch_prctl", sys_arch_prctl },
	[186] = { "gettid", sys_getpid },	/* one thread per process */
	[218] = { "set_tid_address", sys_set_tid_address },
	[228] = { "clock_gettime", sys_clock_gettime },
	[231] = { "exit_group", sys_exit },	/* one thread per process */
	[318] = { "getrandom", sys_getrandom },
};

unsigned int syscall_count(void)
{
	return ARRAY_SIZE(calls);
}

const char *syscall_name(uint64_t nr)
{
	return nr < ARRAY_SIZE(calls) ? calls[nr].name : NULL;
}

/* Say once per process which call it wanted that Keel does not have. */
static int64_t unknown(uint64_t nr)
{
	struct process *p = process_current();

	if (p && !p->enosys_reported) {
		p->enosys_reported = true;
		kprintf("user: %s (pid %d) made system call %llu, which Keel "
			"does not have: -ENOSYS (reported once)\n", p->name,
			p->pid, (unsigned long long)nr);
	}
	return -ENOSYS;
}

int64_t syscall_handle(const struct syscall_args *a)
{
	int64_t r;

	if (a->nr >= ARRAY_SIZE(calls) || !calls[a->nr].fn)
		r = unknown(a->nr);
	else
		r = calls[a->nr].fn(a->arg);
	process_kill_point();
	return r;
}
