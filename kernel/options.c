/*
 * kernel/options.c - the command line options, parsed once at boot from
 * the table in kernel/option_table.c, and the serial console's options
 * applied.
 */
#include "kernel/options.h"

#include "lib/align.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "drivers/uart16550.h"
#include "kernel/console.h"
#include "kernel/option_table.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

/* Enough for every row of option_table[]; checked in options_init(). */
#define MAX_OPTIONS 16

static struct cmdline cmdline;
static const char *known_names[MAX_OPTIONS];
static uint32_t values[MAX_OPTIONS];	/* decoded NUMBER and ON_OFF values */
static const char *refused[MAX_OPTIONS];	/* why a value was refused */
static char why[MAX_OPTIONS][48];

static const struct {
	const char *name;
	uint16_t base;
} serial_ports[] = {
	{ "com1", UART_COM1 }, { "com2", UART_COM2 },
	{ "com3", UART_COM3 }, { "com4", UART_COM4 },
	{ "none", 0 },
};

static int parse_port(const char *s, uint16_t *base)
{
	static const struct option_desc as_number = {
		.kind = OPTION_NUMBER, .min = 1, .max = UART_MAX_BASE,
	};
	char unused[40];
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(serial_ports); i++) {
		if (strcmp(s, serial_ports[i].name) == 0) {
			*base = serial_ports[i].base;
			return 0;
		}
	}
	if (option_decode(&as_number, s, &v, unused, sizeof(unused)))
		return -EINVAL;
	*base = (uint16_t)v;
	return 0;
}

static void apply_console(void)
{
	const char *port = cmdline_value(&cmdline, "serial");
	uint16_t base = UART_COM1;
	int err;

	if (!port && !cmdline_value(&cmdline, "baud"))
		return;
	if (port && parse_port(port, &base)) {
		kprintf("Keel: serial=%s is not a port (com1-com4, 0xNNN or "
			"none); keeping COM1\n", port);
		base = UART_COM1;
	}
	err = console_set_uart(base, options_number("baud"));
	if (err)
		kprintf("Keel: no UART at %#x (%s); keeping the old console\n",
			base, errno_name(err));
}

static void report_line_problems(void)
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

/* Decode option @i once, keeping the default when the value is refused. */
static void decode_option(size_t i)
{
	const struct option_desc *o = &option_table[i];

	values[i] = o->def;
	if (cmdline_has(&cmdline, o->name))
		refused[i] = option_decode(o, cmdline_value(&cmdline, o->name),
					   &values[i], why[i], sizeof(why[i]));
}

static void report_refused(size_t i)
{
	const struct option_desc *o = &option_table[i];
	const char *text = cmdline_value(&cmdline, o->name);

	if (!refused[i])
		return;
	if (o->kind == OPTION_ON_OFF)
		kprintf("Keel: %s=%s %s; using %s\n", o->name, text ? text : "",
			refused[i], o->def ? "on" : "off");
	else
		kprintf("Keel: %s=%s %s; using %u\n", o->name,
			text ? text : "", refused[i], o->def);
}

/* The console moves first, so that every report reaches the new one. */
void options_init(const char *raw)
{
	if (option_count > MAX_OPTIONS)
		panic("option_table has %zu rows; options.c holds %u",
		      option_count, MAX_OPTIONS);
	for (size_t i = 0; i < option_count; i++)
		known_names[i] = option_table[i].name;
	cmdline_parse(&cmdline, raw, known_names, option_count);
	for (size_t i = 0; i < option_count; i++)
		decode_option(i);
	apply_console();
	report_line_problems();
	for (size_t i = 0; i < option_count; i++)
		report_refused(i);
}

static size_t index_of(const char *name)
{
	const struct option_desc *o = option_find(name);

	if (!o)
		panic("option \"%s\" is not in option_table", name);
	return (size_t)(o - option_table);
}

bool options_has(const char *name)
{
	return cmdline_has(&cmdline, option_table[index_of(name)].name);
}

const char *options_text(const char *name)
{
	return cmdline_value(&cmdline, option_table[index_of(name)].name);
}

uint32_t options_number(const char *name)
{
	return values[index_of(name)];
}

bool options_on(const char *name)
{
	return values[index_of(name)] != 0;
}
