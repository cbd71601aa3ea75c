/*
 * lib/acpi_sleep.c - the search for a sleep state object through the
 * definition blocks (ACPI 6.5, 5.2.11: the DSDT, then the SSDTs, load in
 * that order). See lib/acpi_sleep.h.
 */
#include "lib/acpi_sleep.h"

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/vsnprintf.h"

/* The definition blocks, in the order an OS loads them into the
 * namespace. */
static const char *const block_sigs[] = { "DSDT", "SSDT" };

#define AML_WHY_LEN	128

/* Read one table's AML (its body after the header). */
static int search_table(const struct acpi_table *a, unsigned int state,
			struct aml_sleep_type *type, char *why, size_t why_len)
{
	return aml_find_sleep_type((const uint8_t *)a->data + ACPI_HEADER_LEN,
				   a->length - ACPI_HEADER_LEN, state, type,
				   why, why_len);
}

/* -ENOENT: what was searched, and what the parser left out (a refused
 * table is not in @t, so it was not searched, whatever it held). */
static void say_not_found(const struct acpi_tables *t, unsigned int state,
			  char *why, size_t why_len)
{
	unsigned int ssdts = 0;
	size_t n;

	while (acpi_find(t, "SSDT", ssdts))
		ssdts++;
	n = (size_t)snprintf(why, why_len,
			     "%sno Name(_S%u_, ...) in %s%u SSDT%s",
			     acpi_find(t, "DSDT", 0) ? "" : "no DSDT, and ",
			     state % 10,
			     acpi_find(t, "DSDT", 0) ? "the DSDT and " : "",
			     ssdts, ssdts == 1 ? "" : "s");
	if (t->refused && n < why_len)
		snprintf(why + n, why_len - n, "; %u table%s the parser "
			 "refused %s not searched", t->refused,
			 t->refused == 1 ? "" : "s",
			 t->refused == 1 ? "was" : "were");
}

/* The tables of signature @sig in order: the first that names the object
 * decides, as below. -ENOENT when none does. */
static int search_sig(const struct acpi_tables *t, const char *sig,
		      unsigned int state, struct acpi_sleep_state *out,
		      char *why, size_t why_len)
{
	char aml_why[AML_WHY_LEN];
	const struct acpi_table *a;

	for (unsigned int i = 0; (a = acpi_find(t, sig, i)); i++) {
		int err = search_table(a, state, &out->type, aml_why,
				       sizeof(aml_why));

		if (err == -ENOENT)
			continue;
		out->table = a;
		out->index = i;
		if (err)
			snprintf(why, why_len, "%s %u at %#llx: %s", sig, i,
				 (unsigned long long)a->phys, aml_why);
		return err;
	}
	return -ENOENT;
}

int acpi_find_sleep_state(const struct acpi_tables *t, unsigned int state,
			  struct acpi_sleep_state *out, char *why,
			  size_t why_len)
{
	for (size_t k = 0; k < ARRAY_SIZE(block_sigs); k++) {
		int err = search_sig(t, block_sigs[k], state, out, why,
				     why_len);

		if (err != -ENOENT)
			return err;
	}
	say_not_found(t, state, why, why_len);
	return -ENOENT;
}
