/*
 * drivers/uart16550.c - 16550 UART driver (National Semiconductor PC16550D
 * data sheet: register map in table II, interrupt priorities in table IV,
 * FIFO operation in section 8.7, loopback in section 8.6 (MCR bit 4)).
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
	UART_MSR = 6,
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
#define UART_IIR_NONE		0x01	/* no interrupt pending */
#define UART_IIR_ID		0x0e	/* which one, highest priority first: */
#define UART_IIR_LINE_STATUS	0x06	/*   receiver error or break */
#define UART_IIR_RX_DATA	0x04	/*   received data at the trigger */
#define UART_IIR_RX_TIMEOUT	0x0c	/*   data waited 4 character times */
#define UART_IIR_THR_EMPTY	0x02	/*   transmitter holding reg. empty */
#define UART_IIR_MODEM_STATUS	0x00
#define UART_IIR_FIFO_MASK	0xc0	/* both set: FIFOs enabled */
#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT2		0x08	/* gates the IRQ line on PCs */
#define UART_MCR_LOOP		0x10
#define UART_LSR_DATA_READY	0x01
#define UART_LSR_THR_EMPTY	0x20	/* THR (in FIFO mode: the FIFO) empty */
#define UART_LSR_TX_EMPTY	0x40	/* TEMT: THR/FIFO and shift register */
#define UART_IER_RX		0x01	/* interrupt on received data */
#define UART_IER_THRE		0x02	/* interrupt when THR/FIFO empties */

#define UART_FIFO_DEPTH		16	/* 16550A transmit FIFO */

/*
 * How many status reads to spend waiting for the transmitter or receiver,
 * per unit of the baud divisor (1 at 115200 baud, 384 at 300). At 115200
 * baud a character takes ~87 us and one port read ~1 us on real hardware, so
 * this is generous for a working UART and short for a dead one.
 */
#define UART_TX_SPINS		20000
#define UART_RX_SPINS		20000
#define UART_IRQ_ROUNDS		16	/* sources served in one interrupt */

/* What one write call knows about the transmitter. */
struct tx_state {
	unsigned int room;	/* bytes the FIFO takes before the next LSR */
	bool stuck;		/* a wait gave up: drop the rest of this call */
};

static inline uint8_t reg_read(const struct uart *u, enum uart_reg r)
{
	return inb(u->base + r);
}

static inline void reg_write(const struct uart *u, enum uart_reg r, uint8_t v)
{
	outb(u->base + r, v);
}

/* Interrupts off, returning whether they were on (one CPU: this is the
 * lock for the ring and the UART's registers). */
static bool irq_save(void)
{
	bool on = read_rflags() & RFLAGS_IF;

	cli();
	return on;
}

static void irq_restore(bool on)
{
	if (on)
		sti();
}

bool uart_baud_valid(uint32_t baud)
{
	/* The divisor must be exact and fit the 16-bit latch. */
	return baud && UART_CLOCK_HZ % baud == 0 &&
	       UART_CLOCK_HZ / baud <= UART_MAX_DIVISOR;
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
	if (!uart_baud_valid(baud))
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

static uint32_t spins(const struct uart *u, uint32_t per_divisor_unit)
{
	return per_divisor_unit * (UART_CLOCK_HZ / u->baud);
}

/* Wait, bounded, until every bit of @bits is set in LSR. */
static bool wait_lsr(struct uart *u, uint8_t bits)
{
	for (uint32_t i = spins(u, UART_TX_SPINS); i; i--) {
		if ((reg_read(u, UART_LSR) & bits) == bits)
			return true;
		pause();
	}
	return false;
}

/* With LSR.THRE seen, the FIFO is empty (PC16550D, LSR bit 5): that many
 * bytes go in without looking at LSR again. */
static unsigned int fifo_depth(const struct uart *u)
{
	return u->has_fifo ? UART_FIFO_DEPTH : 1;
}

/* Send @c, polling. After one wait gives up, the rest of the call is
 * dropped without waiting, so a dead UART costs one timeout per call. */
static void send_polled(struct uart *u, struct tx_state *st, uint8_t c)
{
	if (!st->room && !st->stuck) {
		if (wait_lsr(u, UART_LSR_THR_EMPTY))
			st->room = fifo_depth(u);
		else {
			st->stuck = true;
			u->tx_timeouts++;
		}
	}
	if (st->stuck) {
		u->tx_dropped++;
		return;
	}
	reg_write(u, UART_DATA, c);
	st->room--;
}

static bool ring_empty(const struct uart_tx_ring *r)
{
	return r->head == r->tail;
}

static uint8_t ring_take(struct uart_tx_ring *r)
{
	return r->buf[r->tail++ % UART_TX_RING_SIZE];
}

/* Send what the ring holds, polling: output stays in order when a writer
 * that cannot use the ring (interrupts off) comes after one that did. */
static void drain_polled(struct uart *u, struct tx_state *st)
{
	while (u->tx && !ring_empty(u->tx))
		send_polled(u, st, ring_take(u->tx));
}

static void write_polled(struct uart *u, struct tx_state *st, const char *s,
			 size_t len)
{
	for (; len; len--, s++) {
		if (*s == '\n')
			send_polled(u, st, '\r');
		send_polled(u, st, (uint8_t)*s);
	}
}

static void set_thre_irq(struct uart *u, bool on)
{
	uint8_t ier = on ? u->ier | UART_IER_THRE : u->ier & ~UART_IER_THRE;

	if (ier != u->ier) {
		u->ier = ier;
		reg_write(u, UART_IER, ier);
	}
}

/* The FIFO is empty (THRE): move up to its depth from the ring. */
static unsigned int fill_fifo(struct uart *u)
{
	unsigned int n = 0;

	for (; n < fifo_depth(u) && !ring_empty(u->tx); n++)
		reg_write(u, UART_DATA, ring_take(u->tx));
	return n;
}

static void queue_byte(struct uart *u, struct tx_state *st, uint8_t c)
{
	struct uart_tx_ring *r = u->tx;

	/* Full: the writer sends from the ring itself (bounded waits) rather
	 * than drop a kernel message. */
	if (r->head - r->tail == UART_TX_RING_SIZE) {
		if (!st->room)
			u->tx_ring_full++;
		send_polled(u, st, ring_take(r));
	}
	r->buf[r->head++ % UART_TX_RING_SIZE] = c;
}

static void write_queued(struct uart *u, struct tx_state *st, const char *s,
			 size_t len)
{
	for (; len; len--, s++) {
		if (*s == '\n')
			queue_byte(u, st, '\r');
		queue_byte(u, st, (uint8_t)*s);
	}
	/* Start the transmitter if it is idle; the interrupt does the rest.
	 * The FIFO is filled before IER.THRE goes on, so the interrupt comes
	 * when the FIFO drains (not at once, as for an empty THR). */
	if (reg_read(u, UART_LSR) & UART_LSR_THR_EMPTY)
		fill_fifo(u);
	set_thre_irq(u, !ring_empty(u->tx));
}

void uart_write(struct uart *u, const char *s, size_t len)
{
	struct tx_state st = { .room = 0 };
	bool irqs_were_on;

	if (!u->present)
		return;
	irqs_were_on = irq_save();
	if (u->tx && irqs_were_on) {
		write_queued(u, &st, s, len);
	} else {
		/*
		 * No interrupt can come to drain a ring: write it all now, the
		 * ring first so that output stays in order. This is what a
		 * panic needs; the price is that a message printed from an
		 * interrupt handler (the input-loss report) waits for up to a
		 * full ring, 4 KiB, about 355 ms at 115200 baud on a real line.
		 */
		drain_polled(u, &st);
		write_polled(u, &st, s, len);
	}
	irq_restore(irqs_were_on);
}

void uart_putc(struct uart *u, char c)
{
	uart_write(u, &c, 1);
}

/* Drain the ring and wait for TEMT; interrupts are off. False when the
 * transmitter never emptied. */
static bool flush_locked(struct uart *u)
{
	struct tx_state st = { .room = 0 };

	drain_polled(u, &st);
	if (u->tx)
		set_thre_irq(u, false);
	if (st.stuck)
		return false;
	if (!wait_lsr(u, UART_LSR_TX_EMPTY)) {
		u->tx_timeouts++;
		return false;
	}
	return true;
}

void uart_flush(struct uart *u)
{
	bool irqs_were_on;

	if (!u->present)
		return;
	irqs_were_on = irq_save();
	flush_locked(u);
	irq_restore(irqs_were_on);
}

uint32_t uart_tx_pending(const struct uart *u)
{
	return u->tx ? u->tx->head - u->tx->tail : 0;
}

int uart_start_tx_irq(struct uart *u, struct uart_tx_ring *ring)
{
	bool irqs_were_on;
	uint8_t iir;
	int err = 0;

	if (!u->present)
		return -ENOENT;
	irqs_were_on = irq_save();
	flush_locked(u);
	/*
	 * A 16550 raises THRE as soon as the interrupt is enabled with the THR
	 * empty, and reading IIR clears it again (table IV). A UART that does
	 * not is one whose THRE interrupt cannot be trusted: stay polled.
	 */
	reg_write(u, UART_IER, UART_IER_THRE);
	iir = reg_read(u, UART_IIR);
	reg_write(u, UART_IER, u->ier);
	if ((iir & (UART_IIR_NONE | UART_IIR_ID)) == UART_IIR_THR_EMPTY) {
		ring->head = ring->tail = 0;
		u->tx = ring;
	} else {
		err = -EIO;
	}
	irq_restore(irqs_were_on);
	return err;
}

void uart_enable_rx_irq(struct uart *u)
{
	bool irqs_were_on;

	if (!u->present)
		return;
	irqs_were_on = irq_save();
	u->ier |= UART_IER_RX;
	reg_write(u, UART_IER, u->ier);
	irq_restore(irqs_were_on);
}

int uart_getc(struct uart *u)
{
	if (!u->present || !(reg_read(u, UART_LSR) & UART_LSR_DATA_READY))
		return -1;
	return reg_read(u, UART_DATA);
}

/* IIR said THRE, so the FIFO is empty; refill it or, with nothing left,
 * stop the interrupt (it would fire again and again on an empty THR). */
static void serve_tx(struct uart *u)
{
	if (u->tx)
		u->tx_by_irq += fill_fifo(u);
	set_thre_irq(u, u->tx && !ring_empty(u->tx));
}

void uart_handle_irq(struct uart *u, void (*rx)(uint8_t c, void *ctx),
		     void *ctx)
{
	for (int round = 0; round < UART_IRQ_ROUNDS; round++) {
		uint8_t iir = reg_read(u, UART_IIR);
		int c;

		if (iir & UART_IIR_NONE)
			return;
		switch (iir & UART_IIR_ID) {
		case UART_IIR_RX_DATA:
		case UART_IIR_RX_TIMEOUT:
			while ((c = uart_getc(u)) >= 0)
				rx((uint8_t)c, ctx);
			break;
		case UART_IIR_THR_EMPTY:	/* this IIR read cleared it */
			serve_tx(u);
			break;
		case UART_IIR_LINE_STATUS:	/* reading LSR clears it */
			reg_read(u, UART_LSR);
			break;
		case UART_IIR_MODEM_STATUS:	/* reading MSR clears it */
		default:
			reg_read(u, UART_MSR);
			break;
		}
	}
}

static int wait_byte(struct uart *u)
{
	for (uint32_t i = spins(u, UART_RX_SPINS); i; i--) {
		int c = uart_getc(u);

		if (c >= 0)
			return c;
		pause();
	}
	return -1;
}

static void drop_received(struct uart *u)
{
	for (int i = 0; i < UART_FIFO_DEPTH && uart_getc(u) >= 0; i++)
		;
}

/* Send @bytes with MCR.LOOP set and compare what comes back. */
static int loop_bytes(struct uart *u, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tx_state st = { .room = 0 };

		send_polled(u, &st, bytes[i]);
		if (st.stuck || wait_byte(u) != bytes[i])
			return -EIO;
	}
	return 0;
}

/*
 * MCR.LOOP connects the transmitter's shift register to the receiver
 * (section 8.6). A character still in the FIFO or being shifted when it
 * changes is cut or goes the wrong way: console text comes back as test data
 * when entering, a test byte goes out on the line when leaving. So the
 * transmitter must be empty (LSR.TEMT) at both changes. Interrupts stay off
 * throughout so nobody else writes to the UART or takes the echoed bytes.
 */
int uart_loopback_test(struct uart *u)
{
	static const uint8_t bytes[] = { 0xae, 0x00, 0xff, 0x5a, '\n' };
	bool irqs_were_on;
	uint8_t mcr;
	int err;

	if (!u->present)
		return -ENOENT;
	irqs_were_on = irq_save();
	if (!flush_locked(u)) {
		irq_restore(irqs_were_on);
		return -EIO;
	}
	mcr = reg_read(u, UART_MCR);
	reg_write(u, UART_IER, 0);
	reg_write(u, UART_MCR, mcr | UART_MCR_LOOP);
	drop_received(u);
	err = loop_bytes(u, bytes, sizeof(bytes));
	if (!wait_lsr(u, UART_LSR_TX_EMPTY))
		err = -EIO;
	reg_write(u, UART_MCR, mcr);
	drop_received(u);	/* what a failed run left unread */
	reg_write(u, UART_IER, u->ier);
	irq_restore(irqs_were_on);
	return err;
}
