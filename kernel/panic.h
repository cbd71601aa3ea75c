/*
 * kernel/panic.h - stopping the kernel when it cannot go on.
 */
#pragma once

/*
 * Print "PANIC: <message> at <file>:<line>" and halt with interrupts off.
 * During the self-test, also end the emulator with KTEST_EXIT_PANIC.
 */
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

__attribute__((noreturn, format(printf, 3, 4)))
void panic_at(const char *file, int line, const char *fmt, ...);

/* Always on: a broken invariant is worth a few instructions to catch. */
#define assert(expr) \
	((expr) ? (void)0 : panic("assertion failed: %s", #expr))
