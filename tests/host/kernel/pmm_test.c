/*
 * tests/host/kernel/pmm_test.c - host tests of the frame allocator core,
 * kernel/pmm.c. Maps come from tests/fixtures/memory-maps (normalized by
 * lib/memmap.c) or are built here. The metadata lives in a malloc'd buffer;
 * the managed "physical" frames are bare numbers that the allocator must
 * never touch, so any access to them would crash under ASan. Run from the
 * repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/pmm.h"
#include "lib/errno.h"
#include "lib/memmap.h"

#define FIXTURE_DIR	"tests/fixtures/memory-maps"
#define MAX_ENTRIES	64
#define MAP_CAP		1024
#define PHYS_BITS	40	/* qemu64's width, as in the fixtures */

#define KiB(x)	((uint64_t)(x) << 10)
#define MiB(x)	((uint64_t)(x) << 20)
#define GiB(x)	((uint64_t)(x) << 30)
#define FRAMES(bytes)	(((bytes) + PAGE_SIZE - 1) / PAGE_SIZE)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The maps GRUB handed Keel under QEMU; the hostile-*.txt ones test the
 * normalizer, not the allocator. */
static const char *const real_maps[] = {
	"seabios-pc-32M.txt", "seabios-pc-128M.txt",
	"seabios-pc-2G-haswell.txt", "seabios-pc-8G.txt",
	"seabios-q35-8G.txt", "ovmf-pc-256M.txt", "ovmf-q35-4G.txt",
};

/* An allocator as the kernel sets it up: metadata carved from the first
 * usable region with room, then reserved. */
struct rig {
	struct memmap_region map[MAP_CAP];
	size_t n;
	struct pmm pmm;
	void *meta;
	size_t meta_size;
	paddr_t meta_start;	/* where the metadata "is" in physical memory */
	paddr_t meta_end;	/* rounded up to whole frames */
};

/* A copy of everything the allocator owns, to prove a call changed nothing. */
struct snapshot {
	struct pmm pmm;
	void *meta;
	size_t size;
};

/* --- Helpers ----------------------------------------------------------- */

/* Data lines of a fixture are "base length type" (Multiboot2 types);
 * '#' lines are comments. Returns the normalized map's size. */
static size_t load_map(const char *name, struct memmap_region *out, size_t cap)
{
	struct memmap_entry e[MAX_ENTRIES];
	struct memmap_input in = { .entries = e, .phys_bits = PHYS_BITS };
	char path[512];
	char line[256];
	size_t count;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURE_DIR, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long base, length, type;

		if (line[0] == '#' ||
		    sscanf(line, "%lli %lli %lli", &base, &length, &type) != 3)
			continue;
		assert_true(in.nr_entries < MAX_ENTRIES);
		e[in.nr_entries++] = (struct memmap_entry){
			base, length, memmap_type_from_mb2((uint32_t)type)
		};
	}
	fclose(f);
	assert_int_equal(memmap_normalize(&in, out, cap, &count), 0);
	return count;
}

/* Sets up @rig from the map already in rig->map. */
static void rig_start(struct rig *rig)
{
	rig->meta_size = pmm_metadata_size(rig->map, rig->n);
	rig->meta = malloc(rig->meta_size ? rig->meta_size : 8);
	assert_non_null(rig->meta);
	assert_int_equal(pmm_init(&rig->pmm, rig->map, rig->n, rig->meta,
				  rig->meta_size), 0);
	rig->meta_start = rig->meta_end = 0;
	for (size_t i = 0; i < rig->n && rig->meta_size; i++) {
		const struct memmap_region *r = &rig->map[i];

		if (r->type != MEMMAP_USABLE || r->end - r->start < rig->meta_size)
			continue;
		rig->meta_start = r->start;
		rig->meta_end = r->start + FRAMES(rig->meta_size) * PAGE_SIZE;
		break;
	}
	if (!rig->meta_size)
		return;
	assert_int_not_equal(rig->meta_start, 0);
	assert_int_equal(pmm_reserve_range(&rig->pmm, rig->meta_start,
					   rig->meta_start + rig->meta_size), 0);
}

static struct rig *rig_fixture(const char *name)
{
	struct rig *rig = calloc(1, sizeof(*rig));

	assert_non_null(rig);
	rig->n = load_map(name, rig->map, MAP_CAP);
	rig_start(rig);
	return rig;
}

static struct rig *rig_map(const struct memmap_region *map, size_t n)
{
	struct rig *rig = calloc(1, sizeof(*rig));

	assert_non_null(rig);
	assert_true(n <= MAP_CAP);
	memcpy(rig->map, map, n * sizeof(*map));
	rig->n = n;
	rig_start(rig);
	return rig;
}

static void rig_free(struct rig *rig)
{
	free(rig->meta);
	free(rig);
}

static uint64_t usable_frames(const struct rig *rig)
{
	return memmap_usable_bytes(rig->map, rig->n) / PAGE_SIZE;
}

/* Index of the usable map region holding @addr, or -1. */
static long usable_region_of(const struct rig *rig, paddr_t addr)
{
	for (size_t i = 0; i < rig->n; i++)
		if (rig->map[i].type == MEMMAP_USABLE &&
		    addr >= rig->map[i].start && addr < rig->map[i].end)
			return (long)i;
	return -1;
}

static bool in_metadata(const struct rig *rig, paddr_t addr)
{
	return addr >= rig->meta_start && addr < rig->meta_end;
}

static struct pmm_stats stats_of(const struct rig *rig)
{
	struct pmm_stats s;

	pmm_stats(&rig->pmm, &s);
	return s;
}

/* total = free + allocated + reserved, and the figures are the expected. */
static void assert_stats(const struct rig *rig, uint64_t allocated,
			 uint64_t reserved)
{
	struct pmm_stats s = stats_of(rig);

	assert_int_equal(s.total_frames, usable_frames(rig));
	assert_int_equal(s.allocated_frames, allocated);
	assert_int_equal(s.reserved_frames, reserved);
	assert_int_equal(s.free_frames, s.total_frames - allocated - reserved);
	assert_int_equal(s.metadata_bytes, rig->meta_size);
}

static void snapshot_take(const struct rig *rig, struct snapshot *snap)
{
	snap->pmm = rig->pmm;
	snap->size = rig->meta_size;
	snap->meta = malloc(snap->size ? snap->size : 1);
	assert_non_null(snap->meta);
	memcpy(snap->meta, rig->meta, snap->size);
}

/* Checks nothing changed since snapshot_take(), and frees the snapshot. */
static void snapshot_check(const struct rig *rig, struct snapshot *snap)
{
	assert_memory_equal(&snap->pmm, &rig->pmm, sizeof(snap->pmm));
	assert_memory_equal(snap->meta, rig->meta, snap->size);
	free(snap->meta);
}

/* xorshift64*: a fixed seed keeps every run the same. */
static uint64_t prng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static uint64_t prng_below(uint64_t *s, uint64_t n)
{
	return prng_next(s) % n;
}

static int cmp_paddr(const void *a, const void *b)
{
	paddr_t x = *(const paddr_t *)a;
	paddr_t y = *(const paddr_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Allocates until pmm_alloc() returns 0, checking each frame; returns the
 * frames in a malloc'd array of *count.
 */
static paddr_t *drain(struct rig *rig, uint64_t *count)
{
	uint64_t cap = usable_frames(rig) + 1;
	paddr_t *frames = malloc(cap * sizeof(*frames));
	paddr_t a;

	assert_non_null(frames);
	*count = 0;
	while ((a = pmm_alloc(&rig->pmm)) != 0) {
		assert_true(*count < cap);
		assert_int_equal(a % PAGE_SIZE, 0);
		assert_true(a >= PAGE_SIZE);
		assert_true(usable_region_of(rig, a) >= 0);
		assert_false(in_metadata(rig, a));
		frames[(*count)++] = a;
	}
	return frames;
}

static void assert_distinct(paddr_t *frames, uint64_t count)
{
	qsort(frames, count, sizeof(*frames), cmp_paddr);
	for (uint64_t i = 1; i < count; i++)
		assert_true(frames[i - 1] < frames[i]);
}

static void shuffle(paddr_t *frames, uint64_t count, uint64_t *seed)
{
	for (uint64_t i = count; i > 1; i--) {
		uint64_t j = prng_below(seed, i);
		paddr_t t = frames[i - 1];

		frames[i - 1] = frames[j];
		frames[j] = t;
	}
}

/* --- Setting up ---------------------------------------------------------- */

/* before: seabios-pc-128M after: usable [0x1000, 0x9f000) and [1M,
 * 0x7fe0000) managed, the metadata's frames reserved, the rest free */
static void pmm_test_init_manages_usable_frames(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-128M.txt");
	uint64_t meta_frames = FRAMES(rig->meta_size);

	(void)state;
	assert_int_equal(usable_frames(rig), 0x9e + 0x7ee0);
	assert_int_equal(pmm_usable_bytes(&rig->pmm), 0x7f7e000);
	assert_stats(rig, 0, meta_frames);
	assert_int_equal(rig->meta_start, 0x1000);
	assert_int_equal(pmm_frame_state(&rig->pmm, 0x1000), PMM_FRAME_RESERVED);
	assert_int_equal(pmm_frame_state(&rig->pmm, rig->meta_end),
			 PMM_FRAME_FREE);
	assert_int_equal(pmm_frame_state(&rig->pmm, 0x7fdf000), PMM_FRAME_FREE);
	assert_int_equal(pmm_frame_state(&rig->pmm, 0x7fe0000),
			 PMM_FRAME_UNMANAGED);
	rig_free(rig);
}

/* before: bad buffers and bad maps after: errors, and the struct and the
 * buffer left as they were */
static void pmm_test_init_rejects_bad_arguments(void **state)
{
	static const struct memmap_region unsorted[] = {
		{ MiB(2), MiB(3), MEMMAP_USABLE },
		{ MiB(1), MiB(2) - PAGE_SIZE, MEMMAP_USABLE },
	};
	static const struct memmap_region overlapping[] = {
		{ MiB(1), MiB(3), MEMMAP_USABLE },
		{ MiB(2), MiB(4), MEMMAP_USABLE },
	};
	struct memmap_region map[MAP_CAP];
	size_t n = load_map("seabios-pc-32M.txt", map, MAP_CAP);
	size_t size = pmm_metadata_size(map, n);
	uint64_t *buf = malloc(size + 8);
	uint64_t *copy = malloc(size + 8);
	struct pmm pmm;
	struct pmm untouched;

	(void)state;
	assert_non_null(buf);
	assert_non_null(copy);
	memset(buf, 0x5a, size + 8);
	memcpy(copy, buf, size + 8);
	memset(&pmm, 0xa5, sizeof(pmm));
	memcpy(&untouched, &pmm, sizeof(pmm));
	assert_int_equal(pmm_init(&pmm, map, n, NULL, size), -EINVAL);
	assert_int_equal(pmm_init(&pmm, map, n, (char *)buf + 4, size), -EINVAL);
	assert_int_equal(pmm_init(&pmm, NULL, n, buf, size), -EINVAL);
	assert_int_equal(pmm_init(&pmm, map, n, buf, size - 1), -ENOSPC);
	assert_int_equal(pmm_init(&pmm, unsorted, 2, buf, size), -EINVAL);
	assert_int_equal(pmm_init(&pmm, overlapping, 2, buf, size), -EINVAL);
	assert_memory_equal(&pmm, &untouched, sizeof(pmm));
	assert_memory_equal(buf, copy, size + 8);
	assert_int_equal(pmm_init(&pmm, map, n, buf, size), 0);
	free(buf);
	free(copy);
}

/* before: usable [0, 0x3800) and [0x5800, 0x8000) given unnormalized
 * after: only frames 0x1000, 0x2000, 0x6000 and 0x7000 are managed */
static void pmm_test_init_drops_partial_frames_and_frame_0(void **state)
{
	static const struct memmap_region map[] = {
		{ 0, 0x3800, MEMMAP_USABLE },
		{ 0x3800, 0x5800, MEMMAP_RESERVED },
		{ 0x5800, 0x8000, MEMMAP_USABLE },
	};
	static const paddr_t want[] = { 0x1000, 0x2000, 0x6000, 0x7000 };
	size_t size = pmm_metadata_size(map, ARRAY_SIZE(map));
	uint64_t *buf = malloc(size);
	struct pmm pmm;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(pmm_init(&pmm, map, ARRAY_SIZE(map), buf, size), 0);
	assert_int_equal(pmm_usable_bytes(&pmm), 4 * PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(pmm_alloc(&pmm), want[i]);
	assert_int_equal(pmm_alloc(&pmm), 0);
	assert_int_equal(pmm_free(&pmm, 0), -ENOENT);
	assert_int_equal(pmm_free(&pmm, 0x3000), -ENOENT);
	free(buf);
}

/* before: a map with no usable memory after: nothing to hand out, every
 * free is outside the managed regions */
static void pmm_test_empty_map_allocates_nothing(void **state)
{
	static const struct memmap_region map[] = {
		{ 0xf0000, 0x100000, MEMMAP_RESERVED },
	};
	struct rig *rig = rig_map(map, ARRAY_SIZE(map));

	(void)state;
	assert_int_equal(rig->meta_size, 0);
	assert_int_equal(pmm_usable_bytes(&rig->pmm), 0);
	assert_int_equal(pmm_alloc(&rig->pmm), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 1, 1), 0);
	assert_int_equal(pmm_free(&rig->pmm, 0x1000), -ENOENT);
	assert_int_equal(pmm_reserve_range(&rig->pmm, 0, MiB(1)), 0);
	assert_stats(rig, 0, 0);
	rig_free(rig);
}

/* --- Single frames ------------------------------------------------------- */

static void drain_fixture(const char *name)
{
	struct rig *rig = rig_fixture(name);
	uint64_t meta_frames = FRAMES(rig->meta_size);
	uint64_t count;
	paddr_t *frames = drain(rig, &count);

	print_message("# %s: %llu frames, %zu bytes of metadata\n", name,
		      (unsigned long long)count, rig->meta_size);
	assert_int_equal(count, usable_frames(rig) - meta_frames);
	assert_stats(rig, count, meta_frames);
	for (uint64_t i = 0; i < count; i++)
		assert_true(pmm_is_allocated(&rig->pmm, frames[i]));
	assert_distinct(frames, count);
	assert_int_equal(pmm_alloc(&rig->pmm), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 1, 1), 0);
	free(frames);
	rig_free(rig);
}

/* before: each real map after: as many frames as usable minus metadata,
 * each distinct, aligned, inside a usable region, never frame 0 */
static void pmm_test_alloc_until_empty_on_every_map(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(real_maps); i++)
		drain_fixture(real_maps[i]);
}

/* before: everything allocated, then freed in random order
 * after: the same frames come back, the metadata as it was at the start */
static void pmm_test_free_all_then_alloc_again(void **state)
{
	uint64_t seed = 0x6b65656c;

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(real_maps); m++) {
		struct rig *rig = rig_fixture(real_maps[m]);
		struct snapshot start;
		uint64_t count;
		uint64_t again;
		paddr_t *frames;
		paddr_t *second;

		snapshot_take(rig, &start);
		frames = drain(rig, &count);
		shuffle(frames, count, &seed);
		for (uint64_t i = 0; i < count; i++)
			assert_int_equal(pmm_free(&rig->pmm, frames[i]), 0);
		assert_stats(rig, 0, FRAMES(rig->meta_size));
		assert_memory_equal(start.meta, rig->meta, rig->meta_size);
		free(start.meta);
		second = drain(rig, &again);
		assert_int_equal(again, count);
		qsort(frames, count, sizeof(*frames), cmp_paddr);
		assert_memory_equal(frames, second, count * sizeof(*frames));
		free(frames);
		free(second);
		rig_free(rig);
	}
}

/* before: frames a < b freed out of order after: the lowest free frame is
 * always the next one handed out */
static void pmm_test_alloc_returns_lowest_free_frame(void **state)
{
	struct rig *rig = rig_fixture("ovmf-q35-4G.txt");
	uint64_t count;
	paddr_t *frames = drain(rig, &count);
	paddr_t a = frames[count / 3];
	paddr_t b = frames[count / 3 + 1000];
	paddr_t c = frames[count - 1];

	(void)state;
	assert_int_equal(pmm_free(&rig->pmm, c), 0);
	assert_int_equal(pmm_free(&rig->pmm, b), 0);
	assert_int_equal(pmm_free(&rig->pmm, a), 0);
	assert_int_equal(pmm_alloc(&rig->pmm), a);
	assert_int_equal(pmm_alloc(&rig->pmm), b);
	assert_int_equal(pmm_alloc(&rig->pmm), c);
	assert_int_equal(pmm_alloc(&rig->pmm), 0);
	free(frames);
	rig_free(rig);
}

/* before: the highest frame freed, then a run below it freed with
 * pmm_free_contiguous() after: the run's frames come first, lowest first,
 * then the highest frame */
static void pmm_test_alloc_reuses_freed_run_first(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-128M.txt");
	paddr_t run = pmm_alloc_contiguous(&rig->pmm, 200, 1);
	uint64_t count;
	paddr_t *frames = drain(rig, &count);

	(void)state;
	assert_int_not_equal(run, 0);
	assert_int_equal(pmm_free(&rig->pmm, frames[count - 1]), 0);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run, 200), 0);
	for (uint64_t i = 0; i < 200; i++)
		assert_int_equal(pmm_alloc(&rig->pmm), run + i * PAGE_SIZE);
	assert_int_equal(pmm_alloc(&rig->pmm), frames[count - 1]);
	assert_int_equal(pmm_alloc(&rig->pmm), 0);
	free(frames);
	rig_free(rig);
}

/* before: a frame allocated and freed after: a second free gets -EEXIST
 * and changes nothing; the frame is still handed out once */
static void pmm_test_double_free_is_reported(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-128M.txt");
	struct snapshot snap;
	paddr_t a = pmm_alloc(&rig->pmm);
	paddr_t b = pmm_alloc(&rig->pmm);

	(void)state;
	assert_int_equal(pmm_free(&rig->pmm, a), 0);
	snapshot_take(rig, &snap);
	assert_int_equal(pmm_free(&rig->pmm, a), -EEXIST);
	snapshot_check(rig, &snap);
	assert_stats(rig, 1, FRAMES(rig->meta_size));
	assert_int_equal(pmm_alloc(&rig->pmm), a);
	assert_int_not_equal(pmm_alloc(&rig->pmm), a);
	assert_int_equal(pmm_free(&rig->pmm, b), 0);
	rig_free(rig);
}

/* before: frames inside usable regions that nobody allocated
 * after: -EEXIST ("not allocated"), nothing changed */
static void pmm_test_free_of_never_allocated_frame(void **state)
{
	struct rig *rig = rig_fixture("ovmf-q35-4G.txt");
	static const paddr_t never[] = {
		0x9f000, 0x100000, 0x80a000, 0x7f7ff000, 0x17ffff000,
	};
	struct snapshot snap;

	(void)state;
	assert_int_not_equal(pmm_alloc(&rig->pmm), 0);
	snapshot_take(rig, &snap);
	for (size_t i = 0; i < ARRAY_SIZE(never); i++) {
		assert_true(usable_region_of(rig, never[i]) >= 0);
		assert_int_equal(pmm_free(&rig->pmm, never[i]), -EEXIST);
	}
	snapshot_check(rig, &snap);
	rig_free(rig);
}

/* before: addresses in holes, reserved and firmware regions, past the end
 * after: -ENOENT, nothing changed */
static void pmm_test_free_outside_usable_memory(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-8G.txt");
	static const paddr_t outside[] = {
		0, 0x9f000, 0xa0000, 0xf0000, 0xbffe0000, 0xc0000000,
		0xfffc0000, 0x240000000, 0xfd00000000, 0xfffffffffffff000,
	};
	struct snapshot snap;

	(void)state;
	assert_int_not_equal(pmm_alloc(&rig->pmm), 0);
	snapshot_take(rig, &snap);
	for (size_t i = 0; i < ARRAY_SIZE(outside); i++) {
		assert_int_equal(usable_region_of(rig, outside[i]), -1);
		assert_int_equal(pmm_free(&rig->pmm, outside[i]), -ENOENT);
		assert_int_equal(pmm_frame_state(&rig->pmm, outside[i]),
				 PMM_FRAME_UNMANAGED);
	}
	snapshot_check(rig, &snap);
	rig_free(rig);
}

/* before: an allocated frame, freed at +1, +0x800, +0xfff
 * after: -EINVAL each time; the frame is still allocated, then freed */
static void pmm_test_free_unaligned_address(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-128M.txt");
	static const paddr_t offsets[] = { 1, 0x800, 0xfff };
	struct snapshot snap;
	paddr_t a = pmm_alloc(&rig->pmm);

	(void)state;
	snapshot_take(rig, &snap);
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		assert_int_equal(pmm_free(&rig->pmm, a + offsets[i]), -EINVAL);
		assert_false(pmm_is_allocated(&rig->pmm, a + offsets[i]));
	}
	/* Alignment is checked before anything else. */
	assert_int_equal(pmm_free(&rig->pmm, 0x123), -EINVAL);
	assert_int_equal(pmm_free(&rig->pmm, 0xfd00000001), -EINVAL);
	snapshot_check(rig, &snap);
	assert_true(pmm_is_allocated(&rig->pmm, a));
	assert_int_equal(pmm_free(&rig->pmm, a), 0);
	rig_free(rig);
}

/* before: the metadata's frames, reserved after: pmm_free() refuses them
 * with -EBUSY and changes nothing */
static void pmm_test_free_of_reserved_frame(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-2G-haswell.txt");
	struct snapshot snap;

	(void)state;
	snapshot_take(rig, &snap);
	for (paddr_t a = rig->meta_start; a < rig->meta_end; a += PAGE_SIZE) {
		assert_int_equal(pmm_free(&rig->pmm, a), -EBUSY);
		assert_int_equal(pmm_frame_state(&rig->pmm, a),
				 PMM_FRAME_RESERVED);
		assert_false(pmm_is_allocated(&rig->pmm, a));
	}
	snapshot_check(rig, &snap);
	rig_free(rig);
}

/* before: a frame through its life after: pmm_is_allocated() is true only
 * between alloc and free */
static void pmm_test_is_allocated_follows_the_frame(void **state)
{
	struct rig *rig = rig_fixture("ovmf-pc-256M.txt");
	paddr_t a = pmm_alloc(&rig->pmm);
	paddr_t next = pmm_alloc(&rig->pmm);

	(void)state;
	assert_int_equal(pmm_free(&rig->pmm, next), 0);
	assert_true(pmm_is_allocated(&rig->pmm, a));
	assert_int_equal(pmm_frame_state(&rig->pmm, next), PMM_FRAME_FREE);
	assert_false(pmm_is_allocated(&rig->pmm, next));
	assert_int_equal(pmm_free(&rig->pmm, a), 0);
	assert_false(pmm_is_allocated(&rig->pmm, a));
	assert_false(pmm_is_allocated(&rig->pmm, 0));
	assert_false(pmm_is_allocated(&rig->pmm, rig->meta_start));
	rig_free(rig);
}

/* --- Reserving ----------------------------------------------------------- */

/* before: [0, 1M) on seabios-pc-128M, which holds 0x9e usable frames and
 * the metadata after: -EBUSY (metadata reserved); once the metadata is
 * elsewhere, the usable frames below 1M are reserved, never allocated */
static void pmm_test_reserve_range_counts_managed_frames(void **state)
{
	static const struct memmap_region map[] = {
		{ 0x1000, 0x9f000, MEMMAP_USABLE },
		{ 0x9fc00, 0x100000, MEMMAP_RESERVED },
		{ 0x100000, MiB(8), MEMMAP_USABLE },
	};
	struct rig *rig = rig_map(map, ARRAY_SIZE(map));
	uint64_t meta = FRAMES(rig->meta_size);
	struct snapshot snap;
	uint64_t count;
	paddr_t *frames;

	(void)state;
	snapshot_take(rig, &snap);
	assert_int_equal(pmm_reserve_range(&rig->pmm, 0, MiB(1)), -EBUSY);
	snapshot_check(rig, &snap);
	/* Everything right after the metadata up to 1M. */
	assert_int_equal(pmm_reserve_range(&rig->pmm, rig->meta_end, MiB(1)), 0);
	assert_stats(rig, 0, 0x9e);
	frames = drain(rig, &count);
	assert_int_equal(count, usable_frames(rig) - 0x9e);
	for (uint64_t i = 0; i < count; i++)
		assert_true(frames[i] >= MiB(1));
	assert_int_equal(meta + (0x9f000 - rig->meta_end) / PAGE_SIZE, 0x9e);
	free(frames);
	rig_free(rig);
}

/* before: unaligned bounds, empty and inverted ranges, an allocated frame
 * after: rounding outwards, 0 for nothing, -EINVAL, -EBUSY */
static void pmm_test_reserve_range_rules(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-128M.txt");
	uint64_t meta = FRAMES(rig->meta_size);
	struct snapshot snap;
	paddr_t a = pmm_alloc(&rig->pmm);

	(void)state;
	snapshot_take(rig, &snap);
	assert_int_equal(pmm_reserve_range(&rig->pmm, a, a + PAGE_SIZE), -EBUSY);
	assert_int_equal(pmm_reserve_range(&rig->pmm, a + 1, a + 2), -EBUSY);
	assert_int_equal(pmm_reserve_range(&rig->pmm, MiB(4), MiB(3)), -EINVAL);
	assert_int_equal(pmm_reserve_range(&rig->pmm, MiB(4), MiB(4)), 0);
	assert_int_equal(pmm_reserve_range(&rig->pmm, 0x9f000, 0x100000), 0);
	assert_int_equal(pmm_reserve_range(&rig->pmm, GiB(1), GiB(2)), 0);
	snapshot_check(rig, &snap);
	/* One byte each side of a boundary takes both frames. */
	assert_int_equal(pmm_reserve_range(&rig->pmm, MiB(4) - 1, MiB(4) + 1), 0);
	assert_stats(rig, 1, meta + 2);
	assert_int_equal(pmm_frame_state(&rig->pmm, MiB(4) - PAGE_SIZE),
			 PMM_FRAME_RESERVED);
	assert_int_equal(pmm_frame_state(&rig->pmm, MiB(4)), PMM_FRAME_RESERVED);
	assert_int_equal(pmm_reserve_range(&rig->pmm, MiB(4), MiB(4) + 1),
			 -EBUSY);
	assert_int_equal(pmm_free(&rig->pmm, MiB(4)), -EBUSY);
	rig_free(rig);
}

/* before: PMM_MAX_RESERVED ranges reserved after: one more is -ENOSPC and
 * changes nothing; a range without managed frames still succeeds */
static void pmm_test_reserve_range_table_full(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-128M.txt");
	struct snapshot snap;

	(void)state;
	for (size_t i = 1; i < PMM_MAX_RESERVED; i++)
		assert_int_equal(pmm_reserve_range(&rig->pmm, MiB(i),
						   MiB(i) + 1), 0);
	snapshot_take(rig, &snap);
	assert_int_equal(pmm_reserve_range(&rig->pmm, MiB(100), MiB(101)),
			 -ENOSPC);
	assert_int_equal(pmm_reserve_range(&rig->pmm, 0x9f000, 0x100000), 0);
	snapshot_check(rig, &snap);
	assert_stats(rig, 0, FRAMES(rig->meta_size) + PMM_MAX_RESERVED - 1);
	rig_free(rig);
}

/* --- Contiguous runs ----------------------------------------------------- */

/* before: runs of several sizes and alignments after: each run aligned,
 * inside one usable region, every frame allocated, then freed */
static void pmm_test_contiguous_honours_alignment(void **state)
{
	static const uint64_t counts[] = { 1, 3, 64, 512, 1000 };
	static const uint64_t aligns[] = { 0, 1, 2, 8, 64, 512 };
	struct rig *rig = rig_fixture("ovmf-q35-4G.txt");
	struct pmm_stats before = stats_of(rig);
	paddr_t single = pmm_alloc(&rig->pmm);

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
		for (size_t k = 0; k < ARRAY_SIZE(aligns); k++) {
			uint64_t n = counts[c];
			uint64_t align = aligns[k] ? aligns[k] : 1;
			paddr_t run = pmm_alloc_contiguous(&rig->pmm, n,
							   aligns[k]);
			long r = usable_region_of(rig, run);

			assert_int_not_equal(run, 0);
			assert_int_equal(run % (align * PAGE_SIZE), 0);
			assert_true(r >= 0);
			assert_true(run + n * PAGE_SIZE <= rig->map[r].end);
			for (uint64_t i = 0; i < n; i++)
				assert_true(pmm_is_allocated(&rig->pmm,
						run + i * PAGE_SIZE));
			assert_int_equal(stats_of(rig).allocated_frames, 1 + n);
			assert_int_equal(pmm_free_contiguous(&rig->pmm, run, n),
					 0);
		}
	}
	/* A 2 MiB-aligned 2 MiB run, as a huge page would need. */
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 512, 512) % MiB(2), 0);
	assert_int_equal(pmm_free(&rig->pmm, single), 0);
	assert_int_equal(stats_of(rig).free_frames, before.free_frames - 512);
	rig_free(rig);
}

/* before: one 128-frame region with every other frame allocated
 * after: no run of 2 fits, and the failure changes nothing */
static void pmm_test_contiguous_fails_cleanly_when_fragmented(void **state)
{
	static const struct memmap_region map[] = {
		{ MiB(1), MiB(1) + 128 * PAGE_SIZE, MEMMAP_USABLE },
	};
	struct rig *rig = rig_map(map, ARRAY_SIZE(map));
	struct snapshot snap;
	uint64_t count;
	paddr_t *frames = drain(rig, &count);

	(void)state;
	for (uint64_t i = 0; i < count; i += 2)
		assert_int_equal(pmm_free(&rig->pmm, frames[i]), 0);
	snapshot_take(rig, &snap);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 2, 1), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 64, 1), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 1000, 1), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 0, 1), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 1, 3), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 1, 1ULL << 63), 0);
	snapshot_check(rig, &snap);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 1, 1), frames[0]);
	assert_int_equal(pmm_alloc(&rig->pmm), frames[2]);
	free(frames);
	rig_free(rig);
}

/* before: two 4-frame regions one frame apart, and two that touch
 * after: a run of 5 never spans them; runs of 4 fit in each */
static void pmm_test_contiguous_never_spans_regions(void **state)
{
	static const struct memmap_region map[] = {
		{ MiB(1), MiB(1) + 0x4000, MEMMAP_USABLE },
		{ MiB(1) + 0x5000, MiB(1) + 0x9000, MEMMAP_USABLE },
		{ MiB(2), MiB(2) + 0x4000, MEMMAP_USABLE },
		{ MiB(2) + 0x4000, MiB(2) + 0x8000, MEMMAP_USABLE },
	};
	size_t size = pmm_metadata_size(map, ARRAY_SIZE(map));
	uint64_t *buf = malloc(size);
	struct pmm pmm;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(pmm_init(&pmm, map, ARRAY_SIZE(map), buf, size), 0);
	assert_int_equal(pmm_alloc_contiguous(&pmm, 5, 1), 0);
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		assert_int_equal(pmm_alloc_contiguous(&pmm, 4, 1), map[i].start);
	assert_int_equal(pmm_alloc(&pmm), 0);
	/* A run given back must lie in one region too. */
	assert_int_equal(pmm_free_contiguous(&pmm, MiB(2), 8), -ENOENT);
	assert_int_equal(pmm_free_contiguous(&pmm, MiB(2), 4), 0);
	free(buf);
}

/* before: runs that are partly free, reserved, outside, empty
 * after: pmm_free_contiguous() checks every frame first, frees none */
static void pmm_test_free_contiguous_checks_whole_run(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-128M.txt");
	struct snapshot snap;
	paddr_t run = pmm_alloc_contiguous(&rig->pmm, 8, 1);

	(void)state;
	assert_int_equal(run, rig->meta_end);
	assert_int_equal(pmm_free(&rig->pmm, run + 3 * PAGE_SIZE), 0);
	snapshot_take(rig, &snap);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run, 8), -EEXIST);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run - PAGE_SIZE, 2),
			 -EBUSY);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run, 0), -EINVAL);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run + 8, 1), -EINVAL);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, 0x9e000, 2), -ENOENT);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, 0xa0000, 1), -ENOENT);
	snapshot_check(rig, &snap);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run, 3), 0);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run + 4 * PAGE_SIZE, 4),
			 0);
	assert_stats(rig, 0, FRAMES(rig->meta_size));
	rig_free(rig);
}

/* --- Random sequences against a shadow ----------------------------------- */

enum { SHADOW_FREE, SHADOW_ALLOCATED, SHADOW_RESERVED };

/* The test's own record of every frame, indexed by frame number. */
struct shadow {
	uint8_t *state;
	uint64_t nr_pfns;
	paddr_t *out;		/* allocated frames, in no order */
	uint64_t nr_out;
};

static void shadow_init(struct shadow *sh, const struct rig *rig)
{
	paddr_t top = 0;

	for (size_t i = 0; i < rig->n; i++)
		if (rig->map[i].type == MEMMAP_USABLE)
			top = rig->map[i].end;
	sh->nr_pfns = top / PAGE_SIZE;
	sh->state = calloc(sh->nr_pfns, 1);
	sh->out = malloc(usable_frames(rig) * sizeof(*sh->out));
	sh->nr_out = 0;
	assert_non_null(sh->state);
	assert_non_null(sh->out);
	for (paddr_t a = rig->meta_start; a < rig->meta_end; a += PAGE_SIZE)
		sh->state[a / PAGE_SIZE] = SHADOW_RESERVED;
}

/* The lowest run the shadow says fits, as pmm_alloc_contiguous() must
 * return it; 0 if none. */
static paddr_t shadow_lowest_run(const struct shadow *sh,
				 const struct rig *rig, uint64_t count,
				 uint64_t align)
{
	for (size_t i = 0; i < rig->n; i++) {
		const struct memmap_region *r = &rig->map[i];
		uint64_t pfn = (r->start / PAGE_SIZE + align - 1) & ~(align - 1);
		uint64_t end = r->end / PAGE_SIZE;

		for (; r->type == MEMMAP_USABLE && pfn + count <= end;
		     pfn += align) {
			uint64_t k = 0;

			while (k < count && sh->state[pfn + k] == SHADOW_FREE)
				k++;
			if (k == count)
				return pfn * PAGE_SIZE;
		}
	}
	return 0;
}

static void shadow_take(struct shadow *sh, paddr_t a)
{
	assert_true(a / PAGE_SIZE < sh->nr_pfns);
	assert_int_equal(sh->state[a / PAGE_SIZE], SHADOW_FREE);
	sh->state[a / PAGE_SIZE] = SHADOW_ALLOCATED;
	sh->out[sh->nr_out++] = a;
}

/* Every usable frame's state, as the allocator reports it. */
static void shadow_check_all(const struct shadow *sh, const struct rig *rig)
{
	static const enum pmm_frame_state want[] = {
		[SHADOW_FREE] = PMM_FRAME_FREE,
		[SHADOW_ALLOCATED] = PMM_FRAME_ALLOCATED,
		[SHADOW_RESERVED] = PMM_FRAME_RESERVED,
	};

	for (size_t i = 0; i < rig->n; i++) {
		const struct memmap_region *r = &rig->map[i];

		for (paddr_t a = r->start;
		     r->type == MEMMAP_USABLE && a < r->end; a += PAGE_SIZE)
			assert_int_equal(pmm_frame_state(&rig->pmm, a),
					 want[sh->state[a / PAGE_SIZE]]);
	}
}

static void random_alloc(struct shadow *sh, struct rig *rig)
{
	paddr_t want = shadow_lowest_run(sh, rig, 1, 1);

	assert_int_equal(pmm_alloc(&rig->pmm), want);
	if (want)
		shadow_take(sh, want);
}

static void random_free(struct shadow *sh, struct rig *rig, uint64_t *seed)
{
	uint64_t i;
	paddr_t a;

	if (!sh->nr_out)
		return;
	i = prng_below(seed, sh->nr_out);
	a = sh->out[i];
	assert_int_equal(pmm_free(&rig->pmm, a), 0);
	sh->state[a / PAGE_SIZE] = SHADOW_FREE;
	sh->out[i] = sh->out[--sh->nr_out];
}

static void random_contiguous(struct shadow *sh, struct rig *rig,
			      uint64_t *seed)
{
	uint64_t count = 1 + prng_below(seed, 16);
	uint64_t align = 1ULL << prng_below(seed, 5);
	paddr_t want = shadow_lowest_run(sh, rig, count, align);

	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, count, align), want);
	for (uint64_t k = 0; want && k < count; k++)
		shadow_take(sh, want + k * PAGE_SIZE);
}

/* A free frame picked at random must be refused, changing nothing. */
static void random_bad_free(struct shadow *sh, struct rig *rig, uint64_t *seed)
{
	paddr_t a = prng_below(seed, sh->nr_pfns) * PAGE_SIZE;
	struct snapshot snap;
	int err;

	if (sh->state[a / PAGE_SIZE] == SHADOW_ALLOCATED)
		return;
	snapshot_take(rig, &snap);
	err = pmm_free(&rig->pmm, a);
	if (usable_region_of(rig, a) < 0)
		assert_int_equal(err, -ENOENT);
	else if (sh->state[a / PAGE_SIZE] == SHADOW_RESERVED)
		assert_int_equal(err, -EBUSY);
	else
		assert_int_equal(err, -EEXIST);
	snapshot_check(rig, &snap);
}

static void random_run(const char *name, uint64_t seed, unsigned int ops)
{
	struct rig *rig = rig_fixture(name);
	uint64_t meta = FRAMES(rig->meta_size);
	struct snapshot start;
	struct shadow sh;

	print_message("# %s: %u operations, seed %#llx\n", name, ops,
		      (unsigned long long)seed);
	shadow_init(&sh, rig);
	snapshot_take(rig, &start);
	for (unsigned int op = 0; op < ops; op++) {
		uint64_t dice = prng_below(&seed, 100);

		if (dice < 50)
			random_alloc(&sh, rig);
		else if (dice < 90)
			random_free(&sh, rig, &seed);
		else if (dice < 97)
			random_contiguous(&sh, rig, &seed);
		else
			random_bad_free(&sh, rig, &seed);
		assert_stats(rig, sh.nr_out, meta);
		if (op % 5000 == 0)
			shadow_check_all(&sh, rig);
	}
	shadow_check_all(&sh, rig);
	while (sh.nr_out)
		random_free(&sh, rig, &seed);
	assert_stats(rig, 0, meta);
	assert_memory_equal(start.meta, rig->meta, rig->meta_size);
	free(start.meta);
	free(sh.state);
	free(sh.out);
	rig_free(rig);
}

/* before: seeded random alloc/free/contiguous/bad-free sequences
 * after: every result and figure matches a shadow of every frame, and
 * freeing everything restores the metadata bit for bit */
static void pmm_test_random_sequences_match_shadow(void **state)
{
	(void)state;
	random_run("seabios-pc-128M.txt", 0x1234567887654321ULL, 40000);
	random_run("ovmf-q35-4G.txt", 0x0ddba11cafef00dULL, 20000);
}

/* --- Odd and large maps -------------------------------------------------- */

/* before: 600 usable regions of 1 to 7 frames between reserved ones
 * after: every frame handed out once, runs only where they fit, the
 * random sequence matches its shadow */
static void pmm_test_many_small_regions(void **state)
{
	struct memmap_region *map = calloc(MAP_CAP, sizeof(*map));
	struct rig *rig;
	uint64_t count;
	paddr_t *frames;
	paddr_t run;
	size_t n = 0;
	uint64_t seed = 42;

	(void)state;
	assert_non_null(map);
	for (size_t i = 0; i < 600; i++) {
		paddr_t start = MiB(1) + i * 0x10000;
		paddr_t end = start + (1 + i % 7) * PAGE_SIZE;

		map[n++] = (struct memmap_region){ start, end, MEMMAP_USABLE };
		if (i % 3 == 0)
			map[n++] = (struct memmap_region){
				end, end + PAGE_SIZE, MEMMAP_RESERVED };
	}
	rig = rig_map(map, n);
	print_message("# 600 regions: %zu bytes of metadata\n", rig->meta_size);
	assert_true(rig->meta_size >= 600 * sizeof(struct pmm_region));
	frames = drain(rig, &count);
	assert_int_equal(count, usable_frames(rig) - FRAMES(rig->meta_size));
	assert_distinct(frames, count);
	shuffle(frames, count, &seed);
	for (uint64_t i = 0; i < count; i++)
		assert_int_equal(pmm_free(&rig->pmm, frames[i]), 0);
	assert_int_equal(pmm_alloc_contiguous(&rig->pmm, 8, 1), 0);
	run = pmm_alloc_contiguous(&rig->pmm, 7, 1);
	assert_int_not_equal(run, 0);
	assert_int_equal(rig->map[usable_region_of(rig, run)].end - run,
			 7 * PAGE_SIZE);
	assert_int_equal(pmm_free(&rig->pmm, run + 7 * PAGE_SIZE), -ENOENT);
	assert_int_equal(pmm_free_contiguous(&rig->pmm, run, 7), 0);
	free(frames);
	rig_free(rig);
	free(map);
}

/* before: seabios-pc-8G, whose reserved region reaches 1 TiB
 * after: metadata of about 33 KiB per GiB of usable RAM, nowhere near a
 * bitmap up to the highest address */
static void pmm_test_8g_metadata_stays_small(void **state)
{
	struct rig *rig = rig_fixture("seabios-pc-8G.txt");
	uint64_t usable = pmm_usable_bytes(&rig->pmm);
	uint64_t per_gib = rig->meta_size * GiB(1) / usable;
	uint64_t flat = rig->map[rig->n - 1].end / PAGE_SIZE / 8;

	(void)state;
	print_message("# 8G map: %llu usable bytes, %zu bytes of metadata, "
		      "%llu bytes per GiB (a flat bitmap to %#llx: %llu)\n",
		      (unsigned long long)usable, rig->meta_size,
		      (unsigned long long)per_gib,
		      (unsigned long long)rig->map[rig->n - 1].end,
		      (unsigned long long)flat);
	assert_int_equal(usable, memmap_usable_bytes(rig->map, rig->n));
	assert_true(usable > GiB(7));
	assert_true(per_gib <= KiB(33));
	assert_true(rig->meta_size < KiB(300));
	assert_true(rig->meta_size * 100 < flat);
	rig_free(rig);
}

/* before: each error pmm_free() returns after: its own message */
static void pmm_test_error_names(void **state)
{
	static const int errs[] = { -EINVAL, -ENOENT, -EEXIST, -EBUSY };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(errs); i++) {
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(pmm_error_name(errs[i]),
						pmm_error_name(errs[j]));
		assert_string_not_equal(pmm_error_name(errs[i]),
					pmm_error_name(-ENOMEM));
	}
	assert_string_equal(pmm_error_name(-EEXIST),
			    "not allocated (double free?)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pmm_test_init_manages_usable_frames),
		cmocka_unit_test(pmm_test_init_rejects_bad_arguments),
		cmocka_unit_test(pmm_test_init_drops_partial_frames_and_frame_0),
		cmocka_unit_test(pmm_test_empty_map_allocates_nothing),
		cmocka_unit_test(pmm_test_alloc_until_empty_on_every_map),
		cmocka_unit_test(pmm_test_free_all_then_alloc_again),
		cmocka_unit_test(pmm_test_alloc_returns_lowest_free_frame),
		cmocka_unit_test(pmm_test_alloc_reuses_freed_run_first),
		cmocka_unit_test(pmm_test_double_free_is_reported),
		cmocka_unit_test(pmm_test_free_of_never_allocated_frame),
		cmocka_unit_test(pmm_test_free_outside_usable_memory),
		cmocka_unit_test(pmm_test_free_unaligned_address),
		cmocka_unit_test(pmm_test_free_of_reserved_frame),
		cmocka_unit_test(pmm_test_is_allocated_follows_the_frame),
		cmocka_unit_test(pmm_test_reserve_range_counts_managed_frames),
		cmocka_unit_test(pmm_test_reserve_range_rules),
		cmocka_unit_test(pmm_test_reserve_range_table_full),
		cmocka_unit_test(pmm_test_contiguous_honours_alignment),
		cmocka_unit_test(pmm_test_contiguous_fails_cleanly_when_fragmented),
		cmocka_unit_test(pmm_test_contiguous_never_spans_regions),
		cmocka_unit_test(pmm_test_free_contiguous_checks_whole_run),
		cmocka_unit_test(pmm_test_random_sequences_match_shadow),
		cmocka_unit_test(pmm_test_many_small_regions),
		cmocka_unit_test(pmm_test_8g_metadata_stays_small),
		cmocka_unit_test(pmm_test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
