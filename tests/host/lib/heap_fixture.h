/*
 * tests/host/lib/heap_fixture.h - the fixture of the heap's host tests
 * (tests/host/lib/heap*_test.c): each test gets a fresh heap in its own
 * arena; misuse reports are recorded, and a test that expects none leaves
 * the heap consistent (heap_check).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/align.h"
#include "lib/heap.h"

#define ARENA_SIZE	(256 * 1024)
#define SEED		0x4b65656cu
#define GROW_GRANULE	4096	/* the grow hook hands out whole pages */
#define GROWING_SIZE	(16 * 1024)

struct recorder {
	unsigned count;
	const char *what;
	void *addr;
};

struct fixture {
	struct heap *h;
	void *arena;
	size_t size;
	struct recorder rec;
	/* Cleared by tests that leave a corrupt block behind. */
	bool check_at_end;
	/* Memory the grow hook hands out, and how much of it is left. */
	char *spare;
	size_t spare_left;
	size_t grow_step;
};

static inline void record(struct heap *h, const char *what, void *addr,
			  void *caller)
{
	struct fixture *fx = h->ctx;

	(void)caller;
	fx->rec.count++;
	fx->rec.what = what;
	fx->rec.addr = addr;
}

/* Hands out the spare region in grow_step pieces, right after each other. */
static inline void *grow_from_spare(struct heap *h, size_t min_size,
				     size_t *size)
{
	struct fixture *fx = h->ctx;
	size_t n = min_size > fx->grow_step ? min_size : fx->grow_step;
	char *p = fx->spare;

	n = ALIGN_UP(n, GROW_GRANULE);
	if (n > fx->spare_left)
		return NULL;
	fx->spare += n;
	fx->spare_left -= n;
	*size = n;
	return p;
}

static const struct heap_ops test_ops = { .report = record };
static const struct heap_ops grow_ops = {
	.grow = grow_from_spare,
	.report = record,
};

static inline struct fixture *fixture_new(size_t size,
					  const struct heap_ops *ops)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->size = size;
	fx->arena = aligned_alloc(GROW_GRANULE, size);
	assert_non_null(fx->arena);
	fx->h = heap_create(fx->arena, size, ops, fx, SEED);
	assert_non_null(fx->h);
	fx->check_at_end = true;
	return fx;
}

static inline int setup(void **state)
{
	*state = fixture_new(ARENA_SIZE, &test_ops);
	return 0;
}

static inline int setup_debug(void **state)
{
	struct fixture *fx = fixture_new(ARENA_SIZE, &test_ops);

	heap_set_debug(fx->h, true);
	*state = fx;
	return 0;
}

/* A GROWING_SIZE heap that grows through grow_from_spare. */
static inline int setup_growing(void **state)
{
	*state = fixture_new(GROWING_SIZE, &grow_ops);
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *fx = *state;
	unsigned bad = fx->check_at_end ? heap_check(fx->h) : 0;
	unsigned reports = fx->check_at_end ? fx->rec.count : 0;

	free(fx->arena);
	free(fx);
	assert_int_equal(bad, 0);
	assert_int_equal(reports, 0);
	return 0;
}

/* Expect exactly one report of what at addr since the last call. */
static inline void expect_report(struct fixture *fx, const char *what,
				 void *addr)
{
	assert_int_equal(fx->rec.count, 1);
	assert_string_equal(fx->rec.what, what);
	assert_ptr_equal(fx->rec.addr, addr);
	fx->rec.count = 0;
}

static inline uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define HEAP_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define HEAP_DEBUG_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup_debug, teardown)
#define HEAP_GROWING_TEST(name) \
	cmocka_unit_test_setup_teardown(name, setup_growing, teardown)
