/*
 * tests/host/lib/string_test.c - host tests of lib/string.c. Where the C
 * standard defines a result, the host C library's is used as the reference.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tests/host/keel_lib.h"

/* Fills buf with 0, 1, 2, ... so that any misplaced byte shows. */
static void fill_counting(unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)i;
}

static void string_test_memcpy_copies_and_returns_dst(void **state)
{
	unsigned char src[37];
	unsigned char dst[37] = { 0 };

	(void)state;
	fill_counting(src, sizeof(src));
	assert_ptr_equal(keel_memcpy(dst, src, sizeof(src)), dst);
	assert_memory_equal(dst, src, sizeof(src));
}

static void string_test_memcpy_zero_length_writes_nothing(void **state)
{
	unsigned char dst[4] = { 9, 9, 9, 9 };

	(void)state;
	keel_memcpy(dst, "abcd", 0);
	assert_memory_equal(dst, ((unsigned char[]){ 9, 9, 9, 9 }), 4);
}

/* before: 0 1 2 ... 15; after: 0 1 2 3 0 1 2 ... 11 (dst above src). */
static void string_test_memmove_overlap_dst_above_src(void **state)
{
	unsigned char buf[16];
	unsigned char want[16];

	(void)state;
	fill_counting(buf, sizeof(buf));
	fill_counting(want, sizeof(want));
	memmove(want + 4, want, 12);
	assert_ptr_equal(keel_memmove(buf + 4, buf, 12), buf + 4);
	assert_memory_equal(buf, want, sizeof(buf));
}

/* before: 0 1 2 ... 15; after: 4 5 ... 15 12 13 14 15 (dst below src). */
static void string_test_memmove_overlap_dst_below_src(void **state)
{
	unsigned char buf[16];
	unsigned char want[16];

	(void)state;
	fill_counting(buf, sizeof(buf));
	fill_counting(want, sizeof(want));
	memmove(want, want + 4, 12);
	assert_ptr_equal(keel_memmove(buf, buf + 4, 12), buf);
	assert_memory_equal(buf, want, sizeof(buf));
}

/* Overlap by a single byte in each direction, the edge of the test. */
static void string_test_memmove_overlap_by_one(void **state)
{
	unsigned char buf[9];
	unsigned char want[9];

	(void)state;
	fill_counting(buf, sizeof(buf));
	fill_counting(want, sizeof(want));
	memmove(want + 1, want, 8);
	keel_memmove(buf + 1, buf, 8);
	assert_memory_equal(buf, want, sizeof(buf));
	memmove(want, want + 1, 8);
	keel_memmove(buf, buf + 1, 8);
	assert_memory_equal(buf, want, sizeof(buf));
}

static void string_test_memmove_onto_itself(void **state)
{
	unsigned char buf[8];
	unsigned char want[8];

	(void)state;
	fill_counting(buf, sizeof(buf));
	fill_counting(want, sizeof(want));
	keel_memmove(buf, buf, sizeof(buf));
	assert_memory_equal(buf, want, sizeof(buf));
}

/* Only the low byte of c is stored, and only n bytes. */
static void string_test_memset_stores_low_byte_only(void **state)
{
	unsigned char buf[8] = { 0 };

	(void)state;
	assert_ptr_equal(keel_memset(buf, 0x1ab, 7), buf);
	for (int i = 0; i < 7; i++)
		assert_int_equal(buf[i], 0xab);
	assert_int_equal(buf[7], 0);
}

#define EDGE 40	/* more than two words either side of every case */

/*
 * Every start offset of source and destination within a word, and every
 * length up to three words and some: the word loops and the byte loops
 * around them meet at each alignment. Only [dst, dst + n) may change.
 */
static void string_test_memcpy_every_alignment_and_length(void **state)
{
	unsigned char src[EDGE + 8], dst[EDGE + 8], want[EDGE + 8];

	(void)state;
	for (size_t so = 0; so < 8; so++)
		for (size_t doff = 0; doff < 8; doff++)
			for (size_t n = 0; n <= EDGE - 8; n++) {
				fill_counting(src, sizeof(src));
				memset(dst, 0xee, sizeof(dst));
				memcpy(want, dst, sizeof(want));
				memcpy(want + doff, src + so, n);
				keel_memcpy(dst + doff, src + so, n);
				assert_memory_equal(dst, want, sizeof(dst));
			}
}

static void string_test_memset_every_alignment_and_length(void **state)
{
	unsigned char buf[EDGE + 8], want[EDGE + 8];

	(void)state;
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= EDGE - 8; n++) {
			fill_counting(buf, sizeof(buf));
			memcpy(want, buf, sizeof(want));
			memset(want + off, 0x5a, n);
			assert_ptr_equal(keel_memset(buf + off, 0x15a, n),
					 buf + off);
			assert_memory_equal(buf, want, sizeof(buf));
		}
}

/* Bytes compare as unsigned char: 0x80 is greater than 0x01. */
static void string_test_memcmp_sign_follows_unsigned_bytes(void **state)
{
	const unsigned char hi[] = { 'a', 0x80 };
	const unsigned char lo[] = { 'a', 0x01 };

	(void)state;
	assert_true(keel_memcmp(hi, lo, 2) > 0);
	assert_true(keel_memcmp(lo, hi, 2) < 0);
	assert_int_equal(keel_memcmp(hi, hi, 2), 0);
}

static void string_test_memcmp_stops_at_n(void **state)
{
	(void)state;
	assert_int_equal(keel_memcmp("abcX", "abcY", 3), 0);
	assert_int_equal(keel_memcmp("X", "Y", 0), 0);
}

static void string_test_memchr_finds_first(void **state)
{
	const char buf[] = "a\0bcb";

	(void)state;
	assert_ptr_equal(keel_memchr(buf, 'b', sizeof(buf)), buf + 2);
	assert_ptr_equal(keel_memchr(buf, '\0', sizeof(buf)), buf + 1);
}

/* Only n bytes are searched, and a NUL does not stop the search. */
static void string_test_memchr_stops_at_n(void **state)
{
	const char buf[] = { 'a', 'b', 'c', 'd' };

	(void)state;
	assert_null(keel_memchr(buf, 'd', 3));
	assert_null(keel_memchr(buf, 'a', 0));
	assert_ptr_equal(keel_memchr(buf, 'd', 4), buf + 3);
}

/* c is compared as unsigned char, so 0x1e9 and -23 both find 0xe9. */
static void string_test_memchr_uses_byte_value(void **state)
{
	const unsigned char buf[] = { 1, 0xe9, 2 };

	(void)state;
	assert_ptr_equal(keel_memchr(buf, 0x1e9, 3), buf + 1);
	assert_ptr_equal(keel_memchr(buf, -23, 3), buf + 1);
}

static void string_test_strlen_counts_to_nul(void **state)
{
	(void)state;
	assert_int_equal(keel_strlen(""), 0);
	assert_int_equal(keel_strlen("kernel"), 6);
	assert_int_equal(keel_strlen("ab\0cd"), 2);
}

/* strnlen reads at most max bytes, so the buffer need not end in NUL. */
static void string_test_strnlen_stops_at_max(void **state)
{
	const char unterminated[4] = { 'a', 'b', 'c', 'd' };

	(void)state;
	assert_int_equal(keel_strnlen(unterminated, 4), 4);
	assert_int_equal(keel_strnlen(unterminated, 2), 2);
	assert_int_equal(keel_strnlen("ab", 10), 2);
	assert_int_equal(keel_strnlen("ab", 0), 0);
}

static void string_test_strcmp_orders_like_host(void **state)
{
	static const char *const words[] = {
		"", "a", "ab", "abc", "abd", "b", "B", "\x80", "\x7f", "a\xff",
	};
	const size_t n = sizeof(words) / sizeof(words[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int want = strcmp(words[i], words[j]);
			int got = keel_strcmp(words[i], words[j]);

			assert_int_equal(got < 0, want < 0);
			assert_int_equal(got > 0, want > 0);
		}
	}
}

static void string_test_strcmp_prefix_sorts_first(void **state)
{
	(void)state;
	assert_true(keel_strcmp("abc", "abcd") < 0);
	assert_true(keel_strcmp("abcd", "abc") > 0);
}

static void string_test_strncmp_stops_at_n(void **state)
{
	(void)state;
	assert_int_equal(keel_strncmp("abcX", "abcY", 3), 0);
	assert_true(keel_strncmp("abcX", "abcY", 4) < 0);
	assert_int_equal(keel_strncmp("X", "Y", 0), 0);
}

/* A NUL ends the comparison even when n is larger. */
static void string_test_strncmp_stops_at_nul(void **state)
{
	(void)state;
	assert_int_equal(keel_strncmp("ab\0X", "ab\0Y", 10), 0);
	assert_true(keel_strncmp("ab", "abc", 10) < 0);
	assert_true(keel_strncmp("a\x80", "a\x01", 2) > 0);
}

static void string_test_strchr_finds_first(void **state)
{
	const char *s = "kernel";

	(void)state;
	assert_ptr_equal(keel_strchr(s, 'e'), s + 1);
	assert_ptr_equal(keel_strchr(s, 'k'), s);
	assert_ptr_equal(keel_strchr(s, 'l'), s + 5);
}

static void string_test_strchr_missing_returns_null(void **state)
{
	(void)state;
	assert_null(keel_strchr("kernel", 'x'));
	assert_null(keel_strchr("", 'x'));
}

/* The terminator is part of the string, so it can be searched for. */
static void string_test_strchr_finds_terminator(void **state)
{
	const char *s = "abc";

	(void)state;
	assert_ptr_equal(keel_strchr(s, '\0'), s + 3);
}

/* c is converted to char: 0x100 + 'z' finds 'z'. */
static void string_test_strchr_uses_char_value(void **state)
{
	const char *s = "a\xe9z";

	(void)state;
	assert_ptr_equal(keel_strchr(s, 0x100 + 'z'), s + 2);
	assert_ptr_equal(keel_strchr(s, 0xe9), s + 1);
}

static void string_test_strlcpy_copies_when_it_fits(void **state)
{
	char dst[8];

	(void)state;
	memset(dst, 'x', sizeof(dst));
	assert_int_equal(keel_strlcpy(dst, "abc", sizeof(dst)), 3);
	assert_string_equal(dst, "abc");
	assert_int_equal(dst[4], 'x');
}

/* before: "kernel" into 4 bytes; after: "ker" + NUL, returns 6. */
static void string_test_strlcpy_truncates_and_terminates(void **state)
{
	char dst[5];

	(void)state;
	memset(dst, 'x', sizeof(dst));
	assert_int_equal(keel_strlcpy(dst, "kernel", 4), 6);
	assert_string_equal(dst, "ker");
	assert_int_equal(dst[4], 'x');
}

/* The exact fit: strlen(src) == size - 1 is not a truncation. */
static void string_test_strlcpy_exact_fit(void **state)
{
	char dst[4];

	(void)state;
	assert_int_equal(keel_strlcpy(dst, "abc", sizeof(dst)), 3);
	assert_string_equal(dst, "abc");
}

static void string_test_strlcpy_size_zero_writes_nothing(void **state)
{
	char dst[2] = { 'x', 'y' };

	(void)state;
	assert_int_equal(keel_strlcpy(dst, "abc", 0), 3);
	assert_int_equal(dst[0], 'x');
	assert_int_equal(dst[1], 'y');
}

static void string_test_strlcpy_size_one_gives_empty_string(void **state)
{
	char dst[2] = { 'x', 'y' };

	(void)state;
	assert_int_equal(keel_strlcpy(dst, "abc", 1), 3);
	assert_int_equal(dst[0], '\0');
	assert_int_equal(dst[1], 'y');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(string_test_memcpy_copies_and_returns_dst),
		cmocka_unit_test(string_test_memcpy_zero_length_writes_nothing),
		cmocka_unit_test(string_test_memmove_overlap_dst_above_src),
		cmocka_unit_test(string_test_memmove_overlap_dst_below_src),
		cmocka_unit_test(string_test_memmove_overlap_by_one),
		cmocka_unit_test(string_test_memmove_onto_itself),
		cmocka_unit_test(string_test_memset_stores_low_byte_only),
		cmocka_unit_test(string_test_memcpy_every_alignment_and_length),
		cmocka_unit_test(string_test_memset_every_alignment_and_length),
		cmocka_unit_test(string_test_memcmp_sign_follows_unsigned_bytes),
		cmocka_unit_test(string_test_memcmp_stops_at_n),
		cmocka_unit_test(string_test_memchr_finds_first),
		cmocka_unit_test(string_test_memchr_stops_at_n),
		cmocka_unit_test(string_test_memchr_uses_byte_value),
		cmocka_unit_test(string_test_strlen_counts_to_nul),
		cmocka_unit_test(string_test_strnlen_stops_at_max),
		cmocka_unit_test(string_test_strcmp_orders_like_host),
		cmocka_unit_test(string_test_strcmp_prefix_sorts_first),
		cmocka_unit_test(string_test_strncmp_stops_at_n),
		cmocka_unit_test(string_test_strncmp_stops_at_nul),
		cmocka_unit_test(string_test_strchr_finds_first),
		cmocka_unit_test(string_test_strchr_missing_returns_null),
		cmocka_unit_test(string_test_strchr_finds_terminator),
		cmocka_unit_test(string_test_strchr_uses_char_value),
		cmocka_unit_test(string_test_strlcpy_copies_when_it_fits),
		cmocka_unit_test(string_test_strlcpy_truncates_and_terminates),
		cmocka_unit_test(string_test_strlcpy_exact_fit),
		cmocka_unit_test(string_test_strlcpy_size_zero_writes_nothing),
		cmocka_unit_test(string_test_strlcpy_size_one_gives_empty_string),
	};

	return cmocka_run_group_tests_name("lib/string", tests, NULL, NULL);
}
