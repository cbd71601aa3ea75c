/*
 * user/tests/memory.c - the break and anonymous mappings: brk grows and
 * the memory is usable (musl's sbrk() only reads the break: the system
 * call is used directly), mmap gives zeroed pages, mprotect and munmap
 * accept what mmap gave. Exits 0 when all of that holds.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SIZE (1 << 20)

static int failures;

static void expect(int cond, const char *what)
{
	if (!cond) {
		printf("memory: %s\n", what);
		failures++;
	}
}

int main(void)
{
	char *brk0 = (char *)syscall(SYS_brk, 0), *m;
	int zero = 1;

	expect(syscall(SYS_brk, brk0 + SIZE) == (long)(brk0 + SIZE),
	       "brk did not grow");
	if (!failures)
		memset(brk0, 0x11, SIZE);
	expect(syscall(SYS_brk, brk0) == (long)brk0, "brk did not shrink");
	expect(syscall(SYS_brk, brk0 - 4096) == (long)brk0,
	       "brk went below its start");
	/* Rounded up to a page, this wraps to 0: it must fail, not unmap
	 * the program below its break. */
	expect(syscall(SYS_brk, -1L) == (long)brk0, "brk(-1) did not fail");
	expect(syscall(SYS_brk, 0) == (long)brk0, "brk(-1) moved the break");
	m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		printf("memory: mmap failed\n");
		return 1;
	}
	for (int i = 0; i < SIZE; i += 4096)
		zero &= m[i] == 0;
	expect(zero, "mmap's pages are not zero");
	memset(m, 0x22, SIZE);
	expect(mprotect(m, SIZE, PROT_READ) == 0, "mprotect failed");
	expect(m[SIZE - 1] == 0x22, "the mapping lost its contents");
	/* A length that wraps when rounded up to a page is refused. */
	expect(syscall(SYS_munmap, m, -1L) == -1,
	       "munmap of a wrapping length worked");
	expect(syscall(SYS_mprotect, m, -1L, PROT_READ) == -1,
	       "mprotect of a wrapping length worked");
	expect(munmap(m, SIZE) == 0, "munmap failed");
	/* The lowest 64 KiB stay unmapped, so a NULL pointer (and a small
	 * offset from one) always faults. */
	expect(mmap((void *)0x1000, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED,
	       "mmap MAP_FIXED at 0x1000 worked");
	expect(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	       MAP_FAILED, "mmap of 0 bytes worked");
	printf("memory: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
