/*
 * lib/heap_internal.h - what the files of the heap share: the block layout,
 * its flags and accessors, and the steps one file calls in another. Only
 * lib/heap*.c include it; the design is described in lib/heap.h.
 *
 *   heap.c        the allocator: TLSF lists, quick lists, the public calls
 *   heap_arena.c  setting a heap up and giving it memory (arenas, grow)
 *   heap_report.c the report hook and why a pointer handed back is bad
 *   heap_debug.c  debug mode: poison, exact request sizes, slack
 *   heap_check.c  heap_check(), the consistency walk
 */
#pragma once

#include "lib/heap.h"

#include "lib/align.h"
#include "lib/compiler.h"

/* --- Blocks ----------------------------------------------------------------
 *
 * A block, led by its 16-byte header; prev_word belongs to the block before:
 *
 *   | prev_word | sf | payload ...                        | next block
 *                      ^ 16-byte aligned, next_free and prev_free while free
 *
 * sf, "size and flags":
 *
 *    63        48 47       40 39                      4 3        0
 *   +------------+-----------+-------------------------+----------+
 *   |    tag     |   debug   |  size (multiple of 16)  |  state   |
 *   +------------+-----------+-------------------------+----------+
 *
 * The tag is set only while the block is out with a user. A block is free
 * (on a TLSF list, or the top), quick (on a quick list) or in use.
 */
struct heap_block {
	/* The size of the block before if it is free, else its canary. */
	uint64_t prev_word;
	uint64_t sf;		/* size | flags | tag */
	/* Payload. Free and quick blocks keep their links in it. */
	struct heap_block *next_free;
	/* TLSF lists; on a quick block, a poison word. */
	struct heap_block *prev_free;
};

/* Each arena starts with this record, then its first block. */
struct heap_arena {
	struct heap_arena *next;
	uintptr_t start;
	/* [start, end); the sentinel header is the last 16 bytes. */
	uintptr_t end;
};

#define HEAP_ALIGN_SHIFT	4	/* log2(HEAP_ALIGN) */
#define ALIGN_MASK	(HEAP_ALIGN - 1)
_Static_assert(HEAP_ALIGN == 1 << HEAP_ALIGN_SHIFT, "HEAP_ALIGN_SHIFT");

#define HDR		16
#define MIN_BLOCK	32	/* header, and a free block's two links */
#define ARENA_HDR	ALIGN_UP(sizeof(struct heap_arena), HEAP_ALIGN)
#define ARENA_OVERHEAD	(ARENA_HDR + HDR)	/* record and sentinel */
_Static_assert(HDR == offsetof(struct heap_block, next_free), "HDR");
_Static_assert(MIN_BLOCK == sizeof(struct heap_block), "MIN_BLOCK");

/* Sizes below SMALL_LIMIT map to first level 0, in linear 16-byte steps. */
#define SMALL_SHIFT	(HEAP_SL_SHIFT + HEAP_ALIGN_SHIFT)
#define SMALL_LIMIT	((size_t)1 << SMALL_SHIFT)

/* All quick lists together hold at most 1/16 of the bytes in use plus
 * 16 KiB; see quick_takes() in heap.c. */
#define QUICK_BUDGET_SHIFT	4
#define QUICK_BUDGET_BASE	16384

/* State bits of sf. B_PREV_FREE: prev_word holds the size of the block
 * before, which is free. */
#define B_FREE		((uint64_t)1 << 0)
#define B_PREV_FREE	((uint64_t)1 << 1)
#define B_QUICK		((uint64_t)1 << 2)
/* Debug bits of sf: B_POISONED, the payload past the links is poison;
 * B_TAILED, the last payload word holds the request size. */
#define SF_DEBUG_SHIFT	40
#define B_POISONED	((uint64_t)1 << SF_DEBUG_SHIFT)
#define B_TAILED	((uint64_t)1 << (SF_DEBUG_SHIFT + 1))
/* The tag: address bits 4..19 land in sf bits 48..63. */
#define SF_TAG_SHIFT	48
#define TAG_ADDR_SHIFT	(SF_TAG_SHIFT - HEAP_ALIGN_SHIFT)

#define SIZE_MASK	((((uint64_t)1 << SF_DEBUG_SHIFT) - 1) & \
			 ~(uint64_t)ALIGN_MASK)
#define TAG_MASK	(~(uint64_t)0 << SF_TAG_SHIFT)
/* Bits that must match (tag) or be clear (free, quick) for a block in use. */
#define OUT_MASK	(TAG_MASK | B_FREE | B_QUICK)

/* The operation a pointer was handed back to, for naming misuse. */
enum heap_op { OP_FREE, OP_REALLOC };

static inline void *payload(struct heap_block *b)
{
	return (char *)b + HDR;
}

static inline struct heap_block *block_of(const void *p)
{
	return (struct heap_block *)((uintptr_t)p - HDR);
}

static inline struct heap_block *at(struct heap_block *b, size_t off)
{
	return (struct heap_block *)((char *)b + off);
}

/* The block before b, which is free and bs bytes long. */
static inline struct heap_block *before(struct heap_block *b, size_t bs)
{
	return (struct heap_block *)((uintptr_t)b - bs);
}

static inline size_t bsize(const struct heap_block *b)
{
	return b->sf & SIZE_MASK;
}

/* Block size for a request of n bytes (n <= HEAP_MAX_ALLOC). */
static inline size_t block_size(size_t n)
{
	size_t bs = ALIGN_UP(n + HDR, HEAP_ALIGN);

	return bs < MIN_BLOCK ? MIN_BLOCK : bs;
}

/* The quick list of blocks of size bs (a multiple of 16). */
static inline size_t quick_class(size_t bs)
{
	return bs >> HEAP_ALIGN_SHIFT;
}

static inline uint64_t tag_of(const struct heap *h, uintptr_t p)
{
	return ((p << TAG_ADDR_SHIFT) ^ h->tag_key) & TAG_MASK;
}

static inline uint64_t canary_of(const struct heap *h, uintptr_t p)
{
	return p ^ h->canary_key;
}

static inline void account(struct heap *h, size_t bs)
{
	h->in_use += bs;
	if (h->in_use > h->peak_in_use)
		h->peak_in_use = h->in_use;
}

/* See quick_takes() in heap.c. */
static inline void update_quick_limit(struct heap *h)
{
	h->quick_limit = (h->in_use >> QUICK_BUDGET_SHIFT) + QUICK_BUDGET_BASE;
}

/* Give a block, already cut to size bs, to the user. */
static __always_inline void *hand_out(struct heap *h, struct heap_block *b,
				      size_t bs)
{
	uintptr_t p = (uintptr_t)payload(b);

	b->sf = bs | tag_of(h, p) | (b->sf & B_PREV_FREE);
	at(b, bs)->prev_word = canary_of(h, p);
	account(h, bs);
	return (void *)p;
}

/* --- TLSF mapping --------------------------------------------------------- */

/* The index of the highest set bit; x != 0. */
static inline unsigned fls64(uint64_t x)
{
	return 63 - (unsigned)__builtin_clzll(x);
}

/* The list a free block of size s belongs on. */
static inline void mapping(size_t s, unsigned *fl, unsigned *sl)
{
	unsigned f;

	if (s < SMALL_LIMIT) {
		*fl = 0;
		*sl = (unsigned)(s >> HEAP_ALIGN_SHIFT);
		return;
	}
	f = fls64(s);
	*fl = f - (SMALL_SHIFT - 1);
	*sl = (unsigned)(s >> (f - HEAP_SL_SHIFT)) ^ HEAP_SL_COUNT;
}

/* --- Pointer checks ------------------------------------------------------- */

static inline uint64_t ror64(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

/*
 * Whether p is a block in use, with its tag and canary intact and none of
 * the flags in extra set. The size is trusted once the tag matches: a wild
 * pointer whose bytes happen to pass (about 1 in 2^18) may fault on the
 * canary read rather than be reported.
 */
static inline bool in_use_with(const struct heap *h, const void *p,
			       uint64_t extra)
{
	uintptr_t a = (uintptr_t)p;
	const struct heap_block *b = block_of(p);
	uint64_t off = a - h->lo;

	/* lo is 16-byte aligned: rotating a misaligned offset right by 4 puts
	 * its low bits on top, so one compare checks hull and alignment. */
	if (ror64(off, HEAP_ALIGN_SHIFT) >= h->span16)
		return false;
	if ((b->sf ^ (a << TAG_ADDR_SHIFT) ^ h->tag_key) & (OUT_MASK | extra))
		return false;
	return at((struct heap_block *)b, bsize(b))->prev_word ==
	       canary_of(h, a);
}

static inline bool in_use_ok(const struct heap *h, const void *p)
{
	return in_use_with(h, p, 0);
}

/* --- Steps one file of the heap calls in another -------------------------- */

/* heap.c: return block b of size bs to TLSF, merged with free neighbours;
 * returns the merged block. */
struct heap_block *heap_release(struct heap *h, struct heap_block *b,
				size_t bs);
/* heap.c: a block of exactly bs bytes or a little more, off every list, its
 * sf holding only the size and B_POISONED (and B_PREV_FREE for aligned). */
struct heap_block *heap_take(struct heap *h, size_t bs);
struct heap_block *heap_take_aligned(struct heap *h, size_t bs, size_t align);
/* heap.c: return every quick block to TLSF; whether there were any. */
bool heap_quick_flush(struct heap *h);
/* heap.c: make free block b, which ends at top_end, the top; the old top, if
 * any, goes on a list. */
void heap_set_top(struct heap *h, struct heap_block *b, uintptr_t top_end);

/* heap_arena.c: ask the grow hook for room for a block of need bytes. */
bool heap_grow(struct heap *h, size_t need);

/* heap_report.c: pass misuse to ops->report, if there is one. */
void heap_report(struct heap *h, const char *what, void *addr, void *caller);
/* heap_report.c: report p as a pointer the heap never handed out. */
void heap_report_invalid(struct heap *h, void *p, enum heap_op op,
			 void *caller);
/* heap_report.c: report why in_use_ok() failed for p. */
__cold __noinline void heap_diagnose(struct heap *h, void *p, enum heap_op op,
				     void *caller);

/* heap_debug.c: the allocator's calls in debug mode. */
__cold __noinline void *heap_debug_alloc(struct heap *h, size_t n,
					 size_t align);
__cold __noinline void heap_debug_free(struct heap *h, void *p, void *caller);
__cold __noinline void *heap_debug_realloc(struct heap *h, void *p, size_t n,
					   void *caller);
/* heap_debug.c: heap_release() that leaves the merged block poisoned. */
void heap_debug_release(struct heap *h, struct heap_block *b, size_t bs);
/* heap_debug.c: report the first byte past b's links that is not poison;
 * returns whether there was one. */
bool heap_check_poison(struct heap *h, struct heap_block *b, size_t bs,
		       void *caller);
/* heap_debug.c: the request size a tailed block recorded, or its whole
 * payload if untailed; reports and returns SIZE_MAX if the tail or the
 * slack was overwritten. */
size_t heap_tail_ok(struct heap *h, struct heap_block *b, void *caller);
