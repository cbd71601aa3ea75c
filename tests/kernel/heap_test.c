/*
 * tests/kernel/heap_test.c - kmalloc and friends in the kernel, with the
 * debug checks on (the self-test turns them on before any test runs).
 */
#include <stdint.h>

#include "lib/heap.h"
#include "lib/string.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "tests/kernel/ktest_random.h"
#include "kernel/layout.h"
#include "kernel/frame.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"

KTEST(heap_two_values_keep_their_contents)
{
	uint64_t *a = kmalloc(sizeof(*a));
	uint64_t *b = kmalloc(sizeof(*b));

	KT_ASSERT(a && b && a != b);
	*a = 0x1111111111111111ULL;
	*b = 0x2222222222222222ULL;
	KT_ASSERT_EQ(*a, 0x1111111111111111ULL);
	KT_ASSERT_EQ(*b, 0x2222222222222222ULL);
	KT_ASSERT_EQ((uintptr_t)a % 16, 0);
	KT_ASSERT((uintptr_t)a >= HEAP_START && (uintptr_t)a < HEAP_START + HEAP_MAX);
	kfree(a);
	kfree(b);
}

KTEST(heap_vector_grown_by_krealloc_sums_right)
{
	uint64_t *v = NULL;
	uint64_t sum = 0;

	for (uint64_t n = 1; n <= 1000; n++) {
		uint64_t *bigger = krealloc(v, n * sizeof(*v));

		KT_ASSERT(bigger);
		v = bigger;
		v[n - 1] = n;
	}
	for (int i = 0; i < 1000; i++)
		sum += v[i];
	kfree(v);
	KT_ASSERT_EQ(sum, 1000 * 1001 / 2);
}

/* As many alloc+free rounds as the heap has bytes: only reuse makes this
 * possible without the heap growing. */
static void churn(struct ktest_ctx *t, void *keep)
{
	struct heap_stats before, after;

	kfree(kmalloc(64));
	kheap_stats(&before);
	for (size_t i = 0; i < before.mapped && !ktest_has_failed(t); i += 64) {
		void *p = kmalloc(48 + i % 17);

		KT_ASSERT(p);
		kfree(p);
	}
	kheap_stats(&after);
	KT_ASSERT_EQ(after.mapped, before.mapped);
	KT_ASSERT(keep == NULL || *(volatile uint8_t *)keep == 0x5a);
}

KTEST(heap_freed_memory_is_reused)
{
	churn(t, NULL);
}

KTEST(heap_reuse_with_a_long_lived_block)
{
	uint8_t *keep = kmalloc(1000);

	KT_ASSERT(keep);
	memset(keep, 0x5a, 1000);
	churn(t, keep);
	kfree(keep);
}

#define SLOTS 256

struct slot {
	uint8_t *p;
	size_t size;
	uint8_t fill;
};

static struct slot slots[SLOTS];

static bool slot_intact(const struct slot *s)
{
	for (size_t i = 0; i < s->size; i++) {
		if (s->p[i] != s->fill)
			return false;
	}
	return true;
}

/* No live block may overlap another. */
static bool overlaps_any(size_t k)
{
	for (size_t j = 0; j < SLOTS; j++) {
		if (j == k || !slots[j].p)
			continue;
		if (slots[k].p < slots[j].p + slots[j].size &&
		    slots[j].p < slots[k].p + slots[k].size)
			return true;
	}
	return false;
}

static void random_op(struct ktest_ctx *t, uint64_t *seed)
{
	size_t k = ktest_random(seed) % SLOTS;
	struct slot *s = &slots[k];
	size_t size = 1 + ktest_random(seed) % (ktest_random(seed) % 8 ? 256 : 8192);

	KT_ASSERT(!s->p || slot_intact(s));
	if (s->p && ktest_random(seed) % 2) {
		kfree(s->p);
		*s = (struct slot){ NULL, 0, 0 };
		return;
	}
	s->p = s->p ? krealloc(s->p, size) : kmalloc(size);
	KT_ASSERT(s->p);
	KT_ASSERT_EQ((uintptr_t)s->p % 16, 0);
	/* krealloc keeps the old contents up to the smaller size. */
	KT_ASSERT(s->size == 0 || slot_intact(&(struct slot){
		s->p, size < s->size ? size : s->size, s->fill }));
	s->size = size;
	s->fill = (uint8_t)ktest_random(seed);
	memset(s->p, s->fill, size);
	KT_ASSERT(!overlaps_any(k));
}

KTEST(heap_random_operations_keep_blocks_intact)
{
	uint64_t seed = 0x4b45454c;

	memset(slots, 0, sizeof(slots));
	for (int i = 0; i < 20000 && !ktest_has_failed(t); i++)
		random_op(t, &seed);
	for (size_t k = 0; k < SLOTS; k++) {
		KT_ASSERT(!slots[k].p || slot_intact(&slots[k]));
		kfree(slots[k].p);
		slots[k].p = NULL;
	}
	KT_ASSERT_EQ(kheap_check(), 0);
}

KTEST(heap_aligned_allocations)
{
	for (size_t align = 16; align <= 4096; align *= 2) {
		void *p = kmalloc_aligned(100, align);

		KT_ASSERT(p);
		KT_ASSERT_EQ((uintptr_t)p % align, 0);
		memset(p, 0xab, 100);
		kfree(p);
	}
}

KTEST(heap_kcalloc_zeroes_and_checks_overflow)
{
	uint32_t *z = kcalloc(100, sizeof(*z));

	KT_ASSERT(z);
	for (int i = 0; i < 100; i++)
		KT_ASSERT_EQ(z[i], 0);
	kfree(z);
	KT_ASSERT(kcalloc(SIZE_MAX / 2, 4) == NULL);
	kfree(NULL);
}

/* After everything is freed, half of what the heap has mapped comes back
 * as one block: freed small blocks merged. */
KTEST(heap_after_freeing_all_serves_half_its_size)
{
	struct heap_stats before, after;
	void *p;

	kheap_stats(&before);
	p = kmalloc(before.mapped / 2);
	KT_ASSERT(p);
	memset(p, 1, before.mapped / 2);
	kfree(p);
	kheap_stats(&after);
	/* Served from what was there: the free blocks had merged. */
	KT_ASSERT_EQ(after.mapped, before.mapped);
}

/* Asking for more than the machine has returns NULL, takes no frame, and
 * the heap works after. (heap_grow_failure_is_undone covers a grow that
 * runs out halfway.) */
KTEST(heap_out_of_memory_returns_null)
{
	struct pmm_stats before, after;
	uint64_t ram = 0;
	void *p;

	pmm_stats(frame_pmm(), &before);
	ram = before.total_frames * PAGE_SIZE;
	KT_ASSERT(kmalloc(ram + (64ULL << 20)) == NULL);
	KT_ASSERT(krealloc(NULL, (size_t)1 << 45) == NULL);
	pmm_stats(frame_pmm(), &after);
	KT_ASSERT_EQ(after.free_frames, before.free_frames);
	p = kmalloc(128);
	KT_ASSERT(p);
	kfree(p);
}

/* Frames run out halfway through growing: the heap gives back what it
 * took (frames and page tables) and keeps working. The block asked for is
 * larger than all the heap has free, so that it must grow whatever earlier
 * runs left mapped: the 4 MiB block at the end stays mapped, free, and
 * would serve a second run's 4 MiB from the shell ("ktest heap" twice). */
KTEST(heap_grow_failure_is_undone)
{
	uint64_t free_before = frame_free_count();
	struct heap_stats before, after;
	size_t size;
	void *p;

	kheap_stats(&before);
	size = before.free + before.cached + (4 << 20);
	frame_fail_after(7);
	p = kmalloc(size);
	frame_fail_after(-1);
	KT_ASSERT(p == NULL);
	kheap_stats(&after);
	KT_ASSERT_EQ(after.mapped, before.mapped);
	KT_ASSERT_EQ(frame_free_count(), free_before);
	p = kmalloc(4 << 20);
	KT_ASSERT(p);
	kfree(p);
}

KTEST(heap_failed_krealloc_keeps_the_block)
{
	uint8_t *p = kmalloc(64);

	KT_ASSERT(p);
	memset(p, 0x77, 64);
	KT_ASSERT(krealloc(p, (size_t)1 << 45) == NULL);
	for (int i = 0; i < 64; i++)
		KT_ASSERT_EQ(p[i], 0x77);
	kfree(p);
}

KTEST_FLAGS(heap_is_consistent_at_the_end, KTEST_LAST)
{
	KT_ASSERT_EQ(kheap_check(), 0);
	kheap_print_stats();
}

/* Misuse panics; each runs in its own boot (scripts/test-all.sh). */
KTEST_FLAGS(heap_double_free_panics, KTEST_EXPLICIT)
{
	void *p = kmalloc(32);

	kfree(p);
	kfree(p);
}

KTEST_FLAGS(heap_foreign_free_panics, KTEST_EXPLICIT)
{
	static uint64_t not_from_the_heap[4];

	kfree(&not_from_the_heap[2]);
}

KTEST_FLAGS(heap_overflow_panics, KTEST_EXPLICIT)
{
	uint8_t *p = kmalloc(40);

	p[40] = 0xee;	/* one byte past the request */
	kfree(p);
}
