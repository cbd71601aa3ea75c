/*
 * kernel/syscall_internal.h - the system call handlers, shared by the
 * table (kernel/syscall.c) and the files that implement them. Each takes
 * the six raw argument registers and returns a result or -errno.
 */
#pragma once

#include <stdint.h>

typedef int64_t (*syscall_fn)(const uint64_t *arg);

/* kernel/sys_io.c: the console */
int64_t sys_read(const uint64_t *arg);
int64_t sys_write(const uint64_t *arg);
int64_t sys_writev(const uint64_t *arg);
int64_t sys_ioctl(const uint64_t *arg);

/* kernel/sys_mem.c: the address space */
int64_t sys_brk(const uint64_t *arg);
int64_t sys_mmap(const uint64_t *arg);
int64_t sys_munmap(const uint64_t *arg);
int64_t sys_mprotect(const uint64_t *arg);

/* kernel/sys_proc.c: the process itself, time and randomness */
int64_t sys_exit(const uint64_t *arg);
int64_t sys_getpid(const uint64_t *arg);
int64_t sys_sched_yield(const uint64_t *arg);
int64_t sys_nanosleep(const uint64_t *arg);
int64_t sys_clock_gettime(const uint64_t *arg);
int64_t sys_arch_prctl(const uint64_t *arg);
int64_t sys_set_tid_address(const uint64_t *arg);
int64_t sys_uname(const uint64_t *arg);
int64_t sys_getrandom(const uint64_t *arg);
