/*
 * kernel/random.h - bytes that differ from call to call and boot to boot,
 * for AT_RANDOM and getrandom(). Not cryptographic: Keel has no entropy
 * source yet (splitmix64 over the cycle counter).
 */
#pragma once

#include <stddef.h>

void random_bytes(void *buf, size_t n);
