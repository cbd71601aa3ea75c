/*
 * tests/host/lib/glob_test.c - host tests of lib/glob.c, the matcher that
 * picks in-kernel tests by name ("ktest=multiboot2_*").
 *
 * The hand-written cases pin down each rule; the last test compares
 * glob_match with a plain recursive matcher on every short pattern and
 * string over a small alphabet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/glob.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct glob_case {
	const char *pattern;
	const char *s;
	bool match;
};

/* Runs each case on heap copies of exactly their length, so a read past
 * either NUL shows under ASan. */
static void check_cases(const struct glob_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *pattern = strdup(c[i].pattern);
		char *s = strdup(c[i].s);

		assert_non_null(pattern);
		assert_non_null(s);
		if (glob_match(pattern, s) != c[i].match)
			fail_msg("glob_match(\"%s\", \"%s\") should be %s",
				 c[i].pattern, c[i].s,
				 c[i].match ? "true" : "false");
		free(pattern);
		free(s);
	}
}

static void glob_test_literal_matches_only_itself(void **state)
{
	static const struct glob_case c[] = {
		{ "boot_cmdline", "boot_cmdline", true },
		{ "boot_cmdline", "boot_cmdlinf", false },
		{ "boot", "Boot", false },	/* case matters */
		{ "a", "a", true },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_empty_pattern_matches_only_empty_string(void **state)
{
	static const struct glob_case c[] = {
		{ "", "", true },
		{ "", "a", false },
		{ "a", "", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_lone_star_matches_anything(void **state)
{
	static const struct glob_case c[] = {
		{ "*", "", true },
		{ "*", "x", true },
		{ "*", "multiboot2_every_truncation_is_reported", true },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_star_at_start(void **state)
{
	static const struct glob_case c[] = {
		{ "*_test", "uart_test", true },
		{ "*_test", "_test", true },
		{ "*_test", "uart_tests", false },
		{ "*_test", "test", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_star_in_middle(void **state)
{
	static const struct glob_case c[] = {
		{ "boot_*_ok", "boot_cmdline_ok", true },
		{ "boot_*_ok", "boot__ok", true },
		{ "boot_*_ok", "boot_ok", false },
		{ "boot_*_ok", "boot_cmdline_okay", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_star_at_end(void **state)
{
	static const struct glob_case c[] = {
		{ "multiboot2_*", "multiboot2_reparse_gives_same_info", true },
		{ "multiboot2_*", "multiboot2_", true },
		{ "multiboot2_*", "multiboot2", false },
		{ "multiboot2_*", "printf_multiboot2_x", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_several_stars(void **state)
{
	static const struct glob_case c[] = {
		{ "*boot*", "multiboot2_parse", true },
		{ "*a*b*", "xxaxxbxx", true },
		{ "*a*b*", "xxbxxaxx", false },
		{ "**", "", true },
		{ "a**b", "ab", true },
		{ "a***", "a", true },
		{ "*x*y*z*", "xyz", true },
		{ "*x*y*z*", "zyx", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

/* '?' takes exactly one character, never zero. */
static void glob_test_question_mark_matches_one_character(void **state)
{
	static const struct glob_case c[] = {
		{ "?", "a", true },
		{ "?", "", false },
		{ "?", "ab", false },
		{ "a?c", "abc", true },
		{ "a?c", "ac", false },
		{ "a?c", "abbc", false },
		{ "???", "abc", true },
		{ "?", "?", true },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_question_mark_with_stars(void **state)
{
	static const struct glob_case c[] = {
		{ "?*", "", false },
		{ "?*", "a", true },
		{ "*?", "a", true },
		{ "*?", "", false },
		{ "?*?", "ab", true },
		{ "?*?", "a", false },
		{ "*?c", "abc", true },
		{ "*??*", "a", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

/* The first place a star could stop is wrong; the matcher must go back
 * and let the star take more. */
static void glob_test_backtracking(void **state)
{
	static const struct glob_case c[] = {
		{ "a*b*c", "aXbYbZc", true },
		{ "a*b*c", "abc", true },
		{ "a*b*c", "aXbYbZ", false },
		{ "a*b*c", "aXcYc", false },
		{ "*ab", "aab", true },
		{ "*aab", "aaaab", true },
		{ "*abc", "ababc", true },
		{ "a*bc", "abbbc", true },
		{ "*b?d", "abcbxd", true },
		{ "*_test_*", "boot_testing_test_x", true },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

static void glob_test_no_match(void **state)
{
	static const struct glob_case c[] = {
		{ "abc", "abd", false },
		{ "abc", "xbc", false },
		{ "abc", "ab", false },
		{ "ab", "abc", false },
		{ "a*", "ba", false },
		{ "*a", "ab", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

/* The pattern runs out of string: only trailing stars may be left. */
static void glob_test_pattern_longer_than_string(void **state)
{
	static const struct glob_case c[] = {
		{ "abcd", "abc", false },
		{ "abc?", "abc", false },
		{ "abc*", "abc", true },
		{ "abc**", "abc", true },
		{ "abc*d", "abc", false },
		{ "a*b*c*d", "abc", false },
	};

	(void)state;
	check_cases(c, ARRAY_SIZE(c));
}

/* A string of 2000 'a's against a pattern that fails only at its last
 * character: the answer is still false, and comes back. */
static void glob_test_long_string_many_stars(void **state)
{
	size_t n = 2000;
	char *s = malloc(n + 1);

	(void)state;
	assert_non_null(s);
	memset(s, 'a', n);
	s[n] = '\0';
	assert_false(glob_match("*a*a*a*a*a*b", s));
	assert_true(glob_match("*a*a*a*a*a*a", s));
	s[n - 1] = 'b';
	assert_true(glob_match("*a*a*a*a*a*b", s));
	free(s);
}

/* The textbook definition, written as plainly as possible. */
static bool reference_match(const char *p, const char *s)
{
	if (*p == '\0')
		return *s == '\0';
	if (*p == '*')
		return reference_match(p + 1, s) ||
		       (*s && reference_match(p, s + 1));
	if (*s && (*p == '?' || *p == *s))
		return reference_match(p + 1, s + 1);
	return false;
}

/* Writes the @index-th word of length @len over @alphabet into @out. */
static void nth_word(char *out, size_t len, size_t index, const char *alphabet)
{
	size_t base = strlen(alphabet);

	for (size_t i = 0; i < len; i++) {
		out[i] = alphabet[index % base];
		index /= base;
	}
	out[len] = '\0';
}

static size_t power(size_t base, size_t exp)
{
	size_t r = 1;

	while (exp--)
		r *= base;
	return r;
}

/* Every pattern over {a, b, *, ?} up to 5 characters against every string
 * over {a, b} up to 6: glob_match agrees with the reference each time. */
static void glob_test_agrees_with_reference(void **state)
{
	char pattern[8];
	char s[8];
	size_t cases = 0;

	(void)state;
	for (size_t plen = 0; plen <= 5; plen++) {
		for (size_t pi = 0; pi < power(4, plen); pi++) {
			nth_word(pattern, plen, pi, "ab*?");
			for (size_t slen = 0; slen <= 6; slen++) {
				for (size_t si = 0; si < power(2, slen); si++) {
					nth_word(s, slen, si, "ab");
					if (glob_match(pattern, s) !=
					    reference_match(pattern, s))
						fail_msg("glob_match(\"%s\", \"%s\")",
							 pattern, s);
					cases++;
				}
			}
		}
	}
	print_message("# %zu pattern and string pairs compared\n", cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glob_test_literal_matches_only_itself),
		cmocka_unit_test(glob_test_empty_pattern_matches_only_empty_string),
		cmocka_unit_test(glob_test_lone_star_matches_anything),
		cmocka_unit_test(glob_test_star_at_start),
		cmocka_unit_test(glob_test_star_in_middle),
		cmocka_unit_test(glob_test_star_at_end),
		cmocka_unit_test(glob_test_several_stars),
		cmocka_unit_test(glob_test_question_mark_matches_one_character),
		cmocka_unit_test(glob_test_question_mark_with_stars),
		cmocka_unit_test(glob_test_backtracking),
		cmocka_unit_test(glob_test_no_match),
		cmocka_unit_test(glob_test_pattern_longer_than_string),
		cmocka_unit_test(glob_test_long_string_many_stars),
		cmocka_unit_test(glob_test_agrees_with_reference),
	};

	return cmocka_run_group_tests_name("glob", tests, NULL, NULL);
}
