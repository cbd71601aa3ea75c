/*
 * tests/host/lib/cmdline_test.c - host tests of lib/cmdline.c.
 *
 * Each test parses into a struct cmdline on the heap (ASan guards both of
 * its ends), and long or random lines come from heap buffers of exactly
 * their length, so a read past the line's NUL or a write past the struct's
 * buffer is reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The option names the kernel knows, as kernel/options.c passes them. */
static const char *const known[] = { "ktest", "serial", "baud", "quiet" };

static int cl_setup(void **state)
{
	*state = malloc(sizeof(struct cmdline));
	return *state ? 0 : -1;
}

static int cl_teardown(void **state)
{
	free(*state);
	return 0;
}

static struct cmdline *parse(void **state, const char *line)
{
	struct cmdline *cl = *state;

	cmdline_parse(cl, line, known, ARRAY_SIZE(known));
	return cl;
}

/* A heap string of @len bytes of @c, exactly @len + 1 bytes long. */
static char *repeated(char c, size_t len)
{
	char *s = malloc(len + 1);

	assert_non_null(s);
	memset(s, c, len);
	s[len] = '\0';
	return s;
}

static void assert_arg(const struct cmdline *cl, size_t i, const char *name,
		       const char *value)
{
	assert_true(i < cl->nargs);
	assert_string_equal(cl->args[i].name, name);
	if (value)
		assert_string_equal(cl->args[i].value, value);
	else
		assert_null(cl->args[i].value);
}

static void cmdline_test_flags_and_values(void **state)
{
	struct cmdline *cl = parse(state, "ktest serial=com2 quiet");

	assert_int_equal(cl->nargs, 3);
	assert_arg(cl, 0, "ktest", NULL);
	assert_arg(cl, 1, "serial", "com2");
	assert_arg(cl, 2, "quiet", NULL);
	assert_true(cmdline_has(cl, "ktest"));
	assert_true(cmdline_has(cl, "serial"));
	assert_string_equal(cmdline_value(cl, "serial"), "com2");
}

/* A bare flag has no value: cmdline_value gives NULL but cmdline_has true. */
static void cmdline_test_flag_has_no_value(void **state)
{
	struct cmdline *cl = parse(state, "ktest");

	assert_true(cmdline_has(cl, "ktest"));
	assert_null(cmdline_value(cl, "ktest"));
}

/* "name=" is an option with an empty value, not a flag. */
static void cmdline_test_empty_value_is_empty_string(void **state)
{
	struct cmdline *cl = parse(state, "ktest=");

	assert_arg(cl, 0, "ktest", "");
	assert_non_null(cmdline_value(cl, "ktest"));
	assert_string_equal(cmdline_value(cl, "ktest"), "");
}

/* Only the first '=' splits: the value keeps the rest. */
static void cmdline_test_value_keeps_later_equals(void **state)
{
	struct cmdline *cl = parse(state, "ktest=a=b=");

	assert_arg(cl, 0, "ktest", "a=b=");
}

static void cmdline_test_absent_option(void **state)
{
	struct cmdline *cl = parse(state, "ktest serial=com1");

	assert_false(cmdline_has(cl, "baud"));
	assert_null(cmdline_value(cl, "baud"));
	/* Names match whole words only. */
	assert_false(cmdline_has(cl, "kt"));
	assert_false(cmdline_has(cl, "serial=com1"));
}

static void cmdline_test_last_occurrence_wins(void **state)
{
	struct cmdline *cl = parse(state, "serial=com1 baud=9600 serial=com2");

	assert_string_equal(cmdline_value(cl, "serial"), "com2");
	assert_string_equal(cmdline_value(cl, "baud"), "9600");
	assert_int_equal(cl->nargs, 3);
}

/* A later bare flag overrides an earlier value, as any later word does. */
static void cmdline_test_later_flag_overrides_value(void **state)
{
	struct cmdline *cl = parse(state, "ktest=boot_* ktest");

	assert_true(cmdline_has(cl, "ktest"));
	assert_null(cmdline_value(cl, "ktest"));
}

/* before: "  ktest\t\tquiet   serial=\tbaud \t";
 * after: ktest, quiet, serial="", baud. */
static void cmdline_test_tabs_and_runs_of_spaces_separate(void **state)
{
	struct cmdline *cl = parse(state, "  ktest\t\tquiet   serial=\tbaud \t");

	assert_int_equal(cl->nargs, 4);
	assert_arg(cl, 0, "ktest", NULL);
	assert_arg(cl, 1, "quiet", NULL);
	assert_arg(cl, 2, "serial", "");
	assert_arg(cl, 3, "baud", NULL);
	assert_int_equal(cl->garbled, 0);
}

static void cmdline_test_empty_line(void **state)
{
	struct cmdline *cl = parse(state, "");

	assert_int_equal(cl->nargs, 0);
	assert_int_equal(cl->raw_len, 0);
	assert_false(cl->truncated);
	assert_false(cl->too_many);
	assert_int_equal(cl->garbled, 0);
	assert_false(cmdline_has(cl, "ktest"));
}

static void cmdline_test_only_spaces(void **state)
{
	struct cmdline *cl = parse(state, "   \t \t  ");

	assert_int_equal(cl->nargs, 0);
	assert_int_equal(cl->raw_len, 8);
	assert_int_equal(cl->garbled, 0);
}

/* Builds "w0 w1 ... w<n-1>" in a heap buffer of exactly its length. */
static char *numbered_words(size_t n)
{
	size_t cap = n * 8 + 1;
	char *s = malloc(cap);
	size_t len = 0;

	assert_non_null(s);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%sw%zu",
					i ? " " : "", i);
	s = realloc(s, len + 1);
	assert_non_null(s);
	return s;
}

/* before: 70 words; after: the first CMDLINE_MAX_ARGS kept, too_many. */
static void cmdline_test_too_many_words_are_dropped(void **state)
{
	char *line = numbered_words(CMDLINE_MAX_ARGS + 6);
	struct cmdline *cl = parse(state, line);
	char last[16];

	free(line);
	snprintf(last, sizeof(last), "w%d", CMDLINE_MAX_ARGS - 1);
	assert_int_equal(cl->nargs, CMDLINE_MAX_ARGS);
	assert_true(cl->too_many);
	assert_true(cmdline_has(cl, last));
	snprintf(last, sizeof(last), "w%d", CMDLINE_MAX_ARGS);
	assert_false(cmdline_has(cl, last));
}

static void cmdline_test_exactly_max_words_is_not_too_many(void **state)
{
	char *line = numbered_words(CMDLINE_MAX_ARGS);
	struct cmdline *cl = parse(state, line);

	free(line);
	assert_int_equal(cl->nargs, CMDLINE_MAX_ARGS);
	assert_false(cl->too_many);
}

/* The parse copies the line: the caller's buffer may be freed after. */
static void cmdline_test_result_outlives_the_line(void **state)
{
	char *line = strdup("serial=com2 ktest");
	struct cmdline *cl;

	assert_non_null(line);
	cl = parse(state, line);
	memset(line, 'x', strlen(line));
	free(line);
	assert_string_equal(cmdline_value(cl, "serial"), "com2");
	assert_true(cmdline_has(cl, "ktest"));
}

/* CMDLINE_MAX_BYTES - 1 characters and the NUL fill the buffer exactly. */
static void cmdline_test_longest_line_that_fits(void **state)
{
	char *line = repeated('a', CMDLINE_MAX_BYTES - 1);
	struct cmdline *cl = parse(state, line);

	free(line);
	assert_false(cl->truncated);
	assert_int_equal(cl->raw_len, CMDLINE_MAX_BYTES - 1);
	assert_int_equal(cl->nargs, 1);
	assert_int_equal(strlen(cl->args[0].name), CMDLINE_MAX_BYTES - 1);
}

/* before: "ktest " + 5000 x 'v'; after: cut at CMDLINE_MAX_BYTES - 1
 * bytes, raw_len the full 5006. */
static void cmdline_test_long_line_is_truncated(void **state)
{
	char *line = repeated('v', 5006);
	struct cmdline *cl;

	memcpy(line, "ktest ", 6);
	cl = parse(state, line);
	free(line);
	assert_true(cl->truncated);
	assert_int_equal(cl->raw_len, 5006);
	assert_int_equal(cl->nargs, 2);
	assert_arg(cl, 0, "ktest", NULL);
	assert_int_equal(strlen(cl->args[1].name), CMDLINE_MAX_BYTES - 1 - 6);
}

/* before: "a\x01b\tc\x7f \xff\n"; after: "a?b", "c?", "??", 4 garbled.
 * Tabs are separators, not garbage. */
static void cmdline_test_unprintable_bytes_become_question_marks(void **state)
{
	struct cmdline *cl = parse(state, "a\x01" "b\tc\x7f \xff\n");

	assert_int_equal(cl->nargs, 3);
	assert_arg(cl, 0, "a?b", NULL);
	assert_arg(cl, 1, "c?", NULL);
	assert_arg(cl, 2, "??", NULL);
	assert_int_equal(cl->garbled, 4);
}

/* A known name with a byte above 0x7e in it is a different, unknown word. */
static void cmdline_test_garbled_word_is_not_known(void **state)
{
	struct cmdline *cl = parse(state, "kte\xf3t");

	assert_int_equal(cl->nargs, 1);
	assert_arg(cl, 0, "kte?t", NULL);
	assert_false(cl->args[0].known);
	assert_false(cmdline_has(cl, "ktest"));
}

static void cmdline_test_known_options_are_marked(void **state)
{
	struct cmdline *cl = parse(state, "ktest serial=com1 noapic quiet=1 =x");

	assert_int_equal(cl->nargs, 5);
	assert_true(cl->args[0].known);
	assert_true(cl->args[1].known);
	assert_false(cl->args[2].known);
	assert_true(cl->args[3].known);
	assert_false(cl->args[4].known);	/* empty name */
}

/* With no list of known names, every option is unknown. */
static void cmdline_test_no_known_list_marks_all_unknown(void **state)
{
	struct cmdline *cl = *state;

	cmdline_parse(cl, "ktest quiet", NULL, 0);
	assert_int_equal(cl->nargs, 2);
	assert_false(cl->args[0].known);
	assert_false(cl->args[1].known);
}

/* before: foo ktest foo=1 bar serial=com1 foo bar;
 * after: reported once each, at their first place: foo (0) and bar (3). */
static void cmdline_test_unknown_reported_once(void **state)
{
	struct cmdline *cl =
		parse(state, "foo ktest foo=1 bar serial=com1 foo bar");
	static const bool want[] = { true, false, false, true, false, false, false };

	assert_int_equal(cl->nargs, ARRAY_SIZE(want));
	for (size_t i = 0; i < cl->nargs; i++)
		assert_int_equal(cmdline_first_unknown(cl, i), want[i]);
	assert_false(cmdline_first_unknown(cl, cl->nargs));
	assert_false(cmdline_first_unknown(cl, (size_t)-1));
}

/* xorshift64: the same lines on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A NUL-terminated line of @len random non-NUL bytes, exactly allocated.
 * Odd seeds draw from every byte, even ones mostly from separators, '='
 * and letters so that words are short and many. */
static char *random_line(size_t len, uint64_t *seed, bool dense)
{
	static const char alphabet[] = " \t=ab\x01\xff";
	char *s = malloc(len + 1);

	assert_non_null(s);
	for (size_t i = 0; i < len; i++) {
		uint64_t r = next_random(seed);

		if (dense)
			s[i] = alphabet[r % (sizeof(alphabet) - 1)];
		else
			s[i] = (char)(1 + r % 255);
	}
	s[len] = '\0';
	return s;
}

static bool is_separator(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Words and garbage in the part of @line that fits, counted independently. */
static void count_reference(const char *line, size_t *words, size_t *garbled)
{
	size_t kept = strnlen(line, CMDLINE_MAX_BYTES - 1);
	bool in_word = false;

	*words = 0;
	*garbled = 0;
	for (size_t i = 0; i < kept; i++) {
		unsigned char c = (unsigned char)line[i];

		if (!is_separator(c) && (c < 0x20 || c > 0x7e))
			(*garbled)++;
		if (!is_separator(c) && !in_word)
			(*words)++;
		in_word = !is_separator(c);
	}
}

/* Every character of a parsed word is printable and no separator. */
static void check_word(const struct cmdline *cl, const char *w)
{
	size_t n;

	assert_true(w >= cl->buf && w < cl->buf + CMDLINE_MAX_BYTES);
	n = strnlen(w, (size_t)(cl->buf + CMDLINE_MAX_BYTES - w));
	assert_true(w + n < cl->buf + CMDLINE_MAX_BYTES);
	for (size_t i = 0; i < n; i++)
		assert_true(w[i] > 0x20 && w[i] < 0x7f);
}

/* 5000-byte random lines: truncated, counted right, all words printable. */
static void cmdline_test_random_long_lines(void **state)
{
	struct cmdline *cl = *state;
	uint64_t seed = 0x6b65656c636d646cULL;

	for (int round = 0; round < 64; round++) {
		char *line = random_line(5000, &seed, round % 2 == 0);
		size_t words;
		size_t garbled;

		count_reference(line, &words, &garbled);
		cmdline_parse(cl, line, known, ARRAY_SIZE(known));
		free(line);
		assert_true(cl->truncated);
		assert_int_equal(cl->raw_len, 5000);
		assert_int_equal(cl->garbled, garbled);
		assert_int_equal(cl->too_many, words > CMDLINE_MAX_ARGS);
		assert_int_equal(cl->nargs, words > CMDLINE_MAX_ARGS ?
					    CMDLINE_MAX_ARGS : words);
		for (size_t i = 0; i < cl->nargs; i++) {
			check_word(cl, cl->args[i].name);
			assert_null(strchr(cl->args[i].name, '='));
			if (cl->args[i].value)
				check_word(cl, cl->args[i].value);
		}
	}
}

#define CL_TEST(f)	cmocka_unit_test_setup_teardown(f, cl_setup, cl_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CL_TEST(cmdline_test_flags_and_values),
		CL_TEST(cmdline_test_flag_has_no_value),
		CL_TEST(cmdline_test_empty_value_is_empty_string),
		CL_TEST(cmdline_test_value_keeps_later_equals),
		CL_TEST(cmdline_test_absent_option),
		CL_TEST(cmdline_test_last_occurrence_wins),
		CL_TEST(cmdline_test_later_flag_overrides_value),
		CL_TEST(cmdline_test_tabs_and_runs_of_spaces_separate),
		CL_TEST(cmdline_test_empty_line),
		CL_TEST(cmdline_test_only_spaces),
		CL_TEST(cmdline_test_too_many_words_are_dropped),
		CL_TEST(cmdline_test_exactly_max_words_is_not_too_many),
		CL_TEST(cmdline_test_result_outlives_the_line),
		CL_TEST(cmdline_test_longest_line_that_fits),
		CL_TEST(cmdline_test_long_line_is_truncated),
		CL_TEST(cmdline_test_unprintable_bytes_become_question_marks),
		CL_TEST(cmdline_test_garbled_word_is_not_known),
		CL_TEST(cmdline_test_known_options_are_marked),
		CL_TEST(cmdline_test_no_known_list_marks_all_unknown),
		CL_TEST(cmdline_test_unknown_reported_once),
		CL_TEST(cmdline_test_random_long_lines),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
