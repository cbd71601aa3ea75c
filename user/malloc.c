/*
 * user/malloc.c - musl's malloc: many small blocks (brk or mmap, as musl
 * chooses), one large block (mmap), each filled and checked, then freed.
 * Exits 0 when every byte read back is the byte written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_BLOCKS 1000
#define LARGE_SIZE (1 << 20)	/* above musl's mmap threshold */

static int check(const unsigned char *p, size_t n, unsigned char fill)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != fill)
			return -1;
	return 0;
}

int main(void)
{
	static unsigned char *blocks[SMALL_BLOCKS];
	unsigned char *large;
	size_t total = 0;
	int bad = 0;

	for (int i = 0; i < SMALL_BLOCKS; i++) {
		size_t n = 1 + (size_t)i * 7 % 500;

		blocks[i] = malloc(n);
		if (!blocks[i]) {
			printf("malloc: block %d of %zu bytes: out of memory\n",
			       i, n);
			return 1;
		}
		memset(blocks[i], i & 0xff, n);
		total += n;
	}
	for (int i = 0; i < SMALL_BLOCKS; i++) {
		bad |= check(blocks[i], 1 + (size_t)i * 7 % 500, i & 0xff);
		free(blocks[i]);
	}
	large = malloc(LARGE_SIZE);
	if (!large) {
		printf("malloc: %d bytes: out of memory\n", LARGE_SIZE);
		return 1;
	}
	memset(large, 0x5a, LARGE_SIZE);
	bad |= check(large, LARGE_SIZE, 0x5a);
	free(large);
	printf("malloc: %d blocks, %zu bytes, and %d bytes at once: %s\n",
	       SMALL_BLOCKS, total, LARGE_SIZE, bad ? "CORRUPTED" : "ok");
	return bad ? 1 : 0;
}
