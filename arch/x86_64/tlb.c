/*
 * arch/x86_64/tlb.c - the instructions behind arch/x86_64/tlb.h. Kept apart
 * from paging.c so that the mapper has no inline assembly and its host
 * tests can stand in for these two functions.
 */
#include "arch/x86_64/tlb.h"

#include "arch/x86_64/cpu.h"

void tlb_flush_page(vaddr_t va)
{
	invlpg(va);
}

void tlb_flush_all(void)
{
	write_cr3(read_cr3());
}
