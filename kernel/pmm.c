/*
 * kernel/pmm.c - the physical frame allocator core: a hierarchy of free-frame
 * bitmaps over the usable regions' frames (see kernel/pmm.h for the design).
 */
#include "kernel/pmm.h"

#include "lib/errno.h"

#define WORD_BITS	64
#define WORD_SHIFT	6
#define PAGE_MASK	(PAGE_SIZE - 1)

/* Returned by find_run() when no run fits. */
#define NO_RUN		UINT64_MAX

/* Where pmm_init() puts things in the metadata buffer. */
struct layout {
	size_t nr_regions;
	uint64_t total_frames;
	unsigned int nr_levels;
	uint64_t words[PMM_MAX_LEVELS];	/* 64-bit words of each level */
	size_t bytes;
};

static inline uint64_t words_for(uint64_t bits)
{
	return (bits + WORD_BITS - 1) >> WORD_SHIFT;
}

/* Bits [lo, hi) of a word, for 0 <= lo < hi <= 64. */
static inline uint64_t word_mask(unsigned int lo, unsigned int hi)
{
	return (~0ULL >> (WORD_BITS - (hi - lo))) << lo;
}

static inline uint64_t region_frames(const struct pmm_region *r)
{
	return (r->end - r->start) >> PAGE_SHIFT;
}

/*
 * The whole frames of a usable map region, frame 0 left out. Returns false
 * for other types and for usable regions without a whole frame.
 */
static bool usable_frames(const struct memmap_region *r, paddr_t *start,
			  paddr_t *end)
{
	paddr_t s = r->start < PAGE_SIZE ? PAGE_SIZE : r->start;

	if (r->type != MEMMAP_USABLE || s > UINT64_MAX - PAGE_MASK)
		return false;
	s = (s + PAGE_MASK) & ~PAGE_MASK;
	if (s >= (r->end & ~PAGE_MASK))
		return false;
	*start = s;
	*end = r->end & ~PAGE_MASK;
	return true;
}

/* Usable regions sorted and apart, as pmm_init() needs them. */
static bool usable_in_order(const struct memmap_region *regions, size_t n)
{
	paddr_t prev_end = 0;
	paddr_t start;
	paddr_t end;

	for (size_t i = 0; i < n; i++) {
		if (!usable_frames(&regions[i], &start, &end))
			continue;
		if (start < prev_end)
			return false;
		prev_end = end;
	}
	return true;
}

static void plan_layout(const struct memmap_region *regions, size_t n,
			struct layout *lo)
{
	paddr_t start;
	paddr_t end;
	uint64_t words;

	*lo = (struct layout){ 0 };
	for (size_t i = 0; i < n; i++) {
		if (!usable_frames(&regions[i], &start, &end))
			continue;
		lo->nr_regions++;
		lo->total_frames += (end - start) >> PAGE_SHIFT;
	}
	lo->bytes = lo->nr_regions * sizeof(struct pmm_region);
	if (!lo->total_frames)
		return;
	/* Level k+1 has a bit per word of level k, up to a single word. */
	words = words_for(lo->total_frames);
	do {
		lo->words[lo->nr_levels++] = words;
		lo->bytes += words * sizeof(uint64_t);
		words = words_for(words);
	} while (lo->words[lo->nr_levels - 1] > 1);
}

size_t pmm_metadata_size(const struct memmap_region *regions, size_t n)
{
	struct layout lo;

	if (!regions)
		return 0;
	plan_layout(regions, n, &lo);
	return lo.bytes;
}

/* Set the first @bits bits of @words words, clear the rest. */
static void fill_level(uint64_t *level, uint64_t words, uint64_t bits)
{
	for (uint64_t w = 0; w < words; w++) {
		uint64_t left = bits - (w << WORD_SHIFT);

		level[w] = left >= WORD_BITS ? ~0ULL : word_mask(0, left);
	}
}

int pmm_init(struct pmm *pmm, const struct memmap_region *regions, size_t n,
	     void *metadata, size_t size)
{
	struct layout lo;
	uint64_t *words;
	size_t r = 0;

	if (!metadata || ((uintptr_t)metadata & 7) || (n && !regions))
		return -EINVAL;
	if (!usable_in_order(regions, n))
		return -EINVAL;
	plan_layout(regions, n, &lo);
	if (size < lo.bytes)
		return -ENOSPC;

	*pmm = (struct pmm){ .regions = metadata, .nr_regions = lo.nr_regions };
	for (size_t i = 0; i < n; i++) {
		struct pmm_region *pr = &pmm->regions[r];

		if (!usable_frames(&regions[i], &pr->start, &pr->end))
			continue;
		pr->first = pmm->total_frames;
		pmm->total_frames += region_frames(pr);
		r++;
	}
	/* Every frame starts free, so every word of every level is nonzero. */
	words = (uint64_t *)(pmm->regions + lo.nr_regions);
	for (unsigned int k = 0; k < lo.nr_levels; k++) {
		pmm->levels[k] = words;
		fill_level(words, lo.words[k],
			   k ? lo.words[k - 1] : lo.total_frames);
		words += lo.words[k];
	}
	pmm->nr_levels = lo.nr_levels;
	pmm->free_frames = pmm->total_frames;
	pmm->metadata_bytes = lo.bytes;
	return 0;
}

/* --- Finding regions ------------------------------------------------------ */

/* The first region that ends above @addr; nr_regions if there is none. */
static size_t region_ending_after(const struct pmm *pmm, paddr_t addr)
{
	size_t lo = 0;
	size_t hi = pmm->nr_regions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pmm->regions[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The region holding @addr, trying the hint first; nr_regions if none. */
static size_t region_of(const struct pmm *pmm, paddr_t addr)
{
	size_t i = pmm->hint;

	if (i < pmm->nr_regions && addr >= pmm->regions[i].start &&
	    addr < pmm->regions[i].end)
		return i;
	i = region_ending_after(pmm, addr);
	if (i < pmm->nr_regions && addr >= pmm->regions[i].start)
		return i;
	return pmm->nr_regions;
}

/* The region holding frame index @idx, which must be below total_frames. */
static size_t region_of_index(const struct pmm *pmm, uint64_t idx)
{
	const struct pmm_region *r = &pmm->regions[pmm->hint];
	size_t lo = 0;
	size_t hi = pmm->nr_regions - 1;

	if (idx >= r->first && idx - r->first < region_frames(r))
		return pmm->hint;
	/* The last region whose first index is <= idx. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (pmm->regions[mid].first <= idx)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static inline uint64_t index_of(const struct pmm_region *r, paddr_t addr)
{
	return r->first + ((addr - r->start) >> PAGE_SHIFT);
}

static inline paddr_t addr_of(const struct pmm_region *r, uint64_t idx)
{
	return r->start + ((idx - r->first) << PAGE_SHIFT);
}

/* Whether [start, end) meets a range given to pmm_reserve_range(). */
static bool overlaps_reserved(const struct pmm *pmm, paddr_t start,
			      paddr_t end)
{
	for (size_t i = 0; i < pmm->nr_reserved; i++)
		if (start < pmm->reserved[i].end &&
		    end > pmm->reserved[i].start)
			return true;
	return false;
}

/* --- Bitmaps ------------------------------------------------------------ */

static inline bool frame_is_free(const struct pmm *pmm, uint64_t idx)
{
	return (pmm->levels[0][idx >> WORD_SHIFT] >> (idx & (WORD_BITS - 1))) & 1;
}

/*
 * Word @w of level 0 may have become empty or nonempty: make its bit in
 * level 1 agree, and so on up while a word's emptiness changes.
 */
static void propagate(struct pmm *pmm, uint64_t w)
{
	for (unsigned int k = 0; k + 1 < pmm->nr_levels; k++) {
		uint64_t *up = &pmm->levels[k + 1][w >> WORD_SHIFT];
		uint64_t bit = 1ULL << (w & (WORD_BITS - 1));
		bool was_empty = *up == 0;

		if (pmm->levels[k][w])
			*up |= bit;
		else
			*up &= ~bit;
		if (was_empty == (*up == 0))
			return;
		w >>= WORD_SHIFT;
	}
}

/* The bits of [i, to) that lie in the word holding bit @i. */
static inline uint64_t span_mask(uint64_t i, uint64_t to)
{
	uint64_t base = i & ~(uint64_t)(WORD_BITS - 1);
	uint64_t hi = to - base >= WORD_BITS ? WORD_BITS : to - base;

	return word_mask(i - base, hi);
}

static inline uint64_t next_word(uint64_t i)
{
	return ((i >> WORD_SHIFT) + 1) << WORD_SHIFT;
}

/* The first frame of [from, to) whose free bit equals @free, or @to. */
static uint64_t find_frame(const struct pmm *pmm, uint64_t from, uint64_t to,
			   bool free)
{
	for (uint64_t i = from; i < to; i = next_word(i)) {
		uint64_t v = pmm->levels[0][i >> WORD_SHIFT];
		uint64_t hit = (free ? v : ~v) & span_mask(i, to);

		if (hit)
			return (i & ~(uint64_t)(WORD_BITS - 1)) +
			       (uint64_t)__builtin_ctzll(hit);
	}
	return to;
}

/* Mark frames [from, to) free or used, keeping the levels above in step. */
static void set_frames(struct pmm *pmm, uint64_t from, uint64_t to, bool free)
{
	for (uint64_t i = from; i < to; i = next_word(i)) {
		uint64_t w = i >> WORD_SHIFT;
		uint64_t old = pmm->levels[0][w];
		uint64_t mask = span_mask(i, to);
		uint64_t now = free ? old | mask : old & ~mask;

		pmm->levels[0][w] = now;
		if (!old != !now)
			propagate(pmm, w);
	}
	if (free && from < to && (from >> WORD_SHIFT) < pmm->cursor)
		pmm->cursor = from >> WORD_SHIFT;
}

/* --- Single frames -------------------------------------------------------- */

/* Index of the lowest free frame; there must be one. */
static uint64_t lowest_free(struct pmm *pmm)
{
	uint64_t v = pmm->levels[0][pmm->cursor];
	uint64_t w = 0;

	if (v)
		return (pmm->cursor << WORD_SHIFT) | (uint64_t)__builtin_ctzll(v);
	/* Down from the single top word: each level names a word below. */
	for (unsigned int k = pmm->nr_levels; k-- > 0;)
		w = (w << WORD_SHIFT) |
		    (uint64_t)__builtin_ctzll(pmm->levels[k][w]);
	pmm->cursor = w >> WORD_SHIFT;
	return w;
}

paddr_t pmm_alloc(struct pmm *pmm)
{
	uint64_t *word;
	uint64_t idx;

	if (!pmm->free_frames)
		return 0;
	idx = lowest_free(pmm);
	word = &pmm->levels[0][idx >> WORD_SHIFT];
	*word &= ~(1ULL << (idx & (WORD_BITS - 1)));
	if (!*word)
		propagate(pmm, idx >> WORD_SHIFT);
	pmm->free_frames--;
	pmm->hint = region_of_index(pmm, idx);
	return addr_of(&pmm->regions[pmm->hint], idx);
}

int pmm_free(struct pmm *pmm, paddr_t addr)
{
	uint64_t *word;
	uint64_t old;
	uint64_t idx;
	size_t r;

	if (addr & PAGE_MASK)
		return -EINVAL;
	r = region_of(pmm, addr);
	if (r == pmm->nr_regions)
		return -ENOENT;
	idx = index_of(&pmm->regions[r], addr);
	if (frame_is_free(pmm, idx))
		return -EEXIST;
	if (overlaps_reserved(pmm, addr, addr + PAGE_SIZE))
		return -EBUSY;
	word = &pmm->levels[0][idx >> WORD_SHIFT];
	old = *word;
	*word = old | 1ULL << (idx & (WORD_BITS - 1));
	if (!old)
		propagate(pmm, idx >> WORD_SHIFT);
	if ((idx >> WORD_SHIFT) < pmm->cursor)
		pmm->cursor = idx >> WORD_SHIFT;
	pmm->free_frames++;
	pmm->hint = r;
	return 0;
}

/* --- Runs and ranges ------------------------------------------------------ */

/*
 * Index of the lowest run of @count free frames in region @r whose address
 * is a multiple of @align frames (a power of two), or NO_RUN. Each frame is
 * looked at a bounded number of times: a failed try resumes past the used
 * frame that stopped it.
 */
static uint64_t find_run(const struct pmm *pmm, const struct pmm_region *r,
			 uint64_t count, uint64_t align)
{
	uint64_t end = r->first + region_frames(r);
	uint64_t pfn = r->start >> PAGE_SHIFT;
	uint64_t at = r->first + ((0 - pfn) & (align - 1));

	while (at < end && count <= end - at) {
		uint64_t used = find_frame(pmm, at, at + count, false);

		if (used == at + count)
			return at;
		at = find_frame(pmm, used + 1, end, true);
		if (at == end)
			break;
		pfn = (r->start >> PAGE_SHIFT) + (at - r->first);
		at += (0 - pfn) & (align - 1);
	}
	return NO_RUN;
}

paddr_t pmm_alloc_contiguous(struct pmm *pmm, uint64_t count,
			     uint64_t align_frames)
{
	if (!align_frames)
		align_frames = 1;
	if (!count || count > pmm->free_frames ||
	    (align_frames & (align_frames - 1)))
		return 0;
	for (size_t i = 0; i < pmm->nr_regions; i++) {
		const struct pmm_region *r = &pmm->regions[i];
		uint64_t at;

		if (count > region_frames(r))
			continue;
		at = find_run(pmm, r, count, align_frames);
		if (at == NO_RUN)
			continue;
		set_frames(pmm, at, at + count, false);
		pmm->free_frames -= count;
		pmm->hint = i;
		return addr_of(r, at);
	}
	return 0;
}

int pmm_free_contiguous(struct pmm *pmm, paddr_t addr, uint64_t count)
{
	uint64_t idx;
	size_t r;

	if (!count || (addr & PAGE_MASK))
		return -EINVAL;
	r = region_of(pmm, addr);
	if (r == pmm->nr_regions ||
	    count > (pmm->regions[r].end - addr) >> PAGE_SHIFT)
		return -ENOENT;
	idx = index_of(&pmm->regions[r], addr);
	if (find_frame(pmm, idx, idx + count, true) != idx + count)
		return -EEXIST;
	if (overlaps_reserved(pmm, addr, addr + (count << PAGE_SHIFT)))
		return -EBUSY;
	set_frames(pmm, idx, idx + count, true);
	pmm->free_frames += count;
	pmm->hint = r;
	return 0;
}

/*
 * Shrink [*start, *end) to whole frames inside the hull of the usable
 * regions, rounding outwards first. False if nothing is left.
 */
static bool clip_to_hull(const struct pmm *pmm, paddr_t *start, paddr_t *end)
{
	paddr_t lo;
	paddr_t hi;

	if (!pmm->nr_regions || *start >= *end)
		return false;
	lo = pmm->regions[0].start;
	hi = pmm->regions[pmm->nr_regions - 1].end;
	/* hi is page-aligned, so an end below it rounds up without overflow. */
	*end = *end >= hi ? hi : (*end + PAGE_MASK) & ~PAGE_MASK;
	*start &= ~PAGE_MASK;
	if (*start < lo)
		*start = lo;
	return *start < *end;
}

/*
 * Managed frames of [start, end), which clip_to_hull() has made whole
 * frames; with @take, marks them used, else only checks they are all free
 * (returning UINT64_MAX if one is not).
 */
static uint64_t walk_range(struct pmm *pmm, paddr_t start, paddr_t end,
			   bool take)
{
	uint64_t frames = 0;

	for (size_t i = region_ending_after(pmm, start);
	     i < pmm->nr_regions && pmm->regions[i].start < end; i++) {
		const struct pmm_region *r = &pmm->regions[i];
		uint64_t from = index_of(r, start > r->start ? start : r->start);
		uint64_t to = index_of(r, end < r->end ? end : r->end);

		if (take)
			set_frames(pmm, from, to, false);
		else if (find_frame(pmm, from, to, false) != to)
			return UINT64_MAX;
		frames += to - from;
	}
	return frames;
}

int pmm_reserve_range(struct pmm *pmm, paddr_t start, paddr_t end)
{
	uint64_t frames;

	if (start > end)
		return -EINVAL;
	if (!clip_to_hull(pmm, &start, &end))
		return 0;
	frames = walk_range(pmm, start, end, false);
	if (frames == UINT64_MAX)
		return -EBUSY;
	if (!frames)
		return 0;
	if (pmm->nr_reserved == PMM_MAX_RESERVED)
		return -ENOSPC;
	walk_range(pmm, start, end, true);
	pmm->reserved[pmm->nr_reserved++] = (struct pmm_range){ start, end };
	pmm->reserved_frames += frames;
	pmm->free_frames -= frames;
	return 0;
}

/* --- Queries -------------------------------------------------------------- */

enum pmm_frame_state pmm_frame_state(const struct pmm *pmm, paddr_t addr)
{
	size_t r;

	if (addr & PAGE_MASK)
		return PMM_FRAME_UNMANAGED;
	r = region_of(pmm, addr);
	if (r == pmm->nr_regions)
		return PMM_FRAME_UNMANAGED;
	if (frame_is_free(pmm, index_of(&pmm->regions[r], addr)))
		return PMM_FRAME_FREE;
	if (overlaps_reserved(pmm, addr, addr + PAGE_SIZE))
		return PMM_FRAME_RESERVED;
	return PMM_FRAME_ALLOCATED;
}

void pmm_stats(const struct pmm *pmm, struct pmm_stats *out)
{
	*out = (struct pmm_stats){
		.total_frames = pmm->total_frames,
		.free_frames = pmm->free_frames,
		.allocated_frames = pmm->total_frames - pmm->free_frames -
				    pmm->reserved_frames,
		.reserved_frames = pmm->reserved_frames,
		.metadata_bytes = pmm->metadata_bytes,
	};
}

const char *pmm_error_name(int err)
{
	switch (err) {
	case 0:
		return "no error";
	case -EINVAL:
		return "not 4 KiB-aligned";
	case -ENOENT:
		return "not in usable memory";
	case -EEXIST:
		return "not allocated (double free?)";
	case -EBUSY:
		return "reserved, never allocated";
	default:
		return "unknown error";
	}
}
