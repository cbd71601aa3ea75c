/*
 * tests/kernel/printf_test.c - the kernel's own build of vsnprintf (no SSE,
 * kernel code model) formats as the host-tested one does.
 */
#include <stdint.h>

#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/ktest.h"

KTEST(printf_integers_and_widths)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lX", -42, 7u, 0xabu, 0xbeefUL);
	KT_EXPECT_STREQ(buf, "-42|    7|ab  |0000BEEF");
	snprintf(buf, sizeof(buf), "%lld %llu", (long long)INT64_MIN,
		 (unsigned long long)UINT64_MAX);
	KT_EXPECT_STREQ(buf, "-9223372036854775808 18446744073709551615");
	/* hh and h convert the (promoted) argument back to char and short:
	 * pass values that only survive if the conversion is done. */
	int wide_char = 300;
	int wide_short = 70000;

	snprintf(buf, sizeof(buf), "%hhd %hu %zu %o", (signed char)wide_char,
		 (unsigned short)wide_short, (size_t)12, 8);
	KT_EXPECT_STREQ(buf, "44 4464 12 10");
}

KTEST(printf_strings_pointers_percent)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "[%.3s][%-5s][%c][%%][%p]", "keelson", "ab",
		 'z', (void *)0x1000);
	KT_EXPECT_STREQ(buf, "[kee][ab   ][z][%][0x1000]");
}

KTEST(printf_never_writes_past_buffer)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	KT_ASSERT_EQ(snprintf(buf, 4, "%s", "overflow"), 8);
	KT_EXPECT_STREQ(buf, "ove");
	KT_ASSERT_EQ(buf[4], 'X');
}
