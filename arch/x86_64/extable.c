/*
 * arch/x86_64/extable.c - look a faulting RIP up in the exception table.
 */
#include "arch/x86_64/extable.h"

#include "arch/x86_64/trap.h"

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

static uint64_t fixups;

/* A handful of entries: a linear search is enough. */
bool extable_fixup(struct trap_frame *f)
{
	for (const struct extable_entry *e = __ex_table_start;
	     e < __ex_table_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			fixups++;
			return true;
		}
	}
	return false;
}

uint64_t extable_fixup_count(void)
{
	return fixups;
}
