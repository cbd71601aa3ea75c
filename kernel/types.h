/*
 * kernel/types.h - the scalar roles Keel's memory code passes around.
 */
#pragma once

#include <stdint.h>

#include "lib/compiler.h"	/* __must_check */

typedef uint64_t paddr_t;	/* a physical address */
typedef uint64_t vaddr_t;	/* a virtual address */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
