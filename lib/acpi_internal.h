/*
 * lib/acpi_internal.h - what lib/acpi.c, lib/acpi_madt.c and
 * lib/acpi_fadt.c share: little-endian reads at any alignment (tables are
 * packed, 5.2: "all numeric values are little-endian") and the reporter.
 */
#pragma once

#include <stdint.h>

#include "lib/acpi.h"

/* 5.2.6, table 5.4: offsets in the description header. */
#define ACPI_HDR_LENGTH		4
#define ACPI_HDR_REVISION	8
#define ACPI_HDR_OEM_ID		10
#define ACPI_HDR_OEM_TABLE_ID	16

#define ACPI_GAS_LEN		12	/* 5.2.3.2 */
#define ACPI_REPORT_LEN		160

static inline uint16_t acpi_read16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t acpi_read32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t acpi_read64(const uint8_t *p)
{
	return acpi_read32(p) | (uint64_t)acpi_read32(p + 4) << 32;
}

static inline void acpi_read_gas(const uint8_t *p, struct acpi_gas *g)
{
	g->space = p[0];
	g->bit_width = p[1];
	g->bit_offset = p[2];
	g->access_size = p[3];
	g->address = acpi_read64(p + 4);
}

/* Format one line and hand it to @io's report callback (if any). */
void acpi_report(const struct acpi_io *io, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
