/*
 * lib/compiler.h - compiler-only helpers that emit no instruction.
 */
#pragma once

/* Keep the compiler from moving memory accesses across this point (it
 * orders nothing for other CPUs). */
#define barrier() __asm__ volatile("" : : : "memory")
