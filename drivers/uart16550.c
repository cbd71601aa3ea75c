/*
 * drivers/uart16550.c - 16550 UART driver (National Semiconductor PC16550D
 * data sheet: register map in table II, FIFO control in section 8.7).
 *
 * Register offsets from the base port. With LCR.DLAB set, offsets 0 and 1
 * are the divisor latch instead of the data and interrupt-enable registers.
 *
 *   +0 RBR/THR (DLL)   +1 IER (DLM)   +2 IIR/FCR   +3 LCR
 *   +4 MCR             +5 LSR         +6 MSR       +7 SCR (scratch)
 */
#include "drivers/uart16550.h"

#include "lib/errno.h"
#include "arch/x86_64/cpu.h"

enum uart_reg {
	UART_DATA = 0,
	UART_IER = 1,
	UART_FCR = 2,		/* write */
	UART_IIR = 2,		/* read */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCR = 7,
	UART_DLL = 0,		/* with LCR.DLAB */
	UART_DLM = 1,		/* with LCR.DLAB */
};

#define UART_LCR_8N1		0x03
#define UART_LCR_DLAB		0x80
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02
#define UART_FCR_CLEAR_TX	0x04
#define UART_FCR_TRIGGER_14	0xc0
#define UART_IIR_FIFO_MASK	0xc0	/* both set: FIFOs enabled */
#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT2		0x08	/* gates the IRQ line on PCs */
#define UART_MCR_LOOP		0x10
#define UART_LSR_DATA_READY	0x01
#define UART_IER_RX		0x01	/* interrupt on received data */
#define UART_LSR_THR_EMPTY	0x20

/*
 * How many status reads to spend waiting for the transmitter. At 115200 baud
 * a character takes ~87 us and one port read ~1 us on real hardware, so this
 * is generous for a working UART and short for a dead one.
 */
#define UART_TX_SPINS		20000
#define UART_RX_SPINS		20000

static inline uint8_t reg_read(const struct uart *u, enum uart_reg r)
{
	return inb(u->base + r);
}

static inline void reg_write(const struct uart *u, enum uart_reg r, uint8_t v)
{
	outb(u->base + r, v);
}

/* A UART has a scratch register that keeps what is written to it; an empty
 * port reads back 0xff whatever was written. */
static bool probe(const struct uart *u)
{
	static const uint8_t patterns[] = { 0x55, 0xaa, 0x00 };

	for (size_t i = 0; i < sizeof(patterns); i++) {
		reg_write(u, UART_SCR, patterns[i]);
		if (reg_read(u, UART_SCR) != patterns[i])
			return false;
	}
	return true;
}

int uart_init(struct uart *u, uint16_t base, uint32_t baud)
{
	uint32_t divisor;

	/* COM1 and COM3 share IRQ 4, COM2 and COM4 IRQ 3 (PC convention). */
	*u = (struct uart){ .base = base, .baud = baud,
			    .irq = (base == UART_COM2 || base == UART_COM4) ?
					UART_IRQ_COM2_COM4 : UART_IRQ_COM1_COM3 };
	/* The divisor must be exact and fit the 16-bit latch. */
	if (baud == 0 || UART_CLOCK_HZ % baud || UART_CLOCK_HZ / baud > 0xffff)
		return -EINVAL;
	if (!probe(u))
		return -ENOENT;

	divisor = UART_CLOCK_HZ / baud;
	reg_write(u, UART_IER, 0);
	reg_write(u, UART_LCR, UART_LCR_DLAB);
	reg_write(u, UART_DLL, divisor & 0xff);
	reg_write(u, UART_DLM, (divisor >> 8) & 0xff);
	reg_write(u, UART_LCR, UART_LCR_8N1);
	reg_write(u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX |
				   UART_FCR_CLEAR_TX | UART_FCR_TRIGGER_14);
	reg_write(u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	u->has_fifo = (reg_read(u, UART_IIR) & UART_IIR_FIFO_MASK) ==
		      UART_IIR_FIFO_MASK;
	u->present = true;
	return 0;
}

static void put_raw(struct uart *u, uint8_t c)
{
	for (int i = 0; i < UART_TX_SPINS; i++) {
		if (reg_read(u, UART_LSR) & UART_LSR_THR_EMPTY) {
			reg_write(u, UART_DATA, c);
			return;
		}
		pause();
	}
	u->tx_timeouts++;
}

void uart_putc(struct uart *u, char c)
{
	if (!u->present)
		return;
	if (c == '\n')
		put_raw(u, '\r');
	put_raw(u, (uint8_t)c);
}

void uart_write(struct uart *u, const char *s, size_t len)
{
	while (len--)
		uart_putc(u, *s++);
}

int uart_getc(struct uart *u)
{
	if (!u->present || !(reg_read(u, UART_LSR) & UART_LSR_DATA_READY))
		return -1;
	return reg_read(u, UART_DATA);
}

static int wait_byte(struct uart *u)
{
	for (int i = 0; i < UART_RX_SPINS; i++) {
		int c = uart_getc(u);

		if (c >= 0)
			return c;
		pause();
	}
	return -1;
}

int uart_loopback_test(struct uart *u)
{
	static const uint8_t bytes[] = { 0xae, 0x00, 0xff, 0x5a, '\n' };
	uint8_t mcr = reg_read(u, UART_MCR);
	uint8_t ier = reg_read(u, UART_IER);
	int err = 0;

	if (!u->present)
		return -ENOENT;
	/* Poll with the receive interrupt off, or its handler would take the
	 * looped-back bytes first. */
	reg_write(u, UART_IER, 0);
	reg_write(u, UART_MCR, mcr | UART_MCR_LOOP);
	while (uart_getc(u) >= 0)
		;			/* drop anything already received */
	for (size_t i = 0; i < sizeof(bytes) && !err; i++) {
		put_raw(u, bytes[i]);
		if (wait_byte(u) != bytes[i])
			err = -EIO;
	}
	reg_write(u, UART_MCR, mcr);
	reg_write(u, UART_IER, ier);
	return err;
}

void uart_enable_rx_irq(struct uart *u)
{
	if (u->present)
		reg_write(u, UART_IER, UART_IER_RX);
}
