/*
 * tests/kernel/user_program_test.c - static musl programs (user/, built by
 * mk/user.mk, on the ISO as boot modules) run unmodified: each is a case
 * that exits 0 on success, and what it prints is checked too.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/console.h"
#include "kernel/exec.h"
#include "kernel/frame.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/program.h"

#define OUTPUT_MAX 1024

/* Run module @name with @argc words of @argv, expect exit status 0 and
 * @shows in its output. Skips when the image has no such module. */
static void run_case(struct ktest_ctx *t, const char *name, int argc,
		     const char *const *argv, const char *shows)
{
	static char out[OUTPUT_MAX];
	struct process_end end;
	int err;

	kprintf("# ");
	console_capture(out, sizeof(out));
	err = program_run(name, argc, argv, &end);
	console_capture(NULL, 0);
	kprintf("\n");
	if (err == -ENOENT) {
		ktest_skip(t, "no module \"%s\" (make user)", name);
		return;
	}
	KT_ASSERT_EQ(err, 0);
	KT_ASSERT(!end.killed);
	KT_ASSERT_EQ(end.status, 0);
	if (!strstr(out, shows))
		ktest_fail_at(t, __FILE__, __LINE__, "output lacks \"%s\"",
			      shows);
}

#define ARGS(...) (sizeof((const char *const[]){ __VA_ARGS__ }) / \
		   sizeof(const char *)), (const char *const[]){ __VA_ARGS__ }

KTEST(user_musl_hello_prints_its_arguments)
{
	run_case(t, "hello", ARGS("hello", "one", "two words"),
		 "hello, world from hello\nargv[1] = \"one\"\n"
		 "argv[2] = \"two words\"\n");
}

KTEST(user_musl_initial_stack_is_the_abi_s)
{
	run_case(t, "test-args", ARGS("test-args", "x"),
		 "args: argc 2, 0 environment strings: ok");
}

KTEST(user_musl_printf_and_malloc)
{
	run_case(t, "malloc", ARGS("malloc"), ": ok");
}

KTEST(user_musl_thread_local_storage)
{
	run_case(t, "tls", ARGS("tls"), "tls: counter=1042");
}

KTEST(user_musl_write_and_writev)
{
	run_case(t, "test-io", ARGS("test-io"),
		 "io: write\nio: writev in three parts\n");
}

KTEST(user_musl_bad_pointers_get_efault)
{
	/* Two of the reads wait for input before they can fault: a line
	 * each (a read stops at a newline). */
	console_input_push("a\nb\n", 4);
	run_case(t, "test-efault", ARGS("test-efault"), "efault: ok");
	while (console_getc() >= 0)
		;
}

KTEST(user_musl_clock_is_monotonic)
{
	run_case(t, "test-clock", ARGS("test-clock"), "clock: ok");
}

KTEST(user_musl_brk_and_mmap)
{
	run_case(t, "test-memory", ARGS("test-memory"), "memory: ok");
}

KTEST(user_musl_small_calls)
{
	run_case(t, "test-misc", ARGS("test-misc"), "misc: ok");
}

KTEST(user_musl_program_leaves_no_frame_behind)
{
	uint64_t before = frame_free_count();

	run_case(t, "malloc", ARGS("malloc"), ": ok");
	KT_ASSERT_EQ(frame_free_count(), before);
}

KTEST(user_not_an_elf_is_refused_with_a_reason)
{
	static const char junk[64] = "#!/bin/sh\n";
	char why[128] = "";
	const char *argv[] = { "junk" };

	KT_ASSERT(!exec_load("junk", junk, sizeof(junk), 1, argv, why,
			     sizeof(why)));
	kprintf("# refused: %s\n", why);
	KT_ASSERT(why[0]);
	KT_ASSERT_EQ(process_count(), 0);
}

KTEST(user_missing_program_is_enoent)
{
	struct process_end end;
	const char *argv[] = { "no-such-program" };

	KT_ASSERT_EQ(program_run("no-such-program", 1, argv, &end), -ENOENT);
}
