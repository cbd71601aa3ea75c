/*
 * kernel/sys_io.c - read, write, writev and ioctl on the console. File
 * descriptors 0, 1 and 2 are the console (input from the serial port and
 * the keyboard, output on every console); there are no others.
 */
#include "kernel/syscall_internal.h"

#include <stdbool.h>

#include "lib/errno.h"
#include "kernel/console.h"
#include "kernel/process.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "kernel/uspace.h"

#define CONSOLE_FDS	3
#define IO_CHUNK	256
#define IOV_MAX		1024	/* Linux's UIO_MAXIOV */
#define TIOCGWINSZ	0x5413
#define CONSOLE_ROWS	25
#define CONSOLE_COLS	80

static bool is_console(uint64_t fd)
{
	return fd < CONSOLE_FDS;
}

/* Write @len bytes from user @ubuf to the console; bytes written, or
 * -EFAULT if none could be read. */
static int64_t console_write_user(uint64_t ubuf, uint64_t len)
{
	char buf[IO_CHUNK];
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done < IO_CHUNK ? len - done : IO_CHUNK;

		if (copy_from_user(buf, ubuf + done, n))
			return done ? (int64_t)done : -EFAULT;
		console_write(buf, n);
		done += n;
	}
	return (int64_t)done;
}

int64_t sys_write(const uint64_t *arg)
{
	if (!is_console(arg[0]))
		return -EBADF;
	/* The whole range is checked first, as Linux's access_ok() does. */
	if (!uspace_range_ok(arg[1], arg[2]))
		return -EFAULT;
	return console_write_user(arg[1], arg[2]);
}

struct iovec_user {
	uint64_t base;
	uint64_t len;
};

/* The iovecs of sys_writev(), with the console held. */
static int64_t writev_locked(uint64_t iov, uint64_t count)
{
	int64_t total = 0;

	for (uint64_t i = 0; i < count; i++) {
		struct iovec_user v;
		int64_t n;

		if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
			return total ? total : -EFAULT;
		if (!uspace_range_ok(v.base, v.len))
			return total ? total : -EFAULT;
		n = console_write_user(v.base, v.len);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}

int64_t sys_writev(const uint64_t *arg)
{
	uint64_t iov = arg[1], count = arg[2];
	int64_t total;

	if (!is_console(arg[0]))
		return -EBADF;
	if (count > IOV_MAX)
		return -EINVAL;
	/* One writev is one piece of output: musl sends a line as what it
	 * had buffered plus the rest, and no other output goes between. */
	console_lock();
	total = writev_locked(iov, count);
	console_unlock();
	return total;
}

/* Wait for a byte of console input; \r becomes \n, as a terminal in
 * canonical mode gives it. -1 when the process is being killed. */
static int console_read_byte(void)
{
	struct process *p = process_current();
	int c;

	/* The console has no wait queue: look again every millisecond,
	 * asleep in between, so other threads run. */
	while ((c = console_getc()) < 0) {
		if (p && p->kill_requested)
			return -1;
		sleep_ms(1);
	}
	return c == '\r' ? '\n' : c;
}

/* Read up to a line: at least one byte, then what is already typed, up to
 * a newline or @arg[2] bytes. What the process gets is echoed. */
int64_t sys_read(const uint64_t *arg)
{
	char buf[IO_CHUNK];
	uint64_t want = arg[2] < IO_CHUNK ? arg[2] : IO_CHUNK;
	uint64_t n = 0;

	if (!is_console(arg[0]))
		return -EBADF;
	if (!uspace_range_ok(arg[1], arg[2]))
		return -EFAULT;
	while (n < want) {
		int c = console_read_byte();

		if (c < 0)
			return -EINTR;
		buf[n++] = (char)c;
		if (c == '\n' || !console_has_input())
			break;
	}
	if (copy_to_user(arg[1], buf, n))
		return -EFAULT;
	console_write(buf, n);
	return (int64_t)n;
}

struct winsize_user {
	uint16_t rows, cols, xpixel, ypixel;
};

int64_t sys_ioctl(const uint64_t *arg)
{
	struct winsize_user ws = { CONSOLE_ROWS, CONSOLE_COLS, 0, 0 };

	if (!is_console(arg[0]))
		return -EBADF;
	if (arg[1] != TIOCGWINSZ)
		return -ENOTTY;
	return copy_to_user(arg[2], &ws, sizeof(ws));
}
