/*
 * user/tests/clock.c - clock_gettime(CLOCK_MONOTONIC) never goes back over
 * many calls and moves on by at least 20 ms across nanosleep(20 ms);
 * CLOCK_REALTIME answers too, and an unknown clock is EINVAL.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(void)
{
	struct timespec a, b, nap = { 0, 20 * 1000 * 1000 };
	int failures = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 1000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (ns(&b) < ns(&a) || b.tv_nsec >= 1000000000L)
			failures++;
		a = b;
	}
	if (nanosleep(&nap, NULL))
		failures++;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (ns(&b) - ns(&a) < 20 * 1000 * 1000LL) {
		printf("clock: slept only %lld ns\n", ns(&b) - ns(&a));
		failures++;
	}
	if (clock_gettime(CLOCK_REALTIME, &b))
		failures++;
	if (clock_gettime(12345, &b) != -1 || errno != EINVAL)
		failures++;
	printf("clock: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
