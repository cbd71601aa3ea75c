/*
 * tests/kernel/smp_heap_test.c - the heap's per-CPU caches, with the self-
 * test's debug mode turned off for the length of each test (debug mode
 * bypasses the caches): a freed small block comes back to the same CPU,
 * every CPU allocating at once keeps every block intact, and the heap
 * checks clean after; calls the caches serve do not take the heap lock.
 */
#include "lib/heap.h"
#include "kernel/arch.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "tests/kernel/ktest_random.h"
#include "tests/kernel/ktest_smp.h"

#define CHURN_ROUNDS 20000
#define CHURN_SLOTS 32

static bool debug_was_on;

static void caches_on(void)
{
	debug_was_on = kheap_debug();
	kheap_set_debug(false);
}

static void caches_off(void)
{
	kheap_set_debug(debug_was_on);
}

KTEST(smp_heap_cache_gives_a_freed_block_back)
{
	struct heap_stats before, after;
	void *p, *q;

	caches_on();
	p = kmalloc(40);
	kfree(p);
	kheap_stats(&before);
	q = kmalloc(40);
	kfree(q);
	kheap_stats(&after);
	caches_off();
	KT_ASSERT(p != NULL);
	KT_ASSERT(q == p);	/* this CPU's list, last in first out */
	KT_ASSERT_EQ(after.in_use, before.in_use);
	KT_ASSERT(before.cached >= 48);	/* the block sits in the cache */
}

/* Each CPU: keep CHURN_SLOTS blocks of random small sizes, each filled
 * with its own pattern, replace one at random each round, check it. */
static volatile unsigned int churn_go, churn_done, churn_bad;

static void churn(void *arg)
{
	uint64_t rng = 0x5eed + this_cpu_index();
	uint8_t *slot[CHURN_SLOTS] = { 0 };
	size_t len[CHURN_SLOTS] = { 0 };

	(void)arg;
	while (!__atomic_load_n(&churn_go, __ATOMIC_ACQUIRE))
		arch_relax();
	for (int r = 0; r < CHURN_ROUNDS; r++) {
		unsigned int i = ktest_random(&rng) % CHURN_SLOTS;
		uint8_t fill = (uint8_t)(i + 16 * this_cpu_index());

		for (size_t b = 0; slot[i] && b < len[i]; b++)
			if (slot[i][b] != fill)
				__atomic_fetch_add(&churn_bad, 1,
						   __ATOMIC_RELAXED);
		kfree(slot[i]);
		len[i] = 1 + ktest_random(&rng) % 300;
		slot[i] = kmalloc(len[i]);
		for (size_t b = 0; slot[i] && b < len[i]; b++)
			slot[i][b] = fill;
	}
	for (unsigned int i = 0; i < CHURN_SLOTS; i++)
		kfree(slot[i]);
	__atomic_fetch_add(&churn_done, 1, __ATOMIC_RELEASE);
}

KTEST(smp_heap_every_cpu_allocating_keeps_blocks_intact)
{
	struct heap_stats before, after;
	unsigned int others = 0;

	caches_on();
	kheap_stats(&before);
	churn_go = churn_done = churn_bad = 0;
	others = ktest_start_on_others(churn, NULL);
	__atomic_store_n(&churn_go, 1, __ATOMIC_RELEASE);
	churn(NULL);
	while (__atomic_load_n(&churn_done, __ATOMIC_ACQUIRE) < others + 1)
		arch_relax();
	kheap_stats(&after);
	caches_off();		/* every cache back into the heap */
	KT_ASSERT_EQ(churn_bad, 0);
	KT_ASSERT_EQ(others + 1, cpu_online_count());
	KT_ASSERT_EQ(after.in_use, before.in_use);
	KT_ASSERT_EQ(kheap_check(), 0);
}

/*
 * Every CPU at once: after a warm-up, kmalloc+kfree pairs of one small size
 * are served by each CPU's own cache, so the shared lock is (almost) never
 * taken: what makes the cost per call with several CPUs that of one, on a
 * host with a core for each. Other kernel work (a tick's wake-up, say) may
 * take it a few times meanwhile; with the caches off it is taken on every
 * call, which the bound below would not allow.
 */
#define FAST_ROUNDS 10000
#define FAST_WARMUP 100

static volatile unsigned int fast_ready, fast_go, fast_done;

static void pairs(int n)
{
	for (int r = 0; r < n; r++) {
		void *p = kmalloc(64);

		*(volatile char *)p = 1;
		kfree(p);
	}
}

static void fast_path(void *arg)
{
	(void)arg;
	pairs(FAST_WARMUP);
	__atomic_fetch_add(&fast_ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&fast_go, __ATOMIC_ACQUIRE))
		arch_relax();
	pairs(FAST_ROUNDS);
	__atomic_fetch_add(&fast_done, 1, __ATOMIC_RELEASE);
}

KTEST(smp_heap_cached_calls_leave_the_lock_alone)
{
	unsigned int others, cpus;
	uint64_t before, taken, calls;

	caches_on();
	fast_ready = fast_go = fast_done = 0;
	others = ktest_start_on_others(fast_path, NULL);
	cpus = others + 1;
	pairs(FAST_WARMUP);
	while (__atomic_load_n(&fast_ready, __ATOMIC_ACQUIRE) < others)
		arch_relax();
	before = kheap_lock_count();
	__atomic_store_n(&fast_go, 1, __ATOMIC_RELEASE);
	pairs(FAST_ROUNDS);
	while (__atomic_load_n(&fast_done, __ATOMIC_ACQUIRE) < others)
		arch_relax();
	taken = kheap_lock_count() - before;
	caches_off();
	KT_ASSERT_EQ(cpus, cpu_online_count());
	calls = 2ULL * FAST_ROUNDS * cpus;
	kprintf("# smp: %u CPUs, %llu cached calls: the heap lock taken %llu "
		"times\n", cpus, (unsigned long long)calls,
		(unsigned long long)taken);
	KT_ASSERT(taken * 1000 <= calls);	/* at most 1 in 1,000 calls */
}

/* A second kfree() of a block in a cache: reported, the kernel panics. */
KTEST_FLAGS(smp_heap_cache_double_free_panics, KTEST_EXPLICIT)
{
	void *p;

	caches_on();
	p = kmalloc(40);
	kfree(p);
	kfree(p);
	caches_off();
	KT_ASSERT(false);	/* not reached */
}
