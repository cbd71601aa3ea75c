/*
 * kernel/exec.h - a process from an ELF executable: its segments loaded
 * (lib/elf.h checked them first), its stack built as the SysV x86_64 ABI
 * says (lib/auxv.h), ready for process_run().
 */
#pragma once

#include <stddef.h>

struct process;

/*
 * A process named @name running the ELF file of @size bytes at @file with
 * the @argc strings of @argv (argv[0] is the program's name) and no
 * environment. Code is read-only and executable, data read-write and
 * never executable; the break starts past the highest segment. Returns
 * NULL with a reason in @why (@why_len bytes) that names the problem: the
 * ELF check's message, or "out of memory".
 */
struct process *exec_load(const char *name, const void *file, size_t size,
			  int argc, const char *const *argv, char *why,
			  size_t why_len);
