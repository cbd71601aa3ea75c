/*
 * tests/kernel/ktest_random.h - a seeded pseudo-random sequence for tests,
 * so that every boot runs the same "random" case.
 */
#pragma once

#include <stdint.h>

/* xorshift64 (Marsaglia, 2003): @state must start nonzero. */
static inline uint64_t ktest_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}
