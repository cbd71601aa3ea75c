/*
 * kernel/heap.c - the kernel heap: lib/heap.c's allocator on pages mapped
 * on demand in [HEAP_START, HEAP_START + HEAP_MAX).
 */
#include "kernel/heap.h"

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/heap.h"
#include "kernel/arch.h"
#include "kernel/layout.h"
#include "kernel/frame.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/symbols.h"
#include "kernel/vmm.h"

/* Grow in steps of at least this much, to keep page-table work rare. */
#define HEAP_GROW_MIN (64 * 1024)

/* The heap's one lock: every call below takes it (before the page tables'
 * and the frame allocator's, which grow() takes inside it). */
static struct spinlock heap_lock = SPINLOCK_INIT("kernel heap");
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

void kheap_init(void)
{
	heap_init(&kernel_heap, &kernel_heap_ops, NULL, arch_cycles());
}

#define LOCKED(expr)                                                   \
	({                                                             \
		uint64_t flags_ = spin_lock_irqsave(&heap_lock);       \
		__typeof__(expr) r_ = (expr);                          \
		spin_unlock_irqrestore(&heap_lock, flags_);            \
		r_;                                                    \
	})

void kheap_set_debug(bool on)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);

	heap_set_debug(&kernel_heap, on);
	spin_unlock_irqrestore(&heap_lock, flags);
}

void *kmalloc(size_t size)
{
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
	uint64_t flags = spin_lock_irqsave(&heap_lock);

	heap_free_from(&kernel_heap, p, __builtin_return_address(0));
	spin_unlock_irqrestore(&heap_lock, flags);
}

void kheap_stats(struct heap_stats *st)
{
	uint64_t flags = spin_lock_irqsave(&heap_lock);

	heap_get_stats(&kernel_heap, st);
	spin_unlock_irqrestore(&heap_lock, flags);
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
