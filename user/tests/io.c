/*
 * user/tests/io.c - write and writev to the console return the bytes
 * written; a file descriptor that is not the console is -EBADF. Exits 0
 * when all of that holds.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;

static void expect(int cond, const char *what)
{
	if (!cond) {
		write(2, "io: ", 4);
		write(2, what, strlen(what));
		write(2, "\n", 1);
		failures++;
	}
}

int main(void)
{
	static const char line[] = "io: write\n";
	char a[] = "io: writev ", b[] = "in ", c[] = "three parts\n";
	struct iovec iov[] = {
		{ a, strlen(a) }, { b, strlen(b) }, { c, strlen(c) },
	};

	expect(write(1, line, strlen(line)) == (ssize_t)strlen(line),
	       "write returned the wrong count");
	expect(writev(1, iov, 3) == (ssize_t)(strlen(a) + strlen(b) + strlen(c)),
	       "writev returned the wrong count");
	expect(writev(1, iov, 0) == 0, "an empty writev is not 0");
	expect(write(5, line, 1) == -1 && errno == EBADF,
	       "write to fd 5 is not EBADF");
	return failures ? 1 : 0;
}
