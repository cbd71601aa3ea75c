/*
 * lib/heap.h - the allocator core behind kmalloc: works inside arenas its
 * caller hands it and knows nothing about paging. kernel/heap.c owns the
 * kernel's heap and maps pages for it through the grow hook.
 *
 * Design. Memory is cut into blocks, each led by a 16-byte header:
 *
 *   block:  | prev_word | size_flags | payload ...            | next block
 *            <- 8 B ->   <- 8 B ->    ^ 16-byte aligned
 *
 * size_flags holds the block size (header included, a multiple of 16), state
 * bits and, while the block is out with a user, a 16-bit tag derived from its
 * address and a per-heap secret. prev_word is a boundary tag: when the block
 * before is free it holds that block's size, so neighbours coalesce in O(1);
 * when the block before is in use it holds that block's canary. Each arena
 * ends with a zero-size sentinel header, so no block looks past its arena.
 *
 * Free blocks sit on two-level segregated fit lists (TLSF): a first level per
 * power of two and 32 linear second-level lists inside it (16-byte steps below
 * 512 bytes). Two bitmaps find the smallest non-empty list that fits with two
 * find-first-set instructions, so allocation and free are O(1) with a bounded
 * worst case; a fit is split and the tail goes back on a list; a freed block
 * merges with free neighbours at once, so memory freed as small blocks serves
 * large requests. The free block at the end of the newest arena, the top, is
 * kept off the lists and cut only when no listed block fits: holes are
 * reused first, and the heap grows only from its end.
 *
 * In front of TLSF sit quick lists: one LIFO per 16-byte size class up to 1
 * KiB. A free of a small block between two blocks in use (or before the
 * top) pushes it there without coalescing and the next allocation of that
 * class pops it, in a few dozen instructions; a small block next to a free
 * one is merged into it instead, since parked it would keep two holes apart.
 * Each list holds up to 8 KiB (4 to 256 blocks), and all of them together at
 * most 1/16 of the bytes in use plus 16 KiB, which bounds what they add to
 * fragmentation. Quick blocks are flushed into TLSF (and so coalesced)
 * before the heap calls grow or reports out of memory, so they never cause a
 * failure; the flush is bounded by the list capacities (under 2000 blocks).
 *
 * Checks always on (a few instructions each): a freed or reallocated pointer
 * must be 16-byte aligned, inside the arenas' hull, carry the right tag and
 * not be free already ("invalid free", "double free"); the 8-byte canary
 * after its payload must be intact ("overflow"); a popped quick block must be
 * marked quick ("corrupt"). A block found bad is reported and leaked, never
 * reused. Freeing always overwrites the first 16 payload bytes (list links
 * and a poison word). The fast path trusts a block's size once its tag
 * matches, so a wild pointer that passes by chance (about 1 in 2^18) may
 * fault on the canary read instead of being reported.
 *
 * Checks behind heap_set_debug() (cost grows with block size): freed payload
 * is filled with HEAP_POISON and verified when handed out again ("write after
 * free"); each block records its request size and fills the slack after it,
 * so a write even one byte past the request is caught ("overflow"); frees
 * are checked against the arena list rather than its hull; quick lists are
 * bypassed and krealloc always moves the block. heap_check() validates the
 * whole heap in O(blocks): boundary tags, lists, bitmaps, tags and canaries
 * (and, in debug mode, poison and request tails).
 *
 * Misuse goes to ops->report(h, what, addr, caller) and the call returns
 * (NULL for krealloc); the kernel panics in it. Out of memory returns NULL.
 * A heap is not thread-safe: callers serialize. The kernel has one CPU and
 * never allocates in interrupt handlers, which is all the serializing it
 * needs.
 *
 * Glue, as kernel/heap.c is meant to do it: a static struct heap, heap_init()
 * with a seed from rdtsc, then either heap_add_arena() over a first region or
 * nothing at all; a grow hook that maps fresh pages at the end of the heap's
 * virtual range (contiguous pieces merge, so the top block keeps growing);
 * kmalloc(n) = heap_alloc(&kernel_heap, n) and kfree(p) =
 * heap_free_from(&kernel_heap, p, __builtin_return_address(0)).
 * tests/host/heap_host.c is the same glue over one fixed arena.
 *
 * The code: lib/heap.c (the allocator), heap_arena.c (setting up, arenas),
 * heap_report.c (naming misuse), heap_debug.c (debug mode), heap_check.c
 * (heap_check); lib/heap_internal.h is what they share.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/compiler.h"

#define HEAP_ALIGN		16
/* Largest request served; larger ones return NULL. */
#define HEAP_MAX_ALLOC		((size_t)1 << 38)
/* Byte written over freed payload in debug mode. Its low bit is set so a
 * stale header inside poisoned memory still reads as free. */
#define HEAP_POISON		0xdb

/* Geometry, public only so that struct heap can be declared by its users. */
#define HEAP_SL_SHIFT		5
#define HEAP_SL_COUNT		(1 << HEAP_SL_SHIFT)
#define HEAP_FL_COUNT		32
/* The largest block size on a quick list; one list per 16-byte size. */
#define HEAP_QUICK_MAX		1024
#define HEAP_QUICK_COUNT	(HEAP_QUICK_MAX / HEAP_ALIGN + 1)

struct heap;
struct heap_block;
struct heap_arena;

/* Hooks a heap calls; either may be NULL. */
struct heap_ops {
	/*
	 * Called when no free block fits: return at least min_size bytes of
	 * fresh memory and store the actual size in *size, or return NULL.
	 * Memory starting right at the end of the previous arena extends it.
	 */
	void *(*grow)(struct heap *h, size_t min_size, size_t *size);
	/*
	 * Called on misuse or corruption. what is a short phrase ("double
	 * free"), addr the pointer or byte at fault, caller the code address
	 * that made the call. The heap goes on working if this returns.
	 */
	void (*report)(struct heap *h, const char *what, void *addr,
		       void *caller);
};

struct heap_stats {
	size_t in_use;		/* bytes of live blocks, with headers */
	size_t peak_in_use;	/* highest in_use so far */
	size_t mapped;		/* arena bytes given to the heap */
	size_t free;		/* bytes in free blocks (TLSF lists) */
	size_t cached;		/* bytes parked on quick lists */
};

struct heap {
	/* Fields of the fast paths come first. */
	bool debug;
	uintptr_t lo;		/* lowest payload address in an arena */
	uintptr_t span16;	/* (hi - lo) / 16 */
	uintptr_t hi;		/* end of the highest arena */
	uint64_t tag_key;
	uint64_t canary_key;
	size_t in_use;
	size_t peak_in_use;
	size_t cached;		/* bytes on quick lists */
	size_t quick_limit;	/* cached may grow up to this; see heap.c */
	struct heap_block *quick[HEAP_QUICK_COUNT];
	/* How many more blocks each quick list may take. */
	uint32_t quick_room[HEAP_QUICK_COUNT];
	uint64_t fl_map;
	uint32_t sl_map[HEAP_FL_COUNT];
	struct heap_block *free_list[HEAP_FL_COUNT][HEAP_SL_COUNT];
	struct heap_block *top;	/* free, ends at top_end, on no list */
	uintptr_t top_end;	/* sentinel of the newest arena */
	size_t free_bytes;	/* on the lists; top not counted */
	size_t mapped;
	struct heap_arena *arenas;	/* most recently added first */
	const struct heap_ops *ops;
	void *ctx;		/* for the hooks; the heap never reads it */
};

/*
 * Set up an empty heap. seed feeds the tags and canaries; the kernel passes
 * something unpredictable (rdtsc), tests a constant.
 */
void heap_init(struct heap *h, const struct heap_ops *ops, void *ctx,
	       uint64_t seed);

/*
 * Place a heap at the start of [mem, mem + size) and give it the rest as its
 * first arena, so that it uses no other memory. Returns NULL if size is too
 * small to hold the heap and one block.
 */
struct heap *heap_create(void *mem, size_t size, const struct heap_ops *ops,
			 void *ctx, uint64_t seed);

/*
 * Give the heap the memory [base, base + size) for good. Returns false if it
 * is too small to hold a block.
 */
__must_check bool heap_add_arena(struct heap *h, void *base, size_t size);

/*
 * Turn the debug checks on or off. Turning them on walks the whole heap once
 * (O(bytes): it poisons all free memory); call it during init.
 */
void heap_set_debug(struct heap *h, bool on);

/* A block of at least size bytes, 16-byte aligned; NULL if out of memory. */
void *heap_alloc(struct heap *h, size_t size);
/* A zeroed array of n elements; NULL also when n * size overflows. */
void *heap_calloc(struct heap *h, size_t n, size_t size);
/* Like heap_alloc, aligned to align, a power of two; NULL if it is not. */
void *heap_alloc_aligned(struct heap *h, size_t size, size_t align);
/*
 * Resize the block at p, moving it if needed; contents are kept up to the
 * smaller size. p == NULL allocates; size == 0 frees p and returns NULL. On
 * failure returns NULL and p stays valid. Aligned blocks may lose their
 * alignment beyond 16 if they move.
 */
__must_check void *heap_realloc(struct heap *h, void *p, size_t size);
/* Free p; NULL is ignored. */
void heap_free(struct heap *h, void *p);

/* The same, naming the caller to report: wrappers pass their return address. */
void heap_free_from(struct heap *h, void *p, void *caller);
__must_check void *heap_realloc_from(struct heap *h, void *p, size_t size,
				     void *caller);

void heap_get_stats(const struct heap *h, struct heap_stats *st);

/*
 * For a cache kept in front of the heap (kernel/heap.c keeps one per CPU):
 * the size of p's block if p is a block in use that passes the checks of
 * heap_free(), else 0, also in debug mode (where nothing may bypass the
 * heap). It only reads: the block stays in use as far as the heap knows.
 */
size_t heap_in_use_size(const struct heap *h, const void *p);

/* The block size heap_alloc(n) asks its lists for (0: n is too large). */
size_t heap_request_block_size(size_t n);

/*
 * Walk every arena and list and report each inconsistency (as "corrupt" or a
 * more precise phrase). Returns the number found. O(blocks), or O(free bytes)
 * in debug mode, where poison is verified too.
 */
unsigned heap_check(struct heap *h);
