/*
 * kernel/options.h - the kernel command line options, parsed once at boot.
 *
 * Each option is a row of kernel/option_table.c (name, kind, default, range,
 * help); README's table of them is rendered from there. Asking for a name
 * that is not in the table is a kernel bug and panics.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Parse @raw once: decode every option in the table, move the serial
 * console when serial= or baud= say so, then report on the (new) console
 * unknown options, refused values (the default is kept) and a truncated or
 * garbled line.
 */
void options_init(const char *raw);

/* True when option @name is on the command line, with or without value. */
bool options_has(const char *name);

/* The text after "@name=", or NULL (absent, or the bare name). */
const char *options_text(const char *name);

/* A NUMBER option's value, its default when absent or refused. */
uint32_t options_number(const char *name);

/* An ON_OFF option's value, its default when absent or refused. */
bool options_on(const char *name);
