/*
 * tests/host/arch/x86_64/paging_test.c - host tests of arch/x86_64/paging.c.
 *
 * A 4 MiB buffer plays physical memory 0 .. 4 MiB (the mapper reaches it
 * through phys_offset = its address). Page tables come from a bump
 * allocator over that buffer, with a free list, that can be told to fail
 * after a number of frames; its frames are filled with 0xa5 so a table the
 * mapper forgets to zero shows up as garbage entries. Leaf frames may lie
 * anywhere: the mapper never touches them. tlb_flush_page() and
 * tlb_flush_all() are stood in for by fakes that log each call.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"

#define SIM_SIZE	(4ULL << 20)
#define SIM_FRAMES	(SIM_SIZE / PAGE_SIZE)
#define KiB(x)		((uint64_t)(x) << 10)
#define MiB(x)		((uint64_t)(x) << 20)
#define GiB(x)		((uint64_t)(x) << 30)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define USER_VA		0x0000000000400000ULL	/* PML4 0, PDPT 0, PD 2 */
#define KERNEL_VA	0xffffffff80000000ULL	/* PML4 511, PDPT 510 */
#define DIRECT_VA	0xffff800000000000ULL	/* PML4 256 */
#define TOP_PAGE	0xfffffffffffff000ULL	/* last page of the space */
#define LEAF_FRAME	0x12345000ULL		/* outside the buffer: never read */

#define KERNEL_RW	(PTE_PRESENT | PTE_WRITABLE | PTE_NX)
#define KERNEL_RX	(PTE_PRESENT)
#define USER_RW		(PTE_PRESENT | PTE_WRITABLE | PTE_USER | PTE_NX)

/* --- Simulated memory and frame source ----------------------------------- */

static struct sim {
	uint8_t *mem;
	struct paging_tree m;
	struct paging_table_source src;
	paddr_t next;			/* bump pointer */
	paddr_t free_list[64];
	unsigned int nfree;
	long allow;			/* frames left before failing; < 0: no limit */
	unsigned int allocs;
	unsigned int frees;
	bool used[SIM_FRAMES];
	char log[64];			/* 'F' per flush, 'R' per free, in order */
	unsigned int nlog;
} sim;

/* The fake TLB: what paging_flush() and friends asked for. */
static struct {
	unsigned int pages;
	vaddr_t va[16];
	unsigned int all;
} tlb;

static void log_event(char c)
{
	if (sim.nlog < sizeof(sim.log) - 1)
		sim.log[sim.nlog++] = c;
}

void tlb_flush_page(vaddr_t va)
{
	if (tlb.pages < ARRAY_SIZE(tlb.va))
		tlb.va[tlb.pages] = va;
	tlb.pages++;
	log_event('F');
}

void tlb_flush_all(void)
{
	tlb.all++;
}

static paddr_t sim_alloc(void *ctx)
{
	struct sim *s = ctx;
	paddr_t f;

	if (s->allow == 0)
		return 0;
	if (s->nfree)
		f = s->free_list[--s->nfree];
	else if (s->next < SIM_SIZE)
		f = s->next, s->next += PAGE_SIZE;
	else
		return 0;
	if (s->allow > 0)
		s->allow--;
	s->allocs++;
	s->used[f / PAGE_SIZE] = true;
	memset(s->mem + f, 0xa5, PAGE_SIZE);
	return f;
}

static void sim_free(void *ctx, paddr_t f)
{
	struct sim *s = ctx;

	assert_true(f > 0 && f < SIM_SIZE && s->used[f / PAGE_SIZE]);
	assert_true(s->nfree < ARRAY_SIZE(s->free_list));
	s->used[f / PAGE_SIZE] = false;
	s->free_list[s->nfree++] = f;
	s->frees++;
	log_event('R');
}

static bool sim_is_used(void *ctx, paddr_t f)
{
	struct sim *s = ctx;

	return f < SIM_SIZE && s->used[f / PAGE_SIZE];
}

/* A source that has no frame to give. */
static paddr_t no_frame(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct paging_table_source failing_src = { .alloc = no_frame };

static int sim_setup(void **state)
{
	(void)state;
	memset(&sim, 0, sizeof(sim));
	memset(&tlb, 0, sizeof(tlb));
	sim.mem = aligned_alloc(PAGE_SIZE, SIM_SIZE);
	if (!sim.mem)
		return -1;
	memset(sim.mem, 0xa5, SIM_SIZE);
	sim.next = PAGE_SIZE;	/* frame 0 is never handed out */
	sim.allow = -1;
	sim.src = (struct paging_table_source){ .alloc = sim_alloc,
						.ctx = &sim,
						.free = sim_free };
	sim.m.pml4 = sim_alloc(&sim);
	memset(sim.mem + sim.m.pml4, 0, PAGE_SIZE);
	sim.m.phys_offset = (uintptr_t)sim.mem;
	sim.allocs = 0;
	return 0;
}

static int sim_teardown(void **state)
{
	(void)state;
	free(sim.mem);
	return 0;
}

/* The entry at @level on @va's path; the levels above must be tables. */
static pte_t *slot(vaddr_t va, int level)
{
	pte_t *table = (pte_t *)(sim.mem + sim.m.pml4);

	for (int l = 3; l > level; l--) {
		pte_t e = table[PT_INDEX(va, l)];

		assert_true(pte_present(e));
		assert_true(pte_addr(e) < SIM_SIZE);
		table = (pte_t *)(sim.mem + pte_addr(e));
	}
	return &table[PT_INDEX(va, level)];
}

static void must_map(vaddr_t page, paddr_t frame, pte_t flags)
{
	assert_int_equal(paging_ignore(paging_map(&sim.m, page, frame, PAGE_4K,
						  flags, &sim.src)),
			 PAGING_OK);
}

static void must_map_sized(vaddr_t page, paddr_t frame, enum page_size size,
			   pte_t flags)
{
	assert_int_equal(paging_ignore(paging_map(&sim.m, page, frame, size,
						  flags, &sim.src)),
			 PAGING_OK);
}

/* paging_map() of @frame at its own address, a 4 KiB page. */
static struct paging_result identity_map(paddr_t frame, pte_t flags)
{
	return paging_map(&sim.m, frame, frame, PAGE_4K, flags, &sim.src);
}

/* --- Page tables come from the source only when missing ------------------ */

/* before: a PT holds USER_VA; after: its neighbour maps with no frame to spare. */
/* A source that zeroes its frames itself (the kernel's: frame_alloc()) is
 * believed: the tables are not written a second time, so the junk the
 * simulated frames hold stays in the entries the mapper did not set. */
static void paging_test_map_trusts_a_zeroing_source(void **state)
{
	vaddr_t va = 0x40000000ULL;
	pte_t *pt;

	(void)state;
	sim.src.zeroed = true;
	must_map(va, 0x5000, KERNEL_RW);
	pt = slot(va, 0) - PT_INDEX(va, 0);
	assert_int_equal(pt[PT_INDEX(va, 0) + 1], 0xa5a5a5a5a5a5a5a5ULL);
}

static void paging_test_map_into_existing_tables_needs_no_frame(void **state)
{
	struct paging_result r;

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	r = paging_map(&sim.m, USER_VA + PAGE_SIZE, LEAF_FRAME + PAGE_SIZE,
		       PAGE_4K, USER_RW, &failing_src);
	assert_int_equal(r.err, PAGING_OK);
	assert_int_equal(r.frame, LEAF_FRAME + PAGE_SIZE);
	assert_int_equal(paging_translate(&sim.m, USER_VA + PAGE_SIZE).phys,
			 LEAF_FRAME + PAGE_SIZE);
}

/* A NULL source is fine as long as no table is missing. */
static void paging_test_map_null_source_uses_existing_tables(void **state)
{
	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	assert_int_equal(paging_ignore(paging_map(&sim.m, USER_VA + PAGE_SIZE,
						  LEAF_FRAME, PAGE_4K, USER_RW,
						  NULL)),
			 PAGING_OK);
	assert_int_equal(paging_ignore(paging_map(&sim.m, KERNEL_VA, LEAF_FRAME,
						  PAGE_4K, KERNEL_RW, NULL)),
			 PAGING_FRAME_ALLOCATION_FAILED);
}

/* before: empty tree; after: FRAME_ALLOCATION_FAILED, memory byte-identical. */
static void paging_test_map_missing_table_failing_source_changes_nothing(void **state)
{
	uint8_t *before = malloc(SIM_SIZE);

	(void)state;
	memcpy(before, sim.mem, SIM_SIZE);
	assert_int_equal(paging_ignore(paging_map(&sim.m, USER_VA, LEAF_FRAME,
						  PAGE_4K, USER_RW,
						  &failing_src)),
			 PAGING_FRAME_ALLOCATION_FAILED);
	assert_memory_equal(sim.mem, before, SIM_SIZE);
	free(before);
}

/* Three tables are missing and only two frames exist: both go back to the
 * source and the tree is untouched. */
static void paging_test_map_partial_allocation_gives_frames_back(void **state)
{
	uint8_t *before = malloc(SIM_SIZE);
	struct paging_result r;

	(void)state;
	memcpy(before, sim.mem, SIM_SIZE);
	sim.allow = 2;
	r = paging_map(&sim.m, USER_VA, LEAF_FRAME, PAGE_4K, USER_RW, &sim.src);
	assert_int_equal(r.err, PAGING_FRAME_ALLOCATION_FAILED);
	assert_int_equal(sim.allocs, 2);
	assert_int_equal(sim.frees, 2);
	/* The source filled both frames with 0xa5 again; the mapper wrote nothing. */
	assert_memory_equal(sim.mem, before, SIM_SIZE);
	free(before);
}

/* New tables are zeroed: the source hands out frames full of 0xa5. */
static void paging_test_map_zeroes_new_tables(void **state)
{
	pte_t *pt;

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	pt = slot(USER_VA, 0) - PT_INDEX(USER_VA, 0);
	for (int i = 1; i < PT_ENTRIES; i++)
		assert_int_equal(pt[i], 0);
	assert_int_equal(sim.allocs, 3);
}

/* --- Flags on the table entries above a leaf ---------------------------- */

/* before: empty tree; after: every new parent is P|W|U, nothing else. */
static void paging_test_map_user_page_fresh_parents_user_writable(void **state)
{
	(void)state;
	must_map(USER_VA, LEAF_FRAME,
		 USER_RW | PTE_PCD | PTE_PWT | PTE_GLOBAL);
	for (int level = 3; level >= 1; level--) {
		pte_t e = *slot(USER_VA, level);

		assert_int_equal(e & ~PTE_ADDR_MASK,
				 PTE_PRESENT | PTE_WRITABLE | PTE_USER);
	}
	assert_int_equal(*slot(USER_VA, 0),
			 LEAF_FRAME | USER_RW | PTE_PCD | PTE_PWT | PTE_GLOBAL);
}

/* before: kernel-only, read-only parents; after: they gain U|W, keep the rest. */
static void paging_test_map_user_page_existing_kernel_parents(void **state)
{
	(void)state;
	must_map(USER_VA, LEAF_FRAME, PTE_PRESENT);
	for (int level = 3; level >= 1; level--)
		assert_int_equal(*slot(USER_VA, level) & ~PTE_ADDR_MASK, PTE_PRESENT);
	must_map(USER_VA + PAGE_SIZE, LEAF_FRAME, USER_RW | PTE_PCD);
	for (int level = 3; level >= 1; level--)
		assert_int_equal(*slot(USER_VA, level) & ~PTE_ADDR_MASK,
				 PTE_PRESENT | PTE_WRITABLE | PTE_USER);
	assert_int_equal(*slot(USER_VA, 0), LEAF_FRAME | PTE_PRESENT);
}

/* --- Refusals ------------------------------------------------------------ */

static void paging_test_map_twice_reports_already_mapped_frame(void **state)
{
	struct paging_result r;

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	r = paging_map(&sim.m, USER_VA, LEAF_FRAME + MiB(1), PAGE_4K, USER_RW,
		       &sim.src);
	assert_int_equal(r.err, PAGING_PAGE_ALREADY_MAPPED);
	assert_int_equal(r.frame, LEAF_FRAME);
	assert_int_equal(*slot(USER_VA, 0), LEAF_FRAME | USER_RW);
}

static void paging_test_map_inside_2m_page_reports_parent_huge(void **state)
{
	struct paging_result r;

	(void)state;
	must_map_sized(DIRECT_VA, MiB(2), PAGE_2M, KERNEL_RW);
	r = paging_map(&sim.m, DIRECT_VA + KiB(12), LEAF_FRAME, PAGE_4K,
		       KERNEL_RW, &sim.src);
	assert_int_equal(r.err, PAGING_PARENT_ENTRY_HUGE_PAGE);
	assert_int_equal(r.frame, MiB(2));
}

static void paging_test_map_inside_1g_page_reports_parent_huge(void **state)
{
	(void)state;
	must_map_sized(DIRECT_VA, GiB(1), PAGE_1G, KERNEL_RW);
	assert_int_equal(paging_ignore(paging_map(&sim.m, DIRECT_VA + MiB(2), 0,
						  PAGE_2M, KERNEL_RW,
						  &sim.src)),
			 PAGING_PARENT_ENTRY_HUGE_PAGE);
}

/* A 2 MiB page cannot replace a page table of 4 KiB pages. */
static void paging_test_map_2m_over_page_table_reports_entry_is_table(void **state)
{
	(void)state;
	must_map(DIRECT_VA + PAGE_SIZE, LEAF_FRAME, KERNEL_RW);
	assert_int_equal(paging_ignore(paging_map(&sim.m, DIRECT_VA, MiB(2),
						  PAGE_2M, KERNEL_RW,
						  &sim.src)),
			 PAGING_ENTRY_IS_TABLE);
}

static void paging_test_map_unaligned_page_rejected(void **state)
{
	(void)state;
	assert_int_equal(paging_ignore(paging_map(&sim.m, USER_VA + 8,
						  LEAF_FRAME, PAGE_4K, USER_RW,
						  &sim.src)),
			 PAGING_PAGE_NOT_ALIGNED);
	assert_int_equal(paging_ignore(paging_map(&sim.m, DIRECT_VA + PAGE_SIZE,
						  0, PAGE_2M, KERNEL_RW,
						  &sim.src)),
			 PAGING_PAGE_NOT_ALIGNED);
	assert_int_equal(sim.allocs, 0);
}

static void paging_test_map_unaligned_frame_rejected(void **state)
{
	(void)state;
	assert_int_equal(paging_ignore(paging_map(&sim.m, USER_VA,
						  LEAF_FRAME + 1, PAGE_4K,
						  USER_RW, &sim.src)),
			 PAGING_FRAME_NOT_ALIGNED);
	assert_int_equal(paging_ignore(paging_map(&sim.m, DIRECT_VA, MiB(2),
						  PAGE_1G, KERNEL_RW,
						  &sim.src)),
			 PAGING_FRAME_NOT_ALIGNED);
}

static void paging_test_map_frame_beyond_52_bits_rejected(void **state)
{
	(void)state;
	assert_int_equal(paging_ignore(paging_map(&sim.m, USER_VA, 1ULL << 52,
						  PAGE_4K, USER_RW, &sim.src)),
			 PAGING_FRAME_OUT_OF_RANGE);
}

static void paging_test_map_non_canonical_rejected(void **state)
{
	(void)state;
	assert_int_equal(paging_ignore(paging_map(&sim.m, 0x0000800000000000ULL,
						  LEAF_FRAME, PAGE_4K, USER_RW,
						  &sim.src)),
			 PAGING_ADDRESS_NOT_CANONICAL);
	assert_int_equal(paging_ignore(paging_map(&sim.m, 0xffff7ffffffff000ULL,
						  LEAF_FRAME, PAGE_4K,
						  KERNEL_RW, &sim.src)),
			 PAGING_ADDRESS_NOT_CANONICAL);
	assert_int_equal(sim.allocs, 0);
}

/* Not present, the PS bit, an address bit: none are flags. */
static void paging_test_map_invalid_flags_rejected(void **state)
{
	const pte_t bad[] = { PTE_WRITABLE, PTE_PRESENT | PTE_HUGE,
			      PTE_PRESENT | 0x1000, PTE_PRESENT | (1ULL << 52) };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(paging_ignore(paging_map(&sim.m, USER_VA,
							  LEAF_FRAME, PAGE_4K,
							  bad[i], &sim.src)),
				 PAGING_INVALID_FLAGS);
	assert_int_equal(sim.allocs, 0);
}

/* --- unmap, protect, identity map --------------------------------------- */

static void paging_test_unmap_returns_frame_and_clears_leaf(void **state)
{
	struct paging_result r;

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	r = paging_unmap(&sim.m, USER_VA, PAGE_4K);
	assert_int_equal(r.err, PAGING_OK);
	assert_int_equal(r.frame, LEAF_FRAME);
	assert_int_equal(*slot(USER_VA, 0), 0);
	assert_int_equal(paging_translate(&sim.m, USER_VA).err,
			 PAGING_PAGE_NOT_MAPPED);
}

/* Missing tables, and an empty entry in an existing PT. */
static void paging_test_unmap_unmapped_page_reports_not_mapped(void **state)
{
	(void)state;
	assert_int_equal(paging_ignore(paging_unmap(&sim.m, USER_VA, PAGE_4K)),
			 PAGING_PAGE_NOT_MAPPED);
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	assert_int_equal(paging_ignore(paging_unmap(&sim.m, USER_VA + PAGE_SIZE,
						    PAGE_4K)),
			 PAGING_PAGE_NOT_MAPPED);
}

static void paging_test_unmap_inside_2m_page_reports_parent_huge(void **state)
{
	struct paging_result r;

	(void)state;
	must_map_sized(DIRECT_VA, MiB(2), PAGE_2M, KERNEL_RW);
	r = paging_unmap(&sim.m, DIRECT_VA + PAGE_SIZE, PAGE_4K);
	assert_int_equal(r.err, PAGING_PARENT_ENTRY_HUGE_PAGE);
	assert_int_equal(r.frame, MiB(2));
	assert_int_equal(paging_translate(&sim.m, DIRECT_VA).err, PAGING_OK);
}

static void paging_test_unmap_2m_returns_frame(void **state)
{
	struct paging_result r;

	(void)state;
	must_map_sized(DIRECT_VA, MiB(4), PAGE_2M, KERNEL_RW);
	r = paging_unmap(&sim.m, DIRECT_VA, PAGE_2M);
	assert_int_equal(r.err, PAGING_OK);
	assert_int_equal(r.frame, MiB(4));
	assert_int_equal(paging_translate(&sim.m, DIRECT_VA).err,
			 PAGING_PAGE_NOT_MAPPED);
}

/* before: kernel-only read-only page; after: user writable, same frame,
 * parents gain U|W. */
static void paging_test_update_flags_keeps_frame_and_grants_parents(void **state)
{
	struct paging_result r;

	(void)state;
	must_map(USER_VA, LEAF_FRAME, PTE_PRESENT);
	r = paging_protect(&sim.m, USER_VA, PAGE_4K, USER_RW);
	assert_int_equal(r.err, PAGING_OK);
	assert_int_equal(r.frame, LEAF_FRAME);
	assert_int_equal(*slot(USER_VA, 0), LEAF_FRAME | USER_RW);
	for (int level = 3; level >= 1; level--)
		assert_int_equal(*slot(USER_VA, level) & ~PTE_ADDR_MASK,
				 PTE_PRESENT | PTE_WRITABLE | PTE_USER);
}

static void paging_test_update_flags_of_huge_page_keeps_ps(void **state)
{
	(void)state;
	must_map_sized(DIRECT_VA, MiB(2), PAGE_2M, KERNEL_RW);
	assert_int_equal(paging_ignore(paging_protect(&sim.m, DIRECT_VA,
						      PAGE_2M,
						      PTE_PRESENT | PTE_NX)),
			 PAGING_OK);
	assert_int_equal(*slot(DIRECT_VA, 1),
			 MiB(2) | PTE_PRESENT | PTE_NX | PTE_HUGE);
}

static void paging_test_update_flags_unmapped_reports_not_mapped(void **state)
{
	(void)state;
	assert_int_equal(paging_ignore(paging_protect(&sim.m, USER_VA, PAGE_4K,
						      USER_RW)),
			 PAGING_PAGE_NOT_MAPPED);
	assert_int_equal(
		paging_ignore(paging_protect(&sim.m, USER_VA, PAGE_4K, 0)),
		PAGING_INVALID_FLAGS);
}

/* A frame mapped at its own address, as the boot tables' identity map is. */
static void paging_test_identity_map_maps_frame_at_its_address(void **state)
{
	struct paging_translation t;

	(void)state;
	assert_int_equal(paging_ignore(identity_map(0xb8000, KERNEL_RW)),
			 PAGING_OK);
	t = paging_translate(&sim.m, 0xb8123);
	assert_int_equal(t.err, PAGING_OK);
	assert_int_equal(t.phys, 0xb8123);
}

/* --- translate ----------------------------------------------------------- */

static void paging_test_translate_4k_with_offset(void **state)
{
	struct paging_translation t;

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	t = paging_translate(&sim.m, USER_VA + 0xabc);
	assert_int_equal(t.err, PAGING_OK);
	assert_int_equal(t.phys, LEAF_FRAME + 0xabc);
	assert_int_equal(t.size, PAGE_4K);
	assert_int_equal(t.flags, USER_RW);
}

static void paging_test_translate_2m_with_offset(void **state)
{
	struct paging_translation t;

	(void)state;
	must_map_sized(DIRECT_VA + MiB(2), MiB(6), PAGE_2M, KERNEL_RW);
	t = paging_translate(&sim.m, DIRECT_VA + MiB(2) + 0x12345);
	assert_int_equal(t.err, PAGING_OK);
	assert_int_equal(t.phys, MiB(6) + 0x12345);
	assert_int_equal(t.size, PAGE_2M);
	assert_int_equal(t.flags, KERNEL_RW | PTE_HUGE);
}

static void paging_test_translate_1g_with_offset(void **state)
{
	struct paging_translation t;

	(void)state;
	must_map_sized(DIRECT_VA + GiB(1), GiB(3), PAGE_1G, KERNEL_RW);
	t = paging_translate(&sim.m, DIRECT_VA + GiB(1) + 0x3fedcba9);
	assert_int_equal(t.err, PAGING_OK);
	assert_int_equal(t.phys, GiB(3) + 0x3fedcba9);
	assert_int_equal(t.size, PAGE_1G);
}

/* Bit 12 of a huge leaf is its PAT bit, not part of the frame. */
static void paging_test_translate_2m_ignores_pat_bit(void **state)
{
	(void)state;
	must_map_sized(DIRECT_VA, MiB(6), PAGE_2M, KERNEL_RW);
	*slot(DIRECT_VA, 1) |= 1ULL << 12;
	assert_int_equal(paging_translate(&sim.m, DIRECT_VA + 0x10).phys,
			 MiB(6) + 0x10);
	assert_int_equal(paging_unmap(&sim.m, DIRECT_VA, PAGE_2M).frame,
			 MiB(6));
}

static void paging_test_translate_unmapped_and_non_canonical(void **state)
{
	(void)state;
	assert_int_equal(paging_translate(&sim.m, USER_VA).err,
			 PAGING_PAGE_NOT_MAPPED);
	assert_int_equal(paging_translate(&sim.m, 0x0000800000000000ULL).err,
			 PAGING_ADDRESS_NOT_CANONICAL);
	assert_int_equal(paging_translate(&sim.m, 0x8000000000000000ULL).err,
			 PAGING_ADDRESS_NOT_CANONICAL);
}

/* --- Flush tokens -------------------------------------------------------- */

static void paging_test_map_flush_invalidates_the_page(void **state)
{
	(void)state;
	assert_int_equal(paging_flush(paging_map(&sim.m, USER_VA, LEAF_FRAME,
						 PAGE_4K, USER_RW, &sim.src)),
			 PAGING_OK);
	assert_int_equal(tlb.pages, 1);
	assert_int_equal(tlb.va[0], USER_VA);
	assert_int_equal(paging_flush(paging_unmap(&sim.m, USER_VA, PAGE_4K)),
			 PAGING_OK);
	assert_int_equal(tlb.pages, 2);
	assert_int_equal(tlb.va[1], USER_VA);
}

static void paging_test_map_ignore_and_failures_flush_nothing(void **state)
{
	(void)state;
	assert_int_equal(paging_ignore(paging_map(&sim.m, USER_VA, LEAF_FRAME,
						  PAGE_4K, USER_RW, &sim.src)),
			 PAGING_OK);
	assert_int_equal(paging_flush(paging_map(&sim.m, USER_VA, LEAF_FRAME,
						 PAGE_4K, USER_RW, &sim.src)),
			 PAGING_PAGE_ALREADY_MAPPED);
	assert_int_equal(paging_flush(paging_unmap(&sim.m, KERNEL_VA, PAGE_4K)),
			 PAGING_PAGE_NOT_MAPPED);
	assert_int_equal(tlb.pages, 0);
	assert_int_equal(tlb.all, 0);
}

/* A one-page result names the page it changed, in its size, and nothing
 * when it fails: a 2 MiB map and protect flush once each, a refused map
 * not at all. */
static void paging_test_one_page_result_names_its_page(void **state)
{
	struct paging_result r;

	(void)state;
	r = paging_map(&sim.m, DIRECT_VA, MiB(2), PAGE_2M, KERNEL_RW, &sim.src);
	assert_int_equal(r.page, DIRECT_VA);
	assert_int_equal(r.flush.start, DIRECT_VA);
	assert_int_equal(r.flush.end, DIRECT_VA + MiB(2));
	assert_int_equal(paging_flush(r), PAGING_OK);
	r = paging_map(&sim.m, DIRECT_VA, MiB(4), PAGE_2M, KERNEL_RW, &sim.src);
	assert_true(page_range_is_empty(r.flush));
	assert_int_equal(paging_flush(r), PAGING_PAGE_ALREADY_MAPPED);
	assert_int_equal(paging_flush(paging_protect(&sim.m, DIRECT_VA, PAGE_2M,
						     PTE_PRESENT | PTE_NX)),
			 PAGING_OK);
	assert_int_equal(tlb.pages, 2);
	assert_int_equal(tlb.va[0], DIRECT_VA);
	assert_int_equal(tlb.va[1], DIRECT_VA);
}

/* One invlpg per page of the range's size, not per 4 KiB. */
static void paging_test_map_range_flush_once_per_page(void **state)
{
	struct page_range two_2m = { DIRECT_VA, DIRECT_VA + MiB(4) };

	(void)state;
	assert_int_equal(paging_flush(paging_map_range(&sim.m, two_2m, 0,
						       PAGE_2M, KERNEL_RW,
						       &sim.src)),
			 PAGING_OK);
	assert_int_equal(tlb.pages, 2);
	assert_int_equal(tlb.va[0], DIRECT_VA);
	assert_int_equal(tlb.va[1], DIRECT_VA + MiB(2));
	assert_int_equal(
		paging_ignore(paging_unmap_range(&sim.m, two_2m, PAGE_2M)),
		PAGING_OK);
	assert_int_equal(tlb.pages, 2);
}

/* --- Ranges -------------------------------------------------------------- */

static void paging_test_range_of_one_page_is_not_empty(void **state)
{
	struct page_range r = page_range_of(USER_VA, 1);

	(void)state;
	assert_false(page_range_is_empty(r));
	assert_int_equal(page_range_pages(r), 1);
	assert_true(page_range_contains(r, USER_VA));
	assert_true(page_range_contains(r, USER_VA + PAGE_SIZE - 1));
	assert_false(page_range_contains(r, USER_VA + PAGE_SIZE));
	assert_false(page_range_contains(r, USER_VA - 1));
	assert_true(page_range_is_empty(page_range_of(USER_VA, 0)));
}

/* [TOP_PAGE - 4 KiB, 2^64): end wraps to 0; two pages, in order, no more. */
static void paging_test_range_ending_at_top_iterates_without_overflow(void **state)
{
	struct page_range r = page_range_of(TOP_PAGE - PAGE_SIZE, 2);
	vaddr_t seen[4];
	uint64_t n = 0;

	(void)state;
	assert_int_equal(r.end, 0);
	assert_false(page_range_is_empty(r));
	assert_int_equal(page_range_pages(r), 2);
	for (uint64_t i = 0; i < page_range_pages(r) && n < ARRAY_SIZE(seen); i++)
		seen[n++] = page_range_page(r, i);
	assert_int_equal(n, 2);
	assert_int_equal(seen[0], TOP_PAGE - PAGE_SIZE);
	assert_int_equal(seen[1], TOP_PAGE);
	assert_true(page_range_contains(r, 0xffffffffffffffffULL));
	assert_false(page_range_contains(r, 0));
}

/* The last two pages of the address space map, translate, flush and unmap. */
static void paging_test_map_range_at_top_of_address_space(void **state)
{
	struct page_range r = page_range_of(TOP_PAGE - PAGE_SIZE, 2);

	(void)state;
	assert_int_equal(paging_flush(paging_map_range(&sim.m, r, LEAF_FRAME,
						       PAGE_4K, KERNEL_RW,
						       &sim.src)),
			 PAGING_OK);
	assert_int_equal(tlb.pages, 2);
	assert_int_equal(tlb.va[1], TOP_PAGE);
	assert_int_equal(paging_translate(&sim.m, 0xffffffffffffffffULL).phys,
			 LEAF_FRAME + PAGE_SIZE + 0xfff);
	assert_int_equal(paging_flush(paging_unmap_range(&sim.m, r, PAGE_4K)),
			 PAGING_OK);
	assert_int_equal(tlb.pages, 4);
	assert_int_equal(paging_translate(&sim.m, TOP_PAGE).err,
			 PAGING_PAGE_NOT_MAPPED);
}

/* [0x7ffffffff000, 0x800000000000): end is not canonical, the page is. */
static void paging_test_map_range_last_page_of_lower_half(void **state)
{
	struct page_range r = { 0x00007ffffffff000ULL, 0x0000800000000000ULL };

	(void)state;
	assert_int_equal(paging_ignore(paging_map_range(&sim.m, r, LEAF_FRAME,
							PAGE_4K, USER_RW,
							&sim.src)),
			 PAGING_OK);
	assert_int_equal(paging_translate(&sim.m, 0x00007fffffffffffULL).phys,
			 LEAF_FRAME + 0xfff);
}

static void paging_test_map_range_maps_consecutive_frames(void **state)
{
	struct page_range r = page_range_of(USER_VA, 3);
	struct paging_result res;

	(void)state;
	res = paging_map_range(&sim.m, r, LEAF_FRAME, PAGE_4K, USER_RW,
			       &sim.src);
	assert_int_equal(res.err, PAGING_OK);
	assert_int_equal(res.page, r.start);
	assert_int_equal(res.frame, LEAF_FRAME);
	assert_int_equal(res.flush.start, r.start);
	assert_int_equal(res.flush.end, r.end);
	for (uint64_t i = 0; i < 3; i++)
		assert_int_equal(
			paging_translate(&sim.m, page_range_page(r, i)).phys,
			LEAF_FRAME + i * PAGE_SIZE);
	assert_int_equal(paging_translate(&sim.m, r.end).err,
			 PAGING_PAGE_NOT_MAPPED);
}

static void paging_test_map_range_empty_does_nothing(void **state)
{
	(void)state;
	assert_int_equal(paging_flush(paging_map_range(
				 &sim.m, page_range_of(USER_VA, 0), LEAF_FRAME,
				 PAGE_4K, USER_RW, &sim.src)),
			 PAGING_OK);
	assert_int_equal(sim.allocs, 0);
	assert_int_equal(tlb.pages, 0);
}

/* before: page 2 of 4 is mapped; after: pages 0-1 mapped, then taken back;
 * the token still covers them. */
static void paging_test_map_range_already_mapped_rolls_back(void **state)
{
	struct page_range r = page_range_of(USER_VA, 4);
	struct paging_result res;

	(void)state;
	must_map(USER_VA + 2 * PAGE_SIZE, 0x9000, USER_RW);
	res = paging_map_range(&sim.m, r, LEAF_FRAME, PAGE_4K, USER_RW,
			       &sim.src);
	assert_int_equal(res.err, PAGING_PAGE_ALREADY_MAPPED);
	assert_int_equal(res.page, USER_VA + 2 * PAGE_SIZE);
	assert_int_equal(res.frame, 0x9000);
	assert_int_equal(res.flush.start, USER_VA);
	assert_int_equal(res.flush.end, USER_VA + 2 * PAGE_SIZE);
	assert_int_equal(paging_translate(&sim.m, USER_VA).err,
			 PAGING_PAGE_NOT_MAPPED);
	assert_int_equal(paging_translate(&sim.m, USER_VA + PAGE_SIZE).err,
			 PAGING_PAGE_NOT_MAPPED);
	assert_int_equal(paging_translate(&sim.m, USER_VA + 2 * PAGE_SIZE).phys,
			 0x9000);
	assert_int_equal(paging_flush(res), PAGING_PAGE_ALREADY_MAPPED);
	assert_int_equal(tlb.pages, 2);
}

/* Crossing into a new PT needs a frame the source does not have. */
static void paging_test_map_range_allocation_failure_rolls_back(void **state)
{
	struct page_range r = page_range_of(USER_VA + MiB(2) - PAGE_SIZE, 2);
	struct paging_result res;

	(void)state;
	sim.allow = 3;	/* PDPT, PD, first PT; none for the second PT */
	res = paging_map_range(&sim.m, r, LEAF_FRAME, PAGE_4K, USER_RW,
			       &sim.src);
	assert_int_equal(res.err, PAGING_FRAME_ALLOCATION_FAILED);
	assert_int_equal(res.page, USER_VA + MiB(2));
	assert_int_equal(page_range_pages(res.flush), 1);
	assert_int_equal(paging_translate(&sim.m, r.start).err,
			 PAGING_PAGE_NOT_MAPPED);
}

static void paging_test_map_range_bad_ranges_rejected(void **state)
{
	struct page_range wraps = { TOP_PAGE, 0x2000 };
	struct page_range hole = { 0x00007ffffffff000ULL, 0xffff800000001000ULL };
	struct page_range odd_end = { DIRECT_VA, DIRECT_VA + MiB(3) };

	(void)state;
	assert_int_equal(paging_ignore(paging_map_range(&sim.m, wraps,
							LEAF_FRAME, PAGE_4K,
							KERNEL_RW, &sim.src)),
			 PAGING_INVALID_RANGE);
	assert_int_equal(paging_ignore(paging_map_range(&sim.m, hole,
							LEAF_FRAME, PAGE_4K,
							KERNEL_RW, &sim.src)),
			 PAGING_ADDRESS_NOT_CANONICAL);
	assert_int_equal(paging_ignore(paging_map_range(&sim.m, odd_end, 0,
							PAGE_2M, KERNEL_RW,
							&sim.src)),
			 PAGING_PAGE_NOT_ALIGNED);
	assert_int_equal(paging_ignore(paging_map_range(
				 &sim.m, page_range_of(USER_VA, 2),
				 PTE_ADDR_MASK & ~0xfffULL, PAGE_4K, USER_RW,
				 &sim.src)),
			 PAGING_FRAME_OUT_OF_RANGE);
	assert_int_equal(sim.allocs, 0);
}

/* before: pages 0 and 2 of 3 mapped; after: NOT_MAPPED at page 1, both kept. */
static void paging_test_unmap_range_with_hole_changes_nothing(void **state)
{
	struct paging_result res;

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	must_map(USER_VA + 2 * PAGE_SIZE, LEAF_FRAME, USER_RW);
	res = paging_unmap_range(&sim.m, page_range_of(USER_VA, 3), PAGE_4K);
	assert_int_equal(res.err, PAGING_PAGE_NOT_MAPPED);
	assert_int_equal(res.page, USER_VA + PAGE_SIZE);
	assert_true(page_range_is_empty(res.flush));
	assert_int_equal(paging_translate(&sim.m, USER_VA).err, PAGING_OK);
	assert_int_equal(paging_translate(&sim.m, USER_VA + 2 * PAGE_SIZE).err,
			 PAGING_OK);
}

/* --- Freeing empty tables ------------------------------------------------ */

/* before: one page under three new tables, then unmapped; after: all three
 * freed, each after a flush, and the PML4 entry cleared. */
static void paging_test_free_empty_tables_flushes_before_freeing(void **state)
{
	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	assert_int_equal(paging_ignore(paging_unmap(&sim.m, USER_VA, PAGE_4K)),
			 PAGING_OK);
	assert_int_equal(paging_free_empty_tables(&sim.m, page_range_of(USER_VA, 1),
						  &sim.src),
			 3);
	assert_string_equal(sim.log, "FRFRFR");
	assert_int_equal(*slot(USER_VA, 3), 0);
	assert_int_equal(sim.frees, 3);
}

/* A table that still maps something, or lies outside the range, stays. */
static void paging_test_free_empty_tables_keeps_used_tables(void **state)
{
	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	must_map(USER_VA + MiB(2), LEAF_FRAME, USER_RW);
	assert_int_equal(paging_ignore(paging_unmap(&sim.m, USER_VA, PAGE_4K)),
			 PAGING_OK);
	assert_int_equal(paging_free_empty_tables(&sim.m, page_range_of(0, 1),
						  &sim.src),
			 0);
	assert_int_equal(paging_free_empty_tables(&sim.m, page_range_of(USER_VA, 1),
						  &sim.src),
			 1);
	assert_false(pte_present(*slot(USER_VA, 1)));
	assert_int_equal(paging_translate(&sim.m, USER_VA + MiB(2)).phys,
			 LEAF_FRAME);
}

/* before: a kernel-half page under three new tables, then unmapped; after:
 * its PT and PD freed, the PDPT under the PML4 entry kept (every address
 * space shares it). */
static void paging_test_free_empty_tables_keeps_kernel_half_top(void **state)
{
	(void)state;
	must_map(KERNEL_VA, LEAF_FRAME, PTE_PRESENT | PTE_WRITABLE);
	assert_int_equal(paging_ignore(paging_unmap(&sim.m, KERNEL_VA, PAGE_4K)),
			 PAGING_OK);
	assert_int_equal(paging_free_empty_tables(&sim.m,
						  page_range_of(KERNEL_VA, 1),
						  &sim.src),
			 2);
	assert_true(pte_present(*slot(KERNEL_VA, 3)));
	assert_false(pte_present(*slot(KERNEL_VA, 2)));
}

/* --- Auditor ------------------------------------------------------------- */

static struct {
	unsigned int n;
	struct paging_violation v[16];
} reports;

static void record(void *ctx, const struct paging_violation *v)
{
	(void)ctx;
	if (reports.n < ARRAY_SIZE(reports.v))
		reports.v[reports.n] = *v;
	reports.n++;
}

static struct paging_audit audit_opts(void)
{
	memset(&reports, 0, sizeof(reports));
	return (struct paging_audit){ .maxphyaddr = 40, .nx_enabled = true,
				      .check_wx = true, .is_frame_used = sim_is_used,
				      .report = record, .ctx = &sim };
}

/* Kernel text, kernel data, user code and data, a 2 MiB and a 1 GiB page. */
static void build_clean_tree(void)
{
	must_map(KERNEL_VA, LEAF_FRAME, KERNEL_RX);
	must_map(KERNEL_VA + PAGE_SIZE, LEAF_FRAME + PAGE_SIZE, KERNEL_RW);
	must_map(USER_VA, LEAF_FRAME, PTE_PRESENT | PTE_USER);
	must_map(USER_VA + PAGE_SIZE, LEAF_FRAME, USER_RW);
	must_map_sized(DIRECT_VA, 0, PAGE_2M, KERNEL_RW);
	must_map_sized(DIRECT_VA + GiB(1), GiB(1), PAGE_1G, KERNEL_RW);
}

static void assert_one_report(unsigned int count, vaddr_t va, int level,
			      enum paging_problem problem)
{
	assert_int_equal(count, 1);
	assert_int_equal(reports.n, 1);
	assert_int_equal(reports.v[0].va, va);
	assert_int_equal(reports.v[0].level, level);
	assert_int_equal(reports.v[0].problem, problem);
}

static void paging_test_audit_clean_tree_has_no_violation(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	assert_int_equal(paging_audit(&sim.m, &a), 0);
	assert_int_equal(reports.n, 0);
}

static void paging_test_audit_user_leaf_under_kernel_table(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	*slot(USER_VA, 1) &= ~PTE_USER;
	assert_one_report(paging_audit(&sim.m, &a), USER_VA, 0,
			  PAGING_ANCESTOR_NOT_USER);
}

static void paging_test_audit_writable_leaf_under_read_only_table(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	*slot(KERNEL_VA, 2) &= ~PTE_WRITABLE;
	assert_one_report(paging_audit(&sim.m, &a), KERNEL_VA + PAGE_SIZE, 0,
			  PAGING_ANCESTOR_NOT_WRITABLE);
}

static void paging_test_audit_kernel_writable_executable(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	*slot(KERNEL_VA, 0) |= PTE_WRITABLE;
	assert_one_report(paging_audit(&sim.m, &a), KERNEL_VA, 0,
			  PAGING_KERNEL_WRITABLE_EXEC);
	a.check_wx = false;
	assert_int_equal(paging_audit(&sim.m, &a), 0);
}

/* NX on a table above makes a writable kernel leaf non-executable. */
static void paging_test_audit_nx_on_ancestor_counts(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	*slot(KERNEL_VA, 0) |= PTE_WRITABLE;
	*slot(KERNEL_VA, 1) |= PTE_NX;
	assert_int_equal(paging_audit(&sim.m, &a), 0);
}

/* Without EFER.NXE: no W^X check, and every NX bit is reserved. */
static void paging_test_audit_without_nx_reports_nx_bits(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	must_map(KERNEL_VA, LEAF_FRAME, PTE_PRESENT | PTE_WRITABLE);
	must_map(KERNEL_VA + PAGE_SIZE, LEAF_FRAME, KERNEL_RW);
	a.nx_enabled = false;
	assert_one_report(paging_audit(&sim.m, &a), KERNEL_VA + PAGE_SIZE, 0,
			  PAGING_NX_WITHOUT_NXE);
}

static void paging_test_audit_ps_in_pml4(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	*slot(USER_VA, 3) |= PTE_HUGE;
	assert_one_report(paging_audit(&sim.m, &a), 0, 3, PAGING_HUGE_IN_PML4);
}

/* Bit 7 of a level-0 entry is PAT, not PS. */
static void paging_test_audit_pat_bit_in_pt_is_fine(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	*slot(USER_VA, 0) |= PTE_PAT;
	assert_int_equal(paging_audit(&sim.m, &a), 0);
}

static void paging_test_audit_unused_high_bits(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	*slot(USER_VA, 0) |= 1ULL << 52;
	assert_one_report(paging_audit(&sim.m, &a), USER_VA, 0,
			  PAGING_UNUSED_BITS_SET);
	*slot(USER_VA, 0) &= ~(1ULL << 52);
	*slot(KERNEL_VA, 2) |= 1ULL << 62;
	a = audit_opts();
	assert_one_report(paging_audit(&sim.m, &a), KERNEL_VA & ~(GiB(1) - 1), 2,
			  PAGING_UNUSED_BITS_SET);
}

static void paging_test_audit_leaf_above_maxphyaddr(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	must_map(USER_VA, 1ULL << 40, USER_RW);
	assert_one_report(paging_audit(&sim.m, &a), USER_VA, 0,
			  PAGING_ADDRESS_ABOVE_MAXPHYADDR);
	a = audit_opts();
	a.maxphyaddr = 41;
	assert_int_equal(paging_audit(&sim.m, &a), 0);
}

/* The table behind the bad entry lies outside memory: it must not be read
 * (ASan would stop the test). */
static void paging_test_audit_table_above_maxphyaddr_not_entered(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	must_map(USER_VA, LEAF_FRAME, USER_RW);
	*slot(USER_VA, 2) |= 1ULL << 45;
	assert_one_report(paging_audit(&sim.m, &a), 0, 2,
			  PAGING_ADDRESS_ABOVE_MAXPHYADDR);
}

static void paging_test_audit_huge_page_reserved_address_bits(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	*slot(DIRECT_VA, 1) |= 1ULL << 13;
	assert_one_report(paging_audit(&sim.m, &a), DIRECT_VA, 1,
			  PAGING_HUGE_ADDRESS_RESERVED);
	*slot(DIRECT_VA, 1) &= ~(1ULL << 13);
	*slot(DIRECT_VA, 1) |= 1ULL << 12;	/* PAT of a 2 MiB page */
	a = audit_opts();
	assert_int_equal(paging_audit(&sim.m, &a), 0);
}

static void paging_test_audit_table_in_free_frame(void **state)
{
	struct paging_audit a = audit_opts();

	(void)state;
	build_clean_tree();
	sim.used[pte_addr(*slot(USER_VA, 1)) / PAGE_SIZE] = false;
	assert_one_report(paging_audit(&sim.m, &a), USER_VA & ~(MiB(2) - 1), 1,
			  PAGING_TABLE_FRAME_FREE);
	sim.used[pte_addr(*slot(USER_VA, 1)) / PAGE_SIZE] = true;
	sim.used[sim.m.pml4 / PAGE_SIZE] = false;
	a = audit_opts();
	assert_one_report(paging_audit(&sim.m, &a), 0, 4, PAGING_TABLE_FRAME_FREE);
}

/* Without callbacks the auditor still counts. */
static void paging_test_audit_without_callbacks_counts(void **state)
{
	struct paging_audit a = { .maxphyaddr = 40, .nx_enabled = true,
				  .check_wx = true };

	(void)state;
	build_clean_tree();
	*slot(KERNEL_VA, 0) |= PTE_WRITABLE | (1ULL << 55);
	assert_int_equal(paging_audit(&sim.m, &a), 2);
}

/* --- Names --------------------------------------------------------------- */

static void paging_test_every_error_has_its_own_name(void **state)
{
	(void)state;
	for (int i = PAGING_OK; i <= PAGING_INVALID_RANGE; i++) {
		assert_non_null(paging_error_name((enum paging_error)i));
		for (int j = PAGING_OK; j < i; j++)
			assert_string_not_equal(
				paging_error_name((enum paging_error)i),
				paging_error_name((enum paging_error)j));
	}
	assert_string_equal(paging_error_name((enum paging_error)99),
			    "unknown paging error");
	for (int i = PAGING_ANCESTOR_NOT_USER; i <= PAGING_TABLE_FRAME_FREE; i++)
		assert_non_null(paging_problem_name((enum paging_problem)i));
	assert_string_equal(paging_problem_name((enum paging_problem)99),
			    "unknown paging problem");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, sim_setup, sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(paging_test_map_trusts_a_zeroing_source),
		T(paging_test_map_into_existing_tables_needs_no_frame),
		T(paging_test_map_null_source_uses_existing_tables),
		T(paging_test_map_missing_table_failing_source_changes_nothing),
		T(paging_test_map_partial_allocation_gives_frames_back),
		T(paging_test_map_zeroes_new_tables),
		T(paging_test_map_user_page_fresh_parents_user_writable),
		T(paging_test_map_user_page_existing_kernel_parents),
		T(paging_test_map_twice_reports_already_mapped_frame),
		T(paging_test_map_inside_2m_page_reports_parent_huge),
		T(paging_test_map_inside_1g_page_reports_parent_huge),
		T(paging_test_map_2m_over_page_table_reports_entry_is_table),
		T(paging_test_map_unaligned_page_rejected),
		T(paging_test_map_unaligned_frame_rejected),
		T(paging_test_map_frame_beyond_52_bits_rejected),
		T(paging_test_map_non_canonical_rejected),
		T(paging_test_map_invalid_flags_rejected),
		T(paging_test_unmap_returns_frame_and_clears_leaf),
		T(paging_test_unmap_unmapped_page_reports_not_mapped),
		T(paging_test_unmap_inside_2m_page_reports_parent_huge),
		T(paging_test_unmap_2m_returns_frame),
		T(paging_test_update_flags_keeps_frame_and_grants_parents),
		T(paging_test_update_flags_of_huge_page_keeps_ps),
		T(paging_test_update_flags_unmapped_reports_not_mapped),
		T(paging_test_identity_map_maps_frame_at_its_address),
		T(paging_test_translate_4k_with_offset),
		T(paging_test_translate_2m_with_offset),
		T(paging_test_translate_1g_with_offset),
		T(paging_test_translate_2m_ignores_pat_bit),
		T(paging_test_translate_unmapped_and_non_canonical),
		T(paging_test_map_flush_invalidates_the_page),
		T(paging_test_map_ignore_and_failures_flush_nothing),
		T(paging_test_one_page_result_names_its_page),
		T(paging_test_map_range_flush_once_per_page),
		T(paging_test_range_of_one_page_is_not_empty),
		T(paging_test_range_ending_at_top_iterates_without_overflow),
		T(paging_test_map_range_at_top_of_address_space),
		T(paging_test_map_range_last_page_of_lower_half),
		T(paging_test_map_range_maps_consecutive_frames),
		T(paging_test_map_range_empty_does_nothing),
		T(paging_test_map_range_already_mapped_rolls_back),
		T(paging_test_map_range_allocation_failure_rolls_back),
		T(paging_test_map_range_bad_ranges_rejected),
		T(paging_test_unmap_range_with_hole_changes_nothing),
		T(paging_test_free_empty_tables_flushes_before_freeing),
		T(paging_test_free_empty_tables_keeps_used_tables),
		T(paging_test_free_empty_tables_keeps_kernel_half_top),
		T(paging_test_audit_clean_tree_has_no_violation),
		T(paging_test_audit_user_leaf_under_kernel_table),
		T(paging_test_audit_writable_leaf_under_read_only_table),
		T(paging_test_audit_kernel_writable_executable),
		T(paging_test_audit_nx_on_ancestor_counts),
		T(paging_test_audit_without_nx_reports_nx_bits),
		T(paging_test_audit_ps_in_pml4),
		T(paging_test_audit_pat_bit_in_pt_is_fine),
		T(paging_test_audit_unused_high_bits),
		T(paging_test_audit_leaf_above_maxphyaddr),
		T(paging_test_audit_table_above_maxphyaddr_not_entered),
		T(paging_test_audit_huge_page_reserved_address_bits),
		T(paging_test_audit_table_in_free_frame),
		T(paging_test_audit_without_callbacks_counts),
		T(paging_test_every_error_has_its_own_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
