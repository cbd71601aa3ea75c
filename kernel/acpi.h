/*
 * kernel/acpi.h - the ACPI tables of this machine, found and checked once
 * at boot (the parser is lib/acpi.c), and what they say.
 */
#pragma once

#include <stdbool.h>

#include "lib/acpi.h"

struct boot_info;

/*
 * Find the RSDP (the loader's copy: the ACPI 2.0 tag, else the 1.0 one;
 * under BIOS only, else the EBDA's first KiB and 0xE0000-0xFFFFF), walk
 * the root table and decode the MADT and FADT. A bad table is reported and
 * left out; no table at all is reported and the kernel goes on without.
 * `acpi=off` skips it all; `acpi=dump` prints every table in hex on the
 * console (scripts/acpi-fixtures.py turns that into fixture files).
 * Call once from kmain(), after the heap (device mappings need page
 * tables).
 */
void acpi_init(const struct boot_info *info);

/* The decoded tables, or NULL when absent, refused or acpi=off. */
const struct acpi_madt *acpi_madt(void);
const struct acpi_fadt *acpi_fadt(void);
const struct acpi_hpet *acpi_hpet(void);
const struct acpi_mcfg *acpi_mcfg(void);

/* Every table that passed the checks, or NULL without ACPI. */
const struct acpi_tables *acpi_tables(void);

/* The boot summary's line: "acpi: RSDP rev 2 (XSDT), 8 tables: ...". */
void acpi_print_summary(void);

/* The shell's `acpi`: each table with its OEM ids, and the decoded facts. */
void acpi_print_tables(void);

/* Where the RSDP came from ("the loader", "the EBDA", "the BIOS area"),
 * and why there are no tables (for messages). */
const char *acpi_rsdp_source(void);
const char *acpi_missing_reason(void);
