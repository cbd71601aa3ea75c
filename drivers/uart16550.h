/*
 * drivers/uart16550.h - the 16550 UART, Keel's serial console.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The legacy PC I/O ports of COM1..COM4. */
#define UART_COM1 0x3f8
#define UART_COM2 0x2f8
#define UART_COM3 0x3e8
#define UART_COM4 0x2e8

#define UART_MAX_BASE 0xfff8	/* the 8 registers must fit below 0x10000 */
#define UART_IRQ_COM1_COM3 4
#define UART_IRQ_COM2_COM4 3

#define UART_DEFAULT_BAUD 115200
#define UART_CLOCK_HZ 115200	/* the 1.8432 MHz crystal divided by 16 */

struct uart {
	uint16_t base;		/* first I/O port */
	uint32_t baud;
	bool present;		/* the scratch-register probe found a UART */
	bool has_fifo;		/* FIFOs reported enabled (a 16550A or later) */
	uint32_t tx_timeouts;	/* characters sent without the THR emptying */
	unsigned int irq;	/* the PC's line for this port: 4 or 3 */
};

/*
 * Probe the UART at @base and program it: @baud (which must divide 115200),
 * 8 data bits, no parity, 1 stop bit, FIFOs enabled and cleared, DTR/RTS/OUT2
 * set. Returns 0, -ENOENT when no UART answers at @base, or -EINVAL for a baud
 * rate it cannot produce. An absent UART stays marked absent and uart_putc()
 * on it does nothing.
 */
int uart_init(struct uart *u, uint16_t base, uint32_t baud);

/*
 * Send @c, turning '\n' into "\r\n". Waits for the transmitter a bounded time
 * only, so a UART that never drains cannot hang the kernel.
 */
void uart_putc(struct uart *u, char c);
void uart_write(struct uart *u, const char *s, size_t len);

/*
 * Loop the transmitter back to the receiver (MCR.LOOP) and check that a few
 * test bytes come back intact. Restores normal operation after. Returns 0 or
 * -EIO. Only meaningful on a present UART.
 */
int uart_loopback_test(struct uart *u);

/* Non-blocking read: the next received byte, or -1 if none is waiting. */
int uart_getc(struct uart *u);

/* Ask the UART to interrupt when a byte arrives (IER bit 0). The caller has
 * registered a handler on u->irq that calls uart_getc() until it is empty. */
void uart_enable_rx_irq(struct uart *u);
