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

/* The median of @n values (the upper one of an even count), found by
 * partitioning @v in place around a pivot until the middle is in place:
 * linear on average (quadratic at worst), for the thousands of samples a
 * benchmark keeps, where sorting them by insertion would not do. */
static inline uint64_t ktest_median_u64(uint64_t *v, int n)
{
	int lo = 0, hi = n - 1, k = n / 2;

	if (n <= 0)
		return 0;
	while (lo < hi) {
		uint64_t pivot = v[lo + (hi - lo) / 2];
		int i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				uint64_t x = v[i];

				v[i++] = v[j];
				v[j--] = x;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}
