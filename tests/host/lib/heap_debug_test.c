/*
 * tests/host/lib/heap_debug_test.c - host tests of the heap's debug mode,
 * lib/heap_debug.c: poison, exact request sizes, and turning it on late.
 */
#include "tests/host/lib/heap_fixture.h"

/* Payload bytes past the list links, which debug mode poisons. */
#define LINKS_BYTES	16
/* Each of: a heap, a gap, a second arena. */
#define GAP_PIECE	(32 * 1024)

/* before: a write one byte past a 21-byte request; after: the free reports
 * "overflow" at that byte. */
static void heap_debug_test_write_past_request_reported(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 21);

	p[21] = 'x';
	heap_free(fx->h, p);
	expect_report(fx, "overflow", p + 21);
	fx->check_at_end = false;
}

static void heap_debug_test_write_after_free_reported(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 200);
	char *q;

	heap_free(fx->h, p);
	p[100] = 'x';
	q = heap_alloc(fx->h, 200);
	assert_ptr_equal(q, p);
	expect_report(fx, "write after free", p + 100);
	heap_free(fx->h, q);
}

static void heap_debug_test_freed_memory_is_poisoned(void **state)
{
	struct fixture *fx = *state;
	unsigned char *p = heap_alloc(fx->h, 300);

	memset(p, 0, 300);
	heap_free(fx->h, p);
	for (size_t i = LINKS_BYTES; i < 300; i++)
		assert_int_equal(p[i], HEAP_POISON);
}

static void heap_debug_test_double_free_reported(void **state)
{
	struct fixture *fx = *state;
	void *a = heap_alloc(fx->h, 100);
	void *b = heap_alloc(fx->h, 100);

	heap_free(fx->h, a);
	heap_free(fx->h, b);
	heap_free(fx->h, b);
	expect_report(fx, "double free", b);
}

/* before: a pointer into the gap between two arenas, inside the heap's hull,
 * under a header that reads as free; after: debug mode, which checks frees
 * against the arena list, calls it an invalid free, not a double free. */
static void heap_debug_test_free_between_arenas_is_invalid(void **state)
{
	struct fixture *fx = *state;
	char *mem = aligned_alloc(GROW_GRANULE, 3 * GAP_PIECE);
	char *gap = mem + GAP_PIECE;
	struct heap *h;

	assert_non_null(mem);
	h = heap_create(mem, GAP_PIECE, &test_ops, fx, SEED);
	assert_non_null(h);
	assert_true(heap_add_arena(h, mem + 2 * GAP_PIECE, GAP_PIECE));
	heap_set_debug(h, true);
	/* Poison's low bit is the free flag of a header. */
	memset(gap, HEAP_POISON, GAP_PIECE);
	heap_free(h, gap + GAP_PIECE / 2);
	expect_report(fx, "invalid free", gap + GAP_PIECE / 2);
	assert_int_equal(heap_check(h), 0);
	free(mem);
}

static void heap_debug_test_on_with_live_blocks(void **state)
{
	struct fixture *fx = *state;
	char *a = heap_alloc(fx->h, 100);
	char *b = heap_alloc(fx->h, 30);

	heap_free(fx->h, b);
	heap_set_debug(fx->h, true);
	assert_int_equal(heap_check(fx->h), 0);
	/* a has no recorded request size: its free checks tag and canary. */
	heap_free(fx->h, a);
	a = heap_alloc(fx->h, 100);
	heap_free(fx->h, a);
	heap_set_debug(fx->h, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HEAP_DEBUG_TEST(heap_debug_test_write_past_request_reported),
		HEAP_DEBUG_TEST(heap_debug_test_write_after_free_reported),
		HEAP_DEBUG_TEST(heap_debug_test_freed_memory_is_poisoned),
		HEAP_DEBUG_TEST(heap_debug_test_double_free_reported),
		HEAP_TEST(heap_debug_test_free_between_arenas_is_invalid),
		HEAP_TEST(heap_debug_test_on_with_live_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
