/*
 * tests/host/lib/heap_test.c - host tests of the allocator, lib/heap.c and
 * lib/heap_arena.c (debug mode and heap_check have their own files). The
 * fixture is tests/host/lib/heap_fixture.h.
 */
#include "tests/host/lib/heap_fixture.h"

static void heap_test_two_values_keep_contents(void **state)
{
	struct fixture *fx = *state;
	uint64_t *a = heap_alloc(fx->h, sizeof(*a));
	uint64_t *b = heap_alloc(fx->h, sizeof(*b));

	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	*a = 0x1111111111111111;
	*b = 0x2222222222222222;
	assert_true(*a == 0x1111111111111111 && *b == 0x2222222222222222);
	heap_free(fx->h, a);
	assert_true(*b == 0x2222222222222222);
	heap_free(fx->h, b);
}

/* before: NULL; after: 1000 elements 0..999 grown one at a time, sum 499500. */
static void heap_test_realloc_vector_sums_right(void **state)
{
	struct fixture *fx = *state;
	uint64_t *v = NULL;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t *w = heap_realloc(fx->h, v, (i + 1) * sizeof(*v));

		assert_non_null(w);
		v = w;
		v[i] = i;
	}
	for (size_t i = 0; i < 1000; i++)
		sum += v[i];
	assert_int_equal(sum, 499500);
	heap_free(fx->h, v);
}

/* Sizes cycle through quick and TLSF classes; nothing may leak. */
static void heap_test_alloc_free_reuses_memory(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < fx->size; i++) {
		void *p = heap_alloc(fx->h, 1 + (i * 37) % 3000);

		assert_non_null(p);
		heap_free(fx->h, p);
	}
}

static void heap_test_reuse_with_long_lived_block(void **state)
{
	struct fixture *fx = *state;
	char *keep = heap_alloc(fx->h, 100);

	assert_non_null(keep);
	memset(keep, 'k', 100);
	for (size_t i = 0; i < fx->size; i++) {
		void *p = heap_alloc(fx->h, 1 + (i * 53) % 5000);

		assert_non_null(p);
		heap_free(fx->h, p);
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(keep[i], 'k');
	heap_free(fx->h, keep);
}

struct shadow {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

static void shadow_fill(struct shadow *s)
{
	memset(s->p, s->fill, s->size);
}

static void shadow_verify(const struct shadow *s)
{
	for (size_t i = 0; i < s->size; i++)
		assert_int_equal(s->p[i], s->fill);
}

static int by_address(const void *a, const void *b)
{
	const struct shadow *x = a;
	const struct shadow *y = b;

	return (x->p > y->p) - (x->p < y->p);
}

/* Live blocks, sorted by address, must not overlap. */
static void shadow_no_overlap(const struct shadow *live, size_t n)
{
	struct shadow *sorted = malloc(n * sizeof(*sorted) + 1);
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (live[i].p)
			sorted[m++] = live[i];
	}
	qsort(sorted, m, sizeof(*sorted), by_address);
	for (size_t i = 1; i < m; i++) {
		const struct shadow *prev = &sorted[i - 1];

		assert_true(prev->p + prev->size <= sorted[i].p);
	}
	free(sorted);
}

static void assert_filled(const unsigned char *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i], c);
}

/* A plain or (when bit 2 of r is set) aligned allocation of size bytes. */
static unsigned char *random_alloc(struct fixture *fx, uint64_t r,
				   size_t size)
{
	size_t align = (size_t)16 << (r >> 40) % 9;
	unsigned char *p;

	if (!(r & 4))
		return heap_alloc(fx->h, size);
	p = heap_alloc_aligned(fx->h, size, align);
	if (p)
		assert_int_equal((uintptr_t)p % align, 0);
	return p;
}

/* One random operation on slot s: allocate, free or resize. */
static void random_op(struct fixture *fx, struct shadow *s, uint64_t *rng)
{
	uint64_t r = rng_next(rng);
	size_t size = (r >> 8) % 4 ? (r >> 16) % 600 : (r >> 16) % 20000;
	unsigned char *p;

	if (s->p && (r & 3) == 0) {
		shadow_verify(s);
		p = heap_realloc(fx->h, s->p, size);
		if (!p && size)
			return;
		if (p)
			assert_filled(p, size < s->size ? size : s->size,
				      s->fill);
	} else if (s->p) {
		shadow_verify(s);
		heap_free(fx->h, s->p);
		p = NULL;
	} else {
		p = random_alloc(fx, r, size);
	}
	if (p)
		assert_int_equal((uintptr_t)p % 16, 0);
	s->p = p;
	s->size = p ? size : 0;
	s->fill = (unsigned char)(r >> 56);
	if (p)
		shadow_fill(s);
}

static void random_workload(struct fixture *fx, unsigned ops)
{
	enum { SLOTS = 200 };
	struct shadow live[SLOTS] = { 0 };
	uint64_t rng = SEED;

	for (unsigned i = 1; i <= ops; i++) {
		random_op(fx, &live[rng_next(&rng) % SLOTS], &rng);
		if (i % 1000 == 0) {
			shadow_no_overlap(live, SLOTS);
			assert_int_equal(heap_check(fx->h), 0);
		}
	}
	for (int i = 0; i < SLOTS; i++) {
		if (live[i].p) {
			shadow_verify(&live[i]);
			heap_free(fx->h, live[i].p);
		}
	}
}

static void heap_test_random_ops_keep_blocks_apart_and_intact(void **state)
{
	random_workload(*state, 30000);
}

static void heap_test_random_ops_in_debug_mode(void **state)
{
	random_workload(*state, 10000);
}

/* before: heap filled with mixed blocks, freed in random order; after: one
 * block of half the arena fits. */
static void heap_test_freed_heap_serves_half_its_size(void **state)
{
	struct fixture *fx = *state;
	enum { MAX = 8192 };
	void **ptrs = calloc(MAX, sizeof(*ptrs));
	uint64_t rng = SEED;
	size_t n = 0;
	void *big;

	while (n < MAX &&
	       (ptrs[n] = heap_alloc(fx->h, 8 + rng_next(&rng) % 700)))
		n++;
	for (size_t i = n; i > 1; i--) {
		size_t j = rng_next(&rng) % i;
		void *t = ptrs[i - 1];

		ptrs[i - 1] = ptrs[j];
		ptrs[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		heap_free(fx->h, ptrs[i]);
	big = heap_alloc(fx->h, fx->size / 2);
	assert_non_null(big);
	heap_free(fx->h, big);
	free(ptrs);
}

static void heap_test_out_of_memory_returns_null_then_heap_works(void **state)
{
	struct fixture *fx = *state;
	void *blocks[64];
	size_t n = 0;

	assert_null(heap_alloc(fx->h, fx->size));
	assert_null(heap_alloc(fx->h, SIZE_MAX));
	while (n < 64 && (blocks[n] = heap_alloc(fx->h, 8192)))
		n++;
	assert_true(n > 0 && n < 64);
	assert_null(heap_alloc(fx->h, 8192));
	heap_free(fx->h, blocks[n / 2]);
	blocks[n / 2] = heap_alloc(fx->h, 8192);
	assert_non_null(blocks[n / 2]);
	for (size_t i = 0; i < n; i++)
		heap_free(fx->h, blocks[i]);
	assert_int_equal(fx->rec.count, 0);
}

static void heap_test_double_free_of_small_block_reported(void **state)
{
	struct fixture *fx = *state;
	void *p = heap_alloc(fx->h, 40);

	heap_free(fx->h, p);
	heap_free(fx->h, p);
	expect_report(fx, "double free", p);
}

static void heap_test_double_free_of_large_block_reported(void **state)
{
	struct fixture *fx = *state;
	void *a = heap_alloc(fx->h, 5000);
	void *b = heap_alloc(fx->h, 5000);

	/* b merges into a's free block, so only its stale header remains. */
	heap_free(fx->h, a);
	heap_free(fx->h, b);
	heap_free(fx->h, b);
	expect_report(fx, "double free", b);
	heap_free(fx->h, a);
	expect_report(fx, "double free", a);
}

static void heap_test_free_of_foreign_pointer_reported(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 64);
	int local;

	memset(p, 0, 64);
	heap_free(fx->h, &local);
	expect_report(fx, "invalid free", &local);
	heap_free(fx->h, p + 8);
	expect_report(fx, "invalid free", p + 8);
	heap_free(fx->h, p + 32);
	expect_report(fx, "invalid free", p + 32);
	heap_free(fx->h, p);
}

static void heap_test_write_past_end_reported(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 48);

	p[48] = 'x';
	heap_free(fx->h, p);
	expect_report(fx, "overflow", p + 48);
	fx->check_at_end = false;
}

static void heap_test_realloc_of_freed_block_reported(void **state)
{
	struct fixture *fx = *state;
	void *p = heap_alloc(fx->h, 24);

	heap_free(fx->h, p);
	assert_null(heap_realloc(fx->h, p, 100));
	expect_report(fx, "realloc of freed block", p);
}

static void heap_test_realloc_failure_keeps_old_block(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 1000);

	memset(p, 'z', 1000);
	assert_null(heap_realloc(fx->h, p, fx->size));
	assert_null(heap_realloc(fx->h, p, SIZE_MAX));
	for (int i = 0; i < 1000; i++)
		assert_int_equal(p[i], 'z');
	heap_free(fx->h, p);
	assert_int_equal(fx->rec.count, 0);
}

static void heap_test_realloc_null_allocates_and_zero_frees(void **state)
{
	struct fixture *fx = *state;
	struct heap_stats st;
	void *p = heap_realloc(fx->h, NULL, 10);

	assert_non_null(p);
	assert_null(heap_realloc(fx->h, p, 0));
	heap_get_stats(fx->h, &st);
	assert_int_equal(st.in_use, 0);
}

static void heap_test_free_null_does_nothing(void **state)
{
	struct fixture *fx = *state;

	heap_free(fx->h, NULL);
	assert_int_equal(fx->rec.count, 0);
}

static void heap_test_calloc_overflow_returns_null(void **state)
{
	struct fixture *fx = *state;

	assert_null(heap_calloc(fx->h, SIZE_MAX / 2, 3));
	assert_null(heap_calloc(fx->h, (size_t)1 << 33, (size_t)1 << 31));
}

static void heap_test_calloc_zeroes_reused_memory(void **state)
{
	struct fixture *fx = *state;
	unsigned char *p = heap_alloc(fx->h, 256);

	memset(p, 0xff, 256);
	heap_free(fx->h, p);
	p = heap_calloc(fx->h, 32, 8);
	assert_non_null(p);
	for (int i = 0; i < 256; i++)
		assert_int_equal(p[i], 0);
	heap_free(fx->h, p);
}

static void heap_test_aligned_allocations_16_to_4096(void **state)
{
	struct fixture *fx = *state;
	void *p[2][9];

	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 9; i++) {
			size_t align = (size_t)16 << i;

			p[round][i] = heap_alloc_aligned(fx->h, 24 + 100 * i,
							 align);
			assert_non_null(p[round][i]);
			assert_int_equal((uintptr_t)p[round][i] % align, 0);
			memset(p[round][i], i, 24 + 100 * i);
		}
	}
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 9; i++)
			heap_free(fx->h, p[round][i]);
}

static void heap_test_aligned_rejects_bad_alignment(void **state)
{
	struct fixture *fx = *state;

	assert_null(heap_alloc_aligned(fx->h, 16, 0));
	assert_null(heap_alloc_aligned(fx->h, 16, 48));
}

static void heap_test_small_freed_blocks_serve_large_request(void **state)
{
	struct fixture *fx = *state;
	enum { MAX = 16384 };
	void **ptrs = calloc(MAX, sizeof(*ptrs));
	size_t n = 0;
	void *big;

	while (n < MAX && (ptrs[n] = heap_alloc(fx->h, 32)))
		n++;
	assert_null(heap_alloc(fx->h, 4096));
	/* The first frees land on quick lists: spread them over the arena so
	 * that only merging them in makes room. */
	for (size_t i = 0; i < n; i += n / 64) {
		heap_free(fx->h, ptrs[i]);
		ptrs[i] = NULL;
	}
	for (size_t i = 0; i < n; i++)
		heap_free(fx->h, ptrs[i]);
	big = heap_alloc(fx->h, fx->size * 3 / 4);
	assert_non_null(big);
	heap_free(fx->h, big);
	free(ptrs);
}

static void heap_test_stats_track_use_and_peak(void **state)
{
	struct fixture *fx = *state;
	struct heap_stats st;
	void *a = heap_alloc(fx->h, 100);
	void *b = heap_alloc(fx->h, 5000);

	heap_get_stats(fx->h, &st);
	assert_int_equal(st.mapped, fx->size);
	assert_true(st.in_use >= 5100 && st.in_use <= 5100 + 64);
	heap_free(fx->h, b);
	heap_get_stats(fx->h, &st);
	assert_true(st.in_use >= 100 && st.in_use <= 132);
	assert_true(st.peak_in_use >= 5100);
	heap_free(fx->h, a);
	heap_get_stats(fx->h, &st);
	assert_int_equal(st.in_use, 0);
	assert_true(st.free + st.cached + sizeof(struct heap) + 128 >=
		    fx->size);
}

/* before: small blocks between blocks in use, and next to holes of 2000
 * bytes before and after them; after: the first is cached on a quick list,
 * the others merge into their holes at once, so two requests for hole and
 * block together are served where the holes were. */
static void heap_test_free_next_to_hole_merges_at_once(void **state)
{
	struct fixture *fx = *state;
	char *lone = heap_alloc(fx->h, 40);
	char *hole1 = heap_alloc(fx->h, 2000);
	char *after = heap_alloc(fx->h, 40);
	char *sep = heap_alloc(fx->h, 40);
	char *before = heap_alloc(fx->h, 40);
	char *hole2 = heap_alloc(fx->h, 2000);
	char *guard = heap_alloc(fx->h, 40);
	struct heap_stats st;
	char *p, *q;

	heap_free(fx->h, lone);
	heap_get_stats(fx->h, &st);
	assert_int_equal(st.cached, 64);
	heap_free(fx->h, hole1);
	heap_free(fx->h, hole2);
	heap_free(fx->h, after);
	heap_free(fx->h, before);
	heap_get_stats(fx->h, &st);
	assert_int_equal(st.cached, 64);
	p = heap_alloc(fx->h, 2040);
	q = heap_alloc(fx->h, 2040);
	assert_true((p == hole1 && q == before) || (p == before && q == hole1));
	heap_free(fx->h, sep);
	heap_free(fx->h, guard);
}

/* before: a 16 KiB heap and 1 MiB of spare memory; after: 512 KiB served. */
static void heap_test_grow_hook_extends_heap(void **state)
{
	struct fixture *fx = *state;
	char *spare = aligned_alloc(4096, 1 << 20);
	void *p[8];
	struct heap_stats st;
	size_t left;

	fx->spare = spare;
	fx->spare_left = 1 << 20;
	fx->grow_step = 64 * 1024;
	for (int i = 0; i < 8; i++) {
		p[i] = heap_alloc(fx->h, 64 * 1024);
		assert_non_null(p[i]);
		memset(p[i], i, 64 * 1024);
	}
	heap_get_stats(fx->h, &st);
	assert_true(st.mapped > 512 * 1024);
	for (int i = 0; i < 8; i++)
		heap_free(fx->h, p[i]);
	/* The pieces were contiguous, so they merged into one free block. */
	left = fx->spare_left;
	p[0] = heap_alloc(fx->h, 512 * 1024);
	assert_non_null(p[0]);
	assert_int_equal(fx->spare_left, left);
	heap_free(fx->h, p[0]);
	assert_int_equal(heap_check(fx->h), 0);
	fx->check_at_end = false;
	free(spare);
}

static void heap_test_separate_arena_is_used(void **state)
{
	struct fixture *fx = *state;
	char *extra = aligned_alloc(4096, 65536);
	void *p;

	while (heap_alloc(fx->h, 30000))
		;
	assert_true(heap_add_arena(fx->h, extra, 65536));
	p = heap_alloc(fx->h, 60000);
	assert_true((char *)p > extra && (char *)p < extra + 65536);
	assert_int_equal(heap_check(fx->h), 0);
	assert_int_equal(fx->rec.count, 0);
	/* The heap owns extra now: leave it alone before freeing extra. */
	fx->check_at_end = false;
	free(extra);
}

static void heap_test_realloc_resizes_in_place_when_it_can(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 4000);
	struct heap_stats st;

	memset(p, 'r', 4000);
	/* Nothing after p but the top: growing and shrinking keep p. */
	assert_ptr_equal(heap_realloc(fx->h, p, 9000), p);
	assert_ptr_equal(heap_realloc(fx->h, p, 100), p);
	for (int i = 0; i < 100; i++)
		assert_int_equal(p[i], 'r');
	heap_get_stats(fx->h, &st);
	assert_true(st.in_use <= 100 + 32);
	heap_free(fx->h, p);
}

static void heap_test_grow_failure_then_heap_works(void **state)
{
	struct fixture *fx = *state;
	char *spare = aligned_alloc(4096, 64 * 1024);
	void *p;

	fx->spare = spare;
	fx->spare_left = 64 * 1024;
	fx->grow_step = 64 * 1024;
	assert_null(heap_alloc(fx->h, 100 * 1024));
	p = heap_alloc(fx->h, 50 * 1024);
	assert_non_null(p);
	heap_free(fx->h, p);
	assert_int_equal(heap_check(fx->h), 0);
	fx->check_at_end = false;
	free(spare);
}

/* before: a freed quick block's link overwritten with a pointer to zeroes;
 * after: the allocation that would follow it reports "corrupt". */
static void heap_test_corrupt_quick_list_reported(void **state)
{
	struct fixture *fx = *state;
	void **a = heap_alloc(fx->h, 40);
	char *b = heap_alloc(fx->h, 40);
	void *p;

	memset(b, 0, 40);
	heap_free(fx->h, a);
	*a = b;		/* a write after free, into the list link */
	assert_ptr_equal(heap_alloc(fx->h, 40), a);
	p = heap_alloc(fx->h, 40);
	expect_report(fx, "corrupt", b + 16);
	assert_non_null(p);
	fx->check_at_end = false;
}

/* before: a block in use; after: its size known, and 0 once it is freed,
 * for a foreign pointer, and in debug mode. */
static void heap_test_in_use_size_names_blocks_in_use_only(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 40);
	char local[64];

	assert_non_null(p);
	assert_int_equal(heap_in_use_size(fx->h, p),
			 heap_request_block_size(40));
	assert_int_equal(heap_request_block_size(40), 64);
	assert_int_equal(heap_in_use_size(fx->h, local + 16), 0);
	assert_int_equal(heap_in_use_size(fx->h, p + 16), 0);
	heap_free(fx->h, p);
	assert_int_equal(heap_in_use_size(fx->h, p), 0);
	assert_int_equal(heap_request_block_size(HEAP_MAX_ALLOC + 1), 0);
}

static void heap_test_in_use_size_is_zero_in_debug_mode(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 40);

	assert_non_null(p);
	assert_int_equal(heap_in_use_size(fx->h, p), 0);
	heap_free(fx->h, p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HEAP_TEST(heap_test_two_values_keep_contents),
		HEAP_TEST(heap_test_realloc_vector_sums_right),
		HEAP_TEST(heap_test_alloc_free_reuses_memory),
		HEAP_TEST(heap_test_reuse_with_long_lived_block),
		HEAP_TEST(heap_test_random_ops_keep_blocks_apart_and_intact),
		HEAP_DEBUG_TEST(heap_test_random_ops_in_debug_mode),
		HEAP_TEST(heap_test_freed_heap_serves_half_its_size),
		HEAP_TEST(heap_test_out_of_memory_returns_null_then_heap_works),
		HEAP_TEST(heap_test_double_free_of_small_block_reported),
		HEAP_TEST(heap_test_double_free_of_large_block_reported),
		HEAP_TEST(heap_test_free_of_foreign_pointer_reported),
		HEAP_TEST(heap_test_write_past_end_reported),
		HEAP_TEST(heap_test_realloc_of_freed_block_reported),
		HEAP_TEST(heap_test_realloc_failure_keeps_old_block),
		HEAP_TEST(heap_test_realloc_null_allocates_and_zero_frees),
		HEAP_TEST(heap_test_free_null_does_nothing),
		HEAP_TEST(heap_test_calloc_overflow_returns_null),
		HEAP_TEST(heap_test_calloc_zeroes_reused_memory),
		HEAP_TEST(heap_test_aligned_allocations_16_to_4096),
		HEAP_TEST(heap_test_aligned_rejects_bad_alignment),
		HEAP_TEST(heap_test_small_freed_blocks_serve_large_request),
		HEAP_TEST(heap_test_stats_track_use_and_peak),
		HEAP_TEST(heap_test_free_next_to_hole_merges_at_once),
		HEAP_GROWING_TEST(heap_test_grow_hook_extends_heap),
		HEAP_TEST(heap_test_separate_arena_is_used),
		HEAP_TEST(heap_test_realloc_resizes_in_place_when_it_can),
		HEAP_GROWING_TEST(heap_test_grow_failure_then_heap_works),
		HEAP_TEST(heap_test_corrupt_quick_list_reported),
		HEAP_TEST(heap_test_in_use_size_names_blocks_in_use_only),
		HEAP_DEBUG_TEST(heap_test_in_use_size_is_zero_in_debug_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
