/*
 * kernel/ktest.c - run the KTEST records, suite by suite, and print KTAP
 * version 1 (Linux Documentation/dev-tools/ktap.rst): a top-level plan that
 * counts suites, then each suite as a subtest, indented, with its own
 * version line, "# Subtest:" header, plan and results, closed by the
 * suite's own result line.
 */
#include "kernel/ktest.h"

#include <stdarg.h>
#include <stddef.h>

#include "lib/glob.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/arch.h"
#include "kernel/ktest_cpu.h"
#include "kernel/printk.h"

extern const struct ktest __ktests_start[];
extern const struct ktest __ktests_end[];

/* One level of subtest indentation (ktap.rst, "Nested tests"). */
#define INDENT "  "
/* The suite of the KTEST_LAST tests: checks of what all the others left. */
#define FINAL_SUITE "final"
/* Records ktest_run() can put in order; more are refused with a message. */
#define KTEST_MAX 512
#define REASON_MAX 160
/* The directive for the test a panic cut short (ktap.rst: "ERROR"). */
#define PANIC_DIRECTIVE "ERROR kernel panic"
/* Room for a result line: indent, number, name and reason, each '#' in
 * them doubled by its escape. */
#define LINE_MAX (2 * REASON_MAX + 2 * 64 + 32)
#define MIN_LEN(a, b) ((a) < (b) ? (a) : (b))

struct ktest_ctx {
	bool failed;
	bool skipped;
	char reason[REASON_MAX];	/* the first failure, or the skip reason */
};

struct ktest_counts {
	size_t passed, failed, skipped;
};

/* What is running, for ktest_report_panic(). */
static struct {
	const struct ktest *test;	/* NULL between tests */
	size_t number;			/* its number within its suite */
	const struct ktest *suite;	/* a test of the running suite */
	size_t suite_number;
} now;

/* The records in running order (sort_records()). */
static const struct ktest *order[KTEST_MAX];
static size_t n_order;

static bool running;
static const struct boot_info *boot_info;

/*
 * A run started from inside a test (the shell's tests run "ktest PATTERN"):
 * its lines are prefixed "# ", diagnostics of the running test, so that
 * they do not break the report around them, and the suite that started it
 * is left out, so that it cannot start itself again.
 */
static const char *line_prefix = "";
static const struct ktest *excluded_suite;

/* The counts of the last top-level run, for ktest_print_banner(). */
static struct ktest_counts last_counts;
static bool last_ok;

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

/* Print one line of the report (the format ends in '\n'). */
__attribute__((format(printf, 1, 2))) static void ktap_line(const char *fmt,
							     ...)
{
	va_list ap;

	kprintf("%s", line_prefix);
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

void ktest_fail_at(struct ktest_ctx *t, const char *file, int line,
		   const char *fmt, ...)
{
	char msg[REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* KTAP diagnostic lines start with '#'. Every test is a subtest of
	 * its suite, so the line is indented as the test's result is. */
	ktap_line(INDENT "# %s:%d: %s\n", file, line, msg);
	/* The place starts the reason on the result line too, so a message
	 * starting with a directive word ("SKIP ...") is never read as one. */
	if (!t->failed)
		snprintf(t->reason, sizeof(t->reason), "%s:%d: %s", file, line,
			 msg);
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

/* --- Suites and order ---------------------------------------------------- */

/* The suite of @k: its name up to the first '_', or "final" for a
 * KTEST_LAST test. The name is not terminated; *@len is its length. */
static const char *suite_of(const struct ktest *k, size_t *len)
{
	const char *sep;

	if (k->flags & KTEST_LAST) {
		*len = sizeof(FINAL_SUITE) - 1;
		return FINAL_SUITE;
	}
	sep = strchr(k->name, '_');
	*len = sep ? (size_t)(sep - k->name) : strlen(k->name);
	return k->name;
}

static bool same_suite(const struct ktest *a, const struct ktest *b)
{
	size_t la, lb;
	const char *sa = suite_of(a, &la), *sb = suite_of(b, &lb);

	return la == lb && memcmp(sa, sb, la) == 0;
}

/* True when @pattern matches the first @len bytes of @s. */
static bool glob_match_n(const char *pattern, const char *s, size_t len)
{
	char word[64];

	if (len >= sizeof(word))
		return false;
	memcpy(word, s, len);
	word[len] = '\0';
	return glob_match(pattern, word);
}

/* Whether ktest=@pattern runs @k: @pattern matches its name, the name's
 * prefix before the first '_', or its suite ("final" for the last ones). */
static bool selected_by(const struct ktest *k, const char *pattern)
{
	const char *sep = strchr(k->name, '_');
	const char *suite;
	size_t len;

	if (k->flags & KTEST_BENCH)
		return false;
	if (excluded_suite && same_suite(k, excluded_suite))
		return false;
	if (k->flags & KTEST_EXPLICIT)
		return pattern && strcmp(pattern, k->name) == 0;
	if (!pattern || glob_match(pattern, k->name))
		return true;
	if (sep && glob_match_n(pattern, k->name, (size_t)(sep - k->name)))
		return true;
	suite = suite_of(k, &len);
	return glob_match_n(pattern, suite, len);
}

/* ktest=A,B,...: @k runs when any of the comma-separated patterns would run
 * it alone. An item of 64 bytes or more is left out: no test's name is that
 * long (glob_match_n() takes names below 64 bytes). */
static bool selected(const struct ktest *k, const char *patterns)
{
	char one[64];

	if (!patterns)
		return selected_by(k, NULL);
	for (const char *p = patterns; *p; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len && len < sizeof(one)) {
			memcpy(one, p, len);
			one[len] = '\0';
			if (selected_by(k, one))
				return true;
		}
		p += len;
		p += *p == ',';
	}
	return false;
}

/* Where @k's file comes among the files: the index of its first record. */
static size_t file_rank(const struct ktest *k)
{
	const struct ktest *r = __ktests_start;

	while (strcmp(r->file, k->file) != 0)
		r++;
	return (size_t)(r - __ktests_start);
}

/* Whether @a runs before @b: the final checks last, the others in source
 * order (files in link order, which the Makefile sorts by name, then line). */
static bool runs_before(const struct ktest *a, const struct ktest *b)
{
	bool a_last = a->flags & KTEST_LAST, b_last = b->flags & KTEST_LAST;
	size_t ra, rb;

	if (a_last != b_last)
		return b_last;
	ra = file_rank(a);
	rb = file_rank(b);
	return ra != rb ? ra < rb : a->line < b->line;
}

/* Fill order[] with the records in running order (an insertion sort: the
 * records are few). False, after saying why, when there are too many. */
static bool sort_records(void)
{
	size_t n = (size_t)(__ktests_end - __ktests_start);

	if (n > KTEST_MAX) {
		ktap_line("# ktest: %zu test records, more than KTEST_MAX (%d) "
			"in kernel/ktest.c\n", n, KTEST_MAX);
		return false;
	}
	for (n_order = 0; n_order < n; n_order++) {
		const struct ktest *k = &__ktests_start[n_order];
		size_t i = n_order;

		for (; i > 0 && runs_before(k, order[i - 1]); i--)
			order[i] = order[i - 1];
		order[i] = k;
	}
	return true;
}

/* True when order[@i] is selected and the first selected test of its suite. */
static bool opens_suite(size_t i, const char *pattern)
{
	if (!selected(order[i], pattern))
		return false;
	for (size_t j = 0; j < i; j++) {
		if (selected(order[j], pattern) && same_suite(order[j], order[i]))
			return false;
	}
	return true;
}

static size_t count_suites(const char *pattern)
{
	size_t n = 0;

	for (size_t i = 0; i < n_order; i++)
		n += opens_suite(i, pattern);
	return n;
}

/* The selected tests of the suite that order[@first] opens. */
static size_t count_in_suite(size_t first, const char *pattern)
{
	size_t n = 0;

	for (size_t i = first; i < n_order; i++)
		n += selected(order[i], pattern) &&
		     same_suite(order[i], order[first]);
	return n;
}

/* --- KTAP lines ---------------------------------------------------------- */

/*
 * Append at most @n bytes of @src to @line (holding *@len bytes), writing
 * each '#' as "\#". On a result line '#' starts the directive, so a reason
 * containing "# SKIP" would make a parser (Linux's kunit_parser.py among
 * them) report a failed test as skipped; ktap.rst allows no '#' in a test
 * name. "\#" is TAP 14's escape and no parser takes it for a separator.
 */
static void append_escaped(char *line, size_t *len, const char *src, size_t n)
{
	for (; n > 0 && *src && *len + 2 < LINE_MAX; src++, n--) {
		if (*src == '#')
			line[(*len)++] = '\\';
		line[(*len)++] = *src;
	}
	line[*len] = '\0';
}

/*
 * Print "[not ]ok NUMBER NAME[ # DIRECTIVE][ REASON]" after @indent, where
 * NAME is the first @name_len bytes of @name; @directive and @reason may be
 * NULL. The buffer is static: the panic path may run on a small stack.
 */
static void print_result(const char *indent, bool ok, size_t number,
			 const char *name, size_t name_len,
			 const char *directive, const char *reason)
{
	static char line[LINE_MAX];
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), "%s%s %zu ", indent,
			       ok ? "ok" : "not ok", number);
	len = MIN_LEN(len, sizeof(line) - 1);
	append_escaped(line, &len, name, name_len);
	if (directive || reason)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " #%s%s",
					directive ? " " : "",
					directive ? directive : "");
	len = MIN_LEN(len, sizeof(line) - 1);	/* snprintf says what it wanted */
	if (reason && *reason) {
		append_escaped(line, &len, " ", 1);
		append_escaped(line, &len, reason, REASON_MAX);
	}
	ktap_line("%s\n", line);
}

static void print_suite_result(bool ok, const char *directive)
{
	size_t len;
	const char *name = suite_of(now.suite, &len);

	print_result("", ok, now.suite_number, name, len, directive, NULL);
}

void ktest_report_panic(void)
{
	static bool reported;

	/* Set first: should printing panic again, this prints nothing. */
	if (reported || !now.test)
		return;
	reported = true;
	print_result(INDENT, false, now.number, now.test->name,
		     strlen(now.test->name), PANIC_DIRECTIVE, NULL);
	print_suite_result(false, PANIC_DIRECTIVE);
}

/* --- Running ------------------------------------------------------------- */

/* Run one test as number @number of its suite; print its result line. */
static void run_one(const struct ktest *k, size_t number,
		    struct ktest_counts *c)
{
	struct ktest_ctx ctx = { .failed = false };
	size_t len = strlen(k->name);

	now.test = k;
	now.number = number;
	k->fn(&ctx);
	now.test = NULL;
	if (ctx.failed) {
		print_result(INDENT, false, number, k->name, len, NULL,
			     ctx.reason);
		c->failed++;
	} else if (ctx.skipped) {
		print_result(INDENT, true, number, k->name, len, "SKIP",
			     ctx.reason);
		c->skipped++;
	} else {
		print_result(INDENT, true, number, k->name, len, NULL, NULL);
		c->passed++;
	}
}

/* Whether a selected test of the suite that order[@first] opens times the
 * machine against real time (KTEST_TIMING). */
static bool suite_is_timing(size_t first, const char *pattern)
{
	for (size_t i = first; i < n_order; i++) {
		if (selected(order[i], pattern) &&
		    same_suite(order[i], order[first]) &&
		    (order[i]->flags & KTEST_TIMING))
			return true;
	}
	return false;
}

/* Run the suite that order[@first] opens as suite number @number. */
static void run_suite(size_t first, size_t number, const char *pattern,
		      struct ktest_counts *total)
{
	struct ktest_counts c = { 0, 0, 0 };
	size_t len, n = 0;
	const char *name = suite_of(order[first], &len);
	bool claimed = suite_is_timing(first, pattern) &&
		       ktest_cpu_claim(name, (int)len);

	now.suite = order[first];
	now.suite_number = number;
	ktap_line(INDENT "KTAP version 1\n");
	ktap_line(INDENT "# Subtest: %.*s\n", (int)len, name);
	ktap_line(INDENT "1..%zu\n", count_in_suite(first, pattern));
	for (size_t i = first; i < n_order; i++) {
		if (selected(order[i], pattern) &&
		    same_suite(order[i], order[first]))
			run_one(order[i], ++n, &c);
	}
	/* ktap.rst: a parent fails when a subtest does; skips do not count,
	 * but a suite of nothing but skips is skipped. */
	print_suite_result(c.failed == 0,
			   c.failed == 0 && c.passed == 0 ? "SKIP" : NULL);
	if (claimed)
		ktest_cpu_release(name, (int)len);
	total->passed += c.passed;
	total->failed += c.failed;
	total->skipped += c.skipped;
}

/* Run the selected tests and print their report and the summary line. */
static bool run_selected(const char *pattern)
{
	struct ktest_counts c = { 0, 0, 0 };
	size_t suites, number = 0;
	bool ok = sort_records();

	suites = ok ? count_suites(pattern) : 0;
	ktap_line("KTAP version 1\n");
	ktap_line("1..%zu\n", suites);
	for (size_t i = 0; i < n_order; i++) {
		if (opens_suite(i, pattern))
			run_suite(i, ++number, pattern, &c);
	}
	ktap_line("# ktest end: %zu passed, %zu failed, %zu skipped\n",
		  c.passed, c.failed, c.skipped);
	if (ok && suites == 0)
		ktap_line("# ktest: no test matches \"%s\"\n",
			  pattern ? pattern : "*");
	ok = ok && suites > 0 && c.failed == 0;
	if (!excluded_suite) {
		last_counts = c;
		last_ok = ok;
	}
	return ok;
}

int ktest_run_tests(const char *pattern)
{
	bool nested = running;
	typeof(now) outer = now;
	bool ok;

	if (nested) {
		line_prefix = "# ";
		excluded_suite = now.suite;
	}
	running = true;
	ok = run_selected(pattern);
	running = nested;
	if (nested) {
		now = outer;
		line_prefix = "";
		excluded_suite = NULL;
	}
	return ok ? 0 : -1;
}

int ktest_run(const char *pattern)
{
	int err = ktest_run_tests(pattern);

	arch_exit_emulator(err ? KTEST_EXIT_FAIL : KTEST_EXIT_PASS);
	return err;
}

/* --- The closing banner ------------------------------------------------- */

/* "PASSED" and "FAILED" in letters five rows high. */
#define BIG_ROWS 5
static const struct {
	char letter;
	const char *rows[BIG_ROWS];
} big_font[] = {
	{ 'A', { " ### ", "#   #", "#####", "#   #", "#   #" } },
	{ 'D', { "#### ", "#   #", "#   #", "#   #", "#### " } },
	{ 'E', { "#####", "#    ", "#### ", "#    ", "#####" } },
	{ 'F', { "#####", "#    ", "#### ", "#    ", "#    " } },
	{ 'I', { "#####", "  #  ", "  #  ", "  #  ", "#####" } },
	{ 'L', { "#    ", "#    ", "#    ", "#    ", "#####" } },
	{ 'P', { "#### ", "#   #", "#### ", "#    ", "#    " } },
	{ 'S', { " ####", "#    ", " ### ", "    #", "#### " } },
};

/* ECMA-48 SGR: bold green, bold red, back to the default. */
#define SGR_PASS "\x1b[1;32m"
#define SGR_FAIL "\x1b[1;31m"
#define SGR_RESET "\x1b[0m"
#define BANNER_RULE "  ==============================================\n"

static const char *big_row(char letter, int row)
{
	for (size_t i = 0; i < sizeof(big_font) / sizeof(big_font[0]); i++) {
		if (big_font[i].letter == letter)
			return big_font[i].rows[row];
	}
	return "     ";
}

static void print_big(const char *word)
{
	for (int row = 0; row < BIG_ROWS; row++) {
		kprintf("    ");
		for (const char *w = word; *w; w++)
			kprintf("%s ", big_row(*w, row));
		kprintf("\n");
	}
}

void ktest_print_banner(void)
{
	kprintf("\n%s" BANNER_RULE "\n", last_ok ? SGR_PASS : SGR_FAIL);
	kprintf("    Keel self-test\n\n");
	print_big(last_ok ? "PASSED" : "FAILED");
	kprintf("\n    Keel self-test %s: %zu passed, %zu failed, %zu "
		"skipped\n\n" BANNER_RULE SGR_RESET "\n",
		last_ok ? "PASSED" : "FAILED", last_counts.passed,
		last_counts.failed, last_counts.skipped);
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
