/*
 * tests/kernel/uart_test.c - the 16550 driver on the emulated UART.
 */
#include "lib/errno.h"
#include "drivers/uart16550.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"

KTEST(uart_loopback_returns_bytes)
{
	struct uart *u = console_uart();

	if (!u) {
		ktest_skip(t, "no UART on this machine");
		return;
	}
	KT_ASSERT_EQ(uart_loopback_test(u), 0);
}

/* Every character so far left the transmitter in time: the console works. */
KTEST(uart_console_never_timed_out)
{
	struct uart *u = console_uart();

	if (!u) {
		ktest_skip(t, "no UART on this machine");
		return;
	}
	KT_ASSERT(u->present);
	KT_ASSERT_EQ(u->tx_timeouts, 0);
}

/* The runner's machines have only COM1; COM4's ports read as 0xff. */
KTEST(uart_absent_port_is_reported_and_harmless)
{
	struct uart absent;
	uint64_t start;

	if (uart_init(&absent, UART_COM4, UART_DEFAULT_BAUD) == 0) {
		ktest_skip(t, "this machine has a COM4");
		return;
	}
	KT_ASSERT(!absent.present);
	start = arch_cycles();
	uart_write(&absent, "nobody hears this\n", 18);
	/* Writes to an absent UART return at once, without any waiting. */
	KT_ASSERT(arch_cycles() - start < 1000000);
	KT_ASSERT_EQ(uart_loopback_test(&absent), -ENOENT);
}

KTEST(uart_rejects_impossible_baud)
{
	struct uart u;

	KT_ASSERT_EQ(uart_init(&u, UART_COM1, 0), -EINVAL);
	KT_ASSERT_EQ(uart_init(&u, UART_COM1, 100000), -EINVAL);
}
