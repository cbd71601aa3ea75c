/*
 * tests/kernel/printf_test.c - the kernel's own build of vsnprintf (no SSE,
 * kernel code model) formats as the host-tested one does.
 */
#include <stdarg.h>
#include <stdint.h>

#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/ktest.h"

/* snprintf without the format check, so that a test can pass an int to
 * %hhd as a caller without a prototype would. */
static int format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

KTEST(printf_integers_and_widths)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%d|%5u|%-4x|%08lX", -42, 7u, 0xabu, 0xbeefUL);
	KT_EXPECT_STREQ(buf, "-42|    7|ab  |0000BEEF");
	snprintf(buf, sizeof(buf), "%lld %llu", (long long)INT64_MIN,
		 (unsigned long long)UINT64_MAX);
	KT_EXPECT_STREQ(buf, "-9223372036854775808 18446744073709551615");
	/* hh and h must convert the promoted int back to char and short:
	 * 300 and 70000 print as 44 and 4464 only if the conversion is done. */
	format_unchecked(buf, sizeof(buf), "%hhd %hu %zu %o", 300, 70000,
			 (size_t)12, 8);
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
