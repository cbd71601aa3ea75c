/*
 * tests/kernel/cmdline_test.c - a hostile command line cannot hurt the kernel.
 */
#include <stdint.h>

#include "lib/cmdline.h"
#include "lib/string.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "tests/kernel/ktest_random.h"

static char junk[5001];
static struct cmdline parsed;

KTEST(cmdline_5000_random_bytes_are_harmless)
{
	static const char *const known[] = { "ktest", "serial" };
	uint64_t seed = 0x6b65656c;

	for (int round = 0; round < 8; round++) {
		for (size_t i = 0; i < sizeof(junk) - 1; i++)
			junk[i] = (char)(ktest_random(&seed) % 255 + 1);
		junk[sizeof(junk) - 1] = '\0';
		cmdline_parse(&parsed, junk, known, 2);
		KT_ASSERT(parsed.truncated);
		KT_ASSERT_EQ(parsed.raw_len, 5000);
		KT_ASSERT(parsed.nargs <= CMDLINE_MAX_ARGS);
		for (size_t i = 0; i < parsed.nargs; i++)
			KT_ASSERT(strlen(parsed.args[i].name) < CMDLINE_MAX_BYTES);
	}
}

KTEST(cmdline_flags_values_and_unknowns)
{
	static const char *const known[] = { "ktest", "serial" };

	cmdline_parse(&parsed, "  ktest=uart_*\tserial=com2 bogus bogus x=", known, 2);
	KT_ASSERT_EQ(parsed.nargs, 5);
	KT_EXPECT_STREQ(cmdline_value(&parsed, "ktest"), "uart_*");
	KT_EXPECT_STREQ(cmdline_value(&parsed, "serial"), "com2");
	KT_EXPECT_STREQ(cmdline_value(&parsed, "x"), "");
	KT_ASSERT(cmdline_has(&parsed, "bogus"));
	KT_ASSERT(cmdline_first_unknown(&parsed, 2));
	KT_ASSERT(!cmdline_first_unknown(&parsed, 3));	/* reported once */
}

/* The boot summary prints the command line through kprint_escaped(): random
 * bytes, ESC sequences among them, reach the terminal as printable ASCII
 * only, and an escape reads back as the byte it stands for. What is printed
 * goes out as a KTAP diagnostic line. */
KTEST(cmdline_summary_print_is_escaped)
{
	static char out[4 * 256 + 1];
	char line[256];
	uint64_t seed = 0x65736321;
	int n;

	for (size_t i = 0; i < sizeof(line) - 1; i++)
		line[i] = (char)(ktest_random(&seed) % 255 + 1);
	line[sizeof(line) - 1] = '\0';
	kprintf("# ");
	console_capture(out, sizeof(out));
	n = kprint_escaped(line);
	console_capture(NULL, 0);
	kprintf("\n");
	KT_ASSERT_EQ(strlen(out), n);
	for (int i = 0; i < n; i++)
		KT_ASSERT(out[i] >= 0x20 && out[i] <= 0x7e);
	kprintf("# ");
	console_capture(out, sizeof(out));
	kprint_escaped("a\x1b[2J\"\\\xff");
	console_capture(NULL, 0);
	kprintf("\n");
	KT_EXPECT_STREQ(out, "a\\x1b[2J\\\"\\\\\\xff");
}
