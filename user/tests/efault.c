/*
 * user/tests/efault.c - bad pointers given to write and read get -EFAULT
 * and nothing else happens: NULL, a kernel address, an unmapped page, a
 * non-canonical address and a range that wraps around. The kernel test
 * types two bytes first, for the two reads that must wait for input
 * before they can fault. Exits 0 when every call failed with EFAULT.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;

static void expect_efault(long r, const char *call, const char *what)
{
	if (r != -1 || errno != EFAULT) {
		printf("efault: %s(%s) gave %ld (errno %d), not EFAULT\n", call,
		       what, r, errno);
		failures++;
	}
}

static const struct {
	const char *what;
	uintptr_t addr;
	size_t len;
	int blocks;	/* read waits for input before it can fault */
} bad[] = {
	{ "NULL", 0, 16, 1 },
	{ "a kernel address", 0xffffffff80100000UL, 16, 0 },
	{ "an unmapped page", 0x100000000000UL, 16, 1 },
	{ "a non-canonical address", 0x0000800000000000UL, 16, 0 },
	{ "a wrapping range", 0x400000, (size_t)-1, 0 },
};

int main(void)
{
	char ok[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_efault(syscall(SYS_write, 1, bad[i].addr, bad[i].len),
			      "write", bad[i].what);
		expect_efault(syscall(SYS_read, 0, bad[i].addr, bad[i].len),
			      "read", bad[i].what);
	}
	/* Still fine after all of that. */
	if (write(1, "efault: ", 8) != 8 || snprintf(ok, sizeof(ok), "%s",
						     "ok") != 2)
		failures++;
	printf("%s\n", failures ? "FAILED" : ok);
	return failures ? 1 : 0;
}
