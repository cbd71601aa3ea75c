/*
 * tests/host/lib/escape_test.c - host tests of lib/escape.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lib/escape.h"

static void escape_test_printable_text_is_unchanged(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(escape_str(buf, sizeof(buf), "ktest=boot_* a=1"), 16);
	assert_string_equal(buf, "ktest=boot_* a=1");
}

/* An ESC sequence that would clear the screen comes out inert. */
static void escape_test_control_and_high_bytes_become_hex(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(escape_str(buf, sizeof(buf), "a\x1b[2Jb\xff\t\x7f"), 9);
	assert_string_equal(buf, "a\\x1b[2Jb\\xff\\x09\\x7f");
}

static void escape_test_quote_and_backslash_are_escaped(void **state)
{
	char buf[64];

	(void)state;
	escape_str(buf, sizeof(buf), "say \"hi\\\"");
	assert_string_equal(buf, "say \\\"hi\\\\\\\"");
}

/* Every byte value: the output holds only printable ASCII. */
static void escape_test_output_is_printable_for_every_byte(void **state)
{
	char src[2] = { 0, 0 };
	char buf[8];

	(void)state;
	for (int c = 1; c < 256; c++) {
		src[0] = (char)c;
		assert_int_equal(escape_str(buf, sizeof(buf), src), 1);
		assert_true(strlen(buf) >= 1 && strlen(buf) <= 4);
		for (const char *p = buf; *p; p++)
			assert_true(*p >= 0x20 && *p <= 0x7e);
	}
}

/* Only whole escapes are written; pieces put together give the whole. */
static void escape_test_pieces_never_split_an_escape(void **state)
{
	const char *src = "\x01x\x02yy\x03zzz\x04";
	char whole[64], joined[64] = "", piece[6];

	(void)state;
	escape_str(whole, sizeof(whole), src);
	for (const char *s = src; *s;) {
		size_t n = escape_str(piece, sizeof(piece), s);

		assert_true(n > 0);
		strcat(joined, piece);
		s += n;
	}
	assert_string_equal(joined, whole);
}

static void escape_test_tiny_buffers(void **state)
{
	char buf[4] = "zzz";

	(void)state;
	assert_int_equal(escape_str(buf, 0, "abc"), 0);
	assert_string_equal(buf, "zzz");
	assert_int_equal(escape_str(buf, 1, "abc"), 0);
	assert_string_equal(buf, "");
	assert_int_equal(escape_str(buf, 4, "\x1b"), 0);	/* needs 5 */
	assert_string_equal(buf, "");
	assert_int_equal(escape_str(buf, 4, "abcd"), 3);
	assert_string_equal(buf, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_test_printable_text_is_unchanged),
		cmocka_unit_test(escape_test_control_and_high_bytes_become_hex),
		cmocka_unit_test(escape_test_quote_and_backslash_are_escaped),
		cmocka_unit_test(escape_test_output_is_printable_for_every_byte),
		cmocka_unit_test(escape_test_pieces_never_split_an_escape),
		cmocka_unit_test(escape_test_tiny_buffers),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
