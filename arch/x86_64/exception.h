/*
 * arch/x86_64/exception.h - reporting CPU exceptions.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct trap_frame;

/* "page fault (#PF)" and so on; "interrupt" for vectors 32 and up. */
const char *exception_name(unsigned int vector);

/* Decode a page-fault error code into words, e.g. "page not present,
 * write, kernel mode". */
void exception_describe_pf(uint64_t error, char *buf, size_t size);

/* Decode a selector error code (#TS, #NP, #SS, #GP). */
void exception_describe_selector(uint64_t error, char *buf, size_t size);

/* Print the full report of @frame: name, decoded error code, registers,
 * control registers and a backtrace. */
void exception_report(const struct trap_frame *frame);

/*
 * Declare [@start, @end) an unmapped guard page below the stack named
 * @stack: a fault there is reported as that stack overflowing.
 */
void exception_add_guard(uintptr_t start, uintptr_t end, const char *stack);

/* The stack whose guard page holds @addr, or NULL. */
const char *exception_guard_hit(uintptr_t addr);

/* Print "#n address function+offset" lines for the frame-pointer chain
 * starting at @rbp, after @rip itself. */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Install the default handlers (breakpoint, double fault). */
void exception_init(void);
