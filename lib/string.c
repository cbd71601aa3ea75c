/*
 * lib/string.c - simple implementations. memset and memcpy move whole
 * 8-byte words where they can: the boot zeroes and copies pages, and under
 * an emulator every turn of a byte loop costs. The rest go a byte at a time.
 */
#include "lib/string.h"

#include <stdint.h>

/* A 64-bit word that may alias any object, as the char loops do. */
typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD_BYTES sizeof(word_t)

/* Whole words where both ends can be aligned alike (see memset). */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d % WORD_BYTES == (uintptr_t)s % WORD_BYTES) {
		for (; n && (uintptr_t)d % WORD_BYTES; n--)
			*d++ = *s++;
		for (; n >= WORD_BYTES; n -= WORD_BYTES) {
			*(word_t *)d = *(const word_t *)s;
			d += WORD_BYTES;
			s += WORD_BYTES;
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Copy backwards when the destination starts inside the source. */
	if ((uintptr_t)d - (uintptr_t)s < n) {
		while (n--)
			d[n] = s[n];
		return dst;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

/*
 * Whole 8-byte words between the unaligned ends: every fresh page table,
 * stack and heap page is zeroed here, and under an emulator each turn of
 * the loop costs, so 512 turns a page instead of 4096 take a large share
 * off the boot.
 */
void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t word = 0x0101010101010101ULL * (unsigned char)c;

	for (; n && (uintptr_t)d % WORD_BYTES; n--)
		*d++ = (unsigned char)c;
	for (; n >= WORD_BYTES; n -= WORD_BYTES, d += WORD_BYTES)
		*(word_t *)d = word;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a;
	const unsigned char *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	}
	return n ? NULL : (char *)haystack;
}
