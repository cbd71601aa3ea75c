/*
 * tests/kernel/memory_test.c - the frame allocator and the kernel address
 * space, on the real machine: W^X and NX enforced, nothing at 0, every
 * usable frame reachable through the direct map, the boot information
 * never handed out.
 */
#include "lib/string.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/fault.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/vm.h"
#include "kernel/bootinfo.h"
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
	KT_ASSERT_EQ(fc.error_code & (PF_ERR_PRESENT | PF_ERR_WRITE), PF_ERR_PRESENT | PF_ERR_WRITE);
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
	KT_ASSERT_EQ(fc.error_code & (PF_ERR_PRESENT | PF_ERR_FETCH), PF_ERR_PRESENT | PF_ERR_FETCH);
	KT_ASSERT_EQ(fc.cr2, (uintptr_t)data_code);
}

KTEST(memory_kernel_sections_have_their_rights)
{
	const struct mapper *m = vm_kernel_mapper();
	struct translation text = translate(m, (vaddr_t)__text_start);
	struct translation ro = translate(m, (vaddr_t)&rodata_word);
	struct translation rw = translate(m, (vaddr_t)data_code);

	KT_ASSERT_EQ(text.err, MAP_OK);
	KT_ASSERT_EQ(text.phys, kernel_virt_to_phys(__text_start));
	KT_ASSERT(!(text.flags & (PTE_WRITABLE | PTE_NX)));
	KT_ASSERT(!(ro.flags & PTE_WRITABLE));
	KT_ASSERT_EQ(ro.flags & PTE_NX, vm_nx());
	KT_ASSERT(rw.flags & PTE_WRITABLE);
	KT_ASSERT_EQ(rw.flags & PTE_NX, vm_nx());
	KT_ASSERT_EQ(translate(m, 0).err, MAP_PAGE_NOT_MAPPED);
}

KTEST(memory_stack_guard_pages_are_unmapped)
{
	const struct mapper *m = vm_kernel_mapper();

	KT_ASSERT_EQ(translate(m, (vaddr_t)boot_stack_guard).err, MAP_PAGE_NOT_MAPPED);
	KT_ASSERT_EQ(translate(m, (vaddr_t)boot_stack_bottom).err, MAP_OK);
}

/* RAM is mapped with huge pages, writable and no-execute: an address in a
 * 2 MiB block that the memory map calls usable, wherever that is. */
KTEST(memory_direct_map_uses_huge_pages)
{
	struct translation tr;
	paddr_t block;

	if (!ktest_usable_block(page_size_bytes(PAGE_2M), &block)) {
		ktest_skip(t, "no aligned 2 MiB block of usable RAM");
		return;
	}
	tr = translate(vm_kernel_mapper(), PHYS_OFFSET + block + 0x45678);
	KT_ASSERT_EQ(tr.err, MAP_OK);
	KT_ASSERT_EQ(tr.phys, block + 0x45678);
	KT_ASSERT(tr.size == PAGE_2M || tr.size == PAGE_1G);
	KT_ASSERT(tr.flags & PTE_WRITABLE);
	KT_ASSERT_EQ(tr.flags & PTE_NX, vm_nx());
}

/*
 * Take every free frame, write a chain through the direct map (each frame
 * holds the address of the one taken before and a check word), then check
 * the boot information the loader left is untouched, walk the chain back
 * and free it all.
 */
#define CHAIN_MAGIC 0x4b45454c46524d45ULL

KTEST(memory_every_frame_is_writable_and_freeable)
{
	struct pmm *pmm = memory_pmm();
	struct pmm_stats before, after;
	size_t raw_size;
	const void *raw = bootinfo_raw(&raw_size);
	paddr_t chain = 0;
	paddr_t f;
	uint64_t taken = 0;

	pmm_stats(pmm, &before);
	while ((f = pmm_alloc(pmm)) != 0) {
		uint64_t *p = phys_to_virt(f);

		p[0] = chain;
		p[1] = CHAIN_MAGIC ^ f;
		p[511] = f;
		chain = f;
		taken++;
	}
	KT_ASSERT_EQ(taken, before.free_frames);
	KT_ASSERT(memcmp(phys_to_virt(bootinfo_phys()), raw, raw_size) == 0);
	while (chain) {
		uint64_t *p = phys_to_virt(chain);
		paddr_t next = p[0];

		KT_ASSERT_EQ(p[1], CHAIN_MAGIC ^ chain);
		KT_ASSERT_EQ(p[511], chain);
		KT_ASSERT_EQ(pmm_free(pmm, chain), 0);
		chain = next;
	}
	pmm_stats(pmm, &after);
	KT_ASSERT_EQ(after.free_frames, before.free_frames);
}

KTEST(memory_double_free_is_refused)
{
	struct pmm *pmm = memory_pmm();
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
