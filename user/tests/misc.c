/*
 * user/tests/misc.c - the small calls: uname says Keel, getrandom fills
 * its buffer, the console answers TIOCGWINSZ and refuses other ioctls with
 * ENOTTY, getpid equals gettid, and an unknown call is ENOSYS.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static int failures;

static void expect(int cond, const char *what)
{
	if (!cond) {
		printf("misc: %s\n", what);
		failures++;
	}
}

int main(void)
{
	struct utsname u;
	struct winsize ws;
	unsigned char r[32] = { 0 };
	int any = 0;

	expect(uname(&u) == 0 && strcmp(u.sysname, "Keel") == 0 &&
	       strcmp(u.machine, "x86_64") == 0, "uname");
	expect(getrandom(r, sizeof(r), 0) == sizeof(r), "getrandom count");
	for (size_t i = 0; i < sizeof(r); i++)
		any |= r[i];
	expect(any, "getrandom gave only zeroes");
	expect(ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0,
	       "TIOCGWINSZ");
	expect(isatty(1), "stdout is not a terminal");
	expect(ioctl(1, 0x1234, 0) == -1 && errno == ENOTTY, "ENOTTY");
	expect(getpid() == syscall(SYS_gettid), "getpid != gettid");
	expect(syscall(SYS_gettid) > 0, "gettid");
	expect(syscall(SYS_tkill, 1, 0) == -1 && errno == ENOSYS, "ENOSYS");
	printf("misc: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
