/*
 * kernel/printk.h - formatted output to the console.
 */
#pragma once

#include <stdarg.h>

/* printf-style output to every console (lib/vsnprintf.h lists the
 * conversions). Returns the number of characters written. */
__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);
int vkprintf(const char *fmt, va_list ap);

/* Print untrusted text (a command line, a module string) with every byte
 * outside printable ASCII as \xNN and '\' and '"' escaped (lib/escape.h),
 * so that it cannot drive the terminal. Returns the characters written. */
int kprint_escaped(const char *s);
