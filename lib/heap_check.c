/*
 * lib/heap_check.c - heap_check(): walk every arena block by block, then
 * every TLSF and quick list, and report each way they disagree with the
 * block layout of lib/heap_internal.h or with each other.
 */
#include "lib/heap.h"

#include "lib/heap_internal.h"

struct check {
	struct heap *h;
	unsigned bad;
	size_t free_blocks;	/* found walking the arenas */
	size_t quick_blocks;
};

static void check_fail(struct check *c, const char *what, void *addr)
{
	heap_report(c->h, what, addr, __builtin_return_address(0));
	c->bad++;
}

/* Whether in-use block b (payload p, bs bytes) has its tag and canary. */
static bool marks_ok(const struct heap *h, struct heap_block *b, uintptr_t p,
		     size_t bs)
{
	return !((b->sf ^ tag_of(h, p)) & TAG_MASK) &&
	       at(b, bs)->prev_word == canary_of(h, p);
}

/* Free block b met walking an arena. */
static void check_free_block(struct check *c, struct heap_block *b,
			     bool prev_free)
{
	struct heap *h = c->h;

	c->free_blocks++;
	/* Two free blocks in a row should have merged. */
	if (prev_free)
		check_fail(c, "corrupt", b);
	if (h->debug && (b->sf & B_POISONED) &&
	    heap_check_poison(h, b, bsize(b), __builtin_return_address(0)))
		c->bad++;
}

/* One block met walking an arena; prev_free tells what the block before
 * was, prev_size its size. */
static void check_block(struct check *c, struct heap_block *b, bool prev_free,
			size_t prev_size)
{
	struct heap *h = c->h;
	uintptr_t p = (uintptr_t)payload(b);
	size_t bs = bsize(b);

	if (!!(b->sf & B_PREV_FREE) != prev_free ||
	    (prev_free && b->prev_word != prev_size))
		check_fail(c, "corrupt", b);
	if (b->sf & B_FREE) {
		check_free_block(c, b, prev_free);
		return;
	}
	if (b->sf & B_QUICK)
		c->quick_blocks++;
	if (!marks_ok(h, b, p, bs))
		check_fail(c, "overflow", (void *)(p + bs - HDR));
	else if (h->debug &&
		 heap_tail_ok(h, b, __builtin_return_address(0)) == SIZE_MAX)
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
	if ((uintptr_t)b != sentinel || bsize(b) ||
	    !!(b->sf & B_PREV_FREE) != prev_free)
		check_fail(c, "corrupt", b);
}

/* Whether b, met at this place of list (fl, sl) after prev, belongs there. */
static bool listed_ok(struct heap_block *b, struct heap_block *prev,
		      unsigned fl, unsigned sl)
{
	unsigned f, s;

	mapping(bsize(b), &f, &s);
	return (b->sf & B_FREE) && b->prev_free == prev && f == fl && s == sl;
}

/* Walk one TLSF list, of at most limit blocks; returns its length. */
static size_t check_list(struct check *c, unsigned fl, unsigned sl,
			 size_t limit)
{
	struct heap *h = c->h;
	struct heap_block *prev = NULL;
	size_t count = 0;

	for (struct heap_block *b = h->free_list[fl][sl]; b; b = b->next_free) {
		if (++count > limit || !listed_ok(b, prev, fl, sl)) {
			check_fail(c, "corrupt", b);
			break;
		}
		prev = b;
	}
	if (!!count != !!(h->sl_map[fl] & (1u << sl)))
		check_fail(c, "corrupt", &h->sl_map[fl]);
	return count;
}

static void check_top(struct check *c)
{
	struct heap *h = c->h;

	if (!(h->top->sf & B_FREE) ||
	    (uintptr_t)h->top + bsize(h->top) != h->top_end)
		check_fail(c, "corrupt", h->top);
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
		check_top(c);
	}
	if (listed != c->free_blocks)
		check_fail(c, "corrupt", h);
}

static void check_quick(struct check *c)
{
	struct heap *h = c->h;
	size_t count = 0;

	for (unsigned q = 0; q < HEAP_QUICK_COUNT; q++) {
		for (struct heap_block *b = h->quick[q]; b; b = b->next_free) {
			if (++count > c->quick_blocks || !(b->sf & B_QUICK) ||
			    bsize(b) != q * HEAP_ALIGN) {
				check_fail(c, "corrupt", b);
				return;
			}
		}
	}
	if (count != c->quick_blocks)
		check_fail(c, "corrupt", h->quick);
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
