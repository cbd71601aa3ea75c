/*
 * lib/heap.c - TLSF allocator with quick lists and hardening checks.
 * The design, the block layout and the list of checks are in lib/heap.h.
 */
#include "lib/heap.h"

#include "lib/string.h"

#define unlikely(x)	__builtin_expect(!!(x), 0)
/* Kept out of line so that the fast paths need no stack frame. */
#define __noinline	__attribute__((noinline))
#define __cold		__attribute__((noinline, cold))
/* The TLSF steps, folded into their few callers. */
#define __hot_inline	inline __attribute__((always_inline))

struct heap_block {
	uint64_t prev_word;	/* size of the block before if it is free, else its canary */
	uint64_t sf;		/* size | flags | tag */
	/* Payload. Free and quick blocks keep their links in it. */
	struct heap_block *next_free;
	struct heap_block *prev_free;	/* TLSF lists; poison word on quick blocks */
};

/* Each arena starts with this record, then its first block. */
struct heap_arena {
	struct heap_arena *next;
	uintptr_t start;
	uintptr_t end;		/* [start, end); the sentinel header is the last 16 bytes */
};

#define HDR		16
#define MIN_BLOCK	32	/* header plus the two links of a free block */
#define ARENA_HDR	((sizeof(struct heap_arena) + 15) & ~(size_t)15)
#define ARENA_OVERHEAD	(ARENA_HDR + HDR)
#define SMALL_SHIFT	(HEAP_SL_SHIFT + 4)
#define SMALL_LIMIT	((size_t)1 << SMALL_SHIFT)	/* sizes below: linear lists */
#define MAX_ARENA	((size_t)1 << 39)
#define QUICK_CLASS_BYTES 8192	/* how much one quick list may hold ... */
#define QUICK_MIN_DEPTH	4	/* ... but at least this many blocks */
#define QUICK_MAX_DEPTH	256	/* ... and at most this many */
#define QUICK_BUDGET_SHIFT 4	/* all lists: 1/16 of the bytes in use ... */
#define QUICK_BUDGET_BASE 16384	/* ... plus this */
#define QUICK_MAX_REQUEST (HEAP_QUICK_MAX - HDR - 15)	/* largest that fits one */
#define OWN_LIST_SCAN	8	/* blocks of its own list a request may look at */
#define ALIGNED_PROBES	16	/* list heads an aligned request may look at */
#define SLACK_BYTE	0xa5	/* fills a debug block between request and tail */

/*
 * size_flags: bits 0-3 state, 4-39 size, 40-47 debug state, 48-63 tag.
 * A block is free (on a TLSF list), quick (on a quick list) or in use.
 */
#define B_FREE		((uint64_t)1 << 0)
#define B_PREV_FREE	((uint64_t)1 << 1)	/* prev_word holds the size before */
#define B_QUICK		((uint64_t)1 << 2)
#define B_POISONED	((uint64_t)1 << 40)	/* payload past the links is poison */
#define B_TAILED	((uint64_t)1 << 41)	/* last payload word holds the request */
#define SIZE_MASK	((((uint64_t)1 << 40) - 1) & ~(uint64_t)15)
#define TAG_MASK	((uint64_t)0xffff << 48)
#define OUT_MASK	(TAG_MASK | B_FREE | B_QUICK)	/* must match for a block in use */

/* What a bad pointer is called, by operation and by what is wrong with it. */
enum heap_op { OP_FREE, OP_REALLOC };
enum bad_ptr { BAD_INVALID, BAD_FREED, BAD_OVERFLOW };
static const char *const bad_ptr_what[2][3] = {
	[OP_FREE]    = { "invalid free", "double free", "overflow" },
	[OP_REALLOC] = { "invalid realloc", "realloc of freed block", "overflow" },
};

/* --- Blocks ---------------------------------------------------------------- */

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
	size_t bs = (n + HDR + 15) & ~(size_t)15;

	return bs < MIN_BLOCK ? MIN_BLOCK : bs;
}

static inline uint64_t tag_of(const struct heap *h, uintptr_t p)
{
	/* Address bits 4..19 land in the tag field. */
	return ((p << 44) ^ h->tag_key) & TAG_MASK;
}

static inline uint64_t canary_of(const struct heap *h, uintptr_t p)
{
	return p ^ h->canary_key;
}

static void report(struct heap *h, const char *what, void *addr, void *caller)
{
	if (h->ops && h->ops->report)
		h->ops->report(h, what, addr, caller);
}

static void account(struct heap *h, size_t bs)
{
	h->in_use += bs;
	if (h->in_use > h->peak_in_use)
		h->peak_in_use = h->in_use;
}

/* See quick_takes(). */
static inline void update_quick_limit(struct heap *h)
{
	h->quick_limit = (h->in_use >> QUICK_BUDGET_SHIFT) + QUICK_BUDGET_BASE;
}

/* Give a block, already cut to size bs, to the user. */
static __hot_inline void *hand_out(struct heap *h, struct heap_block *b, size_t bs)
{
	uintptr_t p = (uintptr_t)payload(b);

	b->sf = bs | tag_of(h, p) | (b->sf & B_PREV_FREE);
	at(b, bs)->prev_word = canary_of(h, p);
	account(h, bs);
	return (void *)p;
}

/* --- TLSF lists ------------------------------------------------------------ */

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
		*sl = (unsigned)(s >> 4);
		return;
	}
	f = fls64(s);
	*fl = f - (SMALL_SHIFT - 1);
	*sl = (unsigned)(s >> (f - HEAP_SL_SHIFT)) ^ HEAP_SL_COUNT;
}

static __hot_inline void insert_free(struct heap *h, struct heap_block *b, size_t bs)
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

static __hot_inline void remove_free(struct heap *h, struct heap_block *b, size_t bs)
{
	unsigned fl, sl;

	mapping(bs, &fl, &sl);
	if (b->next_free)
		b->next_free->prev_free = b->prev_free;
	if (b->prev_free) {
		b->prev_free->next_free = b->next_free;
	} else {
		h->free_list[fl][sl] = b->next_free;
		if (!b->next_free) {
			h->sl_map[fl] &= ~(1u << sl);
			if (!h->sl_map[fl])
				h->fl_map &= ~((uint64_t)1 << fl);
		}
	}
	h->free_bytes -= bs;
}

/*
 * File a free block: the one that ends at the newest arena's sentinel is the
 * top, kept off the lists so that it is cut last (holes are reused first)
 * and cheaply (allocation and free next to it touch no list).
 */
static __hot_inline void put_free(struct heap *h, struct heap_block *b, size_t bs)
{
	if ((uintptr_t)b + bs == h->top_end)
		h->top = b;
	else
		insert_free(h, b, bs);
}

static __hot_inline void unlink_free(struct heap *h, struct heap_block *b, size_t bs)
{
	if (b == h->top)
		h->top = NULL;
	else
		remove_free(h, b, bs);
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

/*
 * A free block of at least s bytes, or NULL. The request is rounded up to the
 * next list boundary so that any block on the chosen list fits ("good fit");
 * failing that, a few blocks of s's own list are tried, then the top.
 */
static __hot_inline struct heap_block *find_free(struct heap *h, size_t s)
{
	unsigned fl, sl;
	uint32_t sl_bits;
	uint64_t fl_bits;
	struct heap_block *b;

	if (s >= SMALL_LIMIT)
		mapping(s + ((size_t)1 << (fls64(s) - HEAP_SL_SHIFT)) - 1, &fl, &sl);
	else
		mapping(s, &fl, &sl);
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
static __hot_inline size_t carve(struct heap *h, struct heap_block *b, size_t bs, size_t want)
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

/*
 * Return block b of size bs to the lists, merged with free neighbours.
 * Returns the merged block.
 */
static struct heap_block *release(struct heap *h, struct heap_block *b, size_t bs)
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

/* --- Quick lists ----------------------------------------------------------- */

static void quick_push(struct heap *h, struct heap_block *b, size_t bs)
{
	unsigned q = (unsigned)(bs >> 4);

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
	h->cached -= q * 16;
	b->sf &= ~B_QUICK;
	account(h, q * 16);
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
static inline bool quick_takes(const struct heap *h, struct heap_block *b, size_t bs)
{
	struct heap_block *n = at(b, bs);

	return bs <= HEAP_QUICK_MAX && h->quick_room[bs >> 4] && h->cached < h->quick_limit &&
	       (!(n->sf & B_FREE) || n == h->top);
}

/* Return every quick block to TLSF. Returns whether there were any. */
static bool quick_flush(struct heap *h)
{
	struct heap_block *b;
	bool any = false;

	for (unsigned q = 0; q < HEAP_QUICK_COUNT; q++) {
		while ((b = h->quick[q])) {
			h->quick[q] = b->next_free;
			h->quick_room[q]++;
			h->cached -= q * 16;
			release(h, b, bsize(b));
			any = true;
		}
	}
	return any;
}

/* --- Arenas ---------------------------------------------------------------- */

static void debug_release(struct heap *h, struct heap_block *b, size_t bs);

static void update_hull(struct heap *h, uintptr_t start, uintptr_t end)
{
	uintptr_t lo = start + ARENA_HDR + HDR;

	if (lo < h->lo)
		h->lo = lo;
	if (end > h->hi)
		h->hi = end;
	h->span16 = (h->hi - h->lo) >> 4;
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
		debug_release(h, s, bs);
	else
		release(h, s, bs);
}

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
	/* The newest arena holds the top; the old top becomes a listed block. */
	if (h->top)
		insert_free(h, h->top, bsize(h->top));
	h->top = b;
	h->top_end = (uintptr_t)s;
}

bool heap_add_arena(struct heap *h, void *base, size_t size)
{
	uintptr_t start = ((uintptr_t)base + 15) & ~(uintptr_t)15;
	uintptr_t end = ((uintptr_t)base + size) & ~(uintptr_t)15;
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

static bool grow(struct heap *h, size_t need)
{
	size_t got = 0;
	void *m;

	if (!h->ops || !h->ops->grow)
		return false;
	m = h->ops->grow(h, need + ARENA_OVERHEAD, &got);
	return m && heap_add_arena(h, m, got);
}

/* A free block of at least s bytes, flushing quick lists or growing if need be. */
static __hot_inline struct heap_block *find_or_grow(struct heap *h, size_t s)
{
	struct heap_block *b = find_free(h, s);

	if (!b && quick_flush(h))
		b = find_free(h, s);
	if (!b && grow(h, s))
		b = find_free(h, s);
	return b;
}

/* --- Taking blocks from TLSF ----------------------------------------------- */

/* A block of exactly bs bytes or a little more, off every list, or NULL. */
static __hot_inline struct heap_block *take(struct heap *h, size_t bs)
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

/* Where in free block f a payload aligned to align can start. */
static uintptr_t aligned_payload(uintptr_t f, size_t align)
{
	uintptr_t p = (f + HDR + align - 1) & ~(uintptr_t)(align - 1);

	/* A gap before the block must be able to stand as a free block. */
	if (p != f + HDR && p - (f + HDR) < MIN_BLOCK)
		p += align;
	return p;
}

static bool fits_aligned(struct heap_block *f, size_t bs, size_t align)
{
	return aligned_payload((uintptr_t)f, align) - HDR + bs <= (uintptr_t)f + bsize(f);
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
			struct heap_block *b = h->free_list[fl][__builtin_ctz(bits)];

			if (fl == last_fl && (unsigned)__builtin_ctz(bits) >= last_sl)
				break;
			if (fits_aligned(b, bs, align))
				return b;
		}
	}
	return find_or_grow(h, always);
}

/* Like take(), with the payload aligned to align (> HEAP_ALIGN). */
static struct heap_block *take_aligned(struct heap *h, size_t bs, size_t align)
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

/* --- Pointer checks -------------------------------------------------------- */

/*
 * Whether p is a block in use, with its tag and canary intact and none of
 * the flags in extra set. The size is trusted once the tag matches: a wild
 * pointer whose bytes happen to pass (about 1 in 2^18) may fault on the
 * canary read rather than be reported.
 */
static inline bool in_use_with(const struct heap *h, const void *p, uint64_t extra)
{
	uintptr_t a = (uintptr_t)p;
	const struct heap_block *b = block_of(p);
	uint64_t off = a - h->lo;

	/* lo is 16-byte aligned: rotating a misaligned offset right by 4 puts
	 * its low bits on top, so one compare checks hull and alignment. */
	if (((off >> 4) | (off << 60)) >= h->span16)
		return false;
	if ((b->sf ^ (a << 44) ^ h->tag_key) & (OUT_MASK | extra))
		return false;
	return at((struct heap_block *)b, bsize(b))->prev_word == canary_of(h, a);
}

static inline bool in_use_ok(const struct heap *h, const void *p)
{
	return in_use_with(h, p, 0);
}

/* Report why in_use_ok() failed for p. */
__cold static void diagnose(struct heap *h, void *p, enum heap_op op, void *caller)
{
	uintptr_t a = (uintptr_t)p;
	struct heap_block *b = block_of(p);
	enum bad_ptr bad = BAD_INVALID;

	if ((a - h->lo) >> 4 < h->span16 && !(a & 15)) {
		if (b->sf & (B_FREE | B_QUICK))
			bad = BAD_FREED;
		else if (!((b->sf ^ tag_of(h, a)) & TAG_MASK) && bsize(b) <= h->hi - a)
			bad = BAD_OVERFLOW;
	}
	report(h, bad_ptr_what[op][bad], bad == BAD_OVERFLOW ? (char *)p + bsize(b) - HDR : p,
	       caller);
}

/* --- Debug mode ------------------------------------------------------------ */

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

/* Check that a poisoned block's payload past its links is still poison. */
static void check_poison(struct heap *h, struct heap_block *b, size_t bs, void *caller)
{
	unsigned char *bad = find_not((char *)b + MIN_BLOCK, HEAP_POISON, bs - MIN_BLOCK);

	if (bad)
		report(h, "write after free", bad, caller);
}

static inline uint64_t *tail_of(struct heap_block *b, size_t bs)
{
	return (uint64_t *)at(b, bs - sizeof(uint64_t));
}

/* Record request n in the block's last payload word; fill the slack before it. */
static void set_tail(struct heap *h, struct heap_block *b, size_t bs, size_t n)
{
	char *p = payload(b);
	size_t room = bs - HDR - sizeof(uint64_t);

	memset(p + n, SLACK_BYTE, room - n);
	*tail_of(b, bs) = n ^ h->canary_key;
	b->sf |= B_TAILED;
}

/* The request size a tailed block recorded, or its whole payload if untailed.
 * Reports and returns SIZE_MAX if the tail or the slack was overwritten. */
static size_t tail_ok(struct heap *h, struct heap_block *b, void *caller)
{
	size_t bs = bsize(b);
	size_t room = bs - HDR - sizeof(uint64_t);
	size_t n;
	unsigned char *bad;

	if (!(b->sf & B_TAILED))
		return bs - HDR;
	n = *tail_of(b, bs) ^ h->canary_key;
	if (n > room) {
		report(h, "overflow", tail_of(b, bs), caller);
		return SIZE_MAX;
	}
	bad = find_not((char *)payload(b) + n, SLACK_BYTE, room - n);
	if (bad) {
		report(h, "overflow", bad, caller);
		return SIZE_MAX;
	}
	return n;
}

/* Whether p may be freed or reallocated; reports if not. Returns its request
 * size (or SIZE_MAX). */
static size_t debug_check(struct heap *h, void *p, enum heap_op op, void *caller)
{
	if (!in_arenas(h, p)) {
		report(h, bad_ptr_what[op][BAD_INVALID], p, caller);
		return SIZE_MAX;
	}
	/* Unlike the fast path, never read past the heap for a canary. */
	if (bsize(block_of(p)) > h->hi - (uintptr_t)p || !in_use_ok(h, p)) {
		diagnose(h, p, op, caller);
		return SIZE_MAX;
	}
	return tail_ok(h, block_of(p), caller);
}

/* Poison [from, to) unless the region already holds poison. */
static void poison(uintptr_t from, uintptr_t to)
{
	if (from < to)
		memset((void *)from, HEAP_POISON, to - from);
}

/*
 * release() in debug mode: the merged block ends up poisoned past its links.
 * Only what was not poison before is written: b itself, the headers and
 * links merged away, and neighbours freed while debug mode was off.
 */
static void debug_release(struct heap *h, struct heap_block *b, size_t bs)
{
	struct heap_block *n = at(b, bs);
	bool prev_free = b->sf & B_PREV_FREE;
	bool prev_poisoned = prev_free && (before(b, b->prev_word)->sf & B_POISONED);
	uintptr_t end = (uintptr_t)n;
	struct heap_block *m;

	if (n->sf & B_FREE)
		end += n->sf & B_POISONED ? MIN_BLOCK : bsize(n);
	m = release(h, b, bs);
	if (prev_free && !prev_poisoned)
		poison((uintptr_t)m + MIN_BLOCK, (uintptr_t)b);
	poison(prev_free ? (uintptr_t)b : (uintptr_t)b + MIN_BLOCK, end);
	m->sf |= B_POISONED;
}

__cold static void *debug_alloc(struct heap *h, size_t n, size_t align)
{
	struct heap_block *b;
	size_t bs;
	void *p;

	if (n > HEAP_MAX_ALLOC)
		return NULL;
	bs = block_size(n + sizeof(uint64_t));
	b = align > HEAP_ALIGN ? take_aligned(h, bs, align) : take(h, bs);
	if (!b)
		return NULL;
	bs = bsize(b);
	if (b->sf & B_POISONED)
		check_poison(h, b, bs, __builtin_return_address(0));
	p = hand_out(h, b, bs);
	set_tail(h, b, bs, n);
	return p;
}

__cold static void debug_free(struct heap *h, void *p, void *caller)
{
	struct heap_block *b = block_of(p);

	if (!p || debug_check(h, p, OP_FREE, caller) == SIZE_MAX)
		return;
	h->in_use -= bsize(b);
	debug_release(h, b, bsize(b));
}

/* Debug krealloc always moves the block, so stale pointers to it show up. */
__cold static void *debug_realloc(struct heap *h, void *p, size_t n, void *caller)
{
	size_t old = debug_check(h, p, OP_REALLOC, caller);
	void *q;

	if (old == SIZE_MAX)
		return NULL;
	q = debug_alloc(h, n, HEAP_ALIGN);
	if (!q)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	h->in_use -= bsize(block_of(p));
	debug_release(h, block_of(p), bsize(block_of(p)));
	return q;
}

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
		quick_flush(h);
		for (struct heap_arena *a = h->arenas; a; a = a->next)
			debug_prepare_arena(a);
	}
	h->debug = on;
}

/* --- The API --------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
	/* A 64-bit finalizer: every input bit affects every output bit. */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void heap_init(struct heap *h, const struct heap_ops *ops, void *ctx, uint64_t seed)
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
	for (unsigned q = MIN_BLOCK / 16; q < HEAP_QUICK_COUNT; q++) {
		uint32_t depth = QUICK_CLASS_BYTES / (q * 16);

		if (depth < QUICK_MIN_DEPTH)
			depth = QUICK_MIN_DEPTH;
		h->quick_room[q] = depth > QUICK_MAX_DEPTH ? QUICK_MAX_DEPTH : depth;
	}
}

struct heap *heap_create(void *mem, size_t size, const struct heap_ops *ops,
			 void *ctx, uint64_t seed)
{
	uintptr_t start = ((uintptr_t)mem + 15) & ~(uintptr_t)15;
	size_t skip = start - (uintptr_t)mem + ((sizeof(struct heap) + 15) & ~(size_t)15);
	struct heap *h = (struct heap *)start;

	if (size < skip + ARENA_OVERHEAD + MIN_BLOCK)
		return NULL;
	heap_init(h, ops, ctx, seed);
	heap_add_arena(h, (char *)mem + skip, size - skip);
	/* The heap's own record is part of what it was given. */
	h->mapped += skip;
	return h;
}

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
__cold static void *quick_corrupt(struct heap *h, size_t q, size_t bs)
{
	report(h, "corrupt", payload(h->quick[q]), __builtin_return_address(0));
	h->quick[q] = NULL;
	return alloc_slow(h, bs);
}

void *heap_alloc(struct heap *h, size_t n)
{
	struct heap_block *b;
	size_t q;

	if (unlikely(h->debug))
		return debug_alloc(h, n, HEAP_ALIGN);
	if (n > QUICK_MAX_REQUEST)
		return n > HEAP_MAX_ALLOC ? NULL : alloc_slow(h, block_size(n));
	/* block_size(n) / 16 but for n == 0, whose class 1 is always empty. */
	q = (n + HDR + 15) >> 4;
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

/* A quick block whose payload happens to be aligned serves an aligned request. */
static void *quick_aligned(struct heap *h, size_t bs, size_t align)
{
	unsigned q = (unsigned)(bs >> 4);
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
		return debug_alloc(h, n, align);
	if (n > HEAP_MAX_ALLOC)
		return NULL;
	bs = block_size(n);
	if (bs <= HEAP_QUICK_MAX && (p = quick_aligned(h, bs, align)))
		return p;
	b = take_aligned(h, bs, align);
	return b ? hand_out(h, b, bsize(b)) : NULL;
}

/* heap_free_from() of p when the block before it is free, or p is bad. */
__noinline static void free_merging(struct heap *h, void *p, void *caller)
{
	struct heap_block *b = block_of(p);

	if (unlikely(!in_use_ok(h, p))) {
		if (p)
			diagnose(h, p, OP_FREE, caller);
		return;
	}
	h->in_use -= bsize(b);
	release(h, b, bsize(b));
}

void heap_free_from(struct heap *h, void *p, void *caller)
{
	struct heap_block *b = block_of(p);
	size_t bs;

	if (unlikely(h->debug)) {
		debug_free(h, p, caller);
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
	release(h, b, bs);
}

void heap_free(struct heap *h, void *p)
{
	heap_free_from(h, p, __builtin_return_address(0));
}

/* Cut block b in use down to want bytes. */
static void shrink(struct heap *h, struct heap_block *b, size_t bs, size_t want)
{
	struct heap_block *r = at(b, want);
	uintptr_t p = (uintptr_t)payload(b);

	if (bs - want < MIN_BLOCK)
		return;
	b->sf = want | tag_of(h, p) | (b->sf & B_PREV_FREE);
	r->prev_word = canary_of(h, p);
	r->sf = bs - want;
	h->in_use -= bs - want;
	release(h, r, bs - want);
}

/* Grow block b in use to want bytes over a free block after it, if there is one. */
static bool grow_in_place(struct heap *h, struct heap_block *b, size_t bs, size_t want)
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
__cold static void *realloc_special(struct heap *h, void *p, size_t n, void *caller)
{
	if (!p)
		return heap_alloc(h, n);
	if (!n) {
		heap_free_from(h, p, caller);
		return NULL;
	}
	if (h->debug)
		return debug_realloc(h, p, n, caller);
	if (!in_use_ok(h, p))
		diagnose(h, p, OP_REALLOC, caller);
	return NULL;
}

/* Resize block b in use (bs bytes) to want bytes, in place if possible. */
__noinline static void *resize(struct heap *h, struct heap_block *b, size_t bs, size_t want,
			       void *caller)
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
		diagnose(h, p, OP_REALLOC, caller);
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

/* --- heap_check ------------------------------------------------------------ */

struct check {
	struct heap *h;
	unsigned bad;
	size_t free_blocks;	/* found walking the arenas */
	size_t quick_blocks;
};

static void check_fail(struct check *c, const char *what, void *addr)
{
	report(c->h, what, addr, __builtin_return_address(0));
	c->bad++;
}

/* One block met walking an arena; prev_free tells what the block before was. */
static void check_block(struct check *c, struct heap_block *b, bool prev_free, size_t prev_size)
{
	struct heap *h = c->h;
	uintptr_t p = (uintptr_t)payload(b);
	size_t bs = bsize(b);

	if (!!(b->sf & B_PREV_FREE) != prev_free || (prev_free && b->prev_word != prev_size))
		check_fail(c, "corrupt", b);
	if (b->sf & B_FREE) {
		c->free_blocks++;
		if (prev_free)
			check_fail(c, "corrupt", b);
		if (h->debug && (b->sf & B_POISONED))
			check_poison(h, b, bs, __builtin_return_address(0));
		return;
	}
	if (b->sf & B_QUICK)
		c->quick_blocks++;
	if (((b->sf ^ tag_of(h, p)) & TAG_MASK) || at(b, bs)->prev_word != canary_of(h, p))
		check_fail(c, "overflow", (void *)(p + bs - HDR));
	else if (h->debug && tail_ok(h, b, __builtin_return_address(0)) == SIZE_MAX)
		c->bad++;
}

static void check_arena(struct check *c, struct heap_arena *a)
{
	struct heap_block *b = (struct heap_block *)(a->start + ARENA_HDR);
	uintptr_t sentinel = a->end - HDR;
	bool prev_free = false;
	size_t prev_size = 0;
	size_t bs;

	for (; (uintptr_t)b < sentinel; b = at(b, bs)) {
		bs = bsize(b);
		if (bs < MIN_BLOCK || bs > sentinel - (uintptr_t)b) {
			check_fail(c, "corrupt", b);
			return;
		}
		check_block(c, b, prev_free, prev_size);
		prev_free = b->sf & B_FREE;
		prev_size = bs;
	}
	if ((uintptr_t)b != sentinel || bsize(b) || !!(b->sf & B_PREV_FREE) != prev_free)
		check_fail(c, "corrupt", b);
}

/* Walk one TLSF list; returns its length. */
static size_t check_list(struct check *c, unsigned fl, unsigned sl, size_t limit)
{
	struct heap_block *prev = NULL;
	size_t count = 0;
	unsigned f, s;

	for (struct heap_block *b = c->h->free_list[fl][sl]; b; b = b->next_free) {
		mapping(bsize(b), &f, &s);
		if (++count > limit || !(b->sf & B_FREE) || b->prev_free != prev ||
		    f != fl || s != sl) {
			check_fail(c, "corrupt", b);
			break;
		}
		prev = b;
	}
	if (!!count != !!(c->h->sl_map[fl] & (1u << sl)))
		check_fail(c, "corrupt", &c->h->sl_map[fl]);
	return count;
}

static void check_lists(struct check *c)
{
	struct heap *h = c->h;
	size_t listed = 0;

	for (unsigned fl = 0; fl < HEAP_FL_COUNT; fl++) {
		for (unsigned sl = 0; sl < HEAP_SL_COUNT; sl++)
			listed += check_list(c, fl, sl, c->free_blocks);
		if (!!h->sl_map[fl] != !!(h->fl_map & ((uint64_t)1 << fl)))
			check_fail(c, "corrupt", &h->fl_map);
	}
	if (h->top) {
		listed++;
		if (!(h->top->sf & B_FREE) || (uintptr_t)h->top + bsize(h->top) != h->top_end)
			check_fail(c, "corrupt", h->top);
	}
	if (listed != c->free_blocks)
		check_fail(c, "corrupt", h);
}

static void check_quick(struct check *c)
{
	size_t count = 0;

	for (unsigned q = 0; q < HEAP_QUICK_COUNT; q++) {
		for (struct heap_block *b = c->h->quick[q]; b; b = b->next_free) {
			if (++count > c->quick_blocks || !(b->sf & B_QUICK) || bsize(b) != q * 16) {
				check_fail(c, "corrupt", b);
				return;
			}
		}
	}
	if (count != c->quick_blocks)
		check_fail(c, "corrupt", c->h->quick);
}

unsigned heap_check(struct heap *h)
{
	struct check c = { .h = h };

	for (struct heap_arena *a = h->arenas; a; a = a->next)
		check_arena(&c, a);
	check_lists(&c);
	check_quick(&c);
	return c.bad;
}
