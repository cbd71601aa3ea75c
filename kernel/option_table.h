/*
 * kernel/option_table.h - every kernel command line option, in one table.
 *
 * The table is the single description of an option: kernel/options.c parses
 * and reports from it, the "unknown option" check takes its names from it,
 * and README's option table is rendered from it (a host test compares the
 * two). To add an option, add a row to option_table[] in option_table.c,
 * run `make options-doc` and paste its output into README.md.
 *
 * Pure code: no kernel state, so the host tests run it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum option_kind {
	OPTION_FLAG,	/* present or absent: "bench" */
	OPTION_NUMBER,	/* decimal or 0x hexadecimal, in [min, max] */
	OPTION_ON_OFF,	/* "on"/"off" (or 1/0, yes/no); the bare name is on */
	OPTION_TEXT,	/* any word; the bare name has no value */
};

struct option_desc {
	const char *name;
	enum option_kind kind;
	uint32_t def;		/* NUMBER and ON_OFF: the value when absent */
	uint32_t min, max;	/* NUMBER: the accepted range */
	/* NUMBER: a further rule; returns why @v is refused, or NULL. */
	const char *(*check)(uint32_t v);
	const char *value;	/* how README writes the value: "N", "PORT" */
	const char *help;	/* one sentence for README */
};

extern const struct option_desc option_table[];
extern const size_t option_count;

/* The row of option @name, or NULL when Keel has no such option. */
const struct option_desc *option_find(const char *name);

/*
 * Decode @text, the value given to @o (NULL for the bare name), into *@v
 * for NUMBER and ON_OFF options. Returns NULL, or why the value is refused
 * ("is not a number", "is out of range (20-10000)", ...) in a static or
 * @why buffer of @why_size bytes; *@v is untouched then.
 */
const char *option_decode(const struct option_desc *o, const char *text,
			  uint32_t *v, char *why, size_t why_size);

/* Write README's markdown table of every option into @buf (NUL-terminated,
 * cut at @size); returns the length the whole table needs. */
size_t option_render_table(char *buf, size_t size);
