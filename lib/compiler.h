/*
 * lib/compiler.h - compiler-only helpers that emit no instruction of their
 * own: ordering, branch hints and function attributes (GCC and clang).
 */
#pragma once

/* Keep the compiler from moving memory accesses across this point (it
 * orders nothing for other CPUs). */
#define barrier() __asm__ volatile("" : : : "memory")

/* Branch hints, for tests that almost always go one way (a check on a fast
 * path that only misuse fails). */
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* A result the caller must use (Linux rule 16); with -Werror, ignoring it
 * is a build error. */
#define __must_check __attribute__((warn_unused_result))

/* Inlined even where the optimizer would not (a step of a fast path).
 * Host programs may have glibc's <sys/cdefs.h> one, which is the same. */
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
/* Never inlined: keeps a rare path's stack frame out of its caller. */
#define __noinline	__attribute__((noinline))
/* Rarely run: optimized for size, and branches to it predicted not taken. */
#define __cold		__attribute__((cold))
