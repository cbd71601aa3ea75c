/*
 * kernel/console.c - fan kernel output out to the consoles that exist.
 */
#include "kernel/console.h"

#include "lib/errno.h"
#include "lib/ring.h"
#include "drivers/debugcon.h"
#include "drivers/uart16550.h"
#include "kernel/irq.h"

static struct uart serial_uart;
static struct uart *serial;	/* NULL: no serial console */
static int use_debugcon;
static struct ring input;
static char *capture_buf;
static size_t capture_size, capture_len;

void console_init_early(void)
{
	use_debugcon = debugcon_probe();
	if (uart_init(&serial_uart, UART_COM1, UART_DEFAULT_BAUD) == 0)
		serial = &serial_uart;
}

int console_set_uart(uint16_t base, uint32_t baud)
{
	struct uart candidate;
	int err;

	if (base == 0) {
		serial = NULL;
		return 0;
	}
	err = uart_init(&candidate, base, baud);
	if (err)
		return err;
	serial_uart = candidate;
	serial = &serial_uart;
	return 0;
}

void console_capture(char *buf, size_t size)
{
	capture_buf = size ? buf : NULL;
	capture_size = size;
	capture_len = 0;
	if (capture_buf)
		capture_buf[0] = '\0';
}

static void capture(const char *s, size_t len)
{
	while (len-- && capture_len + 1 < capture_size)
		capture_buf[capture_len++] = *s++;
	capture_buf[capture_len] = '\0';
}

void console_write(const char *s, size_t len)
{
	if (capture_buf)
		capture(s, len);
	if (serial)
		uart_write(serial, s, len);
	if (use_debugcon)
		debugcon_write(s, len);
}

struct uart *console_uart(void)
{
	return serial;
}

int console_has_debugcon(void)
{
	return use_debugcon;
}

/* The UART's receive interrupt: move every waiting byte to the ring. */
static void on_uart_irq(void *ctx)
{
	struct uart *u = ctx;
	int c;

	while ((c = uart_getc(u)) >= 0)
		ring_put(&input, (uint8_t)c);
}

int console_enable_input(void)
{
	int err;

	if (!serial)
		return -ENOENT;
	err = irq_register(serial->irq, on_uart_irq, serial);
	if (err)
		return err;
	uart_enable_rx_irq(serial);
	return 0;
}

bool console_has_input(void)
{
	return input.head != input.tail;
}

int console_getc(void)
{
	return ring_get(&input);
}

uint32_t console_input_dropped(void)
{
	return input.dropped;
}
