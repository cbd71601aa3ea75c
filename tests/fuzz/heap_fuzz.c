/*
 * tests/fuzz/heap_fuzz.c - libFuzzer target for lib/heap*.c: each input is a
 * sequence of operations on a fresh heap, checked against shadow records of
 * every live block (size, alignment, contents, no overlap). `make heap-fuzz`.
 *
 * Input: one flags byte, then operations of four bytes each:
 *   op  slot  size-lo  size-hi
 * The heap grows from a spare region, in pieces that are contiguous or not.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/heap.h"

#define ARENA_SIZE	(64 * 1024)
#define SPARE_SIZE	(256 * 1024)
#define SLOTS		64

enum fuzz_flag {
	FLAG_DEBUG	= 1 << 0,	/* debug checks on from the start */
	FLAG_GROW	= 1 << 1,	/* the heap may grow */
	FLAG_GAPS	= 1 << 2,	/* grown pieces are not contiguous */
};

enum fuzz_op {
	OP_ALLOC, OP_ALIGNED, OP_CALLOC, OP_REALLOC, OP_FREE, OP_DOUBLE_FREE,
	OP_CHECK, OP_ARENA, OP_COUNT
};

struct slot {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

struct fuzz {
	struct heap *h;
	struct slot slot[SLOTS];
	unsigned flags;
	char *spare;		/* next unused spare byte */
	size_t spare_left;
	unsigned reports;	/* expected ones are subtracted as they come */
	const char *last_report;
};

static _Alignas(4096) char arena[ARENA_SIZE];
static _Alignas(4096) char spare[SPARE_SIZE];

static void fuzz_report(struct heap *h, const char *what, void *addr,
			void *caller)
{
	struct fuzz *f = h->ctx;

	(void)caller;
	f->reports++;
	f->last_report = what;
	if (strcmp(what, "double free") != 0) {
		fprintf(stderr, "heap_fuzz: unexpected report \"%s\" at %p\n",
			what, addr);
		abort();
	}
}

static void *take_spare(struct fuzz *f, size_t min_size, size_t *size)
{
	size_t n = (min_size + 4095) & ~(size_t)4095;
	size_t gap = f->flags & FLAG_GAPS ? 4096 : 0;
	char *p = f->spare + gap;

	if (n < 8192)
		n = 8192;
	if (n + gap > f->spare_left)
		return NULL;
	f->spare += n + gap;
	f->spare_left -= n + gap;
	*size = n;
	return p;
}

static void *fuzz_grow(struct heap *h, size_t min_size, size_t *size)
{
	struct fuzz *f = h->ctx;

	return f->flags & FLAG_GROW ? take_spare(f, min_size, size) : NULL;
}

static const struct heap_ops fuzz_ops = {
	.grow = fuzz_grow,
	.report = fuzz_report,
};

static void fail(const char *why, const void *p)
{
	fprintf(stderr, "heap_fuzz: %s (%p)\n", why, p);
	abort();
}

static void verify(const struct slot *s)
{
	for (size_t i = 0; i < s->size; i++) {
		if (s->p[i] != s->fill)
			fail("block contents changed", s->p + i);
	}
}

static void set_slot(struct slot *s, unsigned char *p, size_t size,
		     unsigned char fill)
{
	s->p = p;
	s->size = p ? size : 0;
	s->fill = fill;
	if (p)
		memset(p, fill, size);
}

/* Sizes spread over several orders of magnitude, small ones most often. */
static size_t op_size(uint8_t lo, uint8_t hi)
{
	unsigned v = lo | (unsigned)hi << 8;

	return v & ((1u << (hi % 17)) - 1);
}

static void do_alloc(struct fuzz *f, struct slot *s, enum fuzz_op op,
		     size_t size, uint8_t fill)
{
	size_t align = (size_t)1 << (fill % 14);
	unsigned char *p;

	if (s->p)
		return;
	if (op == OP_ALIGNED)
		p = heap_alloc_aligned(f->h, size, align);
	else if (op == OP_CALLOC)
		p = heap_calloc(f->h, size / 8 + 1, 8);
	else
		p = heap_alloc(f->h, size);
	if (p && ((uintptr_t)p % HEAP_ALIGN ||
		  (op == OP_ALIGNED && (uintptr_t)p % align)))
		fail("misaligned block", p);
	if (p && op == OP_CALLOC) {
		size = size / 8 * 8 + 8;
		for (size_t i = 0; i < size; i++)
			if (p[i])
				fail("kcalloc block not zeroed", p + i);
	}
	set_slot(s, p, size, fill);
}

static void do_realloc(struct fuzz *f, struct slot *s, size_t size,
		       uint8_t fill)
{
	unsigned char *p;
	size_t keep = size < s->size ? size : s->size;

	verify(s);
	p = heap_realloc(f->h, s->p, size);
	if (!p && size) {
		verify(s);
		return;
	}
	for (size_t i = 0; p && i < keep; i++) {
		if (p[i] != s->fill)
			fail("krealloc lost contents", p + i);
	}
	set_slot(s, p, size, fill);
}

static void do_free(struct fuzz *f, struct slot *s, bool twice)
{
	if (!s->p)
		return;
	verify(s);
	heap_free(f->h, s->p);
	if (twice) {
		heap_free(f->h, s->p);
		if (f->reports != 1)
			fail("double free not reported", s->p);
		f->reports = 0;
	}
	set_slot(s, NULL, 0, 0);
}

static int by_address(const void *a, const void *b)
{
	const struct slot *x = a;
	const struct slot *y = b;

	return (x->p > y->p) - (x->p < y->p);
}

static void check_all(struct fuzz *f)
{
	struct slot sorted[SLOTS];
	size_t n = 0;

	if (heap_check(f->h))
		fail("heap_check found corruption", f->h);
	for (int i = 0; i < SLOTS; i++) {
		if (f->slot[i].p)
			sorted[n++] = f->slot[i];
	}
	qsort(sorted, n, sizeof(*sorted), by_address);
	for (size_t i = 1; i < n; i++) {
		if (sorted[i - 1].p + sorted[i - 1].size > sorted[i].p)
			fail("blocks overlap", sorted[i].p);
	}
}

static void do_op(struct fuzz *f, const uint8_t *in)
{
	struct slot *s = &f->slot[in[1] % SLOTS];
	enum fuzz_op op = in[0] % OP_COUNT;
	size_t size = op_size(in[2], in[3]);
	uint8_t fill = in[0] ^ in[2];
	size_t got;
	void *m;

	switch (op) {
	case OP_ALLOC:
	case OP_ALIGNED:
	case OP_CALLOC:
		do_alloc(f, s, op, size, fill);
		break;
	case OP_REALLOC:
		do_realloc(f, s, size, fill);
		break;
	case OP_FREE:
	case OP_DOUBLE_FREE:
		do_free(f, s, op == OP_DOUBLE_FREE);
		break;
	case OP_CHECK:
		check_all(f);
		if (in[2] == 0xdb)
			heap_set_debug(f->h, !f->h->debug);
		break;
	case OP_ARENA:
		m = take_spare(f, size, &got);
		/* Spare pieces are page-aligned and 8 KiB or more. */
		if (m && !heap_add_arena(f->h, m, got))
			fail("spare piece refused", m);
		break;
	case OP_COUNT:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz f;
	struct heap_stats st;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	f.flags = data[0];
	f.spare = spare;
	f.spare_left = SPARE_SIZE;
	f.h = heap_create(arena, ARENA_SIZE, &fuzz_ops, &f, data[0]);
	if (f.flags & FLAG_DEBUG)
		heap_set_debug(f.h, true);
	for (size_t i = 1; i + 4 <= size; i += 4)
		do_op(&f, data + i);
	check_all(&f);
	for (int i = 0; i < SLOTS; i++)
		do_free(&f, &f.slot[i], false);
	heap_get_stats(f.h, &st);
	if (st.in_use || heap_check(f.h))
		fail("heap not empty after freeing everything", f.h);
	return 0;
}
