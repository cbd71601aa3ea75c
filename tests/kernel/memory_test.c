/*
 * tests/kernel/memory_test.c - the frame allocator and the kernel address
 * space, on the real machine: W^X and NX enforced, nothing at 0, every
 * usable frame reachable through the direct map, the boot information
 * never handed out.
 */
#include "lib/align.h"
#include "lib/string.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/fault.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/vm.h"
#include "kernel/bootinfo.h"
#include "kernel/heap.h"
#include "kernel/frame.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/memory.h"
#include "kernel/pmm.h"
#include "tests/kernel/memory_pick.h"

static const uint64_t rodata_word = 0x6b65656c;
static uint8_t data_code[16] __attribute__((aligned(16)));

KTEST(memory_null_dereference_faults)
{
	struct fault_catch fc;

	KT_ASSERT(FAULT_CAUGHT(fc, (void)*(volatile uint64_t *)0));
	KT_ASSERT_EQ(fc.vector, VEC_PF);
	KT_ASSERT_EQ(fc.cr2, 0);
	KT_ASSERT_EQ(fc.error_code & PF_ERR_PRESENT, 0);
}

KTEST(memory_rodata_write_faults)
{
	struct fault_catch fc;

	KT_ASSERT(FAULT_CAUGHT(fc, *(volatile uint64_t *)&rodata_word = 1));
	KT_ASSERT_EQ(fc.vector, VEC_PF);
	KT_ASSERT_EQ(fc.error_code & (PF_ERR_PRESENT | PF_ERR_WRITE),
		     PF_ERR_PRESENT | PF_ERR_WRITE);
	KT_ASSERT_EQ(fc.cr2, (uintptr_t)&rodata_word);
	KT_ASSERT_EQ(rodata_word, 0x6b65656c);
}

static __attribute__((noinline, used)) void text_probe(void)
{
	__asm__ volatile("nop");
}

KTEST(memory_text_write_faults)
{
	struct fault_catch fc;
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)text_probe;

	KT_ASSERT(FAULT_CAUGHT(fc, *text = 0xcc));
	KT_ASSERT_EQ(fc.vector, VEC_PF);
	KT_ASSERT_EQ(fc.error_code & PF_ERR_WRITE, PF_ERR_WRITE);
}

/* A "ret" in .data: calling it must fault on the instruction fetch. */
KTEST(memory_executing_data_faults)
{
	struct fault_catch fc;

	if (!vm_features()->nx) {
		ktest_skip(t, "this CPU has no NX");
		return;
	}
	data_code[0] = 0xc3;
	KT_ASSERT(FAULT_CAUGHT(fc, ((void (*)(void))(uintptr_t)data_code)()));
	KT_ASSERT_EQ(fc.vector, VEC_PF);
	KT_ASSERT_EQ(fc.error_code & (PF_ERR_PRESENT | PF_ERR_FETCH),
		     PF_ERR_PRESENT | PF_ERR_FETCH);
	KT_ASSERT_EQ(fc.cr2, (uintptr_t)data_code);
}

KTEST(memory_kernel_sections_have_their_rights)
{
	const struct paging_tree *m = vm_kernel_tree();
	struct paging_translation text =
		paging_translate(m, (vaddr_t)__text_start);
	struct paging_translation ro =
		paging_translate(m, (vaddr_t)&rodata_word);
	struct paging_translation rw = paging_translate(m, (vaddr_t)data_code);

	KT_ASSERT_EQ(text.err, PAGING_OK);
	KT_ASSERT_EQ(text.phys, kernel_virt_to_phys(__text_start));
	KT_ASSERT(!(text.flags & (PTE_WRITABLE | PTE_NX)));
	KT_ASSERT(!(ro.flags & PTE_WRITABLE));
	KT_ASSERT_EQ(ro.flags & PTE_NX, vm_nx());
	KT_ASSERT(rw.flags & PTE_WRITABLE);
	KT_ASSERT_EQ(rw.flags & PTE_NX, vm_nx());
	KT_ASSERT_EQ(paging_translate(m, 0).err, PAGING_PAGE_NOT_MAPPED);
}

KTEST(memory_stack_guard_pages_are_unmapped)
{
	const struct paging_tree *m = vm_kernel_tree();

	KT_ASSERT_EQ(paging_translate(m, (vaddr_t)boot_stack_guard).err,
		     PAGING_PAGE_NOT_MAPPED);
	KT_ASSERT_EQ(paging_translate(m, (vaddr_t)boot_stack_bottom).err,
		     PAGING_OK);
}

/* RAM is mapped with huge pages, writable and no-execute: an address in a
 * 2 MiB block that the memory map calls usable, wherever that is. */
KTEST(memory_direct_map_uses_huge_pages)
{
	struct paging_translation tr;
	paddr_t block;

	if (!ktest_usable_block(page_size_bytes(PAGE_2M), &block)) {
		ktest_skip(t, "no aligned 2 MiB block of usable RAM");
		return;
	}
	tr = paging_translate(vm_kernel_tree(), PHYS_OFFSET + block + 0x45678);
	KT_ASSERT_EQ(tr.err, PAGING_OK);
	KT_ASSERT_EQ(tr.phys, block + 0x45678);
	KT_ASSERT(tr.size == PAGE_2M || tr.size == PAGE_1G);
	KT_ASSERT(tr.flags & PTE_WRITABLE);
	KT_ASSERT_EQ(tr.flags & PTE_NX, vm_nx());
}

/*
 * Take every free frame and check each one: handed out once (a bitmap kept
 * outside the frames), mapped by the direct map to itself, writable and
 * no-execute, readable by the CPU, and apart from the kernel image and the
 * boot information (which must still read as the loader left it). The first
 * and last frame of each usable region, where the direct map changes page
 * size, are also written and read back. Then everything is given back.
 *
 * The frames are read, not written: under QEMU the first write to a guest
 * page makes the host allocate and zero it, and with 8 GiB that cost 2 to
 * 24 s depending on the host, whether one word or three were written.
 */
#define EDGE_MAGIC 0x4b45454c46524d45ULL

struct frame_census {
	uint64_t *seen;		/* one bit per frame number below @limit */
	paddr_t limit;
	paddr_t info_start;	/* the boot information, [start, end) */
	paddr_t info_end;
	uint64_t taken;
	const char *problem;	/* the first check that failed */
	paddr_t problem_frame;
};

static paddr_t usable_end(void)
{
	size_t n;
	const struct memmap_region *r = memory_map(&n);
	paddr_t end = 0;

	for (size_t i = 0; i < n; i++) {
		if (r[i].type == MEMMAP_USABLE && r[i].end > end)
			end = r[i].end;
	}
	return end;
}

static bool overlaps(paddr_t f, paddr_t start, paddr_t end)
{
	return f < end && f + PAGE_SIZE > start;
}

/* The first failed check for frame @f, or NULL. */
static const char *check_frame(struct frame_census *c, paddr_t f)
{
	uint64_t bit = 1ULL << (f / PAGE_SIZE % 64);
	uint64_t *word = &c->seen[f / PAGE_SIZE / 64];
	struct paging_translation tr;

	if (f >= c->limit)
		return "frame beyond the usable regions";
	if (*word & bit)
		return "frame handed out twice";
	*word |= bit;
	if (overlaps(f, (paddr_t)(uintptr_t)__kernel_phys_start,
		     (paddr_t)(uintptr_t)__kernel_phys_end) ||
	    overlaps(f, c->info_start, c->info_end))
		return "frame holds the kernel or the boot information";
	tr = paging_translate(vm_kernel_tree(), PHYS_OFFSET + f);
	if (tr.err != PAGING_OK || tr.phys != f)
		return "frame not reached through the direct map";
	if (!(tr.flags & PTE_WRITABLE) || (tr.flags & PTE_NX) != vm_nx())
		return "frame mapped without write or with execute";
	(void)*(volatile uint64_t *)phys_to_virt(f);
	return NULL;
}

static void take_all(struct frame_census *c)
{
	paddr_t f;

	while ((f = pmm_alloc(frame_pmm())) != 0) {
		const char *problem = check_frame(c, f);

		c->taken++;
		if (problem && !c->problem) {
			c->problem = problem;
			c->problem_frame = f;
		}
	}
}

static bool is_taken(const struct frame_census *c, paddr_t f)
{
	return f < c->limit &&
	       (c->seen[f / PAGE_SIZE / 64] >> (f / PAGE_SIZE % 64) & 1);
}

/* Write a word to the first and last frame of each usable region that we
 * hold; false if one does not read back. */
static bool write_region_edges(const struct frame_census *c)
{
	size_t n;
	const struct memmap_region *r = memory_map(&n);

	for (size_t i = 0; i < n; i++) {
		paddr_t edge[2] = { ALIGN_UP(r[i].start, PAGE_SIZE),
				    ALIGN_DOWN(r[i].end, PAGE_SIZE) - PAGE_SIZE };

		for (int e = 0; r[i].type == MEMMAP_USABLE && e < 2; e++) {
			volatile uint64_t *p = phys_to_virt(edge[e]);

			if (!is_taken(c, edge[e]))
				continue;
			*p = edge[e] ^ EDGE_MAGIC;
			if (*p != (edge[e] ^ EDGE_MAGIC))
				return false;
		}
	}
	return true;
}

/* Give back every frame the census holds; the number given back. */
static uint64_t give_all_back(const struct frame_census *c)
{
	uint64_t freed = 0;

	for (uint64_t w = 0; w < c->limit / PAGE_SIZE / 64 + 1; w++) {
		for (uint64_t bits = c->seen[w]; bits; bits &= bits - 1) {
			paddr_t f = (w * 64 + __builtin_ctzll(bits)) * PAGE_SIZE;

			if (pmm_free(frame_pmm(), f) == 0)
				freed++;
		}
	}
	return freed;
}

KTEST(memory_every_frame_is_writable_and_freeable)
{
	struct frame_census c = { .limit = usable_end() };
	struct pmm_stats before, after;
	size_t raw_size;
	const void *raw = bootinfo_raw(&raw_size);
	bool edges_ok;
	uint64_t freed;

	c.info_start = bootinfo_phys();
	c.info_end = c.info_start + raw_size;
	c.seen = kcalloc(c.limit / PAGE_SIZE / 64 + 1, sizeof(uint64_t));
	KT_ASSERT(c.seen != NULL);
	pmm_stats(frame_pmm(), &before);
	take_all(&c);
	edges_ok = write_region_edges(&c);
	freed = give_all_back(&c);
	kfree(c.seen);
	pmm_stats(frame_pmm(), &after);
	if (c.problem)
		ktest_fail_at(t, __FILE__, __LINE__, "%s: %#llx", c.problem,
			      (unsigned long long)c.problem_frame);
	KT_ASSERT(edges_ok);
	KT_ASSERT_EQ(c.taken, before.free_frames);
	KT_ASSERT_EQ(freed, c.taken);
	KT_ASSERT_EQ(after.free_frames, before.free_frames);
	KT_ASSERT(memcmp(phys_to_virt(bootinfo_phys()), raw, raw_size) == 0);
}

/* The first MiB is usable RAM by the map, but the frame allocator keeps it
 * (kernel/memory.h, MEMORY_LOW_END): no frame there is free or handed out. */
KTEST(memory_first_mib_is_never_handed_out)
{
	size_t low_usable = 0;

	for (paddr_t f = PAGE_SIZE; f < MEMORY_LOW_END; f += PAGE_SIZE) {
		enum pmm_frame_state st = pmm_frame_state(frame_pmm(), f);

		KT_ASSERT(st != PMM_FRAME_FREE && st != PMM_FRAME_ALLOCATED);
		low_usable += st == PMM_FRAME_RESERVED;
	}
	/* Both SeaBIOS and OVMF report usable RAM below 640 KiB. */
	KT_ASSERT(low_usable > 0);
}

KTEST(memory_double_free_is_refused)
{
	struct pmm *pmm = frame_pmm();
	paddr_t f = pmm_alloc(pmm);

	KT_ASSERT(f != 0);
	KT_ASSERT_EQ(pmm_free(pmm, f), 0);
	KT_ASSERT(pmm_free(pmm, f) < 0);
	KT_ASSERT(pmm_free(pmm, f + 1) < 0);		/* unaligned */
	KT_ASSERT(pmm_free(pmm, (vaddr_t)__kernel_phys_start) < 0);
}

KTEST_FLAGS(memory_page_tables_pass_audit, KTEST_LAST)
{
	KT_ASSERT_EQ(vm_audit(), 0);
}

/* Recurse until the stack runs into its guard page; the stop condition
 * is never met, which the compiler cannot know. */
static volatile uint64_t recursion_limit = UINT64_MAX;

static __attribute__((noinline)) uint64_t recurse(uint64_t depth)
{
	volatile uint8_t pad[256];

	pad[0] = (uint8_t)depth;
	if (depth == recursion_limit)
		return 0;
	return recurse(depth + 1) + pad[0];
}

/* Own boot: the overflow must be reported through the double-fault IST. */
KTEST_FLAGS(memory_stack_overflow_is_reported, KTEST_EXPLICIT)
{
	recurse(0);
}

/* Own boot: a double free panics, naming the frame. */
KTEST_FLAGS(memory_double_free_panics, KTEST_EXPLICIT)
{
	paddr_t f = frame_alloc();

	frame_free(f);
	frame_free(f);
}
