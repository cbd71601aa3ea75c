/*
 * kernel/options.c - the command line options and their effect.
 */
#include "kernel/options.h"

#include <stdint.h>

#include "lib/errno.h"
#include "lib/string.h"
#include "drivers/uart16550.h"
#include "kernel/console.h"
#include "kernel/printk.h"

static const char *const known_options[] = {
	"ktest", "serial", "baud", "timer_hz", "bench",
};

static struct cmdline cmdline;

static const struct {
	const char *name;
	uint16_t base;
} serial_ports[] = {
	{ "com1", UART_COM1 }, { "com2", UART_COM2 },
	{ "com3", UART_COM3 }, { "com4", UART_COM4 },
	{ "none", 0 },
};

/* Parse a decimal or 0x-prefixed hexadecimal number; -EINVAL if it is not
 * one or does not fit in 32 bits. */
static int parse_u32(const char *s, uint32_t *out)
{
	unsigned int radix = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (radix == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (*s | 0x20) - 'a' + 10;
		else
			return -EINVAL;
		v = v * radix + d;
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_port(const char *s, uint16_t *base)
{
	uint32_t v;

	for (size_t i = 0; i < sizeof(serial_ports) / sizeof(serial_ports[0]); i++) {
		if (strcmp(s, serial_ports[i].name) == 0) {
			*base = serial_ports[i].base;
			return 0;
		}
	}
	if (parse_u32(s, &v) || v == 0 || v > UART_MAX_BASE)
		return -EINVAL;
	*base = (uint16_t)v;
	return 0;
}

static void apply_console(void)
{
	const char *port = cmdline_value(&cmdline, "serial");
	const char *baud = cmdline_value(&cmdline, "baud");
	uint16_t base = UART_COM1;
	uint32_t rate = UART_DEFAULT_BAUD;
	int err;

	if (!port && !baud)
		return;
	if (port && parse_port(port, &base)) {
		kprintf("Keel: serial=%s is not a port (com1-com4, 0xNNN or "
			"none); keeping COM1\n", port);
		base = UART_COM1;
	}
	if (baud && (parse_u32(baud, &rate) || !rate || UART_CLOCK_HZ % rate ||
		     UART_CLOCK_HZ / rate > 0xffff)) {
		kprintf("Keel: baud=%s is not a divisor of %u; using %u\n",
			baud, UART_CLOCK_HZ, UART_DEFAULT_BAUD);
		rate = UART_DEFAULT_BAUD;
	}
	err = console_set_uart(base, rate);
	if (err)
		kprintf("Keel: no UART at %#x (%s); keeping the old console\n",
			base, errno_name(err));
}

static void report_problems(void)
{
	if (cmdline.truncated)
		kprintf("Keel: command line is %zu bytes; only the first %u "
			"are used\n", cmdline.raw_len, CMDLINE_MAX_BYTES - 1);
	if (cmdline.too_many)
		kprintf("Keel: command line has more than %u words; the rest "
			"are ignored\n", CMDLINE_MAX_ARGS);
	if (cmdline.garbled)
		kprintf("Keel: command line has %zu unprintable bytes (shown "
			"as \\xNN; options read them as '?')\n", cmdline.garbled);
	for (size_t i = 0; i < cmdline.nargs; i++) {
		if (cmdline_first_unknown(&cmdline, i))
			kprintf("Keel: unknown option \"%.64s\" ignored\n",
				cmdline.args[i].name);
	}
}

void options_init(const char *raw)
{
	cmdline_parse(&cmdline, raw, known_options,
		      sizeof(known_options) / sizeof(known_options[0]));
	apply_console();
	report_problems();
}

const struct cmdline *options(void)
{
	return &cmdline;
}

uint32_t options_u32_range(const char *name, uint32_t fallback, uint32_t min,
			   uint32_t max)
{
	const char *s = cmdline_value(&cmdline, name);
	uint32_t v;

	if (!s)
		return fallback;
	if (parse_u32(s, &v)) {
		kprintf("Keel: %s=%s is not a number; using %u\n", name, s,
			fallback);
		return fallback;
	}
	if (v < min || v > max) {
		kprintf("Keel: %s=%u is out of range (%u-%u); using %u\n", name,
			v, min, max, fallback);
		return fallback;
	}
	return v;
}
