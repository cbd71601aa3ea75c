/*
 * kernel/heap.c - the kernel heap: lib/heap.c's allocator on pages mapped
 * on demand in [HEAP_START, HEAP_START + HEAP_MAX), behind one lock, with
 * a cache of small blocks per CPU in front of it.
 *
 * The per-CPU cache: for each block size up to CACHE_MAX_BLOCK, a list of
 * blocks this CPU freed, which its next kmalloc() of that size takes back
 * without the lock. An empty list is refilled, and a full one half emptied,
 * CACHE_BATCH blocks at a time under the lock, so the lock is taken once
 * per batch. To the allocator core a cached block is still in use; kfree()
 * first checks it the way heap_free() does (heap_in_use_size()) and marks
 * it, so a second kfree() of a cached block is reported as a double free.
 * Debug mode (heap_debug, the self-test) bypasses the caches.
 */
#include "kernel/heap.h"

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/heap.h"
#include "kernel/arch.h"
#include "kernel/layout.h"
#include "kernel/frame.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/symbols.h"
#include "kernel/vmm.h"

/* Grow in steps of at least this much, to keep page-table work rare. */
#define HEAP_GROW_MIN (64 * 1024)

/* The heap's one lock: every call below takes it unless its CPU's cache
 * serves it (before the page tables' and the frame allocator's, which
 * grow() takes inside it). */
static struct spinlock heap_lock = SPINLOCK_INIT("kernel heap");
/* Times heap_lock was taken, counted under it (so in the lock's own
 * traffic): what the per-CPU caches keep off the shared path. */
static uint64_t lock_count;

static void lock_heap(void)
{
	spin_lock(&heap_lock);
	lock_count++;
}

static uint64_t lock_heap_irqsave(void)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);

	lock_count++;
	return flags;
}
static struct heap kernel_heap;
static vaddr_t heap_end = HEAP_START;	/* first unmapped heap address */

/* Undo a partial grow: unmap and free [from, to), and the page tables
 * the attempt created, so a failed grow leaves memory as it found it. */
static void unmap_pages(vaddr_t from, vaddr_t to)
{
	for (vaddr_t va = from; va < to; va += PAGE_SIZE)
		frame_free(vmm_unmap(va));
	vmm_release_tables(from, to);	/* frees every empty table it meets */
}

static void *grow(struct heap *h, size_t min_size, size_t *size)
{
	size_t want = min_size < HEAP_GROW_MIN ? HEAP_GROW_MIN : min_size;
	vaddr_t start = heap_end;
	vaddr_t end;

	(void)h;
	want = ALIGN_UP(want, PAGE_SIZE);
	/* Fail at once what cannot succeed, rather than mapping and zeroing
	 * every free frame first. */
	if (want > HEAP_START + HEAP_MAX - start ||
	    want / PAGE_SIZE > frame_free_count())
		return NULL;
	end = start + want;
	for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
		paddr_t frame = frame_alloc();

		if (!frame || vmm_map(va, frame, VMM_WRITE)) {
			if (frame)
				frame_free(frame);
			unmap_pages(start, va);
			return NULL;
		}
	}
	heap_end = end;
	*size = want;
	return (void *)start;
}

static void report(struct heap *h, const char *what, void *addr, void *caller)
{
	uintptr_t off = 0;
	const char *fn = symbol_lookup((uintptr_t)caller, &off);

	(void)h;
	panic("heap: %s at %p (called from %s+%#lx)", what, addr,
	      fn ? fn : "?", off);
}

static const struct heap_ops kernel_heap_ops = { .grow = grow, .report = report };

/* --- Per-CPU caches ------------------------------------------------------ */

#define CACHE_MAX_BLOCK 256	/* headers included: requests up to 240 B */
#define CACHE_CLASSES (CACHE_MAX_BLOCK / HEAP_ALIGN + 1)
#define CACHE_DEPTH 16		/* blocks a list holds at most */
#define CACHE_BATCH 8		/* moved at once to or from the heap */
/* Written into a cached block with its address mixed in; a block freed
 * again while it holds this is a double free. */
#define CACHE_MARK 0x6b65656c63616368ULL

/* A cached block's payload (every block has at least 16 bytes of it). */
struct cached {
	struct cached *next;
	uint64_t mark;
};

/* Only its own CPU touches a cache, with interrupts off. */
struct cpu_cache {
	struct cached *head[CACHE_CLASSES];
	uint8_t count[CACHE_CLASSES];
	size_t bytes;
} __attribute__((aligned(64)));	/* no cache line shared between CPUs */

static struct cpu_cache cpu_caches[MAX_CPUS];
static bool caches_on = true;

static uint64_t mark_of(const void *p)
{
	return CACHE_MARK ^ (uint64_t)(uintptr_t)p;
}

static void cache_push(struct cpu_cache *cc, unsigned int c, void *p)
{
	struct cached *b = p;

	b->next = cc->head[c];
	b->mark = mark_of(p);
	cc->head[c] = b;
	cc->count[c]++;
	cc->bytes += c * HEAP_ALIGN;
}

static void *cache_pop(struct cpu_cache *cc, unsigned int c)
{
	struct cached *b = cc->head[c];

	cc->head[c] = b->next;
	cc->count[c]--;
	cc->bytes -= c * HEAP_ALIGN;
	b->next = NULL;
	b->mark = 0;
	return b;
}

/* Give @n blocks of list @c back to the heap (interrupts are off). */
static void cache_drain(struct cpu_cache *cc, unsigned int c, unsigned int n)
{
	lock_heap();
	while (n-- && cc->head[c])
		heap_free_from(&kernel_heap, cache_pop(cc, c), NULL);
	spin_unlock(&heap_lock);
}

/* Fill list @c with up to CACHE_BATCH blocks of @bs bytes. */
static void cache_refill(struct cpu_cache *cc, unsigned int c, size_t bs)
{
	lock_heap();
	for (int i = 0; i < CACHE_BATCH; i++) {
		void *p = heap_alloc(&kernel_heap, bs - HEAP_ALIGN);
		unsigned int got;

		if (!p)
			break;
		/* A block cut a little larger goes on the list of its own
		 * size, so that every list holds blocks of exactly its size
		 * and the bytes cached add up; if that list is full, back. */
		got = (unsigned int)(heap_in_use_size(&kernel_heap, p) /
				     HEAP_ALIGN);
		if (got != c && (got >= CACHE_CLASSES ||
				 cc->count[got] == CACHE_DEPTH)) {
			heap_free_from(&kernel_heap, p, NULL);
			continue;
		}
		cache_push(cc, got, p);
	}
	spin_unlock(&heap_lock);
}

static void *cache_alloc(size_t size)
{
	size_t bs = heap_request_block_size(size);
	unsigned int c = (unsigned int)(bs / HEAP_ALIGN);
	uint64_t flags = arch_irq_save();
	struct cpu_cache *cc = &cpu_caches[this_cpu_index()];
	void *p = NULL;

	if (!cc->head[c])
		cache_refill(cc, c, bs);
	if (cc->head[c]) {
		p = cache_pop(cc, c);
	} else {
		/* Out of memory, or every block came out larger. */
		lock_heap();
		p = heap_alloc(&kernel_heap, size);
		spin_unlock(&heap_lock);
	}
	arch_irq_restore(flags);
	return p;
}

/* Keep @p on this CPU if it is a small block in use; false otherwise. */
static bool cache_free(void *p, void *caller)
{
	size_t bs = heap_in_use_size(&kernel_heap, p);
	unsigned int c = (unsigned int)(bs / HEAP_ALIGN);
	struct cpu_cache *cc;
	uint64_t flags;

	if (!bs || bs > CACHE_MAX_BLOCK)
		return false;
	if (((struct cached *)p)->mark == mark_of(p))
		report(&kernel_heap, "double free", p, caller);
	flags = arch_irq_save();
	cc = &cpu_caches[this_cpu_index()];
	if (cc->count[c] == CACHE_DEPTH)
		cache_drain(cc, c, CACHE_BATCH);
	cache_push(cc, c, p);
	arch_irq_restore(flags);
	return true;
}

/* Every list of this CPU back to the heap. */
static void cache_drain_all(void *arg)
{
	uint64_t flags = arch_irq_save();
	struct cpu_cache *cc = &cpu_caches[this_cpu_index()];

	(void)arg;
	for (unsigned int c = 0; c < CACHE_CLASSES; c++)
		cache_drain(cc, c, CACHE_DEPTH);
	arch_irq_restore(flags);
}

static size_t cached_bytes(void)
{
	size_t n = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++)
		n += __atomic_load_n(&cpu_caches[i].bytes, __ATOMIC_RELAXED);
	return n;
}

uint64_t kheap_lock_count(void)
{
	return __atomic_load_n(&lock_count, __ATOMIC_RELAXED);
}

void kheap_set_cpu_caches(bool on)
{
	caches_on = on;
	if (on)
		return;
	for (unsigned int i = 0; i < MAX_CPUS; i++)
		if (smp_ready_mask() & (1ULL << i))
			smp_call(i, cache_drain_all, NULL);
	cache_drain_all(NULL);	/* before smp_init(), or alone */
}

/* --- The calls ----------------------------------------------------------- */

void kheap_init(void)
{
	heap_init(&kernel_heap, &kernel_heap_ops, NULL, arch_cycles());
}

#define LOCKED(expr)                                                   \
	({                                                             \
		uint64_t flags_ = lock_heap_irqsave();                 \
		__typeof__(expr) r_ = (expr);                          \
		spin_unlock_irqrestore(&heap_lock, flags_);            \
		r_;                                                    \
	})

void kheap_set_debug(bool on)
{
	uint64_t flags;

	/* Debug mode sees every call: nothing may sit in a cache. */
	kheap_set_cpu_caches(!on);
	flags = lock_heap_irqsave();
	heap_set_debug(&kernel_heap, on);
	spin_unlock_irqrestore(&heap_lock, flags);
}

bool kheap_debug(void)
{
	return kernel_heap.debug;
}

void *kmalloc(size_t size)
{
	if (caches_on && size && size <= CACHE_MAX_BLOCK - HEAP_ALIGN)
		return cache_alloc(size);
	return LOCKED(heap_alloc(&kernel_heap, size));
}

void *kcalloc(size_t n, size_t size)
{
	return LOCKED(heap_calloc(&kernel_heap, n, size));
}

void *krealloc(void *p, size_t size)
{
	return LOCKED(heap_realloc_from(&kernel_heap, p, size,
					__builtin_return_address(0)));
}

void *kmalloc_aligned(size_t size, size_t align)
{
	return LOCKED(heap_alloc_aligned(&kernel_heap, size, align));
}

void kfree(void *p)
{
	uint64_t flags;

	if (caches_on && p && cache_free(p, __builtin_return_address(0)))
		return;
	flags = lock_heap_irqsave();
	heap_free_from(&kernel_heap, p, __builtin_return_address(0));
	spin_unlock_irqrestore(&heap_lock, flags);
}

void kheap_stats(struct heap_stats *st)
{
	uint64_t flags = lock_heap_irqsave();
	size_t cached;

	heap_get_stats(&kernel_heap, st);
	spin_unlock_irqrestore(&heap_lock, flags);
	/* Blocks in the per-CPU caches are free for kmalloc's callers. */
	cached = cached_bytes();
	st->in_use -= cached < st->in_use ? cached : st->in_use;
	st->cached += cached;
}

unsigned int kheap_check(void)
{
	return LOCKED(heap_check(&kernel_heap));
}

void kheap_print_stats(void)
{
	struct heap_stats st;

	kheap_stats(&st);
	kprintf("heap: %zu bytes in use, %zu mapped, peak %zu\n", st.in_use,
		st.mapped, st.peak_in_use);
}
