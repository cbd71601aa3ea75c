/*
 * kernel/random.c - kernel/random.h: splitmix64 (Steele, Lea, Flood,
 * "Fast splittable pseudorandom number generators", 2014), its state
 * stirred with the cycle counter at every step.
 */
#include "kernel/random.h"

#include <stdint.h>

#include "lib/string.h"
#include "kernel/arch.h"

static uint64_t random_next(void)
{
	static uint64_t state;
	uint64_t z;

	state += 0x9e3779b97f4a7c15ULL ^ arch_cycles();
	z = state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void random_bytes(void *buf, size_t n)
{
	uint8_t *out = buf;

	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = random_next();

		memcpy(out + i, &r, n - i < 8 ? n - i : 8);
	}
}
