/*
 * lib/heap_debug.c - the heap's debug mode (heap_set_debug): freed payload
 * poisoned and verified on reuse, each block's request size recorded in its
 * last word with the slack before it filled, frees checked against the
 * arena list, no quick lists, and a krealloc that always moves.
 */
#include "lib/heap.h"

#include "lib/heap_internal.h"
#include "lib/string.h"

/* Fills a block between the end of the request and the tail word. */
#define SLACK_BYTE	0xa5

static bool in_arenas(const struct heap *h, const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (const struct heap_arena *ar = h->arenas; ar; ar = ar->next) {
		if (a >= ar->start + ARENA_HDR + HDR && a < ar->end)
			return true;
	}
	return false;
}

/* The first byte in [p, p + n) that is not c, or NULL. */
static unsigned char *find_not(void *p, int c, size_t n)
{
	unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != (unsigned char)c)
			return s + i;
	}
	return NULL;
}

bool heap_check_poison(struct heap *h, struct heap_block *b, size_t bs,
		       void *caller)
{
	unsigned char *bad = find_not((char *)b + MIN_BLOCK, HEAP_POISON,
				      bs - MIN_BLOCK);

	if (bad)
		heap_report(h, "write after free", bad, caller);
	return bad != NULL;
}

/* --- Request sizes -------------------------------------------------------- */

static inline uint64_t *tail_of(struct heap_block *b, size_t bs)
{
	return (uint64_t *)at(b, bs - sizeof(uint64_t));
}

/* Payload bytes a request can use: all but the tail word. */
static inline size_t tail_room(size_t bs)
{
	return bs - HDR - sizeof(uint64_t);
}

/* Record request n in the block's last payload word; fill the slack before
 * it. */
static void set_tail(struct heap *h, struct heap_block *b, size_t bs, size_t n)
{
	char *p = payload(b);

	memset(p + n, SLACK_BYTE, tail_room(bs) - n);
	*tail_of(b, bs) = n ^ h->canary_key;
	b->sf |= B_TAILED;
}

size_t heap_tail_ok(struct heap *h, struct heap_block *b, void *caller)
{
	size_t bs = bsize(b);
	size_t room = tail_room(bs);
	size_t n;
	unsigned char *bad;

	if (!(b->sf & B_TAILED))
		return bs - HDR;
	n = *tail_of(b, bs) ^ h->canary_key;
	if (n > room) {
		heap_report(h, "overflow", tail_of(b, bs), caller);
		return SIZE_MAX;
	}
	bad = find_not((char *)payload(b) + n, SLACK_BYTE, room - n);
	if (bad) {
		heap_report(h, "overflow", bad, caller);
		return SIZE_MAX;
	}
	return n;
}

/* Whether p may be freed or reallocated; reports if not. Returns its request
 * size (or SIZE_MAX). */
static size_t debug_check(struct heap *h, void *p, enum heap_op op,
			  void *caller)
{
	if (!in_arenas(h, p)) {
		heap_report_invalid(h, p, op, caller);
		return SIZE_MAX;
	}
	/* Unlike the fast path, never read past the heap for a canary. */
	if (bsize(block_of(p)) > h->hi - (uintptr_t)p || !in_use_ok(h, p)) {
		heap_diagnose(h, p, op, caller);
		return SIZE_MAX;
	}
	return heap_tail_ok(h, block_of(p), caller);
}

/* --- Poison --------------------------------------------------------------- */

/* Poison [from, to) unless the region already holds poison. */
static void poison(uintptr_t from, uintptr_t to)
{
	if (from < to)
		memset((void *)from, HEAP_POISON, to - from);
}

/*
 * heap_release() in debug mode: the merged block ends up poisoned past its
 * links. Only what was not poison before is written: b itself, the headers
 * and links merged away, and neighbours freed while debug mode was off.
 */
void heap_debug_release(struct heap *h, struct heap_block *b, size_t bs)
{
	struct heap_block *n = at(b, bs);
	bool prev_free = b->sf & B_PREV_FREE;
	bool prev_poisoned = prev_free &&
			     (before(b, b->prev_word)->sf & B_POISONED);
	uintptr_t end = (uintptr_t)n;
	struct heap_block *m;

	if (n->sf & B_FREE)
		end += n->sf & B_POISONED ? MIN_BLOCK : bsize(n);
	m = heap_release(h, b, bs);
	if (prev_free && !prev_poisoned)
		poison((uintptr_t)m + MIN_BLOCK, (uintptr_t)b);
	poison(prev_free ? (uintptr_t)b : (uintptr_t)b + MIN_BLOCK, end);
	m->sf |= B_POISONED;
}

/* --- The allocator's calls ------------------------------------------------ */

void *heap_debug_alloc(struct heap *h, size_t n, size_t align)
{
	struct heap_block *b;
	size_t bs;
	void *p;

	if (n > HEAP_MAX_ALLOC)
		return NULL;
	bs = block_size(n + sizeof(uint64_t));
	if (align > HEAP_ALIGN)
		b = heap_take_aligned(h, bs, align);
	else
		b = heap_take(h, bs);
	if (!b)
		return NULL;
	bs = bsize(b);
	if (b->sf & B_POISONED)
		heap_check_poison(h, b, bs, __builtin_return_address(0));
	p = hand_out(h, b, bs);
	set_tail(h, b, bs, n);
	return p;
}

void heap_debug_free(struct heap *h, void *p, void *caller)
{
	struct heap_block *b = block_of(p);

	if (!p || debug_check(h, p, OP_FREE, caller) == SIZE_MAX)
		return;
	h->in_use -= bsize(b);
	heap_debug_release(h, b, bsize(b));
}

/* Debug krealloc always moves the block, so stale pointers to it show up. */
void *heap_debug_realloc(struct heap *h, void *p, size_t n, void *caller)
{
	size_t old = debug_check(h, p, OP_REALLOC, caller);
	void *q;

	if (old == SIZE_MAX)
		return NULL;
	q = heap_debug_alloc(h, n, HEAP_ALIGN);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	h->in_use -= bsize(block_of(p));
	heap_debug_release(h, block_of(p), bsize(block_of(p)));
	return q;
}

/* --- Turning debug mode on ------------------------------------------------ */

/* Poison every free block, forget the tails of blocks in use. */
static void debug_prepare_arena(struct heap_arena *a)
{
	struct heap_block *b = (struct heap_block *)(a->start + ARENA_HDR);
	size_t bs;

	for (; (bs = bsize(b)); b = at(b, bs)) {
		b->sf &= ~B_TAILED;
		if (!(b->sf & B_FREE) || (b->sf & B_POISONED))
			continue;
		poison((uintptr_t)b + MIN_BLOCK, (uintptr_t)b + bs);
		b->sf |= B_POISONED;
	}
}

void heap_set_debug(struct heap *h, bool on)
{
	if (on && !h->debug) {
		heap_quick_flush(h);
		for (struct heap_arena *a = h->arenas; a; a = a->next)
			debug_prepare_arena(a);
	}
	h->debug = on;
}
