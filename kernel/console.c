/*
 * kernel/console.c - fan kernel output out to the consoles that exist.
 */
#include "kernel/console.h"

#include "drivers/debugcon.h"
#include "drivers/uart16550.h"

static struct uart serial_uart;
static struct uart *serial;	/* NULL: no serial console */
static int use_debugcon;

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

void console_write(const char *s, size_t len)
{
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
