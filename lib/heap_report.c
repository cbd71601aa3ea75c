/*
 * lib/heap_report.c - how the heap reports misuse: through the report hook
 * of struct heap_ops, naming what is wrong with a pointer handed back to it.
 */
#include "lib/heap.h"

#include "lib/heap_internal.h"

/* What a bad pointer is called, by operation and by what is wrong with it. */
enum bad_ptr { BAD_INVALID, BAD_FREED, BAD_OVERFLOW, BAD_COUNT };
static const char *const bad_ptr_what[][BAD_COUNT] = {
	[OP_FREE] = { "invalid free", "double free", "overflow" },
	[OP_REALLOC] = { "invalid realloc", "realloc of freed block",
			 "overflow" },
};

void heap_report(struct heap *h, const char *what, void *addr, void *caller)
{
	if (h->ops && h->ops->report)
		h->ops->report(h, what, addr, caller);
}

void heap_report_invalid(struct heap *h, void *p, enum heap_op op,
			 void *caller)
{
	heap_report(h, bad_ptr_what[op][BAD_INVALID], p, caller);
}

/* What is wrong with p, which failed in_use_ok(). */
static enum bad_ptr classify(const struct heap *h, void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct heap_block *b = block_of(p);

	if ((a - h->lo) >> HEAP_ALIGN_SHIFT >= h->span16 || (a & ALIGN_MASK))
		return BAD_INVALID;
	if (b->sf & (B_FREE | B_QUICK))
		return BAD_FREED;
	if (!((b->sf ^ tag_of(h, a)) & TAG_MASK) && bsize(b) <= h->hi - a)
		return BAD_OVERFLOW;
	return BAD_INVALID;
}

void heap_diagnose(struct heap *h, void *p, enum heap_op op, void *caller)
{
	enum bad_ptr bad = classify(h, p);
	void *addr = p;

	/* An overflow is reported at the canary it overwrote. */
	if (bad == BAD_OVERFLOW)
		addr = (char *)p + bsize(block_of(p)) - HDR;
	heap_report(h, bad_ptr_what[op][bad], addr, caller);
}
