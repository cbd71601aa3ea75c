/*
 * kernel/ktest.c - run the KTEST records and print KTAP version 1.
 */
#include "kernel/ktest.h"

#include <stdarg.h>
#include <stddef.h>

#include "lib/glob.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/arch.h"
#include "kernel/printk.h"

extern const struct ktest __ktests_start[];
extern const struct ktest __ktests_end[];

struct ktest_ctx {
	bool failed;
	bool skipped;
	char reason[96];	/* the first failure, or the skip reason */
};

static bool running;
static const struct boot_info *boot_info;

static bool requested;

bool ktest_running(void)
{
	return running || requested;
}

void ktest_set_requested(void)
{
	requested = true;
}

void ktest_set_boot_info(const struct boot_info *info)
{
	boot_info = info;
}

const struct boot_info *ktest_boot_info(void)
{
	return boot_info;
}

void ktest_fail_at(struct ktest_ctx *t, const char *file, int line,
		   const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* KTAP diagnostic lines start with '#'. */
	kprintf("    # %s:%d: %s\n", file, line, msg);
	if (!t->failed)
		strlcpy(t->reason, msg, sizeof(t->reason));
	t->failed = true;
}

bool ktest_has_failed(const struct ktest_ctx *t)
{
	return t->failed;
}

void ktest_skip(struct ktest_ctx *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
	t->skipped = true;
}

void ktest_expect_streq(struct ktest_ctx *t, const char *file, int line,
			const char *expr, const char *a, const char *b)
{
	if (!a || !b || strcmp(a, b) != 0)
		ktest_fail_at(t, file, line, "%s: \"%s\" != \"%s\"", expr,
			      a ? a : "(null)", b ? b : "(null)");
}

static bool selected(const struct ktest *k, const char *pattern)
{
	if (k->flags & KTEST_BENCH)
		return false;
	if (k->flags & KTEST_EXPLICIT)
		return pattern && strcmp(pattern, k->name) == 0;
	return !pattern || glob_match(pattern, k->name);
}

static size_t count_selected(const char *pattern)
{
	size_t n = 0;

	for (const struct ktest *k = __ktests_start; k < __ktests_end; k++)
		n += selected(k, pattern);
	return n;
}

/* Run one test and print its KTAP result line. Returns true unless failed. */
static bool run_one(const struct ktest *k, size_t number)
{
	struct ktest_ctx ctx = { .failed = false };

	k->fn(&ctx);
	if (ctx.failed)
		kprintf("not ok %zu %s # %s\n", number, k->name, ctx.reason);
	else if (ctx.skipped)
		kprintf("ok %zu %s # SKIP %s\n", number, k->name, ctx.reason);
	else
		kprintf("ok %zu %s\n", number, k->name);
	return !ctx.failed;
}

int ktest_run(const char *pattern)
{
	size_t total = count_selected(pattern);
	size_t number = 0;
	size_t failed = 0;

	running = true;
	kprintf("KTAP version 1\n1..%zu\n", total);
	/* Two passes: KTEST_LAST tests check what all the others left. */
	for (int last = 0; last <= 1; last++) {
		for (const struct ktest *k = __ktests_start; k < __ktests_end; k++) {
			if (!selected(k, pattern) || !(k->flags & KTEST_LAST) != !last)
				continue;
			failed += !run_one(k, ++number);
		}
	}
	kprintf("# ktest end: %zu passed, %zu failed\n", total - failed,
		failed);
	if (total == 0) {
		kprintf("# ktest: no test matches \"%s\"\n",
			pattern ? pattern : "*");
		failed = 1;
	}
	running = false;
	arch_exit_emulator(failed ? KTEST_EXIT_FAIL : KTEST_EXIT_PASS);
	return failed ? -1 : 0;
}

void kbench_report(const char *name, uint64_t value, const char *unit)
{
	kprintf("bench: %-40s %12llu %s\n", name, (unsigned long long)value,
		unit);
}

int kbench_run(void)
{
	size_t failed = 0;

	running = true;
	kprintf("# bench start\n");
	for (const struct ktest *k = __ktests_start; k < __ktests_end; k++) {
		struct ktest_ctx ctx = { .failed = false };

		if (!(k->flags & KTEST_BENCH))
			continue;
		k->fn(&ctx);
		if (ctx.failed) {
			kprintf("# bench %s failed: %s\n", k->name, ctx.reason);
			failed++;
		}
	}
	kprintf("# bench end: %zu failed\n", failed);
	running = false;
	arch_exit_emulator(failed ? KTEST_EXIT_FAIL : KTEST_EXIT_PASS);
	return failed ? -1 : 0;
}
