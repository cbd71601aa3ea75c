/*
 * tests/kernel/ktest_sort.h - sorting a few measurements, for the medians
 * that timing tests compare (a median ignores the periods a busy host
 * stretched).
 */
#pragma once

#include <stdint.h>

/* Sort @n values in place (insertion sort: n is small). */
static inline void ktest_sort_u64(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}
