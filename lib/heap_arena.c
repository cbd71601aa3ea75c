/*
 * lib/heap_arena.c - setting a heap up and giving it memory: the keys of its
 * tags and canaries, the quick lists' depths, and arenas, whether handed in
 * or got from the grow hook (see lib/heap.h).
 */
#include "lib/heap.h"

#include "lib/heap_internal.h"
#include "lib/string.h"

/* Largest arena; far below what the size field of a header can hold. */
#define MAX_ARENA	((size_t)1 << 39)

/* One quick list holds QUICK_CLASS_BYTES, but between QUICK_MIN_DEPTH and
 * QUICK_MAX_DEPTH blocks. */
#define QUICK_CLASS_BYTES 8192
#define QUICK_MIN_DEPTH	4
#define QUICK_MAX_DEPTH	256

/* SplitMix64's increment (2^64 / golden ratio) and finalizer constants. */
#define MIX_GAMMA	0x9e3779b97f4a7c15ull
#define MIX_MUL1	0xbf58476d1ce4e5b9ull
#define MIX_MUL2	0x94d049bb133111ebull

/* --- Arenas --------------------------------------------------------------- */

static void update_hull(struct heap *h, uintptr_t start, uintptr_t end)
{
	uintptr_t lo = start + ARENA_HDR + HDR;

	if (lo < h->lo)
		h->lo = lo;
	if (end > h->hi)
		h->hi = end;
	h->span16 = (h->hi - h->lo) >> HEAP_ALIGN_SHIFT;
}

/* Memory right after the last arena: its sentinel becomes a free block. */
static void extend_arena(struct heap *h, struct heap_arena *a, uintptr_t end)
{
	struct heap_block *s = (struct heap_block *)(a->end - HDR);
	struct heap_block *n = (struct heap_block *)(end - HDR);
	size_t bs = end - a->end;

	n->sf = 0;
	s->sf = bs | (s->sf & B_PREV_FREE);
	a->end = end;
	h->top_end = end - HDR;
	update_hull(h, a->start, end);
	if (h->debug)
		heap_debug_release(h, s, bs);
	else
		heap_release(h, s, bs);
}

/* Fill [start, end) with an arena record, one free block and a sentinel. */
static void new_arena(struct heap *h, uintptr_t start, uintptr_t end)
{
	struct heap_arena *a = (struct heap_arena *)start;
	struct heap_block *b = (struct heap_block *)(start + ARENA_HDR);
	struct heap_block *s = (struct heap_block *)(end - HDR);
	size_t bs = (uintptr_t)s - (uintptr_t)b;

	a->start = start;
	a->end = end;
	a->next = h->arenas;
	h->arenas = a;
	update_hull(h, start, end);
	b->prev_word = 0;
	b->sf = bs | B_FREE;
	s->prev_word = bs;
	s->sf = B_PREV_FREE;
	if (h->debug) {
		memset((char *)b + MIN_BLOCK, HEAP_POISON, bs - MIN_BLOCK);
		b->sf |= B_POISONED;
	}
	/* The newest arena holds the top; the old top goes on a list. */
	heap_set_top(h, b, (uintptr_t)s);
}

bool heap_add_arena(struct heap *h, void *base, size_t size)
{
	uintptr_t start = ALIGN_UP((uintptr_t)base, HEAP_ALIGN);
	uintptr_t end = ALIGN_DOWN((uintptr_t)base + size, HEAP_ALIGN);
	struct heap_arena *a = h->arenas;

	if (end < (uintptr_t)base || end <= start)
		return false;
	if (end - start > MAX_ARENA)
		end = start + MAX_ARENA;
	if (a && start == a->end && end - a->start <= MAX_ARENA) {
		extend_arena(h, a, end);
	} else if (end - start >= ARENA_OVERHEAD + MIN_BLOCK) {
		new_arena(h, start, end);
	} else {
		return false;
	}
	h->mapped += size;
	return true;
}

bool heap_grow(struct heap *h, size_t need)
{
	size_t got = 0;
	void *m;

	if (!h->ops || !h->ops->grow)
		return false;
	m = h->ops->grow(h, need + ARENA_OVERHEAD, &got);
	return m && heap_add_arena(h, m, got);
}

/* --- Setting up ----------------------------------------------------------- */

/* SplitMix64's output step: every input bit affects every output bit. */
static uint64_t mix64(uint64_t x)
{
	x += MIX_GAMMA;
	x = (x ^ (x >> 30)) * MIX_MUL1;
	x = (x ^ (x >> 27)) * MIX_MUL2;
	return x ^ (x >> 31);
}

/* How many blocks quick list q may hold at most. */
static uint32_t quick_depth(size_t q)
{
	uint32_t depth = QUICK_CLASS_BYTES / (q * HEAP_ALIGN);

	if (depth < QUICK_MIN_DEPTH)
		depth = QUICK_MIN_DEPTH;
	return depth > QUICK_MAX_DEPTH ? QUICK_MAX_DEPTH : depth;
}

void heap_init(struct heap *h, const struct heap_ops *ops, void *ctx,
	       uint64_t seed)
{
	memset(h, 0, sizeof(*h));
	h->ops = ops;
	h->ctx = ctx;
	/* Its low bits must be clear: in_use_ok() xors it into size_flags. */
	h->tag_key = mix64(seed) & TAG_MASK;
	h->canary_key = mix64(h->tag_key);
	update_quick_limit(h);
	/* An empty heap: no pointer passes the hull check. */
	h->lo = UINTPTR_MAX;
	for (size_t q = quick_class(MIN_BLOCK); q < HEAP_QUICK_COUNT; q++)
		h->quick_room[q] = quick_depth(q);
}

struct heap *heap_create(void *mem, size_t size, const struct heap_ops *ops,
			 void *ctx, uint64_t seed)
{
	uintptr_t start = ALIGN_UP((uintptr_t)mem, HEAP_ALIGN);
	size_t skip = start - (uintptr_t)mem +
		      ALIGN_UP(sizeof(struct heap), HEAP_ALIGN);
	struct heap *h = (struct heap *)start;

	if (size < skip + ARENA_OVERHEAD + MIN_BLOCK)
		return NULL;
	heap_init(h, ops, ctx, seed);
	/* Cannot fail: the size check above leaves room for a block. */
	if (!heap_add_arena(h, (char *)mem + skip, size - skip))
		return NULL;
	/* The heap's own record is part of what it was given. */
	h->mapped += skip;
	return h;
}
