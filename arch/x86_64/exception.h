/*
 * arch/x86_64/exception.h - reporting CPU exceptions.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct trap_frame;

/* Page-fault error code bits (SDM Vol. 3A, figure 4-12). */
#define PF_ERR_PRESENT (1u << 0)	/* protection violation, not absence */
#define PF_ERR_WRITE (1u << 1)
#define PF_ERR_USER (1u << 2)
#define PF_ERR_RESERVED (1u << 3)	/* reserved bit set in an entry */
#define PF_ERR_FETCH (1u << 4)		/* instruction fetch */
#define PF_ERR_PKEY (1u << 5)
#define PF_ERR_SHADOW_STACK (1u << 6)
#define PF_ERR_SGX (1u << 15)

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
