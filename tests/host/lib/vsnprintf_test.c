/*
 * tests/host/lib/vsnprintf_test.c - host tests of lib/vsnprintf.c.
 *
 * Most tests build a table of formats x values and require keel_snprintf to
 * produce the same bytes and the same return value as the host's snprintf
 * (glibc). The rest cover what the host cannot judge: truncation with a
 * canary after the buffer, the callback core, and Keel's documented answers
 * for NULL strings and unknown conversions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/keel_lib.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define OUT_SIZE	1024
/* How many mismatches are printed; the rest are only counted. */
#define MAX_REPORTS	20

typedef int (*snprintf_fn)(char *buf, size_t size, const char *fmt, ...);

/* The C type an argument is passed as; one per length modifier. */
enum arg_kind {
	ARG_NONE, ARG_INT, ARG_UINT, ARG_LONG, ARG_ULONG, ARG_LLONG,
	ARG_ULLONG, ARG_SIZE, ARG_INTMAX, ARG_UINTMAX, ARG_PTRDIFF,
	ARG_STR, ARG_PTR,
};

struct arg {
	enum arg_kind kind;
	unsigned long long bits;	/* integers and pointers, as 64 bits */
	const char *str;		/* ARG_STR */
};

/* Tallies of one table test. */
struct tally {
	int cases;
	int mismatches;
};

/* Calls fn with one argument of a's type, converted from a's value. */
static int call_with(snprintf_fn fn, char *buf, size_t size, const char *fmt,
		     const struct arg *a)
{
	unsigned long long v = a->bits;

	switch (a->kind) {
	case ARG_NONE:
		return fn(buf, size, fmt);
	case ARG_INT:
		return fn(buf, size, fmt, (int)v);
	case ARG_UINT:
		return fn(buf, size, fmt, (unsigned int)v);
	case ARG_LONG:
		return fn(buf, size, fmt, (long)v);
	case ARG_ULONG:
		return fn(buf, size, fmt, (unsigned long)v);
	case ARG_LLONG:
		return fn(buf, size, fmt, (long long)v);
	case ARG_ULLONG:
		return fn(buf, size, fmt, v);
	case ARG_SIZE:
		return fn(buf, size, fmt, (size_t)v);
	case ARG_INTMAX:
		return fn(buf, size, fmt, (intmax_t)v);
	case ARG_UINTMAX:
		return fn(buf, size, fmt, (uintmax_t)v);
	case ARG_PTRDIFF:
		return fn(buf, size, fmt, (ptrdiff_t)v);
	case ARG_STR:
		return fn(buf, size, fmt, a->str);
	case ARG_PTR:
		return fn(buf, size, fmt, (const void *)(uintptr_t)v);
	}
	fail_msg("bad argument kind %d", a->kind);
	return -1;
}

/* Same bytes (NULs from %c included) and same return value? */
static bool outputs_match(const char *host, int host_ret, const char *ours,
			  int ours_ret)
{
	if (host_ret != ours_ret || host_ret < 0 || host_ret >= OUT_SIZE)
		return false;
	return memcmp(host, ours, (size_t)host_ret + 1) == 0;
}

static void report(struct tally *t, const char *fmt, const struct arg *a,
		   const char *host, int host_ret, const char *ours,
		   int ours_ret)
{
	t->mismatches++;
	if (t->mismatches > MAX_REPORTS)
		return;
	print_error("format \"%s\" arg %#llx (kind %d): host \"%s\" = %d, "
		    "keel \"%s\" = %d\n", fmt, a->bits, a->kind, host,
		    host_ret, ours, ours_ret);
}

/* Formats a with fmt on both sides and records whether they agree. */
static void compare_one(struct tally *t, const char *fmt, const struct arg *a)
{
	char host[OUT_SIZE];
	char ours[OUT_SIZE];
	int host_ret;
	int ours_ret;

	memset(ours, 0x5a, sizeof(ours));
	host_ret = call_with(snprintf, host, sizeof(host), fmt, a);
	ours_ret = call_with(keel_snprintf, ours, sizeof(ours), fmt, a);
	t->cases++;
	if (!outputs_match(host, host_ret, ours, ours_ret))
		report(t, fmt, a, host, host_ret, ours, ours_ret);
}

/* Fails the current test if any case disagreed, after listing some. */
static void check_tally(const struct tally *t)
{
	print_message("# %d cases compared with the host's snprintf\n",
		      t->cases);
	assert_true(t->cases > 0);
	assert_int_equal(t->mismatches, 0);
}

/* Integer test values, as 64-bit patterns; narrower types keep low bits. */
static const unsigned long long int_values[] = {
	0, 1, 7, 8, 9, 10, 15, 16, 42, 99, 100, 127, 128, 255, 256,
	1000, 32767, 32768, 65535, 65536, 123456789, 0x7fffffff, 0x80000000,
	0xffffffff, 0x100000000, 01234567012345670, 0xdeadbeefcafef00d,
	LLONG_MAX, (unsigned long long)LLONG_MIN, ULLONG_MAX,
	(unsigned long long)-1, (unsigned long long)-42,
	(unsigned long long)-128, (unsigned long long)-129,
	(unsigned long long)-32768, (unsigned long long)INT_MIN,
	(unsigned long long)INT_MIN - 1,
};

/* Flags, width and precision between '%' and the conversion. */
static const char *const int_specs[] = {
	"", "0", "1", "5", "-5", "05", "+", " ", "#", "+5", "-+5", "- 5",
	"+05", " 05", "-05", "#5", "#05", "-#8", "+ ", ".0", ".1", ".3",
	".12", "8.3", "-8.3", "08.3", "+.3", " .3", "#.3", "#.0", "#1.0",
	" .0", "+.0", "5.0", "-5.0", "30", "-30", "030", "+030", "#030",
	"-#030", "25.22", "#25.22", "+-020.4", "0-20", "00005", "1.25",
	"300", "-300", ".300",
};

static const char *const length_mods[] = {
	"hh", "h", "", "l", "ll", "z", "j", "t",
};

/* The type C99 says an argument has for a length modifier. */
static enum arg_kind kind_for(const char *len, bool is_signed)
{
	static const enum arg_kind kinds[][2] = {
		{ ARG_UINT, ARG_INT }, { ARG_UINT, ARG_INT },
		{ ARG_UINT, ARG_INT }, { ARG_ULONG, ARG_LONG },
		{ ARG_ULLONG, ARG_LLONG }, { ARG_SIZE, ARG_SIZE },
		{ ARG_UINTMAX, ARG_INTMAX }, { ARG_PTRDIFF, ARG_PTRDIFF },
	};

	for (size_t i = 0; i < ARRAY_SIZE(length_mods); i++) {
		if (strcmp(len, length_mods[i]) == 0)
			return kinds[i][is_signed];
	}
	fail_msg("no length modifier %s", len);
	return ARG_NONE;
}

/* '#' is undefined for d, i and u in C99; skip those combinations. */
static bool spec_defined_for(const char *spec, char conv)
{
	return !(strchr(spec, '#') && strchr("diu", conv));
}

/* Every value of int_values through fmt, passed as kind. */
static void compare_values(struct tally *t, const char *fmt,
			   enum arg_kind kind)
{
	struct arg a = { .kind = kind };

	for (size_t v = 0; v < ARRAY_SIZE(int_values); v++) {
		a.bits = int_values[v];
		compare_one(t, fmt, &a);
	}
}

/* Every spec x length modifier x value for the conversions in convs. */
static void compare_integers(const char *convs, bool is_signed)
{
	struct tally t = { 0 };
	char fmt[32];

	for (const char *c = convs; *c; c++) {
		for (size_t l = 0; l < ARRAY_SIZE(length_mods); l++) {
			enum arg_kind kind = kind_for(length_mods[l], is_signed);

			for (size_t s = 0; s < ARRAY_SIZE(int_specs); s++) {
				if (!spec_defined_for(int_specs[s], *c))
					continue;
				snprintf(fmt, sizeof(fmt), "%%%s%s%c",
					 int_specs[s], length_mods[l], *c);
				compare_values(&t, fmt, kind);
			}
		}
	}
	check_tally(&t);
}

static void vsnprintf_test_signed_conversions_match_host(void **state)
{
	(void)state;
	compare_integers("di", true);
}

static void vsnprintf_test_unsigned_conversions_match_host(void **state)
{
	(void)state;
	compare_integers("uoxX", false);
}

/* Small, so that every output fits the buffers; negatives have meanings. */
static const int star_values[] = { -12, -5, -1, 0, 1, 2, 5, 12 };

/* Calls fn with the '*' arguments stars[0..nstars) and then a. */
static int call_starred(snprintf_fn fn, char *buf, const char *fmt,
			const int *stars, int nstars, const struct arg *a)
{
	const char *str = a->str;
	int v = (int)a->bits;

	if (nstars == 1 && a->kind == ARG_STR)
		return fn(buf, OUT_SIZE, fmt, stars[0], str);
	if (nstars == 1)
		return fn(buf, OUT_SIZE, fmt, stars[0], v);
	if (a->kind == ARG_STR)
		return fn(buf, OUT_SIZE, fmt, stars[0], stars[1], str);
	return fn(buf, OUT_SIZE, fmt, stars[0], stars[1], v);
}

static void compare_starred(struct tally *t, const char *fmt,
			    const int *stars, int nstars, const struct arg *a)
{
	char host[OUT_SIZE];
	char ours[OUT_SIZE];
	int host_ret = call_starred(snprintf, host, fmt, stars, nstars, a);
	int ours_ret = call_starred(keel_snprintf, ours, fmt, stars, nstars, a);

	t->cases++;
	if (!outputs_match(host, host_ret, ours, ours_ret))
		report(t, fmt, a, host, host_ret, ours, ours_ret);
}

static const struct {
	const char *fmt;
	int nstars;
	enum arg_kind kind;
} starred_fmts[] = {
	{ "%*d", 1, ARG_INT }, { "%-*d", 1, ARG_INT }, { "%0*x", 1, ARG_INT },
	{ "%.*d", 1, ARG_INT }, { "%+.*i", 1, ARG_INT }, { "%#.*o", 1, ARG_INT },
	{ "%*s", 1, ARG_STR }, { "%.*s", 1, ARG_STR },
	{ "%*.*d", 2, ARG_INT }, { "%-*.*d", 2, ARG_INT },
	{ "%0*.*d", 2, ARG_INT }, { "%+*.*i", 2, ARG_INT },
	{ "%*.*u", 2, ARG_INT }, { "%#*.*x", 2, ARG_INT },
	{ "%#*.*o", 2, ARG_INT }, { "%0*.*X", 2, ARG_INT },
	{ "%*.*s", 2, ARG_STR }, { "%-*.*s", 2, ARG_STR },
};

/* Every pair of '*' values with a few arguments, for each format. */
static void compare_starred_fmt(struct tally *t, size_t f)
{
	static const int ints[] = { INT_MIN, -42, -1, 0, 1, 42, INT_MAX };
	struct arg a = { .kind = starred_fmts[f].kind, .str = "kernel" };
	size_t n_args = a.kind == ARG_STR ? 1 : ARRAY_SIZE(ints);
	int stars[2];

	for (size_t w = 0; w < ARRAY_SIZE(star_values); w++) {
		for (size_t p = 0; p < ARRAY_SIZE(star_values); p++) {
			stars[0] = star_values[w];
			stars[1] = star_values[p];
			for (size_t v = 0; v < n_args; v++) {
				a.bits = (unsigned long long)ints[v];
				compare_starred(t, starred_fmts[f].fmt, stars,
						starred_fmts[f].nstars, &a);
			}
		}
	}
}

/* '*' widths and precisions, negative ones included, against the host. */
static void vsnprintf_test_star_width_and_precision_match_host(void **state)
{
	struct tally t = { 0 };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(starred_fmts); f++)
		compare_starred_fmt(&t, f);
	check_tally(&t);
}

static void vsnprintf_test_strings_match_host(void **state)
{
	static const char *const specs[] = {
		"", "1", "6", "10", "-10", ".0", ".2", ".6", ".10", "10.2",
		"-10.2", "3.5", "-1.1", "40", "-40", ".100",
	};
	static const char *const strs[] = {
		"", "a", "kernel", "tab\there", "a string longer than widths",
		"\xe9\xff high bytes",
	};
	struct tally t = { 0 };
	char fmt[32];

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(specs); s++) {
		snprintf(fmt, sizeof(fmt), "<%%%ss>", specs[s]);
		for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
			struct arg a = { .kind = ARG_STR, .str = strs[i] };

			compare_one(&t, fmt, &a);
		}
	}
	check_tally(&t);
}

static void vsnprintf_test_chars_match_host(void **state)
{
	static const char *const fmts[] = {
		"%c", "<%c>", "%1c", "%3c", "%-3c", "%.0c", "%5.2c", "%-10c|",
	};
	static const int chars[] = { 'a', 'Z', ' ', '%', '~', 0x7f, 0xe9, 0x141 };
	struct tally t = { 0 };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		for (size_t c = 0; c < ARRAY_SIZE(chars); c++) {
			struct arg a = {
				.kind = ARG_INT,
				.bits = (unsigned int)chars[c],
			};

			compare_one(&t, fmts[f], &a);
		}
	}
	check_tally(&t);
}

/* %c of 0 stores a NUL inside the output and counts it. */
static void vsnprintf_test_nul_char_is_counted(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(keel_snprintf(buf, sizeof(buf), "a%cb", 0), 3);
	assert_memory_equal(buf, "a\0b\0", 4);
}

static void vsnprintf_test_pointers_match_host(void **state)
{
	static const char *const fmts[] = {
		"%p", "<%p>", "%20p", "%-20p", "%3p", "%+p", "% p", "%020p",
		"%.20p", "%25.20p", "%-25.3p",
	};
	static const unsigned long long ptrs[] = {
		0, 1, 0xf, 0x1234, 0xb8000, 0x7fffffffe000,
		0xffff800000000000, 0xffffffff80000000, UINTPTR_MAX,
	};
	struct tally t = { 0 };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++) {
		for (size_t p = 0; p < ARRAY_SIZE(ptrs); p++) {
			struct arg a = { .kind = ARG_PTR, .bits = ptrs[p] };

			compare_one(&t, fmts[f], &a);
		}
	}
	check_tally(&t);
}

/* Text without conversions, %% and specs that take no argument. */
static void vsnprintf_test_plain_text_matches_host(void **state)
{
	static const char *const fmts[] = {
		"", "kernel", "100%%", "%%d", "%%%%", "a%%b%%c", "\n\t\x7f\xe9",
		"%%-5d",
	};
	struct tally t = { 0 };
	struct arg a = { .kind = ARG_NONE };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(fmts); f++)
		compare_one(&t, fmts[f], &a);
	check_tally(&t);
}

/* Several conversions in one format, each argument of a different type. */
static void vsnprintf_test_mixed_formats_match_host(void **state)
{
	char host[OUT_SIZE];
	char ours[OUT_SIZE];
	struct tally t = { 0 };
	struct arg a = { .kind = ARG_NONE };
	int host_ret;
	int ours_ret;

#define BOTH(fmt, ...)							\
	do {								\
		host_ret = snprintf(host, sizeof(host), fmt, __VA_ARGS__); \
		ours_ret = keel_snprintf(ours, sizeof(ours), fmt, __VA_ARGS__); \
		t.cases++;						\
		if (!outputs_match(host, host_ret, ours, ours_ret))	\
			report(&t, fmt, &a, host, host_ret, ours, ours_ret); \
	} while (0)

	(void)state;
	BOTH("pid %d: %s at %p (%#x)\n", 7, "init",
	     (void *)0xffffffff80100000, 0x2a);
	BOTH("%hhd %hd %d %ld %lld", (signed char)-1, (short)-2, -3, -4L, -5LL);
	BOTH("%hhu %hu %u %lu %llu %zu", (unsigned char)255,
	     (unsigned short)65535, 4294967295u, 1UL << 63, ~0ULL, (size_t)-1);
	BOTH("[%-8s|%8s|%.2s]", "left", "right", "cut");
	BOTH("%c%c%c=%5.1x", 'a', 'b', 'c', 0);
	BOTH("%016llx %016llX", 0xfee00000ULL, 0xdeadbeefULL);
	BOTH("%jd %ji %ju %td %zd", INTMAX_MIN, INTMAX_MAX, UINTMAX_MAX,
	     (ptrdiff_t)-3, (size_t)-7);
	BOTH("%d%%%d", 50, 100);
	BOTH("%s%s%s", "", "", "");
	BOTH("%*d|%-*d|%.*d", 4, 1, 4, 2, 4, 3);
#undef BOTH
	check_tally(&t);
}

/* Cases whose output the truncation test cuts at every length. */
static const struct {
	const char *fmt;
	struct arg arg;
} cut_cases[] = {
	{ "", { .kind = ARG_NONE } },
	{ "kernel", { .kind = ARG_NONE } },
	{ "%d", { .kind = ARG_INT, .bits = (unsigned long long)INT_MIN } },
	{ "%lld", { .kind = ARG_LLONG, .bits = (unsigned long long)LLONG_MIN } },
	{ "%#018llx", { .kind = ARG_ULLONG, .bits = 0xdeadbeef } },
	{ "[%-12s]", { .kind = ARG_STR, .str = "abc" } },
	{ "[%12.2s]", { .kind = ARG_STR, .str = "abc" } },
	{ "%p", { .kind = ARG_PTR, .bits = 0xffffffff80000000 } },
	{ "%10p", { .kind = ARG_PTR, .bits = 0 } },
	{ "x%cy", { .kind = ARG_INT, .bits = 0 } },
	{ "%%%5u%%", { .kind = ARG_UINT, .bits = 42 } },
};

/*
 * Formats into a heap buffer of exactly size bytes plus one canary byte:
 * the canary proves no write past buf[size - 1], and the sanitizer catches
 * anything further.
 */
static void check_cut(const char *fmt, const struct arg *a, const char *full,
		      int len, size_t size)
{
	char *buf = malloc(size + 1);
	int ret;

	assert_non_null(buf);
	memset(buf, 0x5a, size + 1);
	ret = call_with(keel_snprintf, buf, size, fmt, a);
	assert_int_equal(ret, len);
	if (size > 0) {
		size_t kept = (size_t)len < size ? (size_t)len : size - 1;

		assert_memory_equal(buf, full, kept);
		assert_int_equal(buf[kept], '\0');
	}
	assert_int_equal((unsigned char)buf[size], 0x5a);
	free(buf);
}

static void vsnprintf_test_truncates_at_every_size(void **state)
{
	char full[OUT_SIZE];
	int cases = 0;

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(cut_cases); c++) {
		const char *fmt = cut_cases[c].fmt;
		const struct arg *a = &cut_cases[c].arg;
		int len = call_with(snprintf, full, sizeof(full), fmt, a);

		assert_true(len >= 0 && len < OUT_SIZE);
		for (size_t size = 0; size <= (size_t)len + 1; size++, cases++)
			check_cut(fmt, a, full, len, size);
	}
	print_message("# %d buffer sizes checked\n", cases);
}

/* C99: with size 0 nothing is written, so buf may be NULL. */
static void vsnprintf_test_null_buffer_with_size_zero(void **state)
{
	(void)state;
	assert_int_equal(keel_snprintf(NULL, 0, "%s-%d", "keel", 12345), 10);
	assert_int_equal(keel_snprintf(NULL, 0, "%s", ""), 0);
}

static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int call_vsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = keel_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

/* The va_list entry point reads arguments like the variadic one. */
static void vsnprintf_test_vsnprintf_takes_va_list(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(call_vsnprintf(buf, sizeof(buf), "%s=%#lx %c",
					"cr3", 0x1000UL, '!'), 12);
	assert_string_equal(buf, "cr3=0x1000 !");
}

/* The "(null)" text is cut by a precision like any other string. */
static void vsnprintf_test_null_string_prints_null(void **state)
{
	/* volatile: the compiler rightly warns about a NULL %s it can see. */
	const char *volatile null = NULL;
	char buf[32];

	(void)state;
	assert_int_equal(keel_snprintf(buf, sizeof(buf), "%s", null), 6);
	assert_string_equal(buf, "(null)");
	assert_int_equal(keel_snprintf(buf, sizeof(buf), "[%8s]", null), 10);
	assert_string_equal(buf, "[  (null)]");
	assert_int_equal(keel_snprintf(buf, sizeof(buf), "[%.3s]", null), 5);
	assert_string_equal(buf, "[(nu]");
}

/* A precision bounds how much of the string is read, NUL or not. */
static void vsnprintf_test_precision_limits_string_reads(void **state)
{
	char *raw = malloc(4);
	char buf[16];

	(void)state;
	assert_non_null(raw);
	memcpy(raw, "abcd", 4);
	assert_int_equal(keel_snprintf(buf, sizeof(buf), "%.4s", raw), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(keel_snprintf(buf, sizeof(buf), "%.2s", raw), 2);
	assert_string_equal(buf, "ab");
	free(raw);
}

static void vsnprintf_test_null_pointer_prints_nil(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(keel_snprintf(buf, sizeof(buf), "%p", NULL), 5);
	assert_string_equal(buf, "(nil)");
}

/*
 * An unknown conversion is copied as written and takes no argument, so the
 * conversions after it still get the right ones.
 */
static void vsnprintf_test_unknown_conversion_printed_literally(void **state)
{
	static const struct {
		const char *fmt;
		const char *want;
	} cases[] = {
		{ "%y|%d", "%y|7" },
		{ "%-5y|%d", "%-5y|7" },
		{ "%*.*y|%d", "%*.*y|7" },
		{ "%hy|%d", "%hy|7" },
		{ "%Lf|%d", "%Lf|7" },
		{ "%f|%d", "%f|7" },
		{ "%n|%d", "%n|7" },
		{ "%lz|%d", "%lz|7" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		/* Non-literal: the compiler would rightly reject these. */
		const char *fmt = cases[i].fmt;
		int ret = keel_snprintf(buf, sizeof(buf), fmt, 7);

		assert_string_equal(buf, cases[i].want);
		assert_int_equal(ret, (int)strlen(cases[i].want));
	}
}

/* A '%' at the very end of the format is printed, not run past. */
static void vsnprintf_test_trailing_percent_printed(void **state)
{
	/* Untyped, so the compiler does not check these broken formats. */
	snprintf_fn keel = keel_snprintf;
	char buf[16];

	(void)state;
	assert_int_equal(keel(buf, sizeof(buf), "50%"), 3);
	assert_string_equal(buf, "50%");
	assert_int_equal(keel(buf, sizeof(buf), "50%-08"), 6);
	assert_string_equal(buf, "50%-08");
}

/* Collects vcbprintf's output; grows as needed, as a console would not. */
struct collector {
	char *text;
	size_t len;
	size_t cap;
};

static void collect(char c, void *ctx)
{
	struct collector *col = ctx;

	if (col->len == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 16;
		col->text = realloc(col->text, col->cap);
		assert_non_null(col->text);
	}
	col->text[col->len++] = c;
}

static int call_vcbprintf(struct collector *col, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int call_vcbprintf(struct collector *col, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = keel_vcbprintf(collect, col, fmt, ap);
	va_end(ap);
	return ret;
}

/* The callback core has no size limit and sends no terminating NUL. */
static void vsnprintf_test_vcbprintf_sends_every_char(void **state)
{
	struct collector col = { 0 };
	char *want;
	int len;

	(void)state;
	len = snprintf(NULL, 0, "%5000d|%-3000s|%llx", -1, "console", ~0ULL);
	assert_true(len > 8000);
	want = malloc((size_t)len + 1);
	assert_non_null(want);
	snprintf(want, (size_t)len + 1, "%5000d|%-3000s|%llx", -1, "console",
		 ~0ULL);
	assert_int_equal(call_vcbprintf(&col, "%5000d|%-3000s|%llx", -1,
					"console", ~0ULL), len);
	assert_int_equal(col.len, (size_t)len);
	assert_memory_equal(col.text, want, (size_t)len);
	free(want);
	free(col.text);
}

static void vsnprintf_test_vcbprintf_empty_format_sends_nothing(void **state)
{
	struct collector col = { 0 };

	(void)state;
	assert_int_equal(call_vcbprintf(&col, "%s", ""), 0);
	assert_int_equal(col.len, 0);
	free(col.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vsnprintf_test_signed_conversions_match_host),
		cmocka_unit_test(vsnprintf_test_unsigned_conversions_match_host),
		cmocka_unit_test(vsnprintf_test_star_width_and_precision_match_host),
		cmocka_unit_test(vsnprintf_test_strings_match_host),
		cmocka_unit_test(vsnprintf_test_chars_match_host),
		cmocka_unit_test(vsnprintf_test_nul_char_is_counted),
		cmocka_unit_test(vsnprintf_test_pointers_match_host),
		cmocka_unit_test(vsnprintf_test_plain_text_matches_host),
		cmocka_unit_test(vsnprintf_test_mixed_formats_match_host),
		cmocka_unit_test(vsnprintf_test_truncates_at_every_size),
		cmocka_unit_test(vsnprintf_test_null_buffer_with_size_zero),
		cmocka_unit_test(vsnprintf_test_vsnprintf_takes_va_list),
		cmocka_unit_test(vsnprintf_test_null_string_prints_null),
		cmocka_unit_test(vsnprintf_test_precision_limits_string_reads),
		cmocka_unit_test(vsnprintf_test_null_pointer_prints_nil),
		cmocka_unit_test(vsnprintf_test_unknown_conversion_printed_literally),
		cmocka_unit_test(vsnprintf_test_trailing_percent_printed),
		cmocka_unit_test(vsnprintf_test_vcbprintf_sends_every_char),
		cmocka_unit_test(vsnprintf_test_vcbprintf_empty_format_sends_nothing),
	};

	return cmocka_run_group_tests_name("lib/vsnprintf", tests, NULL, NULL);
}
