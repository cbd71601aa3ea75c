/*
 * lib/heap.c - the allocator: TLSF free lists, quick lists in front of them,
 * and the public allocation calls with their always-on pointer checks. The
 * design, the block layout and the list of checks are in lib/heap.h.
 */
#include "lib/heap.h"

#include "lib/heap_internal.h"
#include "lib/string.h"

/* Requests up to this size surely map to a quick class: n + HDR + 15 is at
 * most HEAP_QUICK_MAX. */
#define QUICK_MAX_REQUEST (HEAP_QUICK_MAX - HDR - ALIGN_MASK)
/* How many blocks of its own list a request may try, and how many list
 * heads an aligned request may. */
#define OWN_LIST_SCAN	8
#define ALIGNED_PROBES	16

/* --- TLSF lists ----------------------------------------------------------- */

static __always_inline void insert_free(struct heap *h, struct heap_block *b,
					size_t bs)
{
	unsigned fl, sl;
	struct heap_block *head;

	mapping(bs, &fl, &sl);
	head = h->free_list[fl][sl];
	b->next_free = head;
	b->prev_free = NULL;
	if (head)
		head->prev_free = b;
	h->free_list[fl][sl] = b;
	h->fl_map |= (uint64_t)1 << fl;
	h->sl_map[fl] |= 1u << sl;
	h->free_bytes += bs;
}

/* List (fl, sl) has just become empty: clear its bits. */
static __always_inline void mark_empty(struct heap *h, unsigned fl,
				       unsigned sl)
{
	h->sl_map[fl] &= ~(1u << sl);
	if (!h->sl_map[fl])
		h->fl_map &= ~((uint64_t)1 << fl);
}

static __always_inline void remove_free(struct heap *h, struct heap_block *b,
					size_t bs)
{
	unsigned fl, sl;

	mapping(bs, &fl, &sl);
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
	if (b->prev_free) {
		b->prev_free->next_free = b->next_free;
	} else {
		h->free_list[fl][sl] = b->next_free;
		if (!b->next_free)
			mark_empty(h, fl, sl);
	}
	h->free_bytes -= bs;
}

/*
 * File a free block: the one that ends at the newest arena's sentinel is the
 * top, kept off the lists so that it is cut last (holes are reused first)
 * and cheaply (allocation and free next to it touch no list).
 */
static __always_inline void put_free(struct heap *h, struct heap_block *b,
				     size_t bs)
{
	if ((uintptr_t)b + bs == h->top_end)
		h->top = b;
	else
		insert_free(h, b, bs);
}

static __always_inline void unlink_free(struct heap *h, struct heap_block *b,
					size_t bs)
{
	if (b == h->top)
		h->top = NULL;
	else
		remove_free(h, b, bs);
}

void heap_set_top(struct heap *h, struct heap_block *b, uintptr_t top_end)
{
	if (h->top)
		insert_free(h, h->top, bsize(h->top));
	h->top = b;
	h->top_end = top_end;
}

/* A block on s's own list that fits, looking at a few only. */
static struct heap_block *scan_own_list(struct heap *h, size_t s)
{
	unsigned fl, sl;
	struct heap_block *b;
	int budget = OWN_LIST_SCAN;

	mapping(s, &fl, &sl);
	for (b = h->free_list[fl][sl]; b && budget--; b = b->next_free) {
		if (bsize(b) >= s)
			return b;
	}
	return NULL;
}

/* The first list whose every block holds s bytes: s rounded up to the next
 * list boundary (sizes below SMALL_LIMIT are boundaries already). */
static __always_inline void good_fit(size_t s, unsigned *fl, unsigned *sl)
{
	size_t step;

	if (s < SMALL_LIMIT) {
		mapping(s, fl, sl);
		return;
	}
	step = (size_t)1 << (fls64(s) - HEAP_SL_SHIFT);
	mapping(s + step - 1, fl, sl);
}

/*
 * A free block of at least s bytes, or NULL. The request is rounded up to the
 * next list boundary so that any block on the chosen list fits ("good fit");
 * failing that, a few blocks of s's own list are tried, then the top.
 */
static __always_inline struct heap_block *find_free(struct heap *h, size_t s)
{
	unsigned fl, sl;
	uint32_t sl_bits;
	uint64_t fl_bits;
	struct heap_block *b;

	good_fit(s, &fl, &sl);
	sl_bits = h->sl_map[fl] & (~0u << sl);
	if (!sl_bits) {
		fl_bits = h->fl_map & (~(uint64_t)0 << (fl + 1));
		if (!fl_bits)
			goto not_listed;
		fl = (unsigned)__builtin_ctzll(fl_bits);
		sl_bits = h->sl_map[fl];
	}
	return h->free_list[fl][__builtin_ctz(sl_bits)];
not_listed:
	if (s >= SMALL_LIMIT && (b = scan_own_list(h, s)))
		return b;
	return h->top && bsize(h->top) >= s ? h->top : NULL;
}

/*
 * Cut block b (on no list, bs bytes, the block after it marked PREV_FREE) to
 * want bytes, returning the tail to the lists. Returns b's final size.
 */
static __always_inline size_t carve(struct heap *h, struct heap_block *b,
				    size_t bs, size_t want)
{
	size_t rest = bs - want;
	struct heap_block *r;

	if (rest < MIN_BLOCK) {
		at(b, bs)->sf &= ~B_PREV_FREE;
		return bs;
	}
	r = at(b, want);
	r->sf = rest | B_FREE | (b->sf & B_POISONED);
	at(r, rest)->prev_word = rest;
	put_free(h, r, rest);
	return want;
}

struct heap_block *heap_release(struct heap *h, struct heap_block *b,
				size_t bs)
{
	struct heap_block *n = at(b, bs);
	struct heap_block *pv;

	/* Mark b free first: if it is merged away, its stale header must still
	 * say so, or a second free of it would go unnoticed. */
	b->sf = bs | B_FREE | (b->sf & B_PREV_FREE);
	if (n->sf & B_FREE) {
		unlink_free(h, n, bsize(n));
		bs += bsize(n);
	}
	if (b->sf & B_PREV_FREE) {
		pv = before(b, b->prev_word);
		unlink_free(h, pv, b->prev_word);
		bs += b->prev_word;
		b = pv;
	}
	b->sf = bs | B_FREE;
	n = at(b, bs);
	n->prev_word = bs;
	n->sf |= B_PREV_FREE;
	put_free(h, b, bs);
	update_quick_limit(h);
	return b;
}

/* --- Quick lists ---------------------------------------------------------- */

static void quick_push(struct heap *h, struct heap_block *b, size_t bs)
{
	unsigned q = (unsigned)quick_class(bs);

	h->quick_room[q]--;
	h->cached += bs;
	b->next_free = h->quick[q];
	b->prev_free = (struct heap_block *)(uintptr_t)~h->canary_key;
	b->sf |= B_QUICK;
	h->quick[q] = b;
}

/* Take b, the head of quick list q, for the user. */
static void *quick_pop(struct heap *h, size_t q, struct heap_block *b)
{
	h->quick[q] = b->next_free;
	h->quick_room[q]++;
	h->cached -= q * HEAP_ALIGN;
	b->sf &= ~B_QUICK;
	account(h, q * HEAP_ALIGN);
	return payload(b);
}

/*
 * Whether freed block b of size bs goes on a quick list: its list has room,
 * the lists together hold less than quick_limit, 1/16 of the bytes in use
 * plus 16 KiB, and the block after it is in use or the top. (The caller has
 * seen that the block before is in use.) A block next to a free one is
 * released instead, so that the hole grows: parked on a quick list, it would
 * keep two holes apart for as long as it waits, and on a mixed workload the
 * holes it splits cost more than the cache saves. Next to the top it may be
 * parked: the top is cut last anyway, and a stack of blocks freed and taken
 * again there stays on the fast paths. The limit is refreshed on the slow
 * paths only, which is often enough: quick pushes and pops merely move bytes
 * between in use and cached.
 */
static inline bool quick_takes(const struct heap *h, struct heap_block *b,
			       size_t bs)
{
	struct heap_block *n = at(b, bs);

	return bs <= HEAP_QUICK_MAX && h->quick_room[quick_class(bs)] &&
	       h->cached < h->quick_limit &&
	       (!(n->sf & B_FREE) || n == h->top);
}

bool heap_quick_flush(struct heap *h)
{
	struct heap_block *b;
	bool any = false;

	for (unsigned q = 0; q < HEAP_QUICK_COUNT; q++) {
		while ((b = h->quick[q])) {
			h->quick[q] = b->next_free;
			h->quick_room[q]++;
			h->cached -= q * HEAP_ALIGN;
			heap_release(h, b, bsize(b));
			any = true;
		}
	}
	return any;
}

/* --- Taking blocks from TLSF ---------------------------------------------- */

/* A free block of at least s bytes, flushing quick lists or growing if need
 * be. */
static __always_inline struct heap_block *find_or_grow(struct heap *h,
						       size_t s)
{
	struct heap_block *b = find_free(h, s);

	if (!b && heap_quick_flush(h))
		b = find_free(h, s);
	if (!b && heap_grow(h, s))
		b = find_free(h, s);
	return b;
}

static __always_inline struct heap_block *take(struct heap *h, size_t bs)
{
	struct heap_block *b = find_or_grow(h, bs);
	size_t size;

	if (!b)
		return NULL;
	size = bsize(b);
	unlink_free(h, b, size);
	size = carve(h, b, size, bs);
	b->sf = size | (b->sf & B_POISONED);
	return b;
}

/* take() for debug mode, out of line. */
struct heap_block *heap_take(struct heap *h, size_t bs)
{
	return take(h, bs);
}

/* Where in free block f a payload aligned to align can start. */
static uintptr_t aligned_payload(uintptr_t f, size_t align)
{
	uintptr_t p = ALIGN_UP(f + HDR, (uintptr_t)align);

	/* A gap before the block must be able to stand as a free block. */
	if (p != f + HDR && p - (f + HDR) < MIN_BLOCK)
		p += align;
	return p;
}

static bool fits_aligned(struct heap_block *f, size_t bs, size_t align)
{
	return aligned_payload((uintptr_t)f, align) - HDR + bs <=
	       (uintptr_t)f + bsize(f);
}

/*
 * A free block that can hold bs bytes at an aligned payload. Any block of
 * bs + align + HDR bytes can, but so can many smaller ones that happen to be
 * placed well: the heads of the lists in between are tried first, a bounded
 * number of them, which lets aligned blocks reuse the holes they leave.
 */
static struct heap_block *find_aligned(struct heap *h, size_t bs, size_t align)
{
	size_t always = bs + align + HDR;
	unsigned fl, sl, last_fl, last_sl;
	uint32_t bits;
	int probes = ALIGNED_PROBES;

	mapping(bs, &fl, &sl);
	mapping(always, &last_fl, &last_sl);
	for (bits = h->sl_map[fl] & (~0u << sl); fl <= last_fl && probes > 0;
	     bits = ++fl < HEAP_FL_COUNT ? h->sl_map[fl] : 0) {
		for (; bits && probes > 0; bits &= bits - 1, probes--) {
			unsigned s = (unsigned)__builtin_ctz(bits);
			struct heap_block *b = h->free_list[fl][s];

			if (fl == last_fl && s >= last_sl)
				break;
			if (fits_aligned(b, bs, align))
				return b;
		}
	}
	return find_or_grow(h, always);
}

/* Like take(), with the payload aligned to align (> HEAP_ALIGN). */
struct heap_block *heap_take_aligned(struct heap *h, size_t bs, size_t align)
{
	struct heap_block *f = find_aligned(h, bs, align);
	struct heap_block *b;
	size_t fs, gap, size;

	if (!f)
		return NULL;
	fs = bsize(f);
	unlink_free(h, f, fs);
	b = block_of((void *)aligned_payload((uintptr_t)f, align));
	gap = (uintptr_t)b - (uintptr_t)f;
	b->sf = (fs - gap) | (f->sf & B_POISONED);
	if (gap) {
		f->sf = gap | B_FREE | (f->sf & B_POISONED);
		b->prev_word = gap;
		b->sf |= B_PREV_FREE;
		insert_free(h, f, gap);
	}
	size = carve(h, b, fs - gap, bs);
	b->sf = size | (b->sf & (B_POISONED | B_PREV_FREE));
	return b;
}

/* --- Allocation ----------------------------------------------------------- */

__noinline static void *alloc_slow(struct heap *h, size_t bs)
{
	struct heap_block *b = take(h, bs);
	void *p;

	if (!b)
		return NULL;
	p = hand_out(h, b, bsize(b));
	update_quick_limit(h);
	return p;
}

/* Quick list q's head is not a quick block: report it, drop the list. */
__cold __noinline static void *quick_corrupt(struct heap *h, size_t q,
					     size_t bs)
{
	heap_report(h, "corrupt", payload(h->quick[q]),
		    __builtin_return_address(0));
	h->quick[q] = NULL;
	return alloc_slow(h, bs);
}

void *heap_alloc(struct heap *h, size_t n)
{
	struct heap_block *b;
	size_t q;

	if (unlikely(h->debug))
		return heap_debug_alloc(h, n, HEAP_ALIGN);
	if (n > QUICK_MAX_REQUEST)
		return n > HEAP_MAX_ALLOC ? NULL : alloc_slow(h, block_size(n));
	/* block_size(n) / 16 but for n == 0, whose class 1 is always empty. */
	q = (n + HDR + ALIGN_MASK) >> HEAP_ALIGN_SHIFT;
	b = h->quick[q];
	if (!b)
		return alloc_slow(h, block_size(n));
	if (unlikely(!(b->sf & B_QUICK)))
		return quick_corrupt(h, q, block_size(n));
	return quick_pop(h, q, b);
}

void *heap_calloc(struct heap *h, size_t n, size_t size)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	p = heap_alloc(h, total);
	if (p)
		memset(p, 0, total);
	return p;
}

/* A quick block whose payload happens to be aligned serves an aligned
 * request. */
static void *quick_aligned(struct heap *h, size_t bs, size_t align)
{
	unsigned q = (unsigned)quick_class(bs);
	struct heap_block *b = h->quick[q];

	if (!b || ((uintptr_t)payload(b) & (align - 1)) || !(b->sf & B_QUICK))
		return NULL;
	return quick_pop(h, q, b);
}

void *heap_alloc_aligned(struct heap *h, size_t n, size_t align)
{
	struct heap_block *b;
	size_t bs;
	void *p;

	if (!align || (align & (align - 1)) || align > HEAP_MAX_ALLOC)
		return NULL;
	if (align <= HEAP_ALIGN)
		return heap_alloc(h, n);
	if (h->debug)
		return heap_debug_alloc(h, n, align);
	if (n > HEAP_MAX_ALLOC)
		return NULL;
	bs = block_size(n);
	if (bs <= HEAP_QUICK_MAX && (p = quick_aligned(h, bs, align)))
		return p;
	b = heap_take_aligned(h, bs, align);
	return b ? hand_out(h, b, bsize(b)) : NULL;
}

/* --- Free ----------------------------------------------------------------- */

/* heap_free_from() of p when the block before it is free, or p is bad. */
__noinline static void free_merging(struct heap *h, void *p, void *caller)
{
	struct heap_block *b = block_of(p);

	if (unlikely(!in_use_ok(h, p))) {
		if (p)
			heap_diagnose(h, p, OP_FREE, caller);
		return;
	}
	h->in_use -= bsize(b);
	heap_release(h, b, bsize(b));
}

void heap_free_from(struct heap *h, void *p, void *caller)
{
	struct heap_block *b = block_of(p);
	size_t bs;

	if (unlikely(h->debug)) {
		heap_debug_free(h, p, caller);
		return;
	}
	/* NULL fails the hull check too, so it costs nothing here; a free
	 * block before b sends it to free_merging() in the same test. */
	if (unlikely(!in_use_with(h, p, B_PREV_FREE))) {
		free_merging(h, p, caller);
		return;
	}
	bs = bsize(b);
	h->in_use -= bs;
	if (quick_takes(h, b, bs)) {
		quick_push(h, b, bs);
		return;
	}
	heap_release(h, b, bs);
}

size_t heap_in_use_size(const struct heap *h, const void *p)
{
	if (h->debug || !in_use_ok(h, p))
		return 0;
	return bsize(block_of(p));
}

size_t heap_request_block_size(size_t n)
{
	return n > HEAP_MAX_ALLOC ? 0 : block_size(n);
}

void heap_free(struct heap *h, void *p)
{
	heap_free_from(h, p, __builtin_return_address(0));
}

/* --- Realloc -------------------------------------------------------------- */

/* Cut block b in use down to want bytes. */
static void shrink(struct heap *h, struct heap_block *b, size_t bs,
		   size_t want)
{
	struct heap_block *r = at(b, want);
	uintptr_t p = (uintptr_t)payload(b);

	if (bs - want < MIN_BLOCK)
		return;
	b->sf = want | tag_of(h, p) | (b->sf & B_PREV_FREE);
	r->prev_word = canary_of(h, p);
	r->sf = bs - want;
	h->in_use -= bs - want;
	heap_release(h, r, bs - want);
}

/* Grow block b in use to want bytes over a free block after it, if there is
 * one. */
static bool grow_in_place(struct heap *h, struct heap_block *b, size_t bs,
			  size_t want)
{
	struct heap_block *n = at(b, bs);
	uintptr_t p = (uintptr_t)payload(b);
	size_t size;

	if (!(n->sf & B_FREE) || bs + bsize(n) < want)
		return false;
	size = bs + bsize(n);
	unlink_free(h, n, bsize(n));
	size = carve(h, b, size, want);
	b->sf = size | tag_of(h, p) | (b->sf & B_PREV_FREE);
	at(b, size)->prev_word = canary_of(h, p);
	account(h, size - bs);
	return true;
}

/* krealloc's rare cases: debug mode, NULL, size 0 or too large. */
__cold __noinline static void *realloc_special(struct heap *h, void *p,
					       size_t n, void *caller)
{
	if (!p)
		return heap_alloc(h, n);
	if (!n) {
		heap_free_from(h, p, caller);
		return NULL;
	}
	if (h->debug)
		return heap_debug_realloc(h, p, n, caller);
	if (!in_use_ok(h, p))
		heap_diagnose(h, p, OP_REALLOC, caller);
	return NULL;
}

/* Resize block b in use (bs bytes) to want bytes, in place if possible. */
__noinline static void *resize(struct heap *h, struct heap_block *b,
			       size_t bs, size_t want, void *caller)
{
	void *q;

	if (want <= bs) {
		shrink(h, b, bs, want);
		return payload(b);
	}
	if (grow_in_place(h, b, bs, want))
		return payload(b);
	q = heap_alloc(h, want - HDR);
	if (!q)
		return NULL;
	memcpy(q, payload(b), bs - HDR);
	heap_free_from(h, payload(b), caller);
	return q;
}

void *heap_realloc_from(struct heap *h, void *p, size_t n, void *caller)
{
	struct heap_block *b = block_of(p);
	size_t bs, want;

	if (unlikely(h->debug || !p || !n || n > HEAP_MAX_ALLOC))
		return realloc_special(h, p, n, caller);
	if (unlikely(!in_use_ok(h, p))) {
		heap_diagnose(h, p, OP_REALLOC, caller);
		return NULL;
	}
	bs = bsize(b);
	want = block_size(n);
	/* Often the block already fits: vectors grow by less than 16 bytes. */
	if (want <= bs && bs - want < MIN_BLOCK)
		return p;
	return resize(h, b, bs, want, caller);
}

void *heap_realloc(struct heap *h, void *p, size_t n)
{
	return heap_realloc_from(h, p, n, __builtin_return_address(0));
}

void heap_get_stats(const struct heap *h, struct heap_stats *st)
{
	st->in_use = h->in_use;
	st->peak_in_use = h->peak_in_use;
	st->mapped = h->mapped;
	st->free = h->free_bytes + (h->top ? bsize(h->top) : 0);
	st->cached = h->cached;
}
