/*
 * tests/kernel/uart_test.c - the 16550 driver on the emulated UART, and the
 * console on top of it (transmit ring, input ring, moving the console).
 */
#include "lib/errno.h"
#include "lib/ring.h"
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

/*
 * Entering loopback while console text is still in the transmit FIFO or
 * shift register loops that text back as test data (and the test byte then
 * leaves on the line). QEMU sends at once so never shows it; Bochs and real
 * UARTs shift at the baud rate. before: -EIO under Bochs. after: 0.
 */
KTEST(uart_loopback_right_after_output)
{
	struct uart *u = console_uart();

	if (!u) {
		ktest_skip(t, "no UART on this machine");
		return;
	}
	kprintf("# uart: this line is still being sent when loopback starts\n");
	KT_ASSERT_EQ(uart_loopback_test(u), 0);
	KT_ASSERT_EQ(uart_tx_pending(u), 0);
}

/* Wait (a second at most) until the transmit ring is empty. */
static bool tx_ring_drains(struct uart *u)
{
	uint64_t start = arch_cycles();

	while (uart_tx_pending(u)) {
		if (arch_cycles() - start > timer_cycles_hz())
			return false;
		arch_relax();
	}
	return true;
}

static struct uart *uart_with_ring(struct ktest_ctx *t)
{
	struct uart *u = console_uart();

	if (!u)
		ktest_skip(t, "no UART on this machine");
	else if (!u->tx)
		ktest_skip(t, "the console UART is polled (no THRE interrupt)");
	return u && u->tx ? u : NULL;
}

/* The writer starts the transmitter with at most a FIFO's worth (16
 * bytes); the THRE interrupt sends the rest. */
KTEST_FLAGS(uart_output_goes_by_interrupt, KTEST_TIMING)
{
	static const char line[] = "# uart: this line of about a hundred "
				   "characters leaves by the transmit "
				   "interrupt, 16 at a time\n";
	struct uart *u = uart_with_ring(t);
	uint32_t timeouts, by_irq;
	uint64_t irqs;

	if (!u)
		return;
	timeouts = u->tx_timeouts;
	by_irq = u->tx_by_irq;
	irqs = irq_count(u->irq);
	console_write(line, sizeof(line) - 1);
	KT_ASSERT(tx_ring_drains(u));
	KT_ASSERT(irq_count(u->irq) > irqs);
	/* The line plus the '\r' before its '\n', less what the writer sent. */
	KT_ASSERT(u->tx_by_irq - by_irq >= sizeof(line) - 16);
	KT_ASSERT_EQ(u->tx_timeouts, timeouts);
}

/*
 * With the UART's interrupt line masked, a write with interrupts on only
 * queues: the writer does not wait for the line. A write with interrupts
 * off then sends the queue and its own text before it returns.
 */
KTEST(uart_write_queues_and_interrupts_off_writes_through)
{
	struct uart *u = uart_with_ring(t);
	uint32_t queued, left;

	if (!u)
		return;
	irq_mask(u->irq);
	kprintf("# uart: this line waits in the ring while IRQ %u is masked\n",
		u->irq);
	queued = uart_tx_pending(u);
	irq_disable();
	kprintf("# uart: and this one, with interrupts off, pushes it out\n");
	left = uart_tx_pending(u);
	irq_enable();
	irq_unmask(u->irq);
	KT_ASSERT(queued > 0);
	KT_ASSERT_EQ(left, 0);
}

/* What arch_halt() and the emulator exit rely on: a flush needs no
 * interrupt. */
KTEST(uart_flush_sends_the_queue_without_interrupts)
{
	struct uart *u = uart_with_ring(t);
	uint32_t queued, left;

	if (!u)
		return;
	irq_mask(u->irq);
	kprintf("# uart: this line is queued, then flushed by polling\n");
	queued = uart_tx_pending(u);
	console_flush();
	left = uart_tx_pending(u);
	irq_unmask(u->irq);
	KT_ASSERT(queued > 0);
	KT_ASSERT_EQ(left, 0);
}

/* More than the ring holds in one write: the writer sends from the ring
 * itself while it is full, and nothing is lost. */
KTEST_FLAGS(uart_full_ring_makes_the_writer_poll, KTEST_TIMING)
{
	static char text[UART_TX_RING_SIZE + 512];
	static const char line[] = "# uart: more text than the transmit ring "
				   "holds, in one write\n";
	struct uart *u = uart_with_ring(t);
	size_t len = 0;
	uint32_t full, dropped;

	if (!u)
		return;
	while (len + sizeof(line) - 1 <= sizeof(text)) {
		memcpy(text + len, line, sizeof(line) - 1);
		len += sizeof(line) - 1;
	}
	full = u->tx_ring_full;
	dropped = u->tx_dropped;
	console_write(text, len);
	KT_ASSERT(u->tx_ring_full > full);
	KT_ASSERT_EQ(u->tx_dropped, dropped);
	KT_ASSERT(tx_ring_drains(u));
}

/* Feed @n bytes to the receive path as its interrupt would; returns how
 * many times the console reported lost input meanwhile. */
static int feed_input(size_t n)
{
	static char out[1024];
	int reports = 0;

	irq_disable();
	console_capture(out, sizeof(out));
	for (size_t i = 0; i < n; i++)
		console_input_byte('x');
	console_capture(NULL, 0);
	irq_enable();
	for (const char *p = out; (p = strstr(p, "serial input lost")); p++)
		reports++;
	return reports;
}

/*
 * Input that nobody reads fills the ring; what does not fit is counted and
 * reported once per burst: not once per byte, and again for a later burst.
 * before: counted, never reported. after: one line per burst.
 */
KTEST(console_input_loss_is_reported_once_per_burst)
{
	uint32_t dropped;
	int first, second;

	while (console_getc() >= 0)
		;
	dropped = console_input_dropped();
	first = feed_input(RING_SIZE + 10);
	console_getc();			/* room for one: the burst is over */
	second = feed_input(3);
	while (console_getc() >= 0)
		;
	KT_ASSERT_EQ(first, 1);
	KT_ASSERT_EQ(second, 1);
	KT_ASSERT_EQ(console_input_dropped() - dropped, 10 + 2);
}

/* Once the interrupt serves the console's UART, the console stays put. */
KTEST(console_set_uart_refused_once_interrupts_are_bound)
{
	struct uart *u = console_uart();

	if (!u) {
		ktest_skip(t, "no UART on this machine");
		return;
	}
	KT_ASSERT_EQ(console_set_uart(UART_COM2, UART_DEFAULT_BAUD), -EBUSY);
	KT_ASSERT(console_uart() == u);
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
KTEST_FLAGS(uart_absent_port_is_reported_and_harmless, KTEST_TIMING)
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
 * the receive interrupt (the console UART's, IRQ 4 for COM1) into the
 * console's ring buffer.
 */
KTEST_FLAGS(uart_receives_by_interrupt, KTEST_TIMING)
{
	char expected[64];
	char got[64];
	size_t len = 0;
	uint64_t irqs, dropped;
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
	irqs = irq_count(console_uart()->irq);
	dropped = console_input_dropped();
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
	KT_ASSERT(irq_count(console_uart()->irq) > irqs);
	/* Earlier suites (kbd) may have overflowed the ring on purpose. */
	KT_ASSERT_EQ(console_input_dropped(), dropped);
}
