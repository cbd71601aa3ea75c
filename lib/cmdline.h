/*
 * lib/cmdline.h - split a kernel command line into options.
 *
 * The command line is a list of words separated by spaces or tabs. A word is
 * a flag ("ktest") or an option with a value ("serial=com2"). Options named
 * later win over earlier ones. Keel copies the line, so the caller's string
 * may go away; anything past CMDLINE_MAX_BYTES or CMDLINE_MAX_ARGS is dropped
 * and the fact recorded. Bytes that are not printable ASCII become '?', so
 * the result can always be printed and never matches a known option by
 * accident.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX_BYTES 4096
#define CMDLINE_MAX_ARGS 64

struct cmdline_arg {
	const char *name;
	const char *value;	/* NULL for a flag; "" for "name=" */
	bool known;
};

struct cmdline {
	char buf[CMDLINE_MAX_BYTES];
	struct cmdline_arg args[CMDLINE_MAX_ARGS];
	size_t nargs;
	size_t raw_len;		/* length of the line as handed over */
	bool truncated;		/* the line was longer than the buffer */
	bool too_many;		/* words beyond CMDLINE_MAX_ARGS were dropped */
	size_t garbled;		/* bytes replaced by '?' */
};

/*
 * Parse @raw (NUL-terminated) into @cl. @known lists the option names the
 * kernel understands (@nknown of them); each argument is marked known or not.
 */
void cmdline_parse(struct cmdline *cl, const char *raw,
		   const char *const *known, size_t nknown);

/* True when @name appears, with or without a value. */
bool cmdline_has(const struct cmdline *cl, const char *name);

/* The value of the last "@name=value", or NULL (also for a bare flag). */
const char *cmdline_value(const struct cmdline *cl, const char *name);

/*
 * True when cl->args[@i] is unknown and its name did not appear earlier:
 * lets the caller report each unknown option once.
 */
bool cmdline_first_unknown(const struct cmdline *cl, size_t i);
