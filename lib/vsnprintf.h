/*
 * lib/vsnprintf.h - printf-style formatting without floating point.
 *
 * Conversions: d i u x X o p s c %, with the flags - 0 + space #, a field
 * width and a precision (each may be '*'), and the length modifiers
 * hh h l ll z j t. The semantics are C99's (7.19.6.1), plus:
 *   - %s with a NULL pointer prints "(null)", cut by the precision as any
 *     string would be;
 *   - %p prints "0x" and lower-case hex, or "(nil)" for NULL;
 *   - an unknown or unsupported conversion (%n, %f, %y, ...) is printed as
 *     written, from '%' to the conversion character, and uses no argument;
 *   - length modifiers on %c, %s and %p are ignored (no wide characters).
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/*
 * The core the other two are built on: formats fmt and hands the output to
 * out(c, ctx) one character at a time, so a console can print text of any
 * length without a buffer. No terminating NUL is sent.
 * Returns the number of characters sent, or -1 if that exceeds INT_MAX.
 */
int vcbprintf(void (*out)(char c, void *ctx), void *ctx, const char *fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * Formats into buf, writing at most size bytes including the NUL, which is
 * always written when size > 0. buf may be NULL when size is 0.
 * Returns the length the whole output has (not counting the NUL), so the
 * output was cut short exactly when the result is >= size.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
