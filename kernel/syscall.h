/*
 * kernel/syscall.h - system calls, with Linux's x86_64 numbers and
 * argument order (the architecture passes them in; see README, "User
 * mode"). kernel/syscall.c holds the table: one row per call.
 */
#pragma once

#include <stdint.h>

struct syscall_args {
	uint64_t nr;
	uint64_t arg[6];
};

/* Run one system call for the current process: its result, or -errno.
 * Interrupts are on while it runs. */
int64_t syscall_handle(const struct syscall_args *a);

/* How many system calls the table has, and a call's name (NULL when the
 * number has none), for reports and the README's list. */
unsigned int syscall_count(void);
const char *syscall_name(uint64_t nr);
