/*
 * tests/fuzz/acpi_fuzz.c - libFuzzer target for the ACPI parser and the
 * AML reader (lib/acpi*.c, lib/aml.c). Each input is used twice:
 *   - as one table of the input's exact size, given to every decoder and
 *     (after its header) to the AML reader, checksum or not;
 *   - as physical memory from address 0, walked from an RSDP whose root
 *     pointers are the input's first bytes, so the walk follows pointers
 *     and lengths the input chose, and the \_S5 search (lib/acpi_sleep.c)
 *     reads the definition blocks it found.
 * The input sits in a buffer of its exact size (libFuzzer's), so ASan
 * catches any read past it. Build and run: make acpi-fuzz (mk/acpi.mk).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/acpi.h"
#include "lib/acpi_sleep.h"
#include "lib/aml.h"

struct mem {
	const uint8_t *data;
	size_t size;
};

static const void *map(void *ctx, uint64_t phys, size_t len)
{
	const struct mem *m = ctx;

	if (phys > m->size || len > m->size - phys)
		return NULL;
	return m->data + phys;
}

static void decode_all(const struct acpi_table *t, const struct acpi_io *io)
{
	struct acpi_madt madt;
	struct acpi_fadt fadt;
	struct acpi_hpet hpet;
	struct acpi_mcfg mcfg;
	struct aml_sleep_type s;
	char why[128];

	acpi_parse_madt(t, io, &madt);
	acpi_parse_fadt(t, io, &fadt);
	acpi_parse_hpet(t, io, &hpet);
	acpi_parse_mcfg(t, io, &mcfg);
	if (t->length >= ACPI_HEADER_LEN)
		aml_find_sleep_type((const uint8_t *)t->data + ACPI_HEADER_LEN,
				    t->length - ACPI_HEADER_LEN, 5, &s, why,
				    sizeof(why));
}

/* An RSDP (revision 2, good checksums) naming the root tables at the
 * offsets the input's first 12 bytes give. */
static void make_rsdp(uint8_t *p, const uint8_t *in, size_t size)
{
	uint8_t sum = 0;

	memset(p, 0, ACPI_RSDP_V2_LEN);
	memcpy(p, "RSD PTR ", 8);
	p[15] = 2;
	if (size >= 12) {
		memcpy(p + 16, in, 4);		/* RSDT */
		memcpy(p + 24, in + 4, 8);	/* XSDT */
	}
	p[20] = ACPI_RSDP_V2_LEN;
	for (int i = 0; i < ACPI_RSDP_V1_LEN; i++)
		sum = (uint8_t)(sum + p[i]);
	p[8] = (uint8_t)-sum;
	sum = 0;
	for (int i = 0; i < ACPI_RSDP_V2_LEN; i++)
		sum = (uint8_t)(sum + p[i]);
	p[32] = (uint8_t)-sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data, size };
	struct acpi_io io = { map, NULL, &m };
	struct acpi_table t = { .length = (uint32_t)size, .data = data };
	static struct acpi_tables tables;
	uint8_t rsdp[ACPI_RSDP_V2_LEN];

	if (size > ACPI_MAX_TABLE_LEN)
		return 0;
	decode_all(&t, &io);
	make_rsdp(rsdp, data, size);
	if (acpi_scan(rsdp, sizeof(rsdp), &io, &tables) == 0) {
		struct acpi_sleep_state s5;
		char why[128];

		for (unsigned int i = 0; i < tables.count; i++)
			decode_all(&tables.tables[i], &io);
		acpi_find_sleep_state(&tables, 5, &s5, why, sizeof(why));
	}
	acpi_rsdp_check(data, size, &io);
	return 0;
}
