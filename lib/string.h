/*
 * lib/string.h - the memory and string functions of the C library that a
 * freestanding kernel must provide itself: GCC and clang emit calls to
 * memcpy, memmove, memset and memcmp even with -ffreestanding.
 */
#pragma once

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size - 1 bytes and always terminates (when size > 0).
 * Returns strlen(src), so truncation is detected by a result >= size. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

/* The first occurrence of @needle in @haystack, or NULL. */
char *strstr(const char *haystack, const char *needle);
