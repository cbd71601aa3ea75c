/*
 * arch/x86_64/tlb.h - invalidating this CPU's TLB and paging-structure
 * caches (Intel SDM Vol. 3A §4.10.4), on every CPU. Mapping code goes through
 * paging_flush() in arch/x86_64/paging.h, which calls these.
 */
#pragma once

#include "kernel/types.h"

struct trap_frame;

/* invlpg: drop the TLB entry for the page holding @va, global or not, of
 * whatever size, and all paging-structure cache entries. */
void tlb_flush_page(vaddr_t va);

/* Reload CR3: drop every non-global TLB entry. */
void tlb_flush_all(void);

/* Both of the above reach every CPU that takes IPIs (smp_ready_mask()),
 * and return once each has flushed. */

/* invlpg on this CPU only, for tests that need a stale entry elsewhere. */
void tlb_flush_local(vaddr_t va);

/* Serve a shootdown waiting for this CPU, if any: called by arch_relax()
 * in every busy-wait loop and by the IPI's handler. */
void tlb_shootdown_poll(void);

/* The VEC_IPI_TLB handler (arch/x86_64/smp.c installs it). */
void tlb_shootdown_ipi(struct trap_frame *frame);

/* Shootdowns sent so far (statistics, tests). */
uint64_t tlb_shootdown_count(void);
