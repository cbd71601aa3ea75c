/*
 * tests/host/lib/memmap_test.c - host tests of lib/memmap.c.
 * Real maps come from the .txt files in tests/fixtures/memory-maps (see its
 * README.md), turned into byte-exact Multiboot2 tags in heap buffers of
 * their exact size, so ASan catches any read past a tag. Run from the
 * repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/memmap.h"
#include "lib/errno.h"

#define FIXTURE_DIR		"tests/fixtures/memory-maps"
#define MAX_FIXTURE_ENTRIES	64
#define MAP_CAP			64

#define MiB(x)	((uint64_t)(x) << 20)
#define GiB(x)	((uint64_t)(x) << 30)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Short names keep the expected-map tables one region per line. */
#define U	MEMMAP_USABLE
#define A	MEMMAP_ACPI_RECLAIMABLE
#define K	MEMMAP_KERNEL
#define N	MEMMAP_ACPI_NVS
#define B	MEMMAP_BAD
#define R	MEMMAP_RESERVED

/* An entry as written in a fixture file: raw Multiboot2 type code. */
struct raw_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

struct fixture {
	uint32_t entry_size;
	size_t n;
	struct raw_entry e[MAX_FIXTURE_ENTRIES];
};

/* --- Helpers ----------------------------------------------------------- */

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Header line "# mmap entry_size=N ..." sets the stride; other '#' lines
 * are comments; data lines are "base length type". */
static void load_fixture(const char *name, struct fixture *fx)
{
	char path[512];
	char line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURE_DIR, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	fx->entry_size = 0;
	fx->n = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *es = strstr(line, "entry_size=");
		struct raw_entry *e = &fx->e[fx->n];
		unsigned long long base, length, type;

		if (line[0] == '#') {
			if (es)
				fx->entry_size = (uint32_t)strtoul(es + 11, NULL, 0);
			continue;
		}
		if (sscanf(line, "%lli %lli %lli", &base, &length, &type) != 3)
			continue;
		assert_true(fx->n < MAX_FIXTURE_ENTRIES);
		*e = (struct raw_entry){ base, length, (uint32_t)type };
		fx->n++;
	}
	fclose(f);
	assert_true(fx->entry_size >= 24);
}

/* A type-6 tag in a heap buffer of exactly *size bytes. Bytes past the
 * 24 of each entry are junk, as a newer loader's fields would be. */
static uint8_t *build_mb2_tag(const struct raw_entry *e, size_t n,
			      uint32_t entry_size, size_t *size)
{
	uint8_t *tag;

	*size = 16 + n * entry_size;
	tag = malloc(*size);
	assert_non_null(tag);
	memset(tag, 0xa5, *size);
	put_u32(tag, 6);
	put_u32(tag + 4, (uint32_t)*size);
	put_u32(tag + 8, entry_size);
	put_u32(tag + 12, 0);
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = tag + 16 + i * entry_size;

		put_u64(p, e[i].base);
		put_u64(p + 8, e[i].length);
		put_u32(p + 16, e[i].type);
		put_u32(p + 20, 0);
	}
	return tag;
}

/* Tag -> parse -> normalize; asserts both succeed, returns the count. */
static size_t normalize_raw(const struct raw_entry *raw, size_t n,
			    uint32_t entry_size, unsigned int bits,
			    const struct memmap_range *claimed, size_t nr_claimed,
			    struct memmap_region *out, size_t cap)
{
	struct memmap_entry *entries = malloc((n ? n : 1) * sizeof(*entries));
	struct memmap_input in = {
		.entries = entries, .nr_entries = n,
		.claimed = claimed, .nr_claimed = nr_claimed,
		.phys_bits = bits,
	};
	size_t size;
	uint8_t *tag = build_mb2_tag(raw, n, entry_size, &size);
	size_t count;

	assert_non_null(entries);
	assert_int_equal(memmap_parse_mb2(tag, size, entries, n, &count), 0);
	assert_int_equal(count, n);
	assert_int_equal(memmap_normalize(&in, out, cap, &count), 0);
	free(tag);
	free(entries);
	return count;
}

static size_t normalize_fixture(const char *name, unsigned int bits,
				struct memmap_region *out, size_t cap)
{
	struct fixture fx;

	load_fixture(name, &fx);
	return normalize_raw(fx.e, fx.n, fx.entry_size, bits, NULL, 0, out, cap);
}

static void print_map(const struct memmap_region *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		print_message("  [%#llx, %#llx) %s\n",
			      (unsigned long long)r[i].start,
			      (unsigned long long)r[i].end,
			      memmap_type_name(r[i].type));
}

static void assert_map(const struct memmap_region *got, size_t n,
		       const struct memmap_region *want, size_t n_want)
{
	bool same = n == n_want;

	for (size_t i = 0; same && i < n; i++)
		same = got[i].start == want[i].start &&
		       got[i].end == want[i].end && got[i].type == want[i].type;
	if (same)
		return;
	print_message("got:\n");
	print_map(got, n);
	print_message("want:\n");
	print_map(want, n_want);
	fail_msg("normalized map differs");
}

/* The promises of memmap_normalize(), whatever the input. */
static void assert_well_formed(const struct memmap_region *r, size_t n,
			       unsigned int bits)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(r[i].start < r[i].end);
		assert_true(r[i].end <= 1ULL << bits);
		assert_true((unsigned int)r[i].type < MEMMAP_NR_TYPES);
		if (r[i].type == MEMMAP_USABLE) {
			assert_int_equal(r[i].start % MEMMAP_PAGE_SIZE, 0);
			assert_int_equal(r[i].end % MEMMAP_PAGE_SIZE, 0);
			assert_true(r[i].start >= MEMMAP_PAGE_SIZE);
		}
		if (i == 0)
			continue;
		assert_true(r[i - 1].end <= r[i].start);
		if (r[i - 1].end == r[i].start)
			assert_int_not_equal(r[i - 1].type, r[i].type);
	}
}

/* Normalize firmware entries given directly, with no tag in between. */
static int normalize_entries(const struct memmap_entry *e, size_t n,
			     const struct memmap_range *claimed, size_t nc,
			     struct memmap_region *out, size_t cap,
			     size_t *count)
{
	struct memmap_input in = {
		.entries = e, .nr_entries = n,
		.claimed = claimed, .nr_claimed = nc, .phys_bits = 40,
	};

	return memmap_normalize(&in, out, cap, count);
}

/* --- Real firmware maps ------------------------------------------------ */

static const struct memmap_region seabios_128m_at_36[] = {
	{ 0x1000, 0x9f000, U },
	{ 0x9fc00, 0xa0000, R },
	{ 0xf0000, 0x100000, R },
	{ 0x100000, 0x7fe0000, U },
	{ 0x7fe0000, 0x8000000, R },
	{ 0xfffc0000, 0x100000000, R },
};

/* before: usable [0, 0x9fc00) and qemu64's reserved [0xfd00000000, +12G)
 * after: usable [0x1000, 0x9f000); at 40 bits (qemu64's width) the high
 * range ends exactly at 2^40 and is kept. */
static void memmap_test_seabios_128m_regions_at_40_bits(void **state)
{
	struct memmap_region want[ARRAY_SIZE(seabios_128m_at_36) + 1];
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("seabios-pc-128M.txt", 40, got, MAP_CAP);

	(void)state;
	memcpy(want, seabios_128m_at_36, sizeof(seabios_128m_at_36));
	want[ARRAY_SIZE(want) - 1] =
		(struct memmap_region){ 0xfd00000000, 0x10000000000, R };
	assert_map(got, n, want, ARRAY_SIZE(want));
}

/* before: reserved [0xfd00000000, 0x10000000000) after: gone at 36 bits */
static void memmap_test_seabios_128m_drops_high_reserved_at_36_bits(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("seabios-pc-128M.txt", 36, got, MAP_CAP);

	(void)state;
	assert_map(got, n, seabios_128m_at_36, ARRAY_SIZE(seabios_128m_at_36));
}

/* 0x9e000 below 640K (frame 0 and the partial page lost) + 0x7ee0000 */
static void memmap_test_seabios_128m_total_usable(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("seabios-pc-128M.txt", 40, got, MAP_CAP);

	(void)state;
	assert_int_equal(memmap_usable_bytes(got, n), 0x7f7e000);
	assert_int_equal(memmap_total_bytes(got, n, MEMMAP_RESERVED),
			 0x400 + 0x10000 + 0x20000 + 0x40000 + GiB(12));
}

static void memmap_test_seabios_32m_total_usable(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("seabios-pc-32M.txt", 40, got, MAP_CAP);

	(void)state;
	assert_int_equal(memmap_usable_bytes(got, n), 0x1f7e000);
	assert_int_equal(got[n - 1].start, 0xfd00000000);
}

/* -cpu Haswell has no reserved range at 0xfd00000000: the BIOS ROM just
 * below 4G is the last region. */
static void memmap_test_seabios_2g_haswell_ends_at_4g(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("seabios-pc-2G-haswell.txt", 40, got,
				     MAP_CAP);

	(void)state;
	assert_int_equal(n, 6);
	assert_int_equal(got[n - 1].start, 0xfffc0000);
	assert_int_equal(got[n - 1].end, GiB(4));
	assert_int_equal(memmap_usable_bytes(got, n), 0x7ff7e000);
}

/* pc with 8G: 3G below the PCI hole, the other 5G from 4G up. */
static void memmap_test_seabios_pc_8g_usable_above_4g(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("seabios-pc-8G.txt", 40, got, MAP_CAP);

	(void)state;
	assert_int_equal(n, 8);
	assert_int_equal(got[6].start, GiB(4));
	assert_int_equal(got[6].end, GiB(9));
	assert_int_equal(got[6].type, U);
	assert_int_equal(memmap_usable_bytes(got, n), 0x1fff7e000);
}

/* q35 ends low memory at 0x7ffdf000 and reserves the MMCONFIG window. */
static void memmap_test_seabios_q35_8g_total_usable(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("seabios-q35-8G.txt", 40, got, MAP_CAP);

	(void)state;
	assert_int_equal(n, 10);
	assert_int_equal(got[3].end, 0x7ffdf000);
	assert_int_equal(got[5].start, 0xb0000000);
	assert_int_equal(got[5].end, 0xc0000000);
	assert_int_equal(memmap_usable_bytes(got, n), 0x1fff7d000);
}

/* before: reserved, type 20, reserved, touching
 * after: one reserved region [0xf4ed000, 0xf76d000) */
static void memmap_test_ovmf_256m_merges_type_20_into_reserved(void **state)
{
	static const struct memmap_region want[] = {
		{ 0xeb7c000, 0xf4ed000, U },
		{ 0xf4ed000, 0xf76d000, R },
		{ 0xf76d000, 0xf77f000, A },
		{ 0xf77f000, 0xf7ff000, N },
		{ 0xf7ff000, 0xff58000, U },
		{ 0xff58000, 0xff78000, R },
		{ 0xff78000, 0x10000000, N },
	};
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("ovmf-pc-256M.txt", 40, got, MAP_CAP);

	(void)state;
	assert_int_equal(n, 16);
	assert_map(got + 9, n - 9, want, ARRAY_SIZE(want));
}

/* OVMF's fragmented low memory: NVS islands between usable pieces. */
static void memmap_test_ovmf_256m_low_fragments(void **state)
{
	static const struct memmap_region want[] = {
		{ 0x1000, 0xa0000, U },
		{ 0x100000, 0x800000, U },
		{ 0x800000, 0x808000, N },
		{ 0x808000, 0x80b000, U },
		{ 0x80b000, 0x80c000, N },
		{ 0x80c000, 0x810000, U },
		{ 0x810000, 0x900000, N },
		{ 0x900000, 0xeabb000, U },
		{ 0xeabb000, 0xeb7c000, R },
	};
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("ovmf-pc-256M.txt", 40, got, MAP_CAP);

	(void)state;
	assert_true(n >= ARRAY_SIZE(want));
	assert_map(got, ARRAY_SIZE(want), want, ARRAY_SIZE(want));
	assert_int_equal(memmap_usable_bytes(got, n), 0xfa2b000);
	assert_int_equal(memmap_total_bytes(got, n, MEMMAP_ACPI_RECLAIMABLE),
			 0x12000);
}

static void memmap_test_ovmf_q35_4g_total_usable(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("ovmf-q35-4G.txt", 40, got, MAP_CAP);

	(void)state;
	assert_int_equal(n, 18);
	assert_int_equal(got[n - 1].start, GiB(4));
	assert_int_equal(got[n - 1].end, GiB(6));
	assert_int_equal(memmap_usable_bytes(got, n), 0xffa2b000);
}

/* Every *.txt fixture, at several widths, gives a well-formed map. */
static void memmap_test_every_fixture_is_well_formed(void **state)
{
	static const unsigned int widths[] = { 32, 36, 40, 46, 52 };
	struct memmap_region got[MAP_CAP];
	struct dirent *d;
	DIR *dir = opendir(FIXTURE_DIR);
	int files = 0;

	(void)state;
	assert_non_null(dir);
	while ((d = readdir(dir))) {
		size_t len = strlen(d->d_name);

		if (len < 4 || strcmp(d->d_name + len - 4, ".txt") != 0)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(widths); i++) {
			size_t n = normalize_fixture(d->d_name, widths[i], got,
						     MAP_CAP);

			assert_well_formed(got, n, widths[i]);
		}
		files++;
	}
	closedir(dir);
	assert_true(files >= 13);
}

/* --- Hostile maps ------------------------------------------------------ */

/* before: seabios-pc-128M shuffled after: the same map as sorted input */
static void memmap_test_unsorted_input_gives_sorted_map(void **state)
{
	struct memmap_region sorted[MAP_CAP];
	struct memmap_region got[MAP_CAP];
	size_t n_sorted = normalize_fixture("seabios-pc-128M.txt", 40, sorted,
					    MAP_CAP);
	size_t n = normalize_fixture("hostile-unsorted.txt", 40, got, MAP_CAP);

	(void)state;
	assert_map(got, n, sorted, n_sorted);
}

/* before: entries 32 bytes apart, junk in the last 8
 * after: the same map as with entry_size 24 */
static void memmap_test_entry_size_32_is_honoured(void **state)
{
	struct memmap_region want[MAP_CAP];
	struct memmap_region got[MAP_CAP];
	size_t n_want = normalize_fixture("seabios-pc-128M.txt", 40, want,
					  MAP_CAP);
	size_t n = normalize_fixture("hostile-entry-size-32.txt", 40, got,
				     MAP_CAP);

	(void)state;
	assert_map(got, n, want, n_want);
}

/* before: usable [1M, 16M) with reserved [4M, 5M) inside, ACPI/NVS/bad
 * overlaps, duplicates after: the more restrictive type wins everywhere */
static void memmap_test_reserved_inside_usable_splits_it(void **state)
{
	static const struct memmap_region want[] = {
		{ 0x1000, 0xa0000, U },
		{ 0x100000, 0x400000, U },
		{ 0x400000, 0x500000, R },
		{ 0x500000, 0x800000, U },
		{ 0x800000, 0x900000, A },
		{ 0x900000, 0xb00000, N },
		{ 0xb00000, 0xc00000, U },
		{ 0xc00000, 0xc01800, B },
		{ 0xc02000, 0x1100000, U },
	};
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("hostile-overlapping.txt", 40, got,
				     MAP_CAP);

	(void)state;
	assert_map(got, n, want, ARRAY_SIZE(want));
}

/* For each pair of types, the higher one covers the overlap whichever
 * comes first in the input. */
static void memmap_test_overlap_priority_follows_type_order(void **state)
{
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	for (int lo = 0; lo < MEMMAP_NR_TYPES; lo++) {
		for (int hi = lo + 1; hi < MEMMAP_NR_TYPES; hi++) {
			struct memmap_entry e[] = {
				{ MiB(1), MiB(3), (enum memmap_type)lo },
				{ MiB(2), MiB(1), (enum memmap_type)hi },
			};
			struct memmap_entry rev[] = { e[1], e[0] };
			const struct memmap_region want[] = {
				{ MiB(1), MiB(2), (enum memmap_type)lo },
				{ MiB(2), MiB(3), (enum memmap_type)hi },
				{ MiB(3), MiB(4), (enum memmap_type)lo },
			};

			assert_int_equal(normalize_entries(e, 2, NULL, 0, got,
							   MAP_CAP, &count), 0);
			assert_map(got, count, want, 3);
			assert_int_equal(normalize_entries(rev, 2, NULL, 0, got,
							   MAP_CAP, &count), 0);
			assert_map(got, count, want, 3);
		}
	}
}

/* before: zero-length entries inside and around usable memory
 * after: ignored; they neither split nor add regions */
static void memmap_test_zero_length_entries_are_ignored(void **state)
{
	static const struct memmap_region want[] = {
		{ 0x1000, 0x9f000, U },
		{ 0x100000, 0x200000, U },
	};
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("hostile-zero-length.txt", 52, got,
				     MAP_CAP);

	(void)state;
	assert_map(got, n, want, ARRAY_SIZE(want));
}

/* before: usable [0, 0x9fc00) after: [0x1000, 0x9f000); the partial page
 * at 0x9f000 and frame 0 are not usable, the reserved tail stays exact */
static void memmap_test_first_region_ending_mid_page_is_trimmed(void **state)
{
	static const struct memmap_entry e[] = {
		{ 0, 0x9fc00, U },
		{ 0x9fc00, 0x400, R },
	};
	static const struct memmap_region want[] = {
		{ 0x1000, 0x9f000, U },
		{ 0x9fc00, 0xa0000, R },
	};
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 2, NULL, 0, got, MAP_CAP,
					   &count), 0);
	assert_map(got, count, want, ARRAY_SIZE(want));
}

/* before: usable [0, 0x1000) alone after: no regions at all */
static void memmap_test_frame_0_is_never_usable(void **state)
{
	static const struct memmap_entry e[] = { { 0, 0x1000, U } };
	static const struct memmap_entry nvs[] = { { 0, 0x1000, N } };
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 1, NULL, 0, got, MAP_CAP,
					   &count), 0);
	assert_int_equal(count, 0);
	/* Only usable memory loses frame 0; other types are kept as is. */
	assert_int_equal(normalize_entries(nvs, 1, NULL, 0, got, MAP_CAP,
					   &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(got[0].start, 0);
}

/* before: usable [0x10800, 0x11800), less than a page after any alignment
 * after: no usable region */
static void memmap_test_usable_smaller_than_a_page_vanishes(void **state)
{
	static const struct memmap_entry e[] = {
		{ 0x10800, 0x1000, U },
		{ 0x20000, 0x1000, U },
	};
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 2, NULL, 0, got, MAP_CAP,
					   &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(got[0].start, 0x20000);
	assert_int_equal(got[0].end, 0x21000);
}

/* before: 1000 entries, usable and reserved pages alternating, in
 * descending order after: 1000 regions, ascending */
static void memmap_test_more_than_256_entries(void **state)
{
	const size_t n = 1000;
	struct raw_entry *raw = calloc(n, sizeof(*raw));
	struct memmap_region *got = calloc(n, sizeof(*got));
	size_t count;

	(void)state;
	assert_non_null(raw);
	assert_non_null(got);
	for (size_t i = 0; i < n; i++) {
		size_t page = n - i;	/* pages 1000 .. 1: frame 0 unused */

		raw[i] = (struct raw_entry){ page * 0x1000, 0x1000,
					     page % 2 ? 1 : 2 };
	}
	count = normalize_raw(raw, n, 24, 40, NULL, 0, got, n);
	assert_int_equal(count, n);
	assert_well_formed(got, count, 40);
	assert_int_equal(got[0].start, 0x1000);
	assert_int_equal(got[n - 1].end, (n + 1) * 0x1000);
	assert_int_equal(memmap_usable_bytes(got, count), n / 2 * 0x1000);
	free(raw);
	free(got);
}

/* before: 600 touching usable pieces of 1.5 pages, in scrambled order
 * after: one usable region */
static void memmap_test_many_touching_entries_merge(void **state)
{
	const size_t n = 600;
	struct raw_entry *raw = calloc(n, sizeof(*raw));
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_non_null(raw);
	for (size_t i = 0; i < n; i++) {
		size_t piece = (i * 7) % n;	/* 7 is coprime with 600 */

		raw[i] = (struct raw_entry){ MiB(1) + piece * 0x1800, 0x1800, 1 };
	}
	count = normalize_raw(raw, n, 24, 40, NULL, 0, got, MAP_CAP);
	assert_int_equal(count, 1);
	assert_int_equal(got[0].start, MiB(1));
	assert_int_equal(got[0].end, MiB(1) + n * 0x1800);
	free(raw);
}

/* before: usable across and at 2^36 after (36 bits): the one across is
 * clipped to end at 2^36, the one at 2^36 and everything higher dropped */
static void memmap_test_entries_beyond_phys_width_are_dropped(void **state)
{
	static const struct memmap_region want[] = {
		{ 0x1000, 0x9f000, U },
		{ 0xfff000000, 0x1000000000, U },
	};
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("hostile-beyond-width.txt", 36, got,
				     MAP_CAP);

	(void)state;
	assert_map(got, n, want, ARRAY_SIZE(want));
}

/* before: the same file at 40 and 52 bits after: the entries below the
 * limit are kept; reserved across 2^52 ends at 2^52 */
static void memmap_test_entry_across_phys_width_is_clipped(void **state)
{
	static const struct memmap_region want[] = {
		{ 0x1000, 0x9f000, U },
		{ 0xfff000000, 0x1010000000, U },
		{ 0xfffffff000000, 0x10000000000000, R },
	};
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("hostile-beyond-width.txt", 40, got,
				     MAP_CAP);

	(void)state;
	assert_map(got, n, want, 2);
	n = normalize_fixture("hostile-beyond-width.txt", 52, got, MAP_CAP);
	assert_map(got, n, want, 3);
}

/* before: base 0x8000, length 2^64 - 0x1000 (base + length wraps to 0x7000)
 * after: usable up to the physical limit, not [0x8000, 0x7000) */
static void memmap_test_length_wrapping_past_2_64_is_clipped(void **state)
{
	static const struct memmap_entry e[] = {
		{ 0x8000, UINT64_MAX - 0xfff, U },
	};
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 1, NULL, 0, got, MAP_CAP,
					   &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(got[0].start, 0x8000);
	assert_int_equal(got[0].end, 1ULL << 40);
}

/* before: types 0, 6, 20, 0xffffffff after: one reserved region */
static void memmap_test_unknown_types_are_reserved(void **state)
{
	static const struct memmap_region want[] = {
		{ 0x100000, 0x500000, R },
		{ 0x500000, 0x600000, U },
	};
	struct memmap_region got[MAP_CAP];
	size_t n = normalize_fixture("hostile-unknown-types.txt", 40, got,
				     MAP_CAP);

	(void)state;
	assert_map(got, n, want, ARRAY_SIZE(want));
}

/* An enum value out of range in a caller's entry is treated as reserved. */
static void memmap_test_out_of_range_enum_is_reserved(void **state)
{
	static const struct memmap_entry e[] = {
		{ 0x100000, 0x1000, (enum memmap_type)99 },
	};
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 1, NULL, 0, got, MAP_CAP,
					   &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(got[0].type, R);
}

/* before: a 7-region map, room for 3 after: -ENOSPC, 3 regions written,
 * the slot after them untouched, count 7 */
static void memmap_test_output_too_small_returns_enospc(void **state)
{
	struct fixture fx;
	struct memmap_entry e[MAX_FIXTURE_ENTRIES];
	struct memmap_region got[4];
	size_t count;

	(void)state;
	load_fixture("seabios-pc-128M.txt", &fx);
	for (size_t i = 0; i < fx.n; i++)
		e[i] = (struct memmap_entry){ fx.e[i].base, fx.e[i].length,
					      memmap_type_from_mb2(fx.e[i].type) };
	memset(got, 0x5a, sizeof(got));
	assert_int_equal(normalize_entries(e, fx.n, NULL, 0, got, 3, &count),
			 -ENOSPC);
	assert_int_equal(count, 7);
	assert_map(got, 3, seabios_128m_at_36, 3);
	assert_int_equal(got[3].start, 0x5a5a5a5a5a5a5a5aULL);
}

/* cap 0 and a NULL array: nothing written, count says what is needed. */
static void memmap_test_capacity_zero_counts_regions(void **state)
{
	static const struct memmap_entry e[] = {
		{ 0x1000, 0x1000, U },
		{ 0x3000, 0x1000, R },
	};
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 2, NULL, 0, NULL, 0, &count),
			 -ENOSPC);
	assert_int_equal(count, 2);
}

/* before: seabios 128M; kernel image at 1M, boot info and a module not
 * page-aligned after: claimed ranges are "kernel", byte-exact, and the
 * usable memory around them shrinks to whole pages */
static void memmap_test_claimed_ranges_become_kernel(void **state)
{
	static const struct memmap_range claimed[] = {
		{ 0x200000, 0x2f0123 },		/* module */
		{ 0x100000, 0x1a3000 },		/* kernel image */
		{ 0x1a3800, 0x1a4400 },		/* Multiboot2 info */
	};
	static const struct memmap_region want[] = {
		{ 0x100000, 0x1a3000, K },
		{ 0x1a3800, 0x1a4400, K },
		{ 0x1a5000, 0x200000, U },
		{ 0x200000, 0x2f0123, K },
		{ 0x2f1000, 0x7fe0000, U },
	};
	struct fixture fx;
	struct memmap_region got[MAP_CAP];
	size_t n;

	(void)state;
	load_fixture("seabios-pc-128M.txt", &fx);
	n = normalize_raw(fx.e, fx.n, 24, 40, claimed, ARRAY_SIZE(claimed),
			  got, MAP_CAP);
	assert_well_formed(got, n, 40);
	assert_int_equal(got[2].end, 0x100000);
	assert_map(got + 3, ARRAY_SIZE(want), want, ARRAY_SIZE(want));
	assert_int_equal(memmap_total_bytes(got, n, MEMMAP_KERNEL),
			 0xa3000 + 0xc00 + 0xf0123);
}

/* A claimed range beats usable and ACPI reclaimable memory but not NVS,
 * so giving boot data back later can never free firmware memory. */
static void memmap_test_claimed_range_loses_to_nvs(void **state)
{
	static const struct memmap_entry e[] = {
		{ 0x100000, 0x100000, U },
		{ 0x200000, 0x100000, A },
		{ 0x300000, 0x100000, N },
	};
	static const struct memmap_range claimed[] = { { 0x180000, 0x380000 } };
	static const struct memmap_region want[] = {
		{ 0x100000, 0x180000, U },
		{ 0x180000, 0x300000, K },
		{ 0x300000, 0x400000, N },
	};
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 3, claimed, 1, got, MAP_CAP,
					   &count), 0);
	assert_map(got, count, want, ARRAY_SIZE(want));
}

/* A claimed range where the firmware described nothing is still listed. */
static void memmap_test_claimed_range_in_hole_is_listed(void **state)
{
	static const struct memmap_entry e[] = { { 0x100000, 0x100000, U } };
	static const struct memmap_range claimed[] = {
		{ 0x400000, 0x401000 },
		{ 0x500000, 0x500000 },		/* empty: ignored */
	};
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(e, 1, claimed, 2, got, MAP_CAP,
					   &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(got[1].start, 0x400000);
	assert_int_equal(got[1].type, K);
}

/* before: claimed [2^40 - 4K, 2^40 + 4K) and one wholly above 2^40
 * after (40 bits): [2^40 - 4K, 2^40) kernel, nothing above */
static void memmap_test_claimed_range_is_clipped_to_phys_width(void **state)
{
	static const struct memmap_range claimed[] = {
		{ (1ULL << 40) - 0x1000, (1ULL << 40) + 0x1000 },
		{ 1ULL << 41, (1ULL << 41) + 0x1000 },
	};
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(normalize_entries(NULL, 0, claimed, 2, got, MAP_CAP,
					   &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(got[0].start, (1ULL << 40) - 0x1000);
	assert_int_equal(got[0].end, 1ULL << 40);
	assert_int_equal(got[0].type, K);
}

static void memmap_test_rejects_bad_phys_bits(void **state)
{
	static const struct memmap_entry e[] = { { 0x1000, 0x1000, U } };
	struct memmap_input in = { .entries = e, .nr_entries = 1 };
	struct memmap_region got[MAP_CAP];
	size_t count = 99;

	(void)state;
	in.phys_bits = MEMMAP_MIN_PHYS_BITS - 1;
	assert_int_equal(memmap_normalize(&in, got, MAP_CAP, &count), -EINVAL);
	assert_int_equal(count, 0);
	in.phys_bits = MEMMAP_MAX_PHYS_BITS + 1;
	assert_int_equal(memmap_normalize(&in, got, MAP_CAP, &count), -EINVAL);
	in.phys_bits = 64;
	assert_int_equal(memmap_normalize(&in, got, MAP_CAP, &count), -EINVAL);
}

static void memmap_test_rejects_null_arrays_with_counts(void **state)
{
	struct memmap_input in = { .nr_entries = 1, .phys_bits = 40 };
	struct memmap_region got[MAP_CAP];
	size_t count;

	(void)state;
	assert_int_equal(memmap_normalize(&in, got, MAP_CAP, &count), -EINVAL);
	in.nr_entries = 0;
	in.nr_claimed = 1;
	assert_int_equal(memmap_normalize(&in, got, MAP_CAP, &count), -EINVAL);
	in.nr_claimed = 0;
	assert_int_equal(memmap_normalize(&in, NULL, 1, &count), -EINVAL);
	assert_int_equal(memmap_normalize(NULL, got, MAP_CAP, &count), -EINVAL);
}

static void memmap_test_empty_input_gives_empty_map(void **state)
{
	struct memmap_input in = { .phys_bits = 40 };
	struct memmap_region got[1];
	size_t count = 99;

	(void)state;
	assert_int_equal(memmap_normalize(&in, got, 1, &count), 0);
	assert_int_equal(count, 0);
}

/* --- Tag parsing ------------------------------------------------------- */

static const struct raw_entry three[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0x100000, 0x7ee0000, 1 },
};

static void memmap_test_parse_decodes_entries(void **state)
{
	struct memmap_entry e[3];
	size_t size;
	size_t count;
	uint8_t *tag = build_mb2_tag(three, 3, 24, &size);

	(void)state;
	assert_int_equal(memmap_parse_mb2(tag, size, e, 3, &count), 0);
	assert_int_equal(count, 3);
	assert_int_equal(e[1].base, 0x9fc00);
	assert_int_equal(e[1].length, 0x400);
	assert_int_equal(e[1].type, R);
	assert_int_equal(e[2].type, U);
	free(tag);
}

/* The tag's own size runs past the bytes the caller has. */
static void memmap_test_parse_rejects_truncated_tag(void **state)
{
	struct memmap_entry e[3];
	size_t size;
	size_t count = 99;
	uint8_t *tag = build_mb2_tag(three, 3, 24, &size);
	uint8_t *cut = malloc(size - 24);

	(void)state;
	assert_non_null(cut);
	memcpy(cut, tag, size - 24);
	assert_int_equal(memmap_parse_mb2(cut, size - 24, e, 3, &count),
			 -EBADMSG);
	assert_int_equal(count, 0);
	assert_int_equal(memmap_parse_mb2(cut, 8, e, 3, &count), -EBADMSG);
	free(cut);
	free(tag);
}

/* The tag's size ends inside an entry. */
static void memmap_test_parse_rejects_partial_entry(void **state)
{
	struct memmap_entry e[3];
	size_t size;
	size_t count;
	uint8_t *tag = build_mb2_tag(three, 3, 24, &size);

	(void)state;
	put_u32(tag + 4, (uint32_t)(size - 8));
	assert_int_equal(memmap_parse_mb2(tag, size, e, 3, &count), -EBADMSG);
	free(tag);
}

/* entry_size 16 would read fields of the next entry; 0 would divide by 0. */
static void memmap_test_parse_rejects_entry_size_below_24(void **state)
{
	static const uint32_t sizes[] = { 0, 8, 16, 20, 23 };
	struct memmap_entry e[3];
	size_t size;
	size_t count;
	uint8_t *tag = build_mb2_tag(three, 3, 24, &size);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		put_u32(tag + 8, sizes[i]);
		assert_int_equal(memmap_parse_mb2(tag, size, e, 3, &count),
				 -EBADMSG);
	}
	free(tag);
}

static void memmap_test_parse_rejects_wrong_tag_type(void **state)
{
	struct memmap_entry e[3];
	size_t size;
	size_t count;
	uint8_t *tag = build_mb2_tag(three, 3, 24, &size);

	(void)state;
	put_u32(tag, 17);
	assert_int_equal(memmap_parse_mb2(tag, size, e, 3, &count), -EBADMSG);
	assert_int_equal(memmap_parse_mb2(NULL, size, e, 3, &count), -EINVAL);
	free(tag);
}

/* A header-only tag is a valid, empty map. */
static void memmap_test_parse_accepts_empty_tag(void **state)
{
	size_t size;
	size_t count = 99;
	uint8_t *tag = build_mb2_tag(NULL, 0, 24, &size);

	(void)state;
	assert_int_equal(memmap_parse_mb2(tag, size, NULL, 0, &count), 0);
	assert_int_equal(count, 0);
	free(tag);
}

/* Too small an array: -ENOSPC, the needed count, and nothing written. */
static void memmap_test_parse_reports_count_when_out_too_small(void **state)
{
	struct memmap_entry e[3];
	size_t size;
	size_t count;
	uint8_t *tag = build_mb2_tag(three, 3, 24, &size);

	(void)state;
	memset(e, 0x5a, sizeof(e));
	assert_int_equal(memmap_parse_mb2(tag, size, e, 2, &count), -ENOSPC);
	assert_int_equal(count, 3);
	assert_int_equal(e[0].base, 0x5a5a5a5a5a5a5a5aULL);
	assert_int_equal(memmap_parse_mb2(tag, size, NULL, 0, &count), -ENOSPC);
	assert_int_equal(count, 3);
	free(tag);
}

/* The info structure is 8-byte aligned, but nothing forces a caller's
 * copy to be: loads must not assume alignment. */
static void memmap_test_parse_accepts_unaligned_tag(void **state)
{
	struct memmap_entry e[3];
	size_t size;
	size_t count;
	uint8_t *tag = build_mb2_tag(three, 3, 32, &size);
	uint8_t *odd = malloc(size + 1);

	(void)state;
	assert_non_null(odd);
	memcpy(odd + 1, tag, size);
	assert_int_equal(memmap_parse_mb2(odd + 1, size, e, 3, &count), 0);
	assert_int_equal(e[2].length, 0x7ee0000);
	free(odd);
	free(tag);
}

/* --- EFI memory map ---------------------------------------------------- */

struct efi_desc {
	uint32_t type;
	uint64_t start;
	uint64_t pages;
};

/* A type-17 tag with @desc_size-byte descriptors, exact-size heap buffer. */
static uint8_t *build_efi_tag(const struct efi_desc *d, size_t n,
			      uint32_t desc_size, size_t *size)
{
	uint8_t *tag;

	*size = 16 + n * desc_size;
	tag = malloc(*size);
	assert_non_null(tag);
	memset(tag, 0xa5, *size);
	put_u32(tag, 17);
	put_u32(tag + 4, (uint32_t)*size);
	put_u32(tag + 8, desc_size);
	put_u32(tag + 12, 1);
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = tag + 16 + i * desc_size;

		put_u32(p, d[i].type);
		put_u64(p + 8, d[i].start);
		put_u64(p + 16, 0);		/* VirtualStart */
		put_u64(p + 24, d[i].pages);
		put_u64(p + 32, 0xf);		/* Attribute: UC WC WT WB */
	}
	return tag;
}

/* OVMF uses 48-byte descriptors: 8 more than EFI_MEMORY_DESCRIPTOR. */
static void memmap_test_efi_tag_48_byte_descriptors(void **state)
{
	static const struct efi_desc d[] = {
		{ 7, 0x0, 0xa0 },		/* conventional */
		{ 1, 0x100000, 0x100 },		/* loader code */
		{ 2, 0x200000, 0x100 },		/* loader data */
		{ 3, 0x300000, 0x10 },		/* boot services code */
		{ 4, 0x310000, 0x10 },		/* boot services data */
		{ 5, 0x320000, 0x10 },		/* runtime services code */
		{ 6, 0x330000, 0x10 },		/* runtime services data */
		{ 9, 0x340000, 0x2 },		/* ACPI reclaim */
		{ 10, 0x342000, 0x2 },		/* ACPI NVS */
		{ 8, 0x344000, 0x1 },		/* unusable */
		{ 14, 0x400000, 0x100 },	/* persistent */
		{ 11, 0xfec00000, 0x1 },	/* MMIO */
	};
	static const struct memmap_region want[] = {
		{ 0x1000, 0xa0000, U },
		{ 0x100000, 0x320000, U },
		{ 0x320000, 0x340000, R },
		{ 0x340000, 0x342000, A },
		{ 0x342000, 0x344000, N },
		{ 0x344000, 0x345000, B },
		{ 0x400000, 0x500000, R },
		{ 0xfec00000, 0xfec01000, R },
	};
	struct memmap_entry e[ARRAY_SIZE(d)];
	struct memmap_region got[MAP_CAP];
	size_t size;
	size_t count;
	uint8_t *tag = build_efi_tag(d, ARRAY_SIZE(d), 48, &size);

	(void)state;
	assert_int_equal(memmap_parse_mb2_efi(tag, size, e, ARRAY_SIZE(e),
					      &count), 0);
	assert_int_equal(count, ARRAY_SIZE(d));
	assert_int_equal(normalize_entries(e, count, NULL, 0, got, MAP_CAP,
					   &count), 0);
	assert_map(got, count, want, ARRAY_SIZE(want));
	free(tag);
}

static void memmap_test_efi_tag_rejects_small_descriptor(void **state)
{
	static const struct efi_desc d[] = { { 7, 0x100000, 1 } };
	struct memmap_entry e[1];
	size_t size;
	size_t count;
	uint8_t *tag = build_efi_tag(d, 1, 40, &size);

	(void)state;
	assert_int_equal(memmap_parse_mb2_efi(tag, size, e, 1, &count), 0);
	put_u32(tag + 8, 24);	/* a Multiboot2 stride is too short here */
	put_u32(tag + 4, 16 + 24);
	assert_int_equal(memmap_parse_mb2_efi(tag, size, e, 1, &count),
			 -EBADMSG);
	free(tag);
}

/* NumberOfPages * 4096 overflowing 64 bits saturates instead of wrapping. */
static void memmap_test_efi_page_count_overflow_saturates(void **state)
{
	static const struct efi_desc d[] = { { 7, 0x100000, 1ULL << 60 } };
	struct memmap_entry e[1];
	size_t size;
	size_t count;
	uint8_t *tag = build_efi_tag(d, 1, 40, &size);

	(void)state;
	assert_int_equal(memmap_parse_mb2_efi(tag, size, e, 1, &count), 0);
	assert_int_equal(e[0].length, UINT64_MAX);
	free(tag);
}

/* Fed both maps, the normalizer keeps the more restrictive view. */
static void memmap_test_efi_and_mb2_maps_combine(void **state)
{
	static const struct efi_desc d[] = {
		{ 7, 0x100000, 0x100 },
		{ 6, 0x200000, 0x10 },		/* runtime data */
	};
	static const struct raw_entry mb2[] = {
		{ 0x100000, 0x110000, 1 },	/* GRUB calls it all usable */
	};
	static const struct memmap_region want[] = {
		{ 0x100000, 0x200000, U },
		{ 0x200000, 0x210000, R },
	};
	struct memmap_entry e[3];
	struct memmap_region got[MAP_CAP];
	size_t efi_size;
	size_t mb2_size;
	size_t n_efi;
	size_t n_mb2;
	size_t count;
	uint8_t *efi = build_efi_tag(d, 2, 48, &efi_size);
	uint8_t *tag = build_mb2_tag(mb2, 1, 24, &mb2_size);

	(void)state;
	assert_int_equal(memmap_parse_mb2_efi(efi, efi_size, e, 3, &n_efi), 0);
	assert_int_equal(memmap_parse_mb2(tag, mb2_size, e + n_efi, 3 - n_efi,
					  &n_mb2), 0);
	assert_int_equal(normalize_entries(e, n_efi + n_mb2, NULL, 0, got,
					   MAP_CAP, &count), 0);
	assert_map(got, count, want, ARRAY_SIZE(want));
	free(efi);
	free(tag);
}

/* --- Types ------------------------------------------------------------- */

static void memmap_test_type_from_mb2(void **state)
{
	(void)state;
	assert_int_equal(memmap_type_from_mb2(1), U);
	assert_int_equal(memmap_type_from_mb2(2), R);
	assert_int_equal(memmap_type_from_mb2(3), A);
	assert_int_equal(memmap_type_from_mb2(4), N);
	assert_int_equal(memmap_type_from_mb2(5), B);
	assert_int_equal(memmap_type_from_mb2(0), R);
	assert_int_equal(memmap_type_from_mb2(20), R);
	assert_int_equal(memmap_type_from_mb2(UINT32_MAX), R);
}

static void memmap_test_type_from_efi(void **state)
{
	static const int want[] = {
		R, U, U, U, U, R, R, U,		/* 0 .. 7 */
		B, A, N, R, R, R, R, R,		/* 8 .. 15 */
	};

	(void)state;
	for (uint32_t t = 0; t < ARRAY_SIZE(want); t++)
		assert_int_equal(memmap_type_from_efi(t), want[t]);
	assert_int_equal(memmap_type_from_efi(0x70000000), R);	/* OEM */
	assert_int_equal(memmap_type_from_efi(0x80000000), R);	/* OS */
}

/* Every type has its own name; out-of-range values say "unknown". */
static void memmap_test_type_names(void **state)
{
	(void)state;
	assert_string_equal(memmap_type_name(MEMMAP_USABLE), "usable");
	assert_string_equal(memmap_type_name(MEMMAP_KERNEL), "kernel");
	assert_string_equal(memmap_type_name(MEMMAP_RESERVED), "reserved");
	for (int a = 0; a < MEMMAP_NR_TYPES; a++) {
		assert_non_null(memmap_type_name((enum memmap_type)a));
		for (int b = a + 1; b < MEMMAP_NR_TYPES; b++)
			assert_string_not_equal(
				memmap_type_name((enum memmap_type)a),
				memmap_type_name((enum memmap_type)b));
	}
	assert_string_equal(memmap_type_name(MEMMAP_NR_TYPES), "unknown");
	assert_string_equal(memmap_type_name((enum memmap_type)-1), "unknown");
}

static void memmap_test_total_bytes_by_type(void **state)
{
	static const struct memmap_region r[] = {
		{ 0x1000, 0x3000, U },
		{ 0x3000, 0x3800, R },
		{ 0x4000, 0x9000, U },
		{ 0x9000, 0xa000, K },
	};

	(void)state;
	assert_int_equal(memmap_usable_bytes(r, 4), 0x7000);
	assert_int_equal(memmap_total_bytes(r, 4, MEMMAP_RESERVED), 0x800);
	assert_int_equal(memmap_total_bytes(r, 4, MEMMAP_KERNEL), 0x1000);
	assert_int_equal(memmap_total_bytes(r, 4, MEMMAP_BAD), 0);
	assert_int_equal(memmap_usable_bytes(r, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memmap_test_seabios_128m_regions_at_40_bits),
		cmocka_unit_test(memmap_test_seabios_128m_drops_high_reserved_at_36_bits),
		cmocka_unit_test(memmap_test_seabios_128m_total_usable),
		cmocka_unit_test(memmap_test_seabios_32m_total_usable),
		cmocka_unit_test(memmap_test_seabios_2g_haswell_ends_at_4g),
		cmocka_unit_test(memmap_test_seabios_pc_8g_usable_above_4g),
		cmocka_unit_test(memmap_test_seabios_q35_8g_total_usable),
		cmocka_unit_test(memmap_test_ovmf_256m_merges_type_20_into_reserved),
		cmocka_unit_test(memmap_test_ovmf_256m_low_fragments),
		cmocka_unit_test(memmap_test_ovmf_q35_4g_total_usable),
		cmocka_unit_test(memmap_test_every_fixture_is_well_formed),
		cmocka_unit_test(memmap_test_unsorted_input_gives_sorted_map),
		cmocka_unit_test(memmap_test_entry_size_32_is_honoured),
		cmocka_unit_test(memmap_test_reserved_inside_usable_splits_it),
		cmocka_unit_test(memmap_test_overlap_priority_follows_type_order),
		cmocka_unit_test(memmap_test_zero_length_entries_are_ignored),
		cmocka_unit_test(memmap_test_first_region_ending_mid_page_is_trimmed),
		cmocka_unit_test(memmap_test_frame_0_is_never_usable),
		cmocka_unit_test(memmap_test_usable_smaller_than_a_page_vanishes),
		cmocka_unit_test(memmap_test_more_than_256_entries),
		cmocka_unit_test(memmap_test_many_touching_entries_merge),
		cmocka_unit_test(memmap_test_entries_beyond_phys_width_are_dropped),
		cmocka_unit_test(memmap_test_entry_across_phys_width_is_clipped),
		cmocka_unit_test(memmap_test_length_wrapping_past_2_64_is_clipped),
		cmocka_unit_test(memmap_test_unknown_types_are_reserved),
		cmocka_unit_test(memmap_test_out_of_range_enum_is_reserved),
		cmocka_unit_test(memmap_test_output_too_small_returns_enospc),
		cmocka_unit_test(memmap_test_capacity_zero_counts_regions),
		cmocka_unit_test(memmap_test_claimed_ranges_become_kernel),
		cmocka_unit_test(memmap_test_claimed_range_loses_to_nvs),
		cmocka_unit_test(memmap_test_claimed_range_in_hole_is_listed),
		cmocka_unit_test(memmap_test_claimed_range_is_clipped_to_phys_width),
		cmocka_unit_test(memmap_test_rejects_bad_phys_bits),
		cmocka_unit_test(memmap_test_rejects_null_arrays_with_counts),
		cmocka_unit_test(memmap_test_empty_input_gives_empty_map),
		cmocka_unit_test(memmap_test_parse_decodes_entries),
		cmocka_unit_test(memmap_test_parse_rejects_truncated_tag),
		cmocka_unit_test(memmap_test_parse_rejects_partial_entry),
		cmocka_unit_test(memmap_test_parse_rejects_entry_size_below_24),
		cmocka_unit_test(memmap_test_parse_rejects_wrong_tag_type),
		cmocka_unit_test(memmap_test_parse_accepts_empty_tag),
		cmocka_unit_test(memmap_test_parse_reports_count_when_out_too_small),
		cmocka_unit_test(memmap_test_parse_accepts_unaligned_tag),
		cmocka_unit_test(memmap_test_efi_tag_48_byte_descriptors),
		cmocka_unit_test(memmap_test_efi_tag_rejects_small_descriptor),
		cmocka_unit_test(memmap_test_efi_page_count_overflow_saturates),
		cmocka_unit_test(memmap_test_efi_and_mb2_maps_combine),
		cmocka_unit_test(memmap_test_type_from_mb2),
		cmocka_unit_test(memmap_test_type_from_efi),
		cmocka_unit_test(memmap_test_type_names),
		cmocka_unit_test(memmap_test_total_bytes_by_type),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
