/*
 * tests/bench/heap_bench.c - Keel's heap (build/host/libkheap.a) against
 * glibc malloc on the same seeded workloads. scripts/heap-bench.sh runs it
 * in each mode and prints the table.
 *
 *   heap_bench time                    ns of each workload on each backend,
 *                                      best of 7
 *   heap_bench callgrind BACKEND       one run of each, a callgrind dump each
 *   heap_bench footprint BACKEND NAME  peak memory use and peak live bytes
 *   heap_bench control                 bytes of keel's arena before its first
 *                                      block, not counted as memory use
 *
 * BACKEND is keel, glibc or none; none returns one static buffer for every
 * request and runs the same driver, so its cost is what the driver itself
 * takes and is subtracted from the others.
 * Output: one line per workload (and backend, for time), "name [backend]
 * ops=N ns=N foot=N live=N" with the fields that apply.
 *
 * Memory use (foot) is the extent of the heap the workload has touched, at
 * its highest. For keel: from its first block to the end of the highest
 * block handed out; the control record before the first block (struct heap,
 * static in the kernel, and the arena record) is reported apart, as glibc's
 * own state lives outside its heap too. For glibc: its heap below the top
 * chunk plus its mmapped chunks (mallinfo2), read after every call that can
 * raise it. Live bytes are the bytes requested and not yet freed.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tests/host/heap_host.h"

#include "tests/bench/callgrind.h"

/* Reserved address space for Keel's heap, touched only as used. */
#define KEEL_ARENA	((size_t)1 << 30)
#define SEED		0x6b65656c68656170ull

struct backend {
	const char *name;
	void *(*alloc)(size_t n);
	void (*free)(void *p);
	void *(*realloc)(void *p, size_t n);
	void *(*aligned)(size_t n, size_t align);
};

/* What one workload run counts. */
struct run {
	const struct backend *be;
	uint64_t ops;
	uint64_t rng;
	bool track;		/* footprint mode: follow live and peak bytes */
	size_t live;
	size_t peak_live;
	size_t peak_foot;
	uintptr_t high;		/* end of the highest block handed out */
};

static char *keel_arena;
static char *keel_first_block;	/* where the control record ends */
static _Alignas(4096) char scratch[4 << 20];

static void *none_alloc(size_t n)
{
	(void)n;
	return scratch;
}

static void none_free(void *p)
{
	(void)p;
}

static void *none_realloc(void *p, size_t n)
{
	(void)p;
	(void)n;
	return scratch;
}

static void *none_aligned(size_t n, size_t align)
{
	(void)n;
	(void)align;
	return scratch;
}

static void *glibc_aligned(size_t n, size_t align)
{
	return memalign(align, n);
}

static const struct backend backends[] = {
	{ "keel", kmalloc, kfree, krealloc, kmalloc_aligned },
	{ "glibc", malloc, free, realloc, glibc_aligned },
	{ "none", none_alloc, none_free, none_realloc, none_aligned },
};

/* --- Driver --------------------------------------------------------------- */

static uint64_t rnd(struct run *r)
{
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 7;
	r->rng ^= r->rng << 17;
	return r->rng;
}

static size_t rnd_range(struct run *r, size_t lo, size_t hi)
{
	return lo + rnd(r) % (hi - lo + 1);
}

/*
 * Memory the backend holds, after block p of n bytes was handed out; see the
 * header. Both heaps carve new memory from their end, so the extent can
 * only have grown if p ends above every block before it, or if p is one of
 * glibc's mmapped chunks, which lie above its heap's break.
 */
static void sample_footprint(struct run *r, void *p, size_t n)
{
	uintptr_t end = ((uintptr_t)p + n + 15) & ~(uintptr_t)15;
	bool keel = r->be->alloc == kmalloc;
	size_t foot;

	if (keel || p < sbrk(0)) {
		if (end <= r->high)
			return;
		r->high = end;
	}
	if (keel) {
		foot = (size_t)(end - (uintptr_t)keel_first_block);
	} else {
		struct mallinfo2 mi = mallinfo2();

		foot = mi.arena - mi.keepcost + mi.hblkhd;
	}
	if (foot > r->peak_foot)
		r->peak_foot = foot;
}

static void track(struct run *r, void *p, size_t old, size_t n)
{
	r->live += n - old;
	if (r->live > r->peak_live)
		r->peak_live = r->live;
	if (p)
		sample_footprint(r, p, n);
}

static void *b_alloc(struct run *r, size_t n)
{
	uint64_t *p = r->be->alloc(n);

	r->ops++;
	if (r->track)
		track(r, p, 0, n);
	*p = n;		/* use the block, as a caller would */
	return p;
}

static void *b_aligned(struct run *r, size_t n, size_t align)
{
	uint64_t *p = r->be->aligned(n, align);

	r->ops++;
	if (r->track)
		track(r, p, 0, n);
	*p = n;
	return p;
}

static void *b_realloc(struct run *r, void *p, size_t old, size_t n)
{
	p = r->be->realloc(p, n);
	r->ops++;
	if (r->track)
		track(r, p, old, n);
	return p;
}

static void b_free(struct run *r, void *p, size_t n)
{
	r->be->free(p);
	r->ops++;
	if (r->track)
		track(r, NULL, n, 0);
}

/* --- Workloads ------------------------------------------------------------ */

struct slot {
	void *p;
	size_t n;
};

static struct slot slots[40000];

static void free_all(struct run *r, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		if (slots[i].p)
			b_free(r, slots[i].p, slots[i].n);
		slots[i].p = NULL;
	}
}

/* Rounds of 100 blocks of 32 bytes, freed in reverse order. */
static void wl_lifo(struct run *r, unsigned iters)
{
	for (unsigned round = 0; round < iters / 200; round++) {
		for (unsigned i = 0; i < 100; i++)
			slots[i] = (struct slot){ b_alloc(r, 32), 32 };
		for (unsigned i = 100; i-- > 0;)
			b_free(r, slots[i].p, 32);
	}
}

/* Replace random blocks among count live ones; sizes from size_fn. */
static void churn(struct run *r, unsigned count, unsigned iters,
		  size_t (*size_fn)(struct run *r))
{
	for (unsigned i = 0; i < count; i++) {
		size_t n = size_fn(r);

		slots[i] = (struct slot){ b_alloc(r, n), n };
	}
	for (unsigned i = 0; i < iters / 2; i++) {
		struct slot *s = &slots[rnd(r) % count];

		b_free(r, s->p, s->n);
		s->n = size_fn(r);
		s->p = b_alloc(r, s->n);
	}
	free_all(r, count);
}

static size_t size_8_512(struct run *r)
{
	return rnd_range(r, 8, 512);
}

/* P(size > s) = (8 / s)^0.5 for 8 <= s <= 64 KiB: half the blocks are at
 * most 32 bytes, yet blocks over 1 KiB hold most of the bytes. */
static size_t size_power_law(struct run *r)
{
	double u = (double)((rnd(r) >> 11) + 1) / (double)(1ull << 53);
	double s = 8.0 / (u * u);

	return s > 65536.0 ? 65536 : (size_t)s;
}

static void wl_random(struct run *r, unsigned iters)
{
	churn(r, 10000, iters, size_8_512);
}

static void wl_mixed(struct run *r, unsigned iters)
{
	churn(r, 4000, iters, size_power_law);
}

/* A vector of 8-byte elements grown one element at a time, with a small
 * long-lived block allocated every 100 elements so it cannot always grow
 * in place. */
static void wl_vector(struct run *r, unsigned iters)
{
	unsigned len = iters / 2;
	uint64_t *v = NULL;
	unsigned small = 0;

	for (unsigned i = 0; i < len; i++) {
		v = b_realloc(r, v, (size_t)i * 8, (size_t)(i + 1) * 8);
		v[i] = i;
		if (i % 100 == 0)
			slots[small++] = (struct slot){ b_alloc(r, 48), 48 };
	}
	b_free(r, v, (size_t)len * 8);
	free_all(r, small);
}

/* 2000 live blocks, 64-byte aligned and 16..512 bytes, or one in eight
 * 4096-byte aligned and 64..4096 bytes. */
static void wl_aligned(struct run *r, unsigned iters)
{
	const unsigned count = 2000;

	for (unsigned i = 0; i < iters / 2 + count; i++) {
		struct slot *s = &slots[i < count ? i : rnd(r) % count];
		bool page = rnd(r) % 8 == 0;

		if (i >= count)
			b_free(r, s->p, s->n);
		s->n = page ? rnd_range(r, 64, 4096) : rnd_range(r, 16, 512);
		s->p = b_aligned(r, s->n, page ? 4096 : 64);
	}
	free_all(r, count);
}

static void free_fraction(struct run *r, unsigned count, unsigned percent)
{
	for (unsigned i = 0; i < count; i++) {
		if (slots[i].p && rnd(r) % 100 < percent) {
			b_free(r, slots[i].p, slots[i].n);
			slots[i].p = NULL;
		}
	}
}

static void fill_holes(struct run *r, unsigned count, size_t lo, size_t hi)
{
	for (unsigned i = 0; i < count; i++) {
		if (!slots[i].p) {
			slots[i].n = rnd_range(r, lo, hi);
			slots[i].p = b_alloc(r, slots[i].n);
		}
	}
}

/* Phases that leave holes: many small blocks, most freed, then larger ones
 * that only fit if the holes merge, then small ones again. */
static void wl_frag(struct run *r, unsigned iters)
{
	unsigned count = iters / 10 < 40000 ? iters / 10 : 40000;

	fill_holes(r, count, 16, 256);
	free_fraction(r, count, 75);
	fill_holes(r, count / 4, 256, 4096);
	free_fraction(r, count, 50);
	fill_holes(r, count, 16, 1024);
	free_fraction(r, count, 90);
	fill_holes(r, count / 2, 1024, 16384);
	free_all(r, count);
}

struct workload {
	const char *name;
	void (*run)(struct run *r, unsigned iters);
	unsigned iters;		/* roughly the operations of a timed run */
};

static const struct workload workloads[] = {
	{ "lifo-32", wl_lifo, 2000000 },
	{ "random-8-512", wl_random, 1000000 },
	{ "mixed-pow-64K", wl_mixed, 600000 },
	{ "realloc-vector", wl_vector, 600000 },
	{ "aligned-64-4K", wl_aligned, 400000 },
	{ "frag-trace", wl_frag, 400000 },
};

#define WORKLOAD_COUNT (sizeof(workloads) / sizeof(workloads[0]))

/* --- Modes ---------------------------------------------------------------- */

static void fresh_heap(const struct backend *be)
{
	if (be->alloc == kmalloc)
		kheap_host_init(keel_arena, KEEL_ARENA);
}

static struct run run_once(const struct backend *be, const struct workload *w,
			   unsigned iters, bool track)
{
	struct run r = { .be = be, .rng = SEED, .track = track };

	fresh_heap(be);
	w->run(&r, iters);
	return r;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum { REPS = 7, BACKENDS = sizeof(backends) / sizeof(backends[0]) };

/* One timed run of workload w on backend be; keeps the fastest in *best. */
static struct run time_once(const struct backend *be,
			    const struct workload *w, uint64_t *best)
{
	uint64_t t0 = now_ns();
	struct run r = run_once(be, w, w->iters, false);
	uint64_t t = now_ns() - t0;

	if (t < *best)
		*best = t;
	return r;
}

/* All backends in turn, rep after rep, so that a burst of load on the
 * machine hits them alike; the best rep counts. */
static void mode_time(void)
{
	for (size_t i = 0; i < WORKLOAD_COUNT; i++) {
		uint64_t best[BACKENDS];
		struct run r;

		for (size_t b = 0; b < BACKENDS; b++)
			best[b] = UINT64_MAX;
		for (int rep = 0; rep < REPS; rep++) {
			for (size_t b = 0; b < BACKENDS; b++)
				r = time_once(&backends[b], &workloads[i],
					      &best[b]);
		}
		for (size_t b = 0; b < BACKENDS; b++)
			printf("%s %s ops=%llu ns=%llu\n", workloads[i].name,
			       backends[b].name, (unsigned long long)r.ops,
			       (unsigned long long)best[b]);
	}
}

/* Under callgrind: the same runs as timed, so that the share of the fill
 * and drain phases is the same too. */
static void mode_callgrind(const struct backend *be)
{
	for (size_t i = 0; i < WORKLOAD_COUNT; i++) {
		struct run r;

		fresh_heap(be);
		CALLGRIND_START_INSTRUMENTATION;
		CALLGRIND_ZERO_STATS;
		r = run_once(be, &workloads[i], workloads[i].iters, false);
		CALLGRIND_DUMP_STATS_AT(workloads[i].name);
		CALLGRIND_STOP_INSTRUMENTATION;
		printf("%s ops=%llu\n", workloads[i].name,
		       (unsigned long long)r.ops);
	}
}

static void mode_footprint(const struct backend *be, const char *name)
{
	for (size_t i = 0; i < WORKLOAD_COUNT; i++) {
		struct run r;

		if (strcmp(workloads[i].name, name) != 0)
			continue;
		r = run_once(be, &workloads[i], workloads[i].iters, true);
		printf("%s ops=%llu foot=%zu live=%zu\n", name,
		       (unsigned long long)r.ops, r.peak_foot, r.peak_live);
	}
}

static void map_keel_arena(void)
{
	keel_arena = mmap(NULL, KEEL_ARENA, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (keel_arena == MAP_FAILED) {
		perror("heap_bench: mmap");
		exit(1);
	}
	/* A fresh heap hands out its first block first; its 16-byte header
	 * (lib/heap.h) starts where the control record ends. Every run starts
	 * from a fresh heap in the same arena, so this holds for all. */
	kheap_host_init(keel_arena, KEEL_ARENA);
	keel_first_block = (char *)kmalloc(1) - 16;
}

static void usage(void)
{
	fprintf(stderr, "usage: heap_bench time\n"
			"       heap_bench callgrind BACKEND\n"
			"       heap_bench footprint BACKEND WORKLOAD\n"
			"       heap_bench control\n"
			"       heap_bench list\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const struct backend *be = NULL;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < WORKLOAD_COUNT; i++)
			printf("%s\n", workloads[i].name);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "time")) {
		map_keel_arena();
		mode_time();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "control")) {
		map_keel_arena();
		printf("%zu\n", (size_t)(keel_first_block - keel_arena));
		return 0;
	}
	if (argc < 3)
		usage();
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		if (!strcmp(argv[2], backends[i].name))
			be = &backends[i];
	}
	if (!be)
		usage();
	map_keel_arena();
	if (!strcmp(argv[1], "callgrind"))
		mode_callgrind(be);
	else if (!strcmp(argv[1], "footprint") && argc == 4)
		mode_footprint(be, argv[3]);
	else
		usage();
	return 0;
}
