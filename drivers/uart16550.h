/*
 * drivers/uart16550.h - the 16550 UART, Keel's serial console.
 *
 * Output is polled until the owner attaches a transmit ring
 * (uart_start_tx_irq); from then on a writer with interrupts enabled only
 * queues bytes, and the THRE interrupt moves them to the FIFO 16 at a time.
 * A writer with interrupts disabled (early boot, interrupt handlers, a
 * panic) still writes synchronously, after sending what the ring holds, so
 * output keeps its order and never waits for an interrupt that cannot come.
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
/* The divisor latch is 16 bits (DLL and DLM): no rate below 2 baud. */
#define UART_MAX_DIVISOR 0xffff

/* Room for a real PC's whole boot summary (~2 KB, 170 ms at 115200 baud). */
#define UART_TX_RING_SIZE 4096	/* a power of two */

/*
 * Bytes waiting to be sent. Both indices only grow (wrapping at 2^32) and
 * only change with interrupts off, on the one CPU: writers add at head, the
 * interrupt handler or a polling writer takes from tail.
 */
struct uart_tx_ring {
	uint8_t buf[UART_TX_RING_SIZE];
	uint32_t head;
	uint32_t tail;
};

struct uart {
	uint16_t base;		/* first I/O port */
	uint32_t baud;
	bool present;		/* the scratch-register probe found a UART */
	bool has_fifo;		/* FIFOs reported enabled (a 16550A or later) */
	uint8_t ier;		/* what the interrupt-enable register holds */
	uint32_t tx_timeouts;	/* waits for the transmitter that gave up */
	uint32_t tx_dropped;	/* bytes thrown away after such a wait */
	uint32_t tx_ring_full;	/* waits for the FIFO by a writer with the
				 * ring full */
	uint32_t tx_by_irq;	/* bytes the THRE interrupt moved to the FIFO */
	unsigned int irq;	/* the PC's line for this port: 4 or 3 */
	struct uart_tx_ring *tx;	/* NULL: output is polled */
};

/* True when @baud is one the 16550's divisor latch can make exactly. */
bool uart_baud_valid(uint32_t baud);

/*
 * Probe the UART at @base and program it: @baud (which must divide 115200),
 * 8 data bits, no parity, 1 stop bit, FIFOs enabled and cleared, DTR/RTS/OUT2
 * set, no interrupts, polled output. Returns 0, -ENOENT when no UART answers
 * at @base, or -EINVAL for a baud rate it cannot produce. An absent UART
 * stays marked absent and uart_putc() on it does nothing. Bytes still in the
 * FIFO are lost: uart_flush() an active UART first.
 */
int uart_init(struct uart *u, uint16_t base, uint32_t baud);

/*
 * Send @c, turning '\n' into "\r\n". Every wait for the transmitter is
 * bounded, so a UART that never drains cannot hang the kernel (it costs
 * tx_timeouts and tx_dropped instead). Any context.
 */
void uart_putc(struct uart *u, char c);
void uart_write(struct uart *u, const char *s, size_t len);

/*
 * Send everything queued and wait until the transmitter is empty (LSR.TEMT),
 * polling, bounded. Any context, interrupts on or off.
 */
void uart_flush(struct uart *u);

/* Bytes queued in the transmit ring and not yet handed to the UART. */
uint32_t uart_tx_pending(const struct uart *u);

/*
 * Transmit by interrupt from @ring (IER bit 1) from now on. The caller has
 * registered a handler on u->irq that calls uart_handle_irq(). Returns 0,
 * -ENOENT for an absent UART, or -EIO when the UART does not raise THRE when
 * it should (output then stays polled).
 */
int uart_start_tx_irq(struct uart *u, struct uart_tx_ring *ring);

/* Interrupt on received data (IER bit 0) from now on; received bytes reach
 * the @rx callback of uart_handle_irq(). */
void uart_enable_rx_irq(struct uart *u);

/*
 * The interrupt handler's work: serve every source the UART reports (IIR)
 * until none is left, since the PIC's line is edge-triggered and a source
 * left pending would never interrupt again. Received bytes go to @rx(@c,
 * @ctx); the transmit ring refills the FIFO. Interrupts must be off.
 */
void uart_handle_irq(struct uart *u, void (*rx)(uint8_t c, void *ctx),
		     void *ctx);

/*
 * Loop the transmitter back to the receiver (MCR.LOOP) and check that a few
 * test bytes come back intact. Restores normal operation after. Returns 0,
 * -ENOENT on an absent UART, or -EIO.
 */
int uart_loopback_test(struct uart *u);

/* Non-blocking read: the next received byte, or -1 if none is waiting. */
int uart_getc(struct uart *u);
