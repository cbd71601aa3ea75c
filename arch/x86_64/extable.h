/*
 * arch/x86_64/extable.h - the exception table: instructions that may fault
 * on purpose (user memory accesses in arch/x86_64/uaccess.asm), each with
 * the address to resume at when they do. The pairs sit in the .ex_table
 * section, which linker.ld collects between __ex_table_start and
 * __ex_table_end; the trap path looks a kernel-mode fault's RIP up there
 * before calling it a kernel bug (Linux's exception tables, the same idea).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct extable_entry {
	uint64_t insn;		/* address of the instruction that may fault */
	uint64_t fixup;		/* where to go on instead */
};

struct trap_frame;

/* If @f's RIP is in the table, point it at the fixup and return true. */
bool extable_fixup(struct trap_frame *f);

/* How many faults the table turned into error returns, for tests. */
uint64_t extable_fixup_count(void);
