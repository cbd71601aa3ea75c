/*
 * lib/acpi.h - the ACPI tables a kernel reads at boot, checked and decoded
 * (ACPI 6.5, chapter 5.2): RSDP, RSDT/XSDT, MADT, FADT, HPET, MCFG.
 *
 * Pure: the tables are reached through a caller's callback that makes a
 * physical range readable, so the kernel (kernel/acpi.c) and the host tests
 * share every line. Nothing here trusts a byte it has not bounds-checked: a
 * bad table is reported through the caller's report callback, by name, and
 * left out.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS		64	/* MAX_CPUS of kernel/percpu.h */
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_OVERRIDES	16
#define ACPI_MAX_NMI_SOURCES	8
#define ACPI_MAX_TABLES		32	/* tables kept from the root table */
#define ACPI_MAX_MCFG		8	/* PCIe segments kept from the MCFG */
#define ACPI_UID_ALL		0xffffffffu	/* a LAPIC NMI for every CPU */

/* A table may not claim more than this (the largest real DSDTs are a few
 * hundred KiB); a bigger length is a corrupt header, not a table. */
#define ACPI_MAX_TABLE_LEN	(4u << 20)

#define ACPI_HEADER_LEN		36	/* 5.2.6, the description header */
#define ACPI_RSDP_V1_LEN	20	/* 5.2.5.3: up to the RSDT address */
#define ACPI_RSDP_V2_LEN	36	/* ... with length, XSDT, extended sum */

/* "Conforms" means the bus default: ISA is edge, active high. */
enum acpi_polarity { ACPI_POLARITY_CONFORMS, ACPI_POLARITY_HIGH, ACPI_POLARITY_LOW };
enum acpi_trigger { ACPI_TRIGGER_CONFORMS, ACPI_TRIGGER_EDGE, ACPI_TRIGGER_LEVEL };

/* How the parser reaches memory and says what it refused. */
struct acpi_io {
	/* [@phys, @phys + @len) readable, or NULL when it cannot be. */
	const void *(*map)(void *ctx, uint64_t phys, size_t len);
	/* One line, without a newline ("ACPI: APIC: bad checksum ..."). */
	void (*report)(void *ctx, const char *msg);
	void *ctx;
};

/* A table that passed every check (signature, length, checksum). */
struct acpi_table {
	char sig[5];
	char oem_id[7];
	char oem_table_id[9];
	uint8_t revision;
	uint32_t length;
	uint64_t phys;
	const void *data;	/* @length bytes, from acpi_io.map */
};

/* What the RSDP and its root table lead to. */
struct acpi_tables {
	uint8_t rsdp_revision;
	char rsdp_oem_id[7];
	bool xsdt;		/* the root is the XSDT (else the RSDT) */
	uint64_t root_phys;
	unsigned int count;	/* good tables, the DSDT included */
	struct acpi_table tables[ACPI_MAX_TABLES];
	unsigned int refused;	/* entries reported and skipped */
};

/* 5.2.12: the MADT, decoded. */
struct acpi_madt {
	uint64_t lapic_phys;		/* with the 64-bit override applied */
	bool pcat_compat;		/* an 8259 pair is present (flags bit 0) */
	unsigned int cpu_count;		/* entries, enabled or not */
	struct acpi_madt_cpu {
		uint32_t apic_id, uid;
		bool enabled, online_capable, x2apic;
	} cpus[ACPI_MAX_CPUS];
	unsigned int ioapic_count;
	struct acpi_madt_ioapic {
		uint32_t id;
		uint64_t phys;
		uint32_t gsi_base;
	} ioapics[ACPI_MAX_IOAPICS];
	unsigned int override_count;
	struct acpi_madt_override {
		uint8_t bus, irq;
		uint32_t gsi;
		enum acpi_polarity polarity;
		enum acpi_trigger trigger;
	} overrides[ACPI_MAX_OVERRIDES];
	unsigned int lapic_nmi_count;
	struct acpi_madt_lapic_nmi {
		uint32_t uid;		/* ACPI_UID_ALL for every CPU */
		uint8_t lint;
		enum acpi_polarity polarity;
		enum acpi_trigger trigger;
	} lapic_nmis[ACPI_MAX_CPUS];
	unsigned int nmi_source_count;
	struct acpi_madt_nmi_source {
		uint32_t gsi;
		enum acpi_polarity polarity;
		enum acpi_trigger trigger;
	} nmi_sources[ACPI_MAX_NMI_SOURCES];
	/* Entries of other types (skipped), and entries dropped because an
	 * array above was full (reported). */
	unsigned int unknown_count;
	unsigned int dropped_count;
};

/* 5.2.3.2: the Generic Address Structure. */
enum acpi_gas_space {
	ACPI_GAS_MEMORY = 0,
	ACPI_GAS_IO = 1,
	ACPI_GAS_PCI_CONFIG = 2,
};

struct acpi_gas {
	uint8_t space;		/* enum acpi_gas_space, or another */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;	/* 0 undefined, 1 byte ... 4 qword */
	uint64_t address;	/* 0: absent */
};

/* FADT flags (5.2.9, table 5.10) and IAPC_BOOT_ARCH (5.2.9.3). */
#define ACPI_FADT_RESET_REG_SUP		(1u << 10)
#define ACPI_FADT_HW_REDUCED		(1u << 20)
#define ACPI_BOOT_LEGACY_DEVICES	(1u << 0)
#define ACPI_BOOT_8042			(1u << 1)
#define ACPI_BOOT_NO_VGA		(1u << 2)
#define ACPI_BOOT_NO_CMOS_RTC		(1u << 5)

/* 5.2.9: the FADT, decoded. Fields past a short (old) table's length read
 * as zero. Where a 32-bit field has an X_ twin, the X_ field wins when the
 * table is long enough to hold it and it is not zero (5.2.9: "if the X_
 * field is non-zero, the 32-bit field must be ignored"). */
struct acpi_fadt {
	uint8_t revision;
	uint32_t length;
	uint64_t facs;		/* FIRMWARE_CTRL / X_FIRMWARE_CTRL */
	uint64_t dsdt;		/* DSDT / X_DSDT */
	uint16_t sci_irq;	/* an ISA IRQ when the 8259 is used, else a GSI */
	uint32_t smi_cmd;	/* port; 0: ACPI is always on (no SMI switch) */
	uint8_t acpi_enable, acpi_disable;	/* values for smi_cmd */
	struct acpi_gas pm1a_evt, pm1b_evt;
	struct acpi_gas pm1a_cnt, pm1b_cnt;	/* address 0: absent */
	struct acpi_gas pm_timer;
	uint32_t flags;
	uint16_t boot_arch;	/* IAPC_BOOT_ARCH */
	bool has_8042;		/* ACPI_BOOT_8042 (false before revision 3) */
	bool no_vga;		/* ACPI_BOOT_NO_VGA */
	uint8_t century;	/* CMOS index of the century, 0: none */
	bool reset_supported;	/* ACPI_FADT_RESET_REG_SUP and a register */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	bool hw_reduced;	/* no PM1 blocks, no 8042 guarantees */
	/* Where a 32-bit field and its X_ twin were both set and differ
	 * (the X_ value was taken): a bit per field, ACPI_FADT_CONFLICT_*. */
	unsigned int conflicts;
};

#define ACPI_FADT_CONFLICT_FACS		(1u << 0)
#define ACPI_FADT_CONFLICT_DSDT		(1u << 1)
#define ACPI_FADT_CONFLICT_PM1A_CNT	(1u << 2)
#define ACPI_FADT_CONFLICT_PM1B_CNT	(1u << 3)

/* The HPET description (IA-PC HPET spec 1.0a, 3.2.4). */
struct acpi_hpet {
	uint32_t event_timer_block_id;	/* vendor, comparators, ... */
	struct acpi_gas base;		/* the registers (memory space) */
	uint8_t number;
	uint16_t min_tick;
};

/* The MCFG (PCI Firmware spec 3.0, 4.1.2): ECAM windows. */
struct acpi_mcfg {
	unsigned int count;
	struct acpi_mcfg_segment {
		uint64_t base;
		uint16_t segment;
		uint8_t bus_start, bus_end;
	} segments[ACPI_MAX_MCFG];
};

/*
 * Check the RSDP at @rsdp (@size bytes readable there): signature, the
 * version 1 checksum, and for revision 2 and up the length (at least 36,
 * at most @size) and the extended checksum. Returns 0 or -EINVAL, with the
 * reason reported.
 */
int acpi_rsdp_check(const void *rsdp, size_t size, const struct acpi_io *io);

/*
 * From the checked RSDP, walk the XSDT (or the RSDT when there is no XSDT,
 * or the XSDT is bad) and collect into @out every table that passes the
 * checks, and the DSDT the FADT names. Returns 0, or -EINVAL when the RSDP
 * or the root table is unusable (reported).
 */
int acpi_scan(const void *rsdp, size_t size, const struct acpi_io *io,
	      struct acpi_tables *out);

/* The @index-th table (from 0) with signature @sig, or NULL. */
const struct acpi_table *acpi_find(const struct acpi_tables *t, const char *sig,
				   unsigned int index);

/*
 * Decode a checked table (an entry of struct acpi_tables) into @out.
 * Return 0, or -EINVAL when the table is too short or malformed to use
 * (reported); MADT entries that are bad are reported and the walk stops
 * there, keeping what came before.
 */
int acpi_parse_madt(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_madt *out);
int acpi_parse_fadt(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_fadt *out);
int acpi_parse_hpet(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_hpet *out);
int acpi_parse_mcfg(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_mcfg *out);

/* The sum of @len bytes at @p, modulo 256: 0 for a good ACPI checksum. */
uint8_t acpi_checksum(const void *p, size_t len);
