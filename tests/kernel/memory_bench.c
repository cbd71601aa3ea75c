/*
 * tests/kernel/memory_bench.c - what the memory primitives cost, in TSC
 * cycles (make bench). Under TCG these are emulated cycles: compare them
 * with each other and across machine sizes, not with real hardware.
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/vm.h"
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/frame.h"
#include "kernel/pmm.h"

#define SCRATCH KTEST_SCRATCH
#define ROUNDS 4096

KBENCH(frame_alloc_free)
{
	struct pmm *pmm = frame_pmm();
	uint64_t start = arch_cycles();

	for (int i = 0; i < ROUNDS; i++) {
		paddr_t f = pmm_alloc(pmm);

		KT_ASSERT(f != 0);
		KT_ASSERT_EQ(pmm_free(pmm, f), 0);
	}
	kbench_report("frame alloc+free (pmm)", (arch_cycles() - start) / ROUNDS,
		      "cycles");
}

/* Map, translate and unmap ROUNDS pages one by one; tables already exist
 * after the first page, as for most mappings. */
KBENCH(map_translate_unmap_4k)
{
	const struct paging_tree *m = vm_kernel_tree();
	uint64_t map_cycles = 0, tr_cycles = 0, unmap_cycles = 0;
	paddr_t frame = frame_alloc();

	for (int i = 0; i < ROUNDS; i++) {
		vaddr_t va = SCRATCH + (uint64_t)(i % 512) * PAGE_SIZE;
		uint64_t t0 = arch_cycles();
		enum paging_error err = paging_flush(
			paging_map(m, va, frame, PAGE_4K,
				   PTE_PRESENT | PTE_WRITABLE | vm_nx(),
				   vm_table_source()));
		uint64_t t1 = arch_cycles();
		struct paging_translation tr = paging_translate(m, va);
		uint64_t t2 = arch_cycles();
		enum paging_error uerr =
			paging_flush(paging_unmap(m, va, PAGE_4K));
		uint64_t t3 = arch_cycles();

		KT_ASSERT(!err && !uerr && tr.phys == frame);
		map_cycles += t1 - t0;
		tr_cycles += t2 - t1;
		unmap_cycles += t3 - t2;
	}
	paging_free_empty_tables(m, page_range_of(SCRATCH, 1ULL << 27),
				 vm_table_source());
	frame_free(frame);
	kbench_report("paging_map 4 KiB (with invlpg)", map_cycles / ROUNDS,
		      "cycles");
	kbench_report("paging_translate", tr_cycles / ROUNDS, "cycles");
	kbench_report("paging_unmap 4 KiB (with invlpg)", unmap_cycles / ROUNDS,
		      "cycles");
}

/* 1 GiB as 262144 pages of 4 KiB, all to one frame (only the tables cost
 * memory: 513 frames). */
KBENCH(map_unmap_1gib_in_4k_pages)
{
	const struct paging_tree *m = vm_kernel_tree();
	struct page_range r = page_range_of(SCRATCH, 1ULL << 18);
	paddr_t frame = frame_alloc();
	uint64_t t0, t1, t2;

	t0 = arch_cycles();
	for (uint64_t i = 0; i < page_range_pages(r); i++)
		KT_ASSERT_EQ(paging_ignore(paging_map(
				     m, page_range_page(r, i), frame, PAGE_4K,
				     PTE_PRESENT | vm_nx(), vm_table_source())),
			     PAGING_OK);
	t1 = arch_cycles();
	KT_ASSERT_EQ(paging_ignore(paging_unmap_range(m, r, PAGE_4K)),
		     PAGING_OK);
	tlb_flush_all();
	t2 = arch_cycles();
	paging_free_empty_tables(m, r, vm_table_source());
	frame_free(frame);
	kbench_report("map 1 GiB as 4 KiB pages", (t1 - t0) / 1000000, "Mcycles");
	kbench_report("unmap 1 GiB of 4 KiB pages", (t2 - t1) / 1000000, "Mcycles");
	kbench_report("  that is, per page", (t2 - t0) / page_range_pages(r), "cycles");
}

KBENCH(usable_memory)
{
	struct pmm_stats st;

	pmm_stats(frame_pmm(), &st);
	kbench_report("usable memory", st.total_frames * PAGE_SIZE >> 20, "MiB");
	kbench_report("frame allocator metadata", st.metadata_bytes, "bytes");
}

/* Take every free frame, chaining each to the last through the direct map,
 * then give all back: how the allocator scales with the machine (compare
 * -m 128M and -m 8G). */
KBENCH(frame_alloc_all_free_all)
{
	struct pmm *pmm = frame_pmm();
	paddr_t chain = 0, f;
	uint64_t n = 0, t0, t1, t2;

	t0 = arch_cycles();
	while ((f = pmm_alloc(pmm)) != 0) {
		*(volatile uint64_t *)phys_to_virt(f) = chain;
		chain = f;
		n++;
	}
	t1 = arch_cycles();
	while (chain) {
		paddr_t next = *(volatile uint64_t *)phys_to_virt(chain);

		KT_ASSERT_EQ(pmm_free(pmm, chain), 0);
		chain = next;
	}
	t2 = arch_cycles();
	KT_ASSERT(n > 0);
	kbench_report("alloc-all: frames", n, "frames");
	kbench_report("alloc-all + write each, per frame", (t1 - t0) / n, "cycles");
	kbench_report("free-all (walk + free), per frame", (t2 - t1) / n, "cycles");
}
