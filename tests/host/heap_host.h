/*
 * tests/host/heap_host.h - kmalloc and friends for host programs (benchmarks,
 * harnesses), from build/host/libkheap.a. Everything runs inside the one
 * arena given to kheap_host_init; nothing else is allocated. Not
 * thread-safe: call from one thread, or under a lock of your own.
 */
#pragma once

#include <stddef.h>

/*
 * Build the heap at the start of arena (page-aligned, size bytes); call it
 * before anything else, and again to start over in a new arena. With
 * KHEAP_DEBUG=1 in the environment the heap's debug checks are on. Misuse
 * (double free, overflow, ...) prints a line on stderr and aborts.
 */
void kheap_host_init(void *arena, size_t size);

void *kmalloc(size_t size);
void *kcalloc(size_t n, size_t size);
void *krealloc(void *p, size_t size);
void *kmalloc_aligned(size_t size, size_t align);
void kfree(void *p);
