/*
 * tests/kernel/memory_pick.h - addresses for tests, taken from the machine's
 * normalized memory map at run time: which physical memory is plain RAM
 * depends on the RAM size and on where the loader put the boot information
 * and its modules, so no test may assume a fixed address.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/types.h"

/*
 * The lowest @size-aligned block of @size bytes (a power of two) that lies
 * wholly inside one usable region, in *@start. Returns false if there is
 * none.
 */
bool ktest_usable_block(uint64_t size, paddr_t *start);
