/*
 * arch/x86_64/tlb.h - invalidating this CPU's TLB and paging-structure
 * caches (Intel SDM Vol. 3A §4.10.4). Mapping code goes through
 * paging_flush() in arch/x86_64/paging.h, which calls these.
 */
#pragma once

#include "kernel/types.h"

/* invlpg: drop the TLB entry for the page holding @va, global or not, of
 * whatever size, and all paging-structure cache entries. */
void tlb_flush_page(vaddr_t va);

/* Reload CR3: drop every non-global TLB entry. */
void tlb_flush_all(void);
