/*
 * lib/ring.h - a byte ring buffer for one producer and one consumer, such as
 * an interrupt handler filling it and the kernel draining it. The indices
 * only grow (wrapping at 2^32); their difference is the fill level.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/compiler.h"

#define RING_SIZE 256	/* a power of two */

struct ring {
	uint8_t buf[RING_SIZE];
	volatile uint32_t head;	/* next write; only the producer moves it */
	volatile uint32_t tail;	/* next read; only the consumer moves it */
	uint32_t dropped;	/* bytes lost because the ring was full */
};

/* Append @c; when full, count it as dropped and return false. */
static inline bool ring_put(struct ring *r, uint8_t c)
{
	if (r->head - r->tail == RING_SIZE) {
		r->dropped++;
		return false;
	}
	r->buf[r->head % RING_SIZE] = c;
	barrier();	/* the byte before the index */
	r->head++;
	return true;
}

/* Take the oldest byte, or return -1 when empty. */
static inline int ring_get(struct ring *r)
{
	uint8_t c;

	if (r->head == r->tail)
		return -1;
	c = r->buf[r->tail % RING_SIZE];
	barrier();	/* the byte before the index */
	r->tail++;
	return c;
}
