/*
 * tests/host/kernel/option_table_test.c - host tests of
 * kernel/option_table.c: the table is sound, values decode with the right
 * reasons, and README's option table is the one the table renders.
 *
 * With --print-table it prints the rendered table instead (make
 * options-doc), to paste into README.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/option_table.h"

#define README_BEGIN "<!-- options: from kernel/option_table.c (make options-doc) -->\n"
#define README_END "<!-- end of options -->"

static const char *decode(const char *name, const char *text, uint32_t *v)
{
	static char why[64];
	const struct option_desc *o = option_find(name);

	assert_non_null(o);
	return option_decode(o, text, v, why, sizeof(why));
}

static void option_table_test_rows_are_sound(void **state)
{
	(void)state;
	assert_true(option_count > 0);
	for (size_t i = 0; i < option_count; i++) {
		const struct option_desc *o = &option_table[i];

		assert_non_null(o->help);
		assert_ptr_equal(option_find(o->name), o);	/* unique */
		if (o->kind == OPTION_NUMBER) {
			assert_true(o->min <= o->def && o->def <= o->max);
			assert_null(o->check ? o->check(o->def) : NULL);
		}
		if (o->kind == OPTION_ON_OFF)
			assert_true(o->def <= 1);
	}
	assert_null(option_find("nosuch"));
}

static void option_table_test_numbers_decode(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_null(decode("timer_hz", "250", &v));
	assert_int_equal(v, 250);
	assert_null(decode("timer_hz", "0x64", &v));
	assert_int_equal(v, 100);
	v = 7;
	assert_string_equal(decode("timer_hz", "fast", &v), "is not a number");
	assert_string_equal(decode("timer_hz", NULL, &v), "is not a number");
	assert_string_equal(decode("timer_hz", "", &v), "is not a number");
	assert_string_equal(decode("timer_hz", "0x", &v), "is not a number");
	assert_string_equal(decode("timer_hz", "4294967296", &v),
			    "is not a number");
	assert_string_equal(decode("timer_hz", "5", &v),
			    "is out of range (20-10000)");
	assert_int_equal(v, 7);		/* untouched when refused */
}

/* 1 baud divides 115200, but its divisor does not fit the 16-bit latch:
 * the reason must say so, not call it a non-divisor. */
static void option_table_test_baud_reasons(void **state)
{
	uint32_t v = 0;
	const char *why;

	(void)state;
	assert_null(decode("baud", "9600", &v));
	assert_int_equal(v, 9600);
	assert_null(decode("baud", "2", &v));
	why = decode("baud", "1", &v);
	assert_non_null(why);
	assert_non_null(strstr(why, "16-bit divisor latch"));
	assert_string_equal(decode("baud", "7", &v),
			    "is not a divisor of 115200");
	assert_string_equal(decode("baud", "0", &v),
			    "is out of range (1-115200)");
	assert_string_equal(decode("baud", "230400", &v),
			    "is out of range (1-115200)");
}

static void option_table_test_on_off_decodes(void **state)
{
	uint32_t v = 9;

	(void)state;
	assert_null(decode("heap_debug", NULL, &v));
	assert_int_equal(v, 1);		/* the bare name is on */
	assert_null(decode("heap_debug", "off", &v));
	assert_int_equal(v, 0);
	assert_null(decode("heap_debug", "yes", &v));
	assert_int_equal(v, 1);
	assert_string_equal(decode("heap_debug", "maybe", &v),
			    "is not on or off");
	assert_string_equal(decode("heap_debug", "", &v), "is not on or off");
}

/* Rendering into any buffer size cuts cleanly and reports the full size. */
static void option_table_test_render_cuts_cleanly(void **state)
{
	size_t need = option_render_table(NULL, 0);
	char *full = malloc(need + 1), *cut = malloc(need + 1);

	(void)state;
	assert_int_equal(option_render_table(full, need + 1), need);
	assert_int_equal(strlen(full), need);
	for (size_t size = 1; size <= need; size += 7) {
		assert_int_equal(option_render_table(cut, size), need);
		assert_int_equal(strlen(cut), size - 1);
		assert_memory_equal(cut, full, size - 1);
	}
	free(full);
	free(cut);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *rendered(void)
{
	size_t need = option_render_table(NULL, 0);
	char *buf = malloc(need + 1);

	option_render_table(buf, need + 1);
	return buf;
}

/* README's table is exactly the rendered one (make options-doc). */
static void option_table_test_readme_matches(void **state)
{
	char *readme = read_file("README.md");
	char *table = rendered(), *begin, *end;

	(void)state;
	assert_non_null(readme);
	begin = strstr(readme, README_BEGIN);
	assert_non_null(begin);
	begin += strlen(README_BEGIN);
	end = strstr(begin, README_END);
	assert_non_null(end);
	*end = '\0';
	if (strcmp(begin, table) != 0)
		print_message("README.md's option table is stale; run "
			      "make options-doc and paste:\n%s", table);
	assert_string_equal(begin, table);
	free(readme);
	free(table);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(option_table_test_rows_are_sound),
		cmocka_unit_test(option_table_test_numbers_decode),
		cmocka_unit_test(option_table_test_baud_reasons),
		cmocka_unit_test(option_table_test_on_off_decodes),
		cmocka_unit_test(option_table_test_render_cuts_cleanly),
		cmocka_unit_test(option_table_test_readme_matches),
	};

	if (argc == 2 && strcmp(argv[1], "--print-table") == 0) {
		char *table = rendered();

		printf("%s%s%s\n", README_BEGIN, table, README_END);
		free(table);
		return 0;
	}
	return cmocka_run_group_tests_name("option_table", tests, NULL, NULL);
}
