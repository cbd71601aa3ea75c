/*
 * tests/host/heap_host.c - the host twin of kernel/heap.c's wrappers: one
 * global heap over the arena kheap_host_init is given. mk/heap.mk links it
 * with lib/heap*.c into build/host/libkheap.a and keeps only these symbols.
 */
#include "tests/host/heap_host.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/heap.h"

/* Mixed with the arena's address into the seed: "kheap\n" in ASCII. */
#define HOST_SEED	0x6b686561700aULL

static struct heap *kheap;

/* Misuse means the program is broken: say where, then stop. Uses no heap. */
static void host_report(struct heap *h, const char *what, void *addr,
			void *caller)
{
	char line[128];
	size_t n = 0;

	(void)h;
	n += (size_t)snprintf(line, sizeof(line),
			      "kheap: %s at %p (caller %p)\n", what, addr,
			      caller);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	if (write(STDERR_FILENO, line, n) < 0)
		abort();
	abort();
}

static const struct heap_ops host_ops = { .report = host_report };

void kheap_host_init(void *arena, size_t size)
{
	const char *debug = getenv("KHEAP_DEBUG");

	kheap = heap_create(arena, size, &host_ops, NULL,
			    (uintptr_t)arena ^ HOST_SEED);
	if (!kheap) {
		host_report(NULL, "arena too small", arena,
			    __builtin_return_address(0));
		return;
	}
	if (debug && strcmp(debug, "0") != 0)
		heap_set_debug(kheap, true);
}

void *kmalloc(size_t size)
{
	return heap_alloc(kheap, size);
}

void *kcalloc(size_t n, size_t size)
{
	return heap_calloc(kheap, n, size);
}

void *krealloc(void *p, size_t size)
{
	return heap_realloc_from(kheap, p, size, __builtin_return_address(0));
}

void *kmalloc_aligned(size_t size, size_t align)
{
	return heap_alloc_aligned(kheap, size, align);
}

void kfree(void *p)
{
	heap_free_from(kheap, p, __builtin_return_address(0));
}
