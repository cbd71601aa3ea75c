/*
 * tests/kernel/shell_test.c - the monitor shell in the kernel build: the
 * line editor fed key sequences, and each command's output, caught with
 * console_capture(), checked against what the kernel knows by another path.
 */
#include <stdint.h>

#include "lib/errno.h"
#include "lib/line_edit.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/shell.h"
#include "kernel/version.h"

static char out[4096];

/* Run @line in the shell; its output is in out[]. */
static int run(const char *line)
{
	int err;

	console_capture(out, sizeof(out));
	err = shell_execute(line);
	console_capture(NULL, 0);
	return err;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Fail (and go on) unless out[] holds @want. */
#define EXPECT_OUT(want)                                                    \
	do {                                                                \
		if (!strstr(out, (want)))                                   \
			ktest_fail_at(t, __FILE__, __LINE__,                \
				      "no \"%s\" in \"%.80s\"", (want), out); \
	} while (0)

struct echo_buf {
	char text[256];
	size_t len;
};

static void echo_to_buf(void *ctx, const char *s, size_t len)
{
	struct echo_buf *e = ctx;

	while (len-- && e->len + 1 < sizeof(e->text))
		e->text[e->len++] = *s++;
	e->text[e->len] = '\0';
}

/* Feed @keys; returns the first status other than EDITING, if any. */
static enum line_edit_status feed(struct line_edit *le, const char *keys)
{
	enum line_edit_status st = LINE_EDIT_EDITING;

	for (; *keys; keys++) {
		enum line_edit_status now =
			line_edit_feed(le, (unsigned char)*keys);

		if (st == LINE_EDIT_EDITING)
			st = now;
	}
	return st;
}

/* Typing, a move left, an insert, Backspace, junk and Enter; then Up. */
KTEST(shell_line_editor_edits_and_recalls)
{
	static struct line_edit le;
	static struct echo_buf echo;
	char line[LINE_EDIT_MAX + 1];

	echo.len = 0;		/* "ktest" may run this twice in a boot */
	line_edit_init(&le, line, sizeof(line), echo_to_buf, &echo);
	KT_ASSERT_EQ(feed(&le, "mpx\x7f 10\x1b[D\x1b[D\x1b[1;5C\x80\t"),
		     LINE_EDIT_EDITING);
	KT_ASSERT_EQ(feed(&le, "\x1b[H" "a\x1b[F0\r\n"), LINE_EDIT_DONE);
	KT_EXPECT_STREQ(line, "amp 100");
	KT_EXPECT_STREQ(echo.text, "mpx\b\x1b[K 10\b\b\x1b[3D"
			"amp 10\x1b[5D" "mp 10" "0\n");
	echo.len = 0;
	KT_ASSERT_EQ(feed(&le, "junk\x03"), LINE_EDIT_CANCELLED);
	KT_ASSERT_EQ(feed(&le, "\x1b[A\r"), LINE_EDIT_DONE);
	KT_EXPECT_STREQ(line, "amp 100");
}

KTEST(shell_help_lists_every_command)
{
	static const char *const names[] = {
		"help", "version", "mem", "map", "vm", "cpu", "uptime",
		"ktest", "reboot", "halt", "threads", "spin",
	};

	KT_ASSERT_EQ(run("help"), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char row[32];

		snprintf(row, sizeof(row), "  %-8s ", names[i]);
		EXPECT_OUT(row);
	}
	EXPECT_OUT("ktest    [PATTERN]");
}

KTEST(shell_version_names_the_release)
{
	KT_ASSERT_EQ(run("  version  "), 0);
	EXPECT_OUT("Keel " KEEL_VERSION " (x86_64)");
	KT_ASSERT_EQ(count_lines(out), 1);
}

/* The free-frame count printed is the allocator's own. */
KTEST(shell_mem_agrees_with_the_frame_allocator)
{
	char want[64];

	KT_ASSERT_EQ(run("mem"), 0);
	snprintf(want, sizeof(want), ": %llu free, ",
		 (unsigned long long)frame_free_count());
	EXPECT_OUT(want);
	EXPECT_OUT("heap: ");
	EXPECT_OUT(" bytes in use (peak ");
}

/* A kernel function, by name and by address: the frame is the one the
 * image was loaded at (KERNEL_VMA + p maps p), read-only and executable. */
KTEST(shell_map_of_a_kernel_function_gives_its_frame)
{
	uint64_t va = (uintptr_t)shell_execute;
	uint64_t phys = kernel_virt_to_phys((const void *)shell_execute);
	char want[96], cmd[40];

	snprintf(want, sizeof(want), "0x%llx (shell_execute+0x0): frame 0x%llx"
		 " + 0x%llx, 4 KiB page, read-only, ",
		 (unsigned long long)va, (unsigned long long)(phys & ~0xfffULL),
		 (unsigned long long)(phys & 0xfff));
	KT_ASSERT_EQ(run("map shell_execute"), 0);
	EXPECT_OUT(want);
	snprintf(cmd, sizeof(cmd), "map 0x%llx", (unsigned long long)va);
	KT_ASSERT_EQ(run(cmd), 0);
	EXPECT_OUT(want);
	snprintf(cmd, sizeof(cmd), "map %llx", (unsigned long long)va);
	KT_ASSERT_EQ(run(cmd), 0);
	EXPECT_OUT(want);
	EXPECT_OUT(arch_cpu_info()->has_nx ? "executable, kernel-only"
					   : "executable");
}

/* RAM through the direct map: a frame the allocator hands out (usable
 * RAM: a fixed address may hold a boot module, which the direct map holds
 * read-only), in whatever page size maps it there, split into frame and
 * offset; writable and, with NX, not executable. */
KTEST(shell_map_of_the_direct_map)
{
	const uint64_t phys = frame_alloc();
	struct arch_mapping m;
	char cmd[40], want[64];

	KT_ASSERT(phys != 0);
	frame_free(phys);	/* only its mapping is looked at */
	KT_ASSERT_EQ(arch_translate(PHYS_OFFSET + phys, &m), 0);
	KT_ASSERT_EQ(m.phys, phys);
	snprintf(want, sizeof(want), ": frame 0x%llx + 0x%llx, %s page, ",
		 (unsigned long long)(phys & ~(m.page_size - 1)),
		 (unsigned long long)(phys & (m.page_size - 1)),
		 m.page_size == 4096 ? "4 KiB" :
		 m.page_size == 2 << 20 ? "2 MiB" : "1 GiB");
	snprintf(cmd, sizeof(cmd), "map 0x%llx", PHYS_OFFSET + phys);
	KT_ASSERT_EQ(run(cmd), 0);
	EXPECT_OUT(want);
	EXPECT_OUT("writable");
	if (arch_cpu_info()->has_nx)
		EXPECT_OUT("no-execute");
}

/* A non-canonical address, a bad one and an unmapped one: one line each. */
KTEST(shell_map_refuses_bad_addresses_in_one_line)
{
	KT_ASSERT_EQ(run("map 0x0000800000000000"), -EINVAL);
	EXPECT_OUT("map: 0x800000000000 is not a canonical address");
	KT_ASSERT_EQ(count_lines(out), 1);
	KT_ASSERT_EQ(run("map 0x12345678901234567"), -EINVAL);
	EXPECT_OUT("is neither a hex address nor a function name");
	KT_ASSERT_EQ(count_lines(out), 1);
	KT_ASSERT_EQ(run("map 0x"), -EINVAL);
	KT_ASSERT_EQ(count_lines(out), 1);
	KT_ASSERT_EQ(run("map 0x1000"), 0);
	KT_EXPECT_STREQ(out, "0x1000: not mapped\n");
}

KTEST(shell_unknown_command_gets_one_line)
{
	KT_ASSERT_EQ(run("frobnicate now"), -ENOENT);
	KT_EXPECT_STREQ(out, "unknown command \"frobnicate\"; \"help\" lists "
			"the commands\n");
	KT_ASSERT_EQ(run("   "), 0);
	KT_EXPECT_STREQ(out, "");
}

KTEST(shell_wrong_argument_count_gets_one_line)
{
	KT_ASSERT_EQ(run("map"), -EINVAL);
	KT_EXPECT_STREQ(out, "map: missing argument; usage: map ADDR\n");
	KT_ASSERT_EQ(run("uptime now"), -EINVAL);
	KT_EXPECT_STREQ(out, "uptime: too many arguments; usage: uptime\n");
	KT_ASSERT_EQ(run("a b c d e f g h i"), -EINVAL);
	KT_EXPECT_STREQ(out, "shell: more than 8 words\n");
}

KTEST(shell_vm_lists_the_regions)
{
	char text[40];

	KT_ASSERT_EQ(run("vm"), 0);
	EXPECT_OUT("0xffff800000000000-0xffffbfffffffffff     64 TiB "
		   "direct map");
	KT_ASSERT_EQ(count_lines(out), 13);
	EXPECT_OUT("0xffffc00000000000-");
	EXPECT_OUT("0xffffc80000000000-0xffffc87fffffffff    512 GiB thread "
		   "stacks");
	snprintf(text, sizeof(text), "0x%016llx-",
		 (unsigned long long)(uintptr_t)__text_start);
	EXPECT_OUT(text);
	EXPECT_OUT(" .text (read+execute)");
}

KTEST(shell_cpu_names_the_vendor)
{
	KT_ASSERT_EQ(run("cpu"), 0);
	EXPECT_OUT(arch_cpu_info()->vendor);
	EXPECT_OUT(arch_cpu_info()->has_nx ? "NX on" : "NX not available");
	EXPECT_OUT("cycle counter: ");
}

KTEST(shell_uptime_reports_the_tick)
{
	KT_ASSERT_EQ(run("uptime"), 0);
	EXPECT_OUT("uptime: ");
	EXPECT_OUT(" ticks at ");
}

/* "ktest PATTERN" runs the tests and comes back; the shell's own suite is
 * left out of a run from inside it, and a glob never runs an explicit test
 * (runner_panic would end the machine). */
KTEST(shell_ktest_runs_tests_and_returns)
{
	KT_ASSERT_EQ(run("ktest printf"), 0);
	EXPECT_OUT("#   ok 1 printf_integers_and_widths\n");
	EXPECT_OUT("# ok 1 printf\n");
	EXPECT_OUT("ktest: every test passed\n");
	KT_ASSERT(run("ktest shell") != 0);
	EXPECT_OUT("# # ktest: no test matches \"shell\"");
	KT_ASSERT(run("ktest runner_pani?") != 0);
	EXPECT_OUT("no test matches");
	KT_ASSERT(run("ktest runner_*") != 0);
	EXPECT_OUT("no test matches");
}

/* A comma-separated list runs what each of its patterns selects, and an
 * empty item or one that matches nothing adds nothing. */
KTEST(shell_ktest_takes_a_list_of_patterns)
{
	KT_ASSERT_EQ(run("ktest printf_integers_and_widths,,nothing_*,"
			 "elf"), 0);
	EXPECT_OUT("#   ok 2 elf_initial_stack_in_the_kernel_build\n");
	EXPECT_OUT("# ok 1 elf\n");
	EXPECT_OUT("#   ok 1 printf_integers_and_widths\n");
	EXPECT_OUT("# ok 2 printf\n");
	EXPECT_OUT("ktest: every test passed\n");
	KT_ASSERT(strstr(out, "printf_never_writes_past_buffer") == NULL);
	KT_ASSERT(run("ktest nothing_*,,") != 0);
	EXPECT_OUT("no test matches");
}
