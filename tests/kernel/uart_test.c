/*
 * tests/kernel/uart_test.c - the 16550 driver on the emulated UART.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "drivers/fw_cfg.h"
#include "drivers/uart16550.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

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
	KT_ASSERT_EQ(uart_init(&u, UART_COM1, 1), -EINVAL);	/* divisor > 16 bits */
}

/*
 * The runner types a known text on COM1 when asked; it must arrive through
 * the receive interrupt (IRQ 4) into the console's ring buffer.
 */
KTEST(uart_receives_by_interrupt)
{
	char expected[64];
	char got[64];
	size_t len = 0;
	uint64_t irqs = irq_count(4);
	uint64_t start;

	if (!console_uart()) {
		ktest_skip(t, "no UART on this machine");
		return;
	}
	if (fw_cfg_read_file("opt/keel/serial-input", expected, sizeof(expected)) < 0) {
		ktest_skip(t, "the emulator has no serial input for this test");
		return;
	}
	while (console_getc() >= 0)
		;
	kprintf("# ktest: waiting for serial input\n");
	start = arch_cycles();
	while (len < strlen(expected) && arch_cycles() - start < timer_cycles_hz() * 5) {
		int c = console_getc();

		if (c >= 0)
			got[len++] = (char)c;
		else
			arch_idle();
	}
	got[len] = '\0';
	KT_EXPECT_STREQ(got, expected);
	KT_ASSERT(irq_count(4) > irqs);
	KT_ASSERT_EQ(console_input_dropped(), 0);
}
