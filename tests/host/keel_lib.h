/*
 * tests/host/keel_lib.h - lib/'s functions under the names the host test
 * build gives them (tests/host/rename.syms), so a test can call them beside
 * the host C library's. Keep in step with lib/string.h and lib/vsnprintf.h.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* lib/string.h */
void *keel_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *keel_memmove(void *dst, const void *src, size_t n);
void *keel_memset(void *dst, int c, size_t n);
int keel_memcmp(const void *a, const void *b, size_t n);
void *keel_memchr(const void *s, int c, size_t n);
size_t keel_strlen(const char *s);
size_t keel_strnlen(const char *s, size_t max);
int keel_strcmp(const char *a, const char *b);
int keel_strncmp(const char *a, const char *b, size_t n);
char *keel_strchr(const char *s, int c);
char *keel_strstr(const char *haystack, const char *needle);
size_t keel_strlcpy(char *restrict dst, const char *restrict src, size_t size);

/* lib/vsnprintf.h */
int keel_vcbprintf(void (*out)(char c, void *ctx), void *ctx, const char *fmt,
		   va_list ap) __attribute__((format(printf, 3, 0)));
int keel_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int keel_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
