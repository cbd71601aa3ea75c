/*
 * kernel/heap.h - kmalloc and friends: the kernel heap.
 *
 * The allocator is lib/heap.c (its header explains the design); this module
 * gives it a range of the kernel address space (HEAP_START, kernel/layout.h)
 * and maps fresh frames there as it grows. Blocks are 16-byte aligned.
 * Out of memory returns NULL; misuse (double free, a pointer the heap never
 * returned, a write past a block) panics naming the address and the caller.
 * Safe on every CPU at once: one spinlock, taken with interrupts off, so
 * an interrupt handler may allocate too (it waits for a holder elsewhere);
 * small blocks come from a cache per CPU first (kernel/heap.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct heap_stats;

/* Start the heap (after the kernel address space exists). */
void kheap_init(void);

/* Turn on the checks that cost more than a few instructions (poisoning
 * verified on reuse, exact overflow detection); the self-test does. */
void kheap_set_debug(bool on);
bool kheap_debug(void);

void *kmalloc(size_t size);
void *kcalloc(size_t n, size_t size);		/* n * size overflow: NULL */
void *krealloc(void *p, size_t size);		/* NULL: old block intact */
void *kmalloc_aligned(size_t size, size_t align);	/* align: power of 2 */
void kfree(void *p);				/* kfree(NULL) does nothing */

/* Statistics; blocks in the per-CPU caches count as cached, not in use. */
void kheap_stats(struct heap_stats *st);

/* Use the per-CPU caches of small blocks (on at boot, off in debug mode);
 * turning them off gives every cached block back, on every CPU. */
void kheap_set_cpu_caches(bool on);

/* How many times the heap's lock has been taken since boot: a kmalloc or
 * kfree served by this CPU's cache does not take it. */
uint64_t kheap_lock_count(void);

/* Validate the whole heap; returns the number of problems (reported). */
unsigned int kheap_check(void);

/* Print bytes in use, mapped and peak. */
void kheap_print_stats(void);
