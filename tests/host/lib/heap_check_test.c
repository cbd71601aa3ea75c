/*
 * tests/host/lib/heap_check_test.c - host tests of heap_check(),
 * lib/heap_check.c: each plants one kind of damage and expects it found,
 * named, and at the right address.
 */
#include "tests/host/lib/heap_fixture.h"

/* Large enough to bypass the quick lists: freed, it goes on a TLSF list. */
#define LISTED_SIZE	5000

static void heap_check_test_finds_smashed_header(void **state)
{
	struct fixture *fx = *state;
	char *a = heap_alloc(fx->h, LISTED_SIZE);
	char *b = heap_alloc(fx->h, LISTED_SIZE);

	(void)b;
	heap_free(fx->h, a);
	/* a is a free block now; wreck its size as a stray write would. */
	((uint64_t *)a)[-1] += 64;
	assert_true(heap_check(fx->h) > 0);
	assert_true(fx->rec.count > 0);
	assert_string_equal(fx->rec.what, "corrupt");
	fx->check_at_end = false;
}

/* before: the canary after a block in use flipped; after: one "overflow"
 * at the canary, the block's 16-byte-rounded end. */
static void heap_check_test_finds_overwritten_canary(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 100);
	char *end = p + 112;	/* 100 + 16-byte header, rounded to 128 */

	end[0] ^= 1;
	assert_int_equal(heap_check(fx->h), 1);
	expect_report(fx, "overflow", end);
	end[0] ^= 1;
	heap_free(fx->h, p);
}

/* before: the back link of the second block on a TLSF list broken; after:
 * one "corrupt" report, at that block. */
static void heap_check_test_finds_broken_list_link(void **state)
{
	struct fixture *fx = *state;
	void **a = heap_alloc(fx->h, LISTED_SIZE);
	void *g1 = heap_alloc(fx->h, 16);
	void **b = heap_alloc(fx->h, LISTED_SIZE);
	void *g2 = heap_alloc(fx->h, 16);
	void *saved;

	heap_free(fx->h, a);
	heap_free(fx->h, b);	/* the list is now b, a */
	saved = a[1];		/* a's prev_free, which points at b */
	a[1] = NULL;
	assert_int_equal(heap_check(fx->h), 1);
	expect_report(fx, "corrupt", (char *)a - 16);
	a[1] = saved;
	heap_free(fx->h, g1);
	heap_free(fx->h, g2);
}

/* before: a byte written into a free block in debug mode; after: heap_check
 * finds it without waiting for the block to be handed out. */
static void heap_check_test_debug_finds_write_after_free(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 200);
	void *guard = heap_alloc(fx->h, 16);

	heap_free(fx->h, p);
	p[100] = 'x';
	assert_int_equal(heap_check(fx->h), 1);
	expect_report(fx, "write after free", p + 100);
	p[100] = (char)HEAP_POISON;
	heap_free(fx->h, guard);
}

/* before: the slack after a 21-byte request overwritten in debug mode;
 * after: heap_check reports the overflow at that byte. */
static void heap_check_test_debug_finds_overwritten_slack(void **state)
{
	struct fixture *fx = *state;
	char *p = heap_alloc(fx->h, 21);

	p[21] = 'x';
	assert_int_equal(heap_check(fx->h), 1);
	expect_report(fx, "overflow", p + 21);
	fx->check_at_end = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HEAP_TEST(heap_check_test_finds_smashed_header),
		HEAP_TEST(heap_check_test_finds_overwritten_canary),
		HEAP_TEST(heap_check_test_finds_broken_list_link),
		HEAP_DEBUG_TEST(heap_check_test_debug_finds_write_after_free),
		HEAP_DEBUG_TEST(heap_check_test_debug_finds_overwritten_slack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
