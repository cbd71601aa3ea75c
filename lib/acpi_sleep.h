/*
 * lib/acpi_sleep.h - which definition block names a sleep state object
 * such as \_S5 (ACPI 6.5, 7.4.2): the DSDT first, then every SSDT in the
 * order the root table lists them (5.2.11.1, 5.2.11.2), each read with
 * the AML reader of lib/aml.h.
 */
#pragma once

#include <stddef.h>

#include "lib/acpi.h"
#include "lib/aml.h"

/* A sleep type package and the table it was read from. */
struct acpi_sleep_state {
	struct aml_sleep_type type;
	const struct acpi_table *table;	/* an entry of struct acpi_tables */
	unsigned int index;		/* acpi_find(tables, sig, index) */
};

/*
 * Look for Name(_Sn_, Package(){...}) (@state is n) in the DSDT of @t
 * (as acpi_scan() filled it), then in each of its SSDTs. Only tables that
 * passed the parser's checks are searched: one refused at boot (a bad
 * checksum, say) is not there.
 * The first table that names the object decides: 0 with *@out filled, or
 * -EINVAL when it does so in a form lib/aml.c does not read (a Method, a
 * named element, ...). -ENOENT when no table names it. On an error @why
 * says why and in which table (NUL-terminated, at most @why_len bytes).
 */
int acpi_find_sleep_state(const struct acpi_tables *t, unsigned int state,
			  struct acpi_sleep_state *out, char *why,
			  size_t why_len);
