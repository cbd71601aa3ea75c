/*
 * arch/x86_64/pit.c - 8254 channel 0 for the tick, channel 2 for calibration.
 */
#include "arch/x86_64/pit.h"

#include "arch/x86_64/cpu.h"

#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_PORT_B 0x61			/* PC port B: channel 2 gate and output */
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20

/* Command byte: channel (7:6), access lobyte/hibyte (5:4), mode (3:1). */
#define PIT_CMD_CH0 (0u << 6)
#define PIT_CMD_CH2 (2u << 6)
#define PIT_CMD_LATCH (0u << 4)		/* counter latch command */
#define PIT_CMD_LOHI (3u << 4)
#define PIT_MODE0 (0u << 1)		/* interrupt on terminal count */
#define PIT_MODE2 (2u << 1)		/* rate generator */

uint32_t pit_start(uint32_t hz)
{
	uint32_t divisor;

	if (hz < PIT_MIN_HZ)
		hz = PIT_MIN_HZ;
	divisor = (PIT_HZ + hz / 2) / hz;
	if (divisor > PIT_MAX_DIVISOR)
		divisor = PIT_MAX_DIVISOR;
	if (divisor < PIT_MIN_DIVISOR)
		divisor = PIT_MIN_DIVISOR;
	outb(PIT_CMD, PIT_CMD_CH0 | PIT_CMD_LOHI | PIT_MODE2);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	return divisor;
}

/* A mode command without a count leaves channel 0's output still, with
 * no count loaded (82C54 data sheet, "Mode 0"): no more IRQ 0. */
void pit_stop(void)
{
	outb(PIT_CMD, PIT_CMD_CH0 | PIT_CMD_LOHI | PIT_MODE0);
}

/* Gate channel 2 off (speaker off too) and load @count in mode 0. Returns
 * port B's other bits, to raise the gate with. */
static uint8_t ch2_load(uint16_t count)
{
	uint8_t b = inb(PIT_PORT_B) & ~(PORT_B_GATE2 | PORT_B_SPEAKER);

	outb(PIT_PORT_B, b);
	outb(PIT_CMD, PIT_CMD_CH2 | PIT_CMD_LOHI | PIT_MODE0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	return b;
}

uint64_t pit_calibrate_tsc(uint32_t us)
{
	uint64_t count = (uint64_t)PIT_HZ * us / 1000000;
	uint64_t start, end;
	uint8_t b;

	if (count == 0)
		return 0;
	if (count > PIT_MAX_DIVISOR)
		count = PIT_MAX_DIVISOR;
	b = ch2_load((uint16_t)count);
	/* Raising the gate starts the count; OUT2 goes high at zero. */
	outb(PIT_PORT_B, b | PORT_B_GATE2);
	start = rdtsc();
	while (!(inb(PIT_PORT_B) & PORT_B_OUT2)) {
		/* Give up after ~10^10 cycles: several seconds on any CPU. */
		if (rdtsc() - start > 10000000000ULL)
			return 0;
	}
	end = rdtsc();
	outb(PIT_PORT_B, b);
	return (end - start) * PIT_HZ / count;
}

void pit_count_start(void)
{
	uint8_t b = ch2_load(0);	/* 0 loads 65536 */

	outb(PIT_PORT_B, b | PORT_B_GATE2);
}

uint16_t pit_count_read(void)
{
	uint8_t lo, hi;

	outb(PIT_CMD, PIT_CMD_CH2 | PIT_CMD_LATCH);
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	return (uint16_t)(hi << 8 | lo);
}

/* Mode 0: OUT2 goes high when the count reaches zero and stays high while
 * the counter wraps on (82C54 data sheet, "Mode 0"). */
bool pit_count_expired(void)
{
	return inb(PIT_PORT_B) & PORT_B_OUT2;
}

void pit_count_stop(void)
{
	outb(PIT_PORT_B, inb(PIT_PORT_B) & ~(PORT_B_GATE2 | PORT_B_SPEAKER));
}
