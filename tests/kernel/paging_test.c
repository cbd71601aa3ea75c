/*
 * tests/kernel/paging_test.c - the paging API on the kernel's live tree.
 * Every test works in a scratch part of the address space that nothing else
 * uses, and leaves it empty (tables freed) for the audit at the end.
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/vm.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/frame.h"
#include "tests/kernel/memory_pick.h"

#define SCRATCH KTEST_SCRATCH
/* A lower-half address for USER mappings (never entered from ring 3). */
#define USER_SCRATCH 0x0000400000000000ULL

static paddr_t no_frame(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct paging_table_source failing = { .alloc = no_frame };

/* Walk to the entry of @va at @level (3 = PML4) in the kernel tree. */
static pte_t entry_at(vaddr_t va, int level)
{
	const struct paging_tree *m = vm_kernel_tree();
	paddr_t table = m->pml4;

	for (int l = PT_LEVELS - 1; l > level; l--)
		table = pte_addr(((pte_t *)phys_to_virt(table))[PT_INDEX(va, l)]);
	return ((pte_t *)phys_to_virt(table))[PT_INDEX(va, level)];
}

/* Unmap @va if mapped, free its frame and any tables left empty. */
static void cleanup(vaddr_t va)
{
	const struct paging_tree *m = vm_kernel_tree();
	struct paging_result r = paging_unmap(m, va, PAGE_4K);
	paddr_t frame = r.frame;

	if (paging_flush(r) == PAGING_OK)
		frame_free(frame);
	paging_free_empty_tables(
		m, page_range_of(va & ~((1ULL << 39) - 1), 1ULL << 27),
		vm_table_source());
}

KTEST(paging_failing_source_works_with_existing_tables)
{
	const struct paging_tree *m = vm_kernel_tree();
	paddr_t a = frame_alloc(), b = frame_alloc();

	KT_ASSERT(a && b);
	KT_ASSERT_EQ(paging_flush(paging_map(m, SCRATCH, a, PAGE_4K,
					     PTE_PRESENT | PTE_WRITABLE,
					     vm_table_source())),
		     PAGING_OK);
	KT_ASSERT_EQ(paging_flush(paging_map(m, SCRATCH + PAGE_SIZE, b, PAGE_4K,
					     PTE_PRESENT | PTE_WRITABLE,
					     &failing)),
		     PAGING_OK);
	*(volatile uint64_t *)(SCRATCH + PAGE_SIZE) = 42;
	KT_ASSERT_EQ(*(uint64_t *)phys_to_virt(b), 42);
	cleanup(SCRATCH + PAGE_SIZE);
	cleanup(SCRATCH);
}

KTEST(paging_missing_table_with_failing_source)
{
	const struct paging_tree *m = vm_kernel_tree();
	paddr_t a = frame_alloc();
	struct paging_result r =
		paging_map(m, SCRATCH, a, PAGE_4K, PTE_PRESENT, &failing);

	KT_ASSERT_EQ(paging_flush(r), PAGING_FRAME_ALLOCATION_FAILED);
	KT_ASSERT_EQ(paging_translate(m, SCRATCH).err, PAGING_PAGE_NOT_MAPPED);
	frame_free(a);
}

/* A USER leaf makes every ancestor USER|WRITABLE-reachable; NX and PCD stay
 * on the leaf. First under fresh tables, then under existing kernel-only
 * ones. */
KTEST(paging_user_flags_propagate_to_parents)
{
	const struct paging_tree *m = vm_kernel_tree();
	pte_t user = PTE_PRESENT | PTE_WRITABLE | PTE_USER | PTE_PCD | vm_nx();
	paddr_t k = frame_alloc(), u = frame_alloc();

	KT_ASSERT(k && u);
	KT_ASSERT_EQ(paging_flush(paging_map(m, USER_SCRATCH, k, PAGE_4K,
					     PTE_PRESENT, vm_table_source())),
		     PAGING_OK);
	for (int level = 3; level >= 1; level--)
		KT_ASSERT(!(entry_at(USER_SCRATCH, level) & (PTE_USER | PTE_WRITABLE)));
	KT_ASSERT_EQ(paging_flush(paging_map(m, USER_SCRATCH + PAGE_SIZE, u,
					     PAGE_4K, user, vm_table_source())),
		     PAGING_OK);
	for (int level = 3; level >= 1; level--) {
		pte_t e = entry_at(USER_SCRATCH, level);

		KT_ASSERT((e & (PTE_USER | PTE_WRITABLE)) == (PTE_USER | PTE_WRITABLE));
		KT_ASSERT(!(e & (PTE_NX | PTE_PCD)));
	}
	KT_ASSERT_EQ(entry_at(USER_SCRATCH + PAGE_SIZE, 0) & ~PTE_ADDR_MASK,
		     user & ~PTE_ADDR_MASK);
	cleanup(USER_SCRATCH + PAGE_SIZE);
	cleanup(USER_SCRATCH);
}

KTEST(paging_map_twice_reports_the_frame)
{
	const struct paging_tree *m = vm_kernel_tree();
	paddr_t a = frame_alloc(), b = frame_alloc();
	struct paging_result r;

	KT_ASSERT_EQ(paging_flush(paging_map(m, SCRATCH, a, PAGE_4K,
					     PTE_PRESENT, vm_table_source())),
		     PAGING_OK);
	r = paging_map(m, SCRATCH, b, PAGE_4K, PTE_PRESENT, vm_table_source());
	KT_ASSERT_EQ(r.frame, a);
	KT_ASSERT_EQ(paging_flush(r), PAGING_PAGE_ALREADY_MAPPED);
	frame_free(b);
	cleanup(SCRATCH);
}

/* A 4 KiB page inside a huge page of the direct map: refused, naming the
 * huge page's frame. The RAM is picked from the memory map. */
KTEST(paging_map_inside_huge_page_is_refused)
{
	const struct paging_tree *m = vm_kernel_tree();
	struct paging_translation tr;
	struct paging_result r;
	paddr_t block;
	vaddr_t inside;

	if (!ktest_usable_block(page_size_bytes(PAGE_2M), &block)) {
		ktest_skip(t, "no aligned 2 MiB block of usable RAM");
		return;
	}
	inside = PHYS_OFFSET + block + PAGE_SIZE;
	tr = paging_translate(m, inside);
	KT_ASSERT_EQ(tr.err, PAGING_OK);
	KT_ASSERT(tr.size != PAGE_4K);
	r = paging_map(m, inside, 0x1000, PAGE_4K, PTE_PRESENT,
		       vm_table_source());
	KT_ASSERT_EQ(r.frame, tr.phys & ~(page_size_bytes(tr.size) - 1));
	KT_ASSERT_EQ(paging_flush(r), PAGING_PARENT_ENTRY_HUGE_PAGE);
	KT_ASSERT_EQ(paging_translate(m, inside).phys, block + PAGE_SIZE);
}

KTEST(paging_unmap_unmapped_page)
{
	KT_ASSERT_EQ(paging_flush(paging_unmap(vm_kernel_tree(),
					       SCRATCH + 5 * PAGE_SIZE,
					       PAGE_4K)),
		     PAGING_PAGE_NOT_MAPPED);
}

/* A kernel function, RAM through the direct map (an address of a 2 MiB
 * block the memory map calls usable) and a non-canonical address. */
KTEST(paging_translate_known_addresses)
{
	const struct paging_tree *m = vm_kernel_tree();
	struct paging_translation tr =
		paging_translate(m, (vaddr_t)(uintptr_t)entry_at + 3);
	paddr_t block;

	KT_ASSERT_EQ(tr.err, PAGING_OK);
	KT_ASSERT_EQ(tr.size, PAGE_4K);
	KT_ASSERT_EQ(tr.phys, kernel_virt_to_phys((const char *)entry_at + 3));
	KT_ASSERT_EQ(paging_translate(m, 0x8000000000000000ULL).err,
		     PAGING_ADDRESS_NOT_CANONICAL);
	if (!ktest_usable_block(page_size_bytes(PAGE_2M), &block)) {
		ktest_skip(t, "no aligned 2 MiB block of usable RAM");
		return;
	}
	tr = paging_translate(m, PHYS_OFFSET + block + 0x34567);
	KT_ASSERT_EQ(tr.err, PAGING_OK);
	KT_ASSERT_EQ(tr.phys, block + 0x34567);
	KT_ASSERT(tr.size != PAGE_4K);
}

KTEST(paging_misaligned_and_noncanonical_are_refused)
{
	const struct paging_tree *m = vm_kernel_tree();

	KT_ASSERT_EQ(paging_ignore(paging_map(m, SCRATCH + 1, 0x1000, PAGE_4K,
					      PTE_PRESENT, &failing)),
		     PAGING_PAGE_NOT_ALIGNED);
	KT_ASSERT_EQ(paging_ignore(paging_map(m, SCRATCH, 0x1001, PAGE_4K,
					      PTE_PRESENT, &failing)),
		     PAGING_FRAME_NOT_ALIGNED);
	KT_ASSERT_EQ(paging_ignore(paging_map(m, 0x0000800000000000ULL, 0x1000,
					      PAGE_4K, PTE_PRESENT, &failing)),
		     PAGING_ADDRESS_NOT_CANONICAL);
}

static unsigned int violations_seen;
static enum paging_problem last_problem;

static void count_violation(void *ctx, const struct paging_violation *v)
{
	(void)ctx;
	violations_seen++;
	last_problem = v->problem;
}

/* Plant a writable and executable kernel page: the auditor must see it. */
KTEST(paging_auditor_finds_planted_violation)
{
	const struct paging_tree *m = vm_kernel_tree();
	paddr_t f = frame_alloc();
	struct paging_audit a = {
		.maxphyaddr = 52, .nx_enabled = vm_features()->nx,
		.check_wx = true, .report = count_violation,
	};

	if (!vm_features()->nx) {
		ktest_skip(t, "W^X cannot be expressed without NX");
		frame_free(f);
		return;
	}
	violations_seen = 0;
	KT_ASSERT_EQ(paging_audit(m, &a), 0);
	KT_ASSERT_EQ(paging_flush(paging_map(m, SCRATCH, f, PAGE_4K,
					     PTE_PRESENT | PTE_WRITABLE,
					     vm_table_source())),
		     PAGING_OK);
	KT_ASSERT_EQ(paging_audit(m, &a), 1);
	KT_ASSERT_EQ(violations_seen, 1);
	KT_ASSERT_EQ(last_problem, PAGING_KERNEL_WRITABLE_EXEC);
	cleanup(SCRATCH);
	KT_ASSERT_EQ(paging_audit(m, &a), 0);
}
