/*
 * kernel/console.c - fan kernel output out to the consoles that exist, and
 * take serial and keyboard input by interrupt into one ring.
 */
#include "kernel/console.h"

#include "lib/errno.h"
#include "lib/ring.h"
#include "drivers/debugcon.h"
#include "drivers/screen.h"
#include "drivers/uart16550.h"
#include "kernel/arch.h"
#include "kernel/irq.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"

/* Two slots, so a new UART is set up beside the one still in use. */
static struct uart uarts[2];
static struct uart *serial;	/* NULL: no serial console */
static struct uart_tx_ring tx_ring;
static bool irq_bound;		/* the UART interrupt handler serves *serial */
static int use_debugcon;
static struct ring input;
static bool input_dropping;	/* the last received byte did not fit */
static char *capture_buf;
static size_t capture_size, capture_len;

/*
 * The console lock: one CPU writes at a time, and a line one CPU started
 * is finished before another CPU's output goes out, so lines never mix.
 * It nests on the CPU that holds it (an interrupt handler that prints while
 * its CPU prints), and leaves interrupts as they were while held, so that
 * the UART's transmit ring keeps being drained by its interrupt. Since it
 * nests by CPU, not by thread, preemption is off while it is held: another
 * thread switched in on this CPU would otherwise enter it too. It
 * protects everything below: the UARTs, the rings, the capture buffer.
 */
#define NO_CPU (-1)
/* How long a CPU waits for another CPU's unfinished line: long enough
 * for a line printed in pieces on a busy host, short enough not to stall
 * another CPU for long behind the shell's prompt. */
#define LINE_WAIT_US 20000
#define LINE_WAIT_SPINS_EARLY 100000	/* before the clock is measured */

static struct spinlock console_spin = SPINLOCK_INIT("console");
static volatile int lock_cpu = NO_CPU;	/* read without the lock */
static unsigned int lock_depth;
static int open_line_cpu = NO_CPU;	/* whose last output ended mid-line */

static uint64_t line_wait_us = LINE_WAIT_US;

uint64_t console_set_line_wait_us(uint64_t us)
{
	uint64_t old = line_wait_us;

	line_wait_us = us;
	return old;
}

static bool line_wait_over(uint64_t start, unsigned int spins)
{
	uint64_t hz = timer_cycles_hz();

	if (!hz)
		return spins > LINE_WAIT_SPINS_EARLY;
	return arch_cycles() - start > hz / 1000000 * line_wait_us;
}

void console_lock(void)
{
	int me = (int)this_cpu_index();
	uint64_t start = arch_cycles();
	uint64_t flags;

	/* The holder is this CPU, so no other thread may run on it until
	 * the lock is given back: it would count as the holder, nest, and
	 * put its text inside the holder's line. */
	preempt_disable();
	if (lock_cpu == me) {
		lock_depth++;
		return;
	}
	/* Interrupts off from taking the lock to recording its holder, so a
	 * handler on this CPU sees either no claim or the whole claim. */
	for (unsigned int spins = 0;; spins++) {
		flags = arch_irq_save();
		spin_lock(&console_spin);
		if (open_line_cpu == NO_CPU || open_line_cpu == me ||
		    line_wait_over(start, spins))
			break;
		spin_unlock(&console_spin);
		arch_irq_restore(flags);
		arch_relax();
	}
	lock_cpu = me;
	lock_depth = 1;
	arch_irq_restore(flags);
}

void console_unlock(void)
{
	/* Interrupts off from the count to the release: a handler that came
	 * between them would find this CPU the holder at depth 0, nest, and
	 * release the lock under this unlock. */
	uint64_t flags = arch_irq_save();

	if (--lock_depth == 0) {
		lock_cpu = NO_CPU;
		spin_unlock(&console_spin);
	}
	arch_irq_restore(flags);
	preempt_enable();	/* may switch to a thread the tick chose */
}

void console_break_lock(void)
{
	/* The other CPUs are stopped (or would not stop): take the lock
	 * whatever state they left it in. */
	console_spin = (struct spinlock)SPINLOCK_INIT("console");
	preempt_disable();	/* console_unlock() gives it back */
	spin_lock(&console_spin);
	lock_cpu = (int)this_cpu_index();
	lock_depth = 1;
	open_line_cpu = NO_CPU;
}

void console_init_early(void)
{
	use_debugcon = debugcon_probe();
	if (uart_init(&uarts[0], UART_COM1, UART_DEFAULT_BAUD) == 0)
		serial = &uarts[0];
}

/*
 * Say on the serial console where it goes (the UART at @to, 0 for none),
 * then send everything still queued, so nothing is cut off by the switch.
 */
static void leave_uart(uint16_t to, uint32_t baud)
{
	if (!serial)
		return;
	if (!to)
		kprintf("console: serial console turned off (serial=none); "
			"nothing more here\n");
	else if (to == serial->base)
		kprintf("console: serial console switches to %u baud\n", baud);
	else
		kprintf("console: serial console moves to the UART at %#x, %u "
			"baud; nothing more here\n", to, baud);
	uart_flush(serial);
}

int console_set_uart(uint16_t base, uint32_t baud)
{
	struct uart *next = serial == &uarts[0] ? &uarts[1] : &uarts[0];
	struct uart *from = serial;
	int err;

	if (irq_bound)
		return -EBUSY;
	if (base == 0) {
		leave_uart(0, 0);
		serial = NULL;
		return 0;
	}
	if (!uart_baud_valid(baud))
		return -EINVAL;
	if (from && from->base == base && from->baud == baud)
		return 0;
	if (from && from->base == base) {
		/* The same UART at a new speed: say so at the old one. */
		leave_uart(base, baud);
		err = uart_init(next, base, baud);
	} else {
		/* Probe first: a missing UART must not silence this one. */
		err = uart_init(next, base, baud);
		if (!err)
			leave_uart(base, baud);
	}
	if (err)
		return err;
	serial = next;
	if (from && from->base != base)
		kprintf("console: serial console moved here from the UART at "
			"%#x\n", from->base);
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
	if (!len)
		return;
	console_lock();
	if (capture_buf)
		capture(s, len);
	if (serial)
		uart_write(serial, s, len);
	if (use_debugcon)
		debugcon_write(s, len);
	screen_write(s, len);
	open_line_cpu = s[len - 1] == '\n' ? NO_CPU : lock_cpu;
	console_unlock();
}

void console_panic(void)
{
	screen_panic();
}

void console_flush(void)
{
	static bool flushing;

	/* A fault while flushing may panic, and a panic flushes. */
	if (flushing || !serial)
		return;
	console_lock();
	flushing = true;
	uart_flush(serial);
	flushing = false;
	console_unlock();
}

struct uart *console_uart(void)
{
	return serial;
}

int console_has_debugcon(void)
{
	return use_debugcon;
}

/* Once per burst: the first loss after input that fitted is reported. */
static void input_lost(const char *source)
{
	if (!input_dropping)
		kprintf("console: %s input lost: the %u bytes typed "
			"before are still unread (lost so far: %u)\n",
			source, RING_SIZE, input.dropped);
	input_dropping = true;
}

void console_input_byte(uint8_t c)
{
	if (ring_put(&input, c))
		input_dropping = false;
	else
		input_lost("serial");
}

void console_input_push(const char *bytes, size_t n)
{
	/* All or nothing: a cut escape sequence would garble the reader. */
	if (RING_SIZE - (input.head - input.tail) < n) {
		input.dropped += n;
		input_lost("keyboard");
		return;
	}
	while (n--)
		ring_put(&input, (uint8_t)*bytes++);
	input_dropping = false;
}

static void on_rx_byte(uint8_t c, void *ctx)
{
	(void)ctx;
	console_input_byte(c);
}

/* Under the console lock: a CPU may be filling the transmit ring. */
static void on_uart_irq(void *ctx)
{
	console_lock();
	uart_handle_irq(ctx, on_rx_byte, NULL);
	console_unlock();
}

int console_enable_input(void)
{
	int err;

	if (!serial)
		return -ENOENT;
	err = irq_register(serial->irq, on_uart_irq, serial);
	if (err)
		return err;
	irq_bound = true;
	uart_enable_rx_irq(serial);
	err = uart_start_tx_irq(serial, &tx_ring);
	if (err)
		kprintf("console: the UART at %#x raises no transmit "
			"interrupt; output stays polled\n", serial->base);
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
