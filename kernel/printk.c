/*
 * kernel/printk.c - kprintf: format through lib/vsnprintf's callback core
 * into a small buffer, and hand full buffers to the console.
 */
#include "kernel/printk.h"

#include "lib/escape.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/console.h"

struct printk_buf {
	char data[128];
	unsigned int len;
};

static void flush(struct printk_buf *b)
{
	if (b->len)
		console_write(b->data, b->len);
	b->len = 0;
}

static void put(char c, void *ctx)
{
	struct printk_buf *b = ctx;

	b->data[b->len++] = c;
	if (b->len == sizeof(b->data))
		flush(b);
}

int vkprintf(const char *fmt, va_list ap)
{
	struct printk_buf b = { .len = 0 };
	int n;

	console_lock();		/* one kprintf comes out in one piece */
	n = vcbprintf(put, &b, fmt, ap);
	flush(&b);
	console_unlock();
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

int kprint_escaped(const char *s)
{
	char piece[64];
	int n = 0;

	console_lock();
	while (*s) {
		s += escape_str(piece, sizeof(piece), s);
		n += (int)strlen(piece);
		console_write(piece, strlen(piece));
	}
	console_unlock();
	return n;
}
