/*
 * kernel/option_table.c - the rows of every kernel option, their decoding,
 * and README's table of them (see kernel/option_table.h).
 */
#include "kernel/option_table.h"

#include "lib/align.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "drivers/uart16550.h"
#include "kernel/percpu.h"
#include "kernel/timer.h"

/* The reasons behind uart_baud_valid() (drivers/uart16550.c), in words:
 * this file is also built for the host tests, without the driver. */
static const char *check_baud(uint32_t rate)
{
	if (UART_CLOCK_HZ % rate)
		return "is not a divisor of 115200";
	if (UART_CLOCK_HZ / rate > UART_MAX_DIVISOR)
		return "needs a divisor above 65535, which does not fit the "
		       "UART's 16-bit divisor latch (the slowest rate is 2)";
	return NULL;
}

const struct option_desc option_table[] = {
	{ "ktest", OPTION_TEXT, .value = "[=SUITE\\|PATTERN,...]",
	  .help = "run the in-kernel tests: all, one suite (`ktest=trap`; a "
		  "suite is the name part before the first `_`, `final` the "
		  "last checks) or those whose names or suites match a glob "
		  "(`ktest=trap_page_*`), or what any of a comma-separated "
		  "list selects (`ktest=apic,smp`); print KTAP, end QEMU "
		  "with the result" },
	{ "bench", OPTION_FLAG,
	  .help = "run the in-kernel benchmarks and print the boot's steps, "
		  "then end QEMU" },
	{ "serial", OPTION_TEXT, .value = "=PORT",
	  .help = "serial console: `com1` (default), `com2`, `com3`, `com4`, "
		  "an I/O port like `0x3f8`, or `none`; the old port's last "
		  "line says where the console went" },
	{ "baud", OPTION_NUMBER, UART_DEFAULT_BAUD, 1, UART_CLOCK_HZ,
	  check_baud, "=N", "serial speed, a divisor of 115200 from 2 up" },
	{ "timer_hz", OPTION_NUMBER, TIMER_DEFAULT_HZ, TIMER_MIN_HZ,
	  TIMER_MAX_HZ, NULL, "=N", "timer tick rate" },
	{ "acpi", OPTION_TEXT, .value = "=off\\|dump",
	  .help = "`off`: read no ACPI table (no MADT, no FADT: the 8259 and "
		  "no poweroff); `dump`: print every table in hex on the "
		  "console (scripts/acpi-fixtures.py makes fixtures of it)" },
	{ "apic", OPTION_ON_OFF, 1, .value = "=on\\|off",
	  .help = "deliver interrupts through the IOAPIC and local APIC "
		  "(off: stay on the 8259 PIC, as without an ACPI MADT)" },
	{ "x2apic", OPTION_ON_OFF, 1, .value = "=on\\|off",
	  .help = "use the local APIC's x2APIC (MSR) mode where the CPU has "
		  "it (off: xAPIC, unless the firmware already chose x2APIC)" },
	{ "init", OPTION_TEXT, .value = "=NAME",
	  .help = "run the user program NAME (a boot module) once the kernel "
		  "is up, print how it ended, then start the shell" },
	{ "smp", OPTION_NUMBER, MAX_CPUS, 1, MAX_CPUS, NULL, "=N",
	  "use at most N CPUs, the boot CPU included (default: all the "
	  "ACPI MADT lists, up to 64)" },
	{ "nosmp", OPTION_FLAG,
	  .help = "start no other CPU (the same as `smp=1`)" },
	{ "smp_ghost", OPTION_NUMBER, 0, 0, 254, NULL, "=ID",
	  "for tests: also try to start a CPU with local APIC id ID, as if "
	  "the MADT listed it; no processor has it, so the boot must report "
	  "it did not answer and go on (0: none)" },
	{ "heap_debug", OPTION_ON_OFF, 0, .value = "=on\\|off",
	  .help = "poison freed memory and check exact block sizes (the "
		  "self-test turns it on)" },
};

const size_t option_count = ARRAY_SIZE(option_table);

const struct option_desc *option_find(const char *name)
{
	for (size_t i = 0; i < option_count; i++) {
		if (strcmp(option_table[i].name, name) == 0)
			return &option_table[i];
	}
	return NULL;
}

/* Decimal or 0x-prefixed hexadecimal that fits in 32 bits. */
static bool parse_u32(const char *s, uint32_t *out)
{
	unsigned int radix = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int c = (unsigned char)*s | 0x20, d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (radix == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return false;
		v = v * radix + d;
		if (v > UINT32_MAX)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static const struct {
	const char *word;
	uint32_t value;
} on_off_words[] = {
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
	{ "yes", 1 }, { "no", 0 },
};

static const char *decode_on_off(const char *text, uint32_t *v)
{
	if (!text) {
		*v = 1;
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(on_off_words); i++) {
		if (strcmp(text, on_off_words[i].word) == 0) {
			*v = on_off_words[i].value;
			return NULL;
		}
	}
	return "is not on or off";
}

static const char *decode_number(const struct option_desc *o, const char *text,
				 uint32_t *v, char *why, size_t why_size)
{
	const char *refused;
	uint32_t n;

	if (!text || !parse_u32(text, &n))
		return "is not a number";
	if (n < o->min || n > o->max) {
		snprintf(why, why_size, "is out of range (%u-%u)", o->min,
			 o->max);
		return why;
	}
	refused = o->check ? o->check(n) : NULL;
	if (refused)
		return refused;
	*v = n;
	return NULL;
}

const char *option_decode(const struct option_desc *o, const char *text,
			  uint32_t *v, char *why, size_t why_size)
{
	switch (o->kind) {
	case OPTION_NUMBER:
		return decode_number(o, text, v, why, why_size);
	case OPTION_ON_OFF:
		return decode_on_off(text, v);
	case OPTION_FLAG:
	case OPTION_TEXT:
		break;
	}
	return NULL;
}

/* One row: | `name=N` | default | help | */
static int render_row(char *buf, size_t size, const struct option_desc *o)
{
	char def[16] = "";

	if (o->kind == OPTION_NUMBER)
		snprintf(def, sizeof(def), "%u", o->def);
	else if (o->kind == OPTION_ON_OFF)
		snprintf(def, sizeof(def), "%s", o->def ? "on" : "off");
	return snprintf(buf, size, "| `%s%s` | %s | %s |\n", o->name,
			o->value ? o->value : "", def, o->help);
}

size_t option_render_table(char *buf, size_t size)
{
	static const char head[] = "| option | default | meaning |\n"
				   "|---|---|---|\n";
	size_t len = (size_t)snprintf(buf, size, "%s", head);

	for (size_t i = 0; i < option_count; i++) {
		size_t at = len < size ? len : size;

		len += (size_t)render_row(buf + at, size - at, &option_table[i]);
	}
	return len;
}
