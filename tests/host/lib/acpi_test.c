/*
 * tests/host/lib/acpi_test.c - host tests of the ACPI parser (lib/acpi.c,
 * lib/acpi_madt.c, lib/acpi_fadt.c): tables built by hand, good and
 * hostile, in a pretend physical memory (acpi_fixture.h), tables iasl
 * compiles from tests/fixtures/acpi/asl/ (mk/acpi.mk), whole and damaged,
 * and the tables QEMU's firmware gives (tests/fixtures/acpi/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include "lib/acpi.h"
#include "lib/errno.h"
#include "tests/host/lib/acpi_fixture.h"

#define ACPI_FIXTURE_DIR "tests/fixtures/acpi"

#define RSDT_PHYS	0x7000
#define XSDT_PHYS	0x8000
#define MADT_PHYS	0x9000
#define HPET_PHYS	0xa000
#define FADT_PHYS	0xb000
#define DSDT_PHYS	0xc000

/* A MADT of the header, its fixed fields and @body (@body_len bytes). */
static uint8_t *put_madt(struct fake_mem *m, uint64_t phys, const uint8_t *body,
			 size_t body_len, struct acpi_table *t)
{
	uint8_t buf[1024] = { 0 };
	uint32_t len = (uint32_t)(44 + body_len);
	uint8_t *p;

	put_header(buf, "APIC", len, 5);
	put32(buf + 36, 0xfee00000);
	put32(buf + 40, 1);
	memcpy(buf + 44, body, body_len);
	fix_checksum(buf, len);
	p = fake_put(m, phys, buf, len);
	*t = (struct acpi_table){ "APIC", "KEELTS", "TESTTABL", 5, len, phys, p };
	return p;
}

static void madt_test_every_entry_type_decodes(void **state)
{
	static const uint8_t body[] = {
		0, 8, 0, 0, 1, 0, 0, 0,		/* CPU uid 0 apic 0, enabled */
		0, 8, 1, 2, 2, 0, 0, 0,		/* uid 1 apic 2, online-capable */
		1, 12, 9, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0,	/* IOAPIC 9 */
		2, 10, 0, 0, 2, 0, 0, 0, 0, 0,	/* IRQ 0 -> GSI 2, conforms */
		2, 10, 0, 9, 9, 0, 0, 0, 0x0f, 0,	/* IRQ 9, low, level */
		3, 8, 0x05, 0, 7, 0, 0, 0,	/* NMI source GSI 7, high edge */
		4, 6, 0xff, 0x05, 0, 1,		/* LAPIC NMI all, LINT1 */
		5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0,	/* LAPIC at 1:fee00000 */
		9, 16, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0,	/* x2APIC 256 */
		10, 12, 0x0f, 0, 7, 0, 0, 0, 0, 0, 0, 0,	/* x2 NMI uid 7 LINT0 */
		0x7f, 4, 0, 0,			/* an unknown type */
	};
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_madt madt;

	(void)state;
	fake_init(&m);
	put_madt(&m, MADT_PHYS, body, sizeof(body), &t);
	assert_int_equal(acpi_parse_madt(&t, &m.io, &madt), 0);
	assert_int_equal(madt.lapic_phys, 0x1fee00000ULL);
	assert_true(madt.pcat_compat);
	assert_int_equal(madt.cpu_count, 3);
	assert_true(madt.cpus[0].enabled && !madt.cpus[0].online_capable);
	assert_int_equal(madt.cpus[1].apic_id, 2);
	assert_int_equal(madt.cpus[1].uid, 1);
	assert_true(!madt.cpus[1].enabled && madt.cpus[1].online_capable);
	assert_true(madt.cpus[2].x2apic && madt.cpus[2].enabled);
	assert_int_equal(madt.cpus[2].apic_id, 256);
	assert_int_equal(madt.cpus[2].uid, 7);
	assert_int_equal(madt.ioapic_count, 1);
	assert_int_equal(madt.ioapics[0].id, 9);
	assert_int_equal(madt.ioapics[0].phys, 0xfec00000);
	assert_int_equal(madt.override_count, 2);
	assert_int_equal(madt.overrides[0].gsi, 2);
	assert_int_equal(madt.overrides[0].polarity, ACPI_POLARITY_CONFORMS);
	assert_int_equal(madt.overrides[1].irq, 9);
	assert_int_equal(madt.overrides[1].polarity, ACPI_POLARITY_LOW);
	assert_int_equal(madt.overrides[1].trigger, ACPI_TRIGGER_LEVEL);
	assert_int_equal(madt.nmi_source_count, 1);
	assert_int_equal(madt.nmi_sources[0].gsi, 7);
	assert_int_equal(madt.nmi_sources[0].polarity, ACPI_POLARITY_HIGH);
	assert_int_equal(madt.nmi_sources[0].trigger, ACPI_TRIGGER_EDGE);
	assert_int_equal(madt.lapic_nmi_count, 2);
	assert_int_equal(madt.lapic_nmis[0].uid, ACPI_UID_ALL);
	assert_int_equal(madt.lapic_nmis[0].lint, 1);
	assert_int_equal(madt.lapic_nmis[1].uid, 7);
	assert_int_equal(madt.lapic_nmis[1].lint, 0);
	assert_int_equal(madt.lapic_nmis[1].trigger, ACPI_TRIGGER_LEVEL);
	assert_int_equal(madt.unknown_count, 1);
	assert_int_equal(m.report_count, 0);
	fake_free(&m);
}

/* before: an entry of length 0 would loop forever; after: reported, the
 * walk stops and keeps what came before. */
static void madt_test_zero_length_entry_stops_walk(void **state)
{
	static const uint8_t body[] = {
		0, 8, 0, 0, 1, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 8, 1, 1, 1, 0, 0, 0,
	};
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_madt madt;

	(void)state;
	fake_init(&m);
	put_madt(&m, MADT_PHYS, body, sizeof(body), &t);
	assert_int_equal(acpi_parse_madt(&t, &m.io, &madt), 0);
	assert_int_equal(madt.cpu_count, 1);
	assert_non_null(strstr(m.reports, "entry at offset 52 (type 0) has length 0"));
	fake_free(&m);
}

static void madt_test_entry_past_end_stops_walk(void **state)
{
	static const uint8_t body[] = {
		0, 8, 0, 0, 1, 0, 0, 0,
		1, 40, 9, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0,
	};
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_madt madt;

	(void)state;
	fake_init(&m);
	put_madt(&m, MADT_PHYS, body, sizeof(body), &t);
	assert_int_equal(acpi_parse_madt(&t, &m.io, &madt), 0);
	assert_int_equal(madt.cpu_count, 1);
	assert_int_equal(madt.ioapic_count, 0);
	assert_non_null(strstr(m.reports, "has length 40, past the table's end"));
	fake_free(&m);
}

static void madt_test_short_entry_is_skipped(void **state)
{
	static const uint8_t body[] = {
		1, 6, 9, 0, 0, 0,			/* an IOAPIC needs 12 */
		0, 8, 0, 0, 1, 0, 0, 0,
	};
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_madt madt;

	(void)state;
	fake_init(&m);
	put_madt(&m, MADT_PHYS, body, sizeof(body), &t);
	assert_int_equal(acpi_parse_madt(&t, &m.io, &madt), 0);
	assert_int_equal(madt.ioapic_count, 0);
	assert_int_equal(madt.cpu_count, 1);
	assert_int_equal(madt.dropped_count, 1);
	assert_non_null(strstr(m.reports, "IOAPIC entry at offset 44 is 6 bytes, needs 12"));
	fake_free(&m);
}

static void madt_test_more_cpus_than_fit_are_counted(void **state)
{
	uint8_t body[(ACPI_MAX_CPUS + 2) * 8];
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_madt madt;

	(void)state;
	for (unsigned int i = 0; i < ACPI_MAX_CPUS + 2; i++) {
		uint8_t e[8] = { 0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0 };

		memcpy(body + i * 8, e, 8);
	}
	fake_init(&m);
	put_madt(&m, MADT_PHYS, body, sizeof(body), &t);
	assert_int_equal(acpi_parse_madt(&t, &m.io, &madt), 0);
	assert_int_equal(madt.cpu_count, ACPI_MAX_CPUS);
	assert_int_equal(madt.dropped_count, 2);
	assert_non_null(strstr(m.reports, "more than 64 processors"));
	fake_free(&m);
}

/* --- RSDP, root tables, per-table checks -------------------------------- */

/* A table of @len bytes (signature @sig, zero body) at @phys. */
static uint8_t *put_table(struct fake_mem *m, uint64_t phys, const char *sig,
			  uint32_t len)
{
	uint8_t buf[512] = { 0 };

	put_header(buf, sig, len, 1);
	fix_checksum(buf, len);
	return fake_put(m, phys, buf, len);
}

/* An XSDT (or RSDT, @entry 4) at @phys listing @n addresses. */
static uint8_t *put_root(struct fake_mem *m, uint64_t phys, const char *sig,
			 const uint64_t *addr, unsigned int n, size_t entry)
{
	uint8_t buf[512] = { 0 };
	uint32_t len = (uint32_t)(36 + n * entry);

	put_header(buf, sig, len, 1);
	for (unsigned int i = 0; i < n; i++) {
		if (entry == 8)
			put64(buf + 36 + i * 8, addr[i]);
		else
			put32(buf + 36 + i * 4, (uint32_t)addr[i]);
	}
	fix_checksum(buf, len);
	return fake_put(m, phys, buf, len);
}

static void rsdp_test_checksums_and_length(void **state)
{
	uint8_t p[ACPI_RSDP_V2_LEN];
	struct fake_mem m;

	(void)state;
	fake_init(&m);
	put_rsdp(p, RSDT_PHYS, XSDT_PHYS, 2);
	assert_int_equal(acpi_rsdp_check(p, sizeof(p), &m.io), 0);
	/* Revision 2 needs all 36 bytes. */
	assert_int_equal(acpi_rsdp_check(p, 20, &m.io), -EINVAL);
	assert_non_null(strstr(m.reports, "revision 2 but only 20 bytes"));
	p[24] ^= 1;	/* the XSDT address: only the extended sum covers it */
	assert_int_equal(acpi_rsdp_check(p, sizeof(p), &m.io), -EINVAL);
	assert_non_null(strstr(m.reports, "bad extended checksum"));
	put_rsdp(p, RSDT_PHYS, XSDT_PHYS, 2);
	p[16] ^= 1;
	assert_int_equal(acpi_rsdp_check(p, sizeof(p), &m.io), -EINVAL);
	assert_non_null(strstr(m.reports, "bad checksum over its first 20 bytes"));
	put_rsdp(p, RSDT_PHYS, XSDT_PHYS, 2);
	put32(p + 20, 4096);
	p[32] = 0;
	p[32] = (uint8_t)-sum8(p, ACPI_RSDP_V2_LEN);
	assert_int_equal(acpi_rsdp_check(p, sizeof(p), &m.io), -EINVAL);
	assert_non_null(strstr(m.reports, "length 4096 is outside 36..36"));
	memcpy(p, "RSD PTX ", 8);
	assert_int_equal(acpi_rsdp_check(p, sizeof(p), &m.io), -EINVAL);
	assert_non_null(strstr(m.reports, "no \"RSD PTR \" signature"));
	fake_free(&m);
}

/* A version 1 RSDP has 20 bytes and no XSDT: the RSDT is walked. */
static void scan_test_v1_rsdp_uses_rsdt(void **state)
{
	uint64_t list[] = { HPET_PHYS };
	uint8_t p[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;

	(void)state;
	fake_init(&m);
	put_rsdp(p, RSDT_PHYS, 0, 0);
	put_root(&m, RSDT_PHYS, "RSDT", list, 1, 4);
	put_table(&m, HPET_PHYS, "HPET", 56);
	assert_int_equal(acpi_scan(p, ACPI_RSDP_V1_LEN, &m.io, &t), 0);
	assert_false(t.xsdt);
	assert_int_equal(t.count, 1);
	assert_string_equal(t.tables[0].sig, "HPET");
	assert_string_equal(t.tables[0].oem_id, "KEELTS");
	assert_string_equal(t.rsdp_oem_id, "KEELTS");
	fake_free(&m);
}

/* before: a root entry to unmapped memory or a bad table could crash or
 * be used; after: each is reported by name and skipped, the rest kept. */
static void scan_test_bad_entries_are_skipped_by_name(void **state)
{
	uint64_t list[] = { MADT_PHYS, 0xdead0000, 0, HPET_PHYS, FADT_PHYS,
			    DSDT_PHYS };
	uint8_t p[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;
	uint8_t *hpet;
	uint8_t bad[64] = { 0 };

	(void)state;
	fake_init(&m);
	put_rsdp(p, RSDT_PHYS, XSDT_PHYS, 2);
	put_root(&m, XSDT_PHYS, "XSDT", list, 6, 8);
	put_table(&m, MADT_PHYS, "APIC", 44);
	hpet = put_table(&m, HPET_PHYS, "HPET", 56);
	hpet[40] ^= 0xff;			/* checksum now wrong */
	put_header(bad, "FACP", 4096, 1);	/* runs past its memory */
	fix_checksum(bad, sizeof(bad));
	fake_put(&m, FADT_PHYS, bad, sizeof(bad));
	memcpy(bad, "ab$d", 4);			/* not a signature */
	put32(bad + 4, 64);
	fake_put(&m, DSDT_PHYS, bad, sizeof(bad));
	assert_int_equal(acpi_scan(p, sizeof(p), &m.io, &t), 0);
	assert_true(t.xsdt);
	assert_int_equal(t.count, 1);
	assert_string_equal(t.tables[0].sig, "APIC");
	assert_int_equal(t.refused, 5);
	assert_non_null(strstr(m.reports, "XSDT entry 1 points to 0xdead0000, which is not mapped memory"));
	assert_non_null(strstr(m.reports, "XSDT entry 2 points to address 0"));
	assert_non_null(strstr(m.reports, "HPET at 0xa000: bad checksum; skipped"));
	assert_non_null(strstr(m.reports, "FACP at 0xb000: length 4096 runs past mapped memory"));
	assert_non_null(strstr(m.reports, "XSDT entry 5 at 0xc000 has no valid signature"));
	fake_free(&m);
}

static void scan_test_bad_xsdt_falls_back_to_rsdt(void **state)
{
	uint64_t list[] = { HPET_PHYS };
	uint8_t p[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;
	uint8_t *x;

	(void)state;
	fake_init(&m);
	put_rsdp(p, RSDT_PHYS, XSDT_PHYS, 2);
	x = put_root(&m, XSDT_PHYS, "XSDT", list, 1, 8);
	x[9] ^= 1;
	put_root(&m, RSDT_PHYS, "RSDT", list, 1, 4);
	put_table(&m, HPET_PHYS, "HPET", 56);
	assert_int_equal(acpi_scan(p, sizeof(p), &m.io, &t), 0);
	assert_false(t.xsdt);
	assert_int_equal(t.count, 1);
	assert_non_null(strstr(m.reports, "XSDT at 0x8000: bad checksum"));
	assert_non_null(strstr(m.reports, "the XSDT is unusable; trying the RSDT"));
	fake_free(&m);
}

static void scan_test_no_root_is_refused(void **state)
{
	uint8_t p[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;

	(void)state;
	fake_init(&m);
	put_rsdp(p, RSDT_PHYS, XSDT_PHYS, 2);
	put_table(&m, RSDT_PHYS, "FACP", 36);	/* not an RSDT */
	assert_int_equal(acpi_scan(p, sizeof(p), &m.io, &t), -EINVAL);
	assert_non_null(strstr(m.reports, "RSDT at 0x7000 is FACP, not RSDT"));
	assert_non_null(strstr(m.reports, "no usable RSDT or XSDT"));
	fake_free(&m);
}

/* --- FADT ---------------------------------------------------------------- */

static struct acpi_table put_fadt(struct fake_mem *m, uint8_t *buf, uint32_t len,
				  uint8_t rev)
{
	uint8_t *p;

	put_header(buf, "FACP", len, rev);
	fix_checksum(buf, len);
	p = fake_put(m, FADT_PHYS, buf, len);
	return (struct acpi_table){ "FACP", "KEELTS", "TESTTABL", rev, len,
				    FADT_PHYS, p };
}

/* Revision 1: 116 bytes, no reset register, no X_ fields. */
static void fadt_test_revision_1_uses_32_bit_fields(void **state)
{
	uint8_t buf[276] = { 0 };
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_fadt f;

	(void)state;
	fake_init(&m);
	put32(buf + 40, DSDT_PHYS);
	put16(buf + 46, 9);
	put32(buf + 64, 0x604);
	buf[89] = 2;
	put32(buf + 112, ACPI_FADT_RESET_REG_SUP);	/* but no register */
	t = put_fadt(&m, buf, 116, 1);
	assert_int_equal(acpi_parse_fadt(&t, &m.io, &f), 0);
	assert_int_equal(f.dsdt, DSDT_PHYS);
	assert_int_equal(f.sci_irq, 9);
	assert_int_equal(f.pm1a_cnt.space, ACPI_GAS_IO);
	assert_int_equal(f.pm1a_cnt.address, 0x604);
	assert_int_equal(f.pm1a_cnt.bit_width, 16);
	assert_int_equal(f.pm1b_cnt.address, 0);
	assert_false(f.reset_supported);
	assert_int_equal(f.conflicts, 0);
	assert_int_equal(m.report_count, 0);
	fake_free(&m);
}

/* Revision 3 and up: the X_ fields win when set; a differing 32-bit twin is
 * a conflict. The reset register counts only with RESET_REG_SUP. */
static void fadt_test_x_fields_win(void **state)
{
	uint8_t buf[276] = { 0 };
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_fadt f;

	(void)state;
	fake_init(&m);
	put32(buf + 40, 0x1000);		/* DSDT, differs from X_DSDT */
	put64(buf + 140, 0x123456789ULL);	/* X_DSDT */
	put32(buf + 64, 0xb004);		/* PM1a_CNT_BLK */
	buf[89] = 2;
	buf[172] = ACPI_GAS_IO;			/* X_PM1a_CNT_BLK, same port */
	buf[173] = 16;
	put64(buf + 176, 0xb004);
	buf[184] = ACPI_GAS_MEMORY;		/* X_PM1b_CNT_BLK only */
	buf[185] = 16;
	put64(buf + 188, 0xfed00000);
	buf[108] = 0x32;			/* century */
	put16(buf + 109, ACPI_BOOT_8042 | ACPI_BOOT_NO_VGA);
	put32(buf + 112, ACPI_FADT_RESET_REG_SUP);
	buf[116] = ACPI_GAS_IO;
	buf[117] = 8;
	put64(buf + 120, 0xcf9);
	buf[128] = 6;
	t = put_fadt(&m, buf, 244, 3);
	assert_int_equal(acpi_parse_fadt(&t, &m.io, &f), 0);
	assert_int_equal(f.dsdt, 0x123456789ULL);
	assert_int_equal(f.conflicts, ACPI_FADT_CONFLICT_DSDT);
	assert_int_equal(f.pm1a_cnt.address, 0xb004);
	assert_int_equal(f.pm1b_cnt.space, ACPI_GAS_MEMORY);
	assert_int_equal(f.pm1b_cnt.address, 0xfed00000);
	assert_int_equal(f.century, 0x32);
	assert_true(f.has_8042 && f.no_vga);
	assert_true(f.reset_supported);
	assert_int_equal(f.reset_reg.address, 0xcf9);
	assert_int_equal(f.reset_value, 6);
	fake_free(&m);
}

/* A table shorter than its revision defines: reported, the missing fields
 * read as zero (never past the table). */
static void fadt_test_short_revision_reads_zero(void **state)
{
	uint8_t buf[276] = { 0 };
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_fadt f;

	(void)state;
	fake_init(&m);
	put32(buf + 40, DSDT_PHYS);
	t = put_fadt(&m, buf, 132, 5);
	assert_int_equal(acpi_parse_fadt(&t, &m.io, &f), 0);
	assert_int_equal(f.dsdt, DSDT_PHYS);
	assert_non_null(strstr(m.reports, "revision 5 is 132 bytes, short of the 268"));
	t = put_fadt(&m, buf, 100, 1);
	assert_int_equal(acpi_parse_fadt(&t, &m.io, &f), -EINVAL);
	assert_non_null(strstr(m.reports, "100 bytes, shorter than revision 1's 116"));
	fake_free(&m);
}

/* --- Tables compiled by iasl (tests/fixtures/acpi/asl/), then damaged -- */

/* iasl's MADT (asl/madt.dsl) at MADT_PHYS, behind a version 1 RSDP and an
 * RSDT that lists it. Returns the copy in pretend memory. */
static uint8_t *put_iasl_madt(struct fake_mem *m, uint8_t *rsdp, size_t *len)
{
	uint64_t list[] = { MADT_PHYS };

	fake_init(m);
	put_rsdp(rsdp, RSDT_PHYS, 0, 0);
	put_root(m, RSDT_PHYS, "RSDT", list, 1, 4);
	return fake_put_aml(m, MADT_PHYS, "madt", len);
}

/* The MADT's entries, from offset 44: each one's offset, in @off. */
static unsigned int madt_entries(const uint8_t *d, size_t len, uint32_t *off,
				 unsigned int max)
{
	unsigned int n = 0;

	for (uint32_t o = 44; o + 2 <= len && d[o + 1] && n < max; o += d[o + 1])
		off[n++] = o;
	return n;
}

/* What asl/madt.dsl says, read back: a second source for the decoder. */
static void madt_test_iasl_table_decodes(void **state)
{
	uint8_t rsdp[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;
	struct acpi_madt madt;
	size_t len;

	(void)state;
	put_iasl_madt(&m, rsdp, &len);
	assert_int_equal(acpi_scan(rsdp, ACPI_RSDP_V1_LEN, &m.io, &t), 0);
	assert_int_equal(t.count, 1);
	assert_string_equal(t.tables[0].oem_table_id, "IASLMADT");
	assert_int_equal(t.tables[0].length, len);
	assert_int_equal(acpi_parse_madt(&t.tables[0], &m.io, &madt), 0);
	assert_int_equal(madt.lapic_phys, 0xfee00000);
	assert_true(madt.pcat_compat);
	assert_int_equal(madt.cpu_count, 4);
	assert_true(madt.cpus[2].enabled && !madt.cpus[3].enabled);
	assert_int_equal(madt.cpus[3].apic_id, 3);
	assert_int_equal(madt.ioapic_count, 1);
	assert_int_equal(madt.ioapics[0].phys, 0xfec00000);
	assert_int_equal(madt.override_count, 2);
	assert_int_equal(madt.overrides[0].gsi, 2);
	assert_int_equal(madt.overrides[1].irq, 9);
	assert_int_equal(madt.overrides[1].polarity, ACPI_POLARITY_HIGH);
	assert_int_equal(madt.overrides[1].trigger, ACPI_TRIGGER_LEVEL);
	assert_int_equal(madt.lapic_nmi_count, 1);
	assert_int_equal(madt.lapic_nmis[0].uid, ACPI_UID_ALL);
	assert_int_equal(madt.lapic_nmis[0].lint, 1);
	assert_int_equal(m.report_count, 0);
	fake_free(&m);
}

/* Any one byte of the table changed (each bit 0 and bit 7 in turn), its
 * checksum left alone: the scan refuses the table, by name or address,
 * and keeps nothing of it, whichever field the byte was in. */
static void madt_test_iasl_any_byte_changed_is_refused(void **state)
{
	static const uint8_t flips[] = { 0x01, 0x80 };
	uint8_t rsdp[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;
	uint8_t *d;
	size_t len;

	(void)state;
	d = put_iasl_madt(&m, rsdp, &len);
	for (size_t i = 0; i < len; i++) {
		for (size_t f = 0; f < sizeof(flips); f++) {
			m.reports[0] = '\0';
			m.report_count = 0;
			d[i] ^= flips[f];
			assert_int_equal(acpi_scan(rsdp, ACPI_RSDP_V1_LEN, &m.io, &t), 0);
			d[i] ^= flips[f];
			if (t.count != 0 || t.refused != 1 || m.report_count != 1)
				fail_msg("byte %zu ^ %#x: %u kept, %u refused: %s",
					 i, flips[f], t.count, t.refused, m.reports);
		}
	}
	fake_free(&m);
}

/* The header's own damage, the checksum made good again each time: a
 * length one byte past the table, a length below the header's, and the
 * checksum byte alone. Each is refused with its own reason. */
static void madt_test_iasl_header_damage_says_why(void **state)
{
	static const struct {
		int32_t length_delta;	/* added to the length field */
		bool fix_sum;
		const char *report;
	} cases[] = {
		{ 1, true, "APIC at 0x9000: length 115 runs past mapped memory" },
		{ 35 - 114, true, "APIC at 0x9000: length 35 is impossible" },
		{ 0, false, "APIC at 0x9000: bad checksum; skipped" },
	};
	uint8_t rsdp[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;
	uint8_t *d;
	size_t len;

	(void)state;
	d = put_iasl_madt(&m, rsdp, &len);
	assert_int_equal(len, 114);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put32(d + 4, (uint32_t)((int32_t)len + cases[i].length_delta));
		if (cases[i].fix_sum)
			fix_checksum(d, len);
		else
			d[9] ^= 0x55;
		m.reports[0] = '\0';
		assert_int_equal(acpi_scan(rsdp, ACPI_RSDP_V1_LEN, &m.io, &t), 0);
		assert_int_equal(t.count, 0);
		assert_non_null(strstr(m.reports, cases[i].report));
		put32(d + 4, (uint32_t)len);
		fix_checksum(d, len);
	}
	fake_free(&m);
}

/* Each of the eight entries in turn given length 0 (checksum made good):
 * the walk stops at it, names its offset and type, and keeps exactly the
 * entries before it. */
static void madt_test_iasl_zero_length_entry_at_each_place(void **state)
{
	uint8_t rsdp[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;
	struct acpi_madt madt;
	uint32_t off[16];
	unsigned int n;
	char want[96];
	uint8_t *d;
	size_t len;

	(void)state;
	d = put_iasl_madt(&m, rsdp, &len);
	n = madt_entries(d, len, off, 16);
	assert_int_equal(n, 8);
	for (unsigned int k = 0; k < n; k++) {
		uint8_t saved = d[off[k] + 1];

		d[off[k] + 1] = 0;
		fix_checksum(d, len);
		m.reports[0] = '\0';
		assert_int_equal(acpi_scan(rsdp, ACPI_RSDP_V1_LEN, &m.io, &t), 0);
		assert_int_equal(acpi_parse_madt(&t.tables[0], &m.io, &madt), 0);
		/* Entries 0-3 are the CPUs, 4 the IOAPIC, 5-6 overrides,
		 * 7 the LAPIC NMI. */
		assert_int_equal(madt.cpu_count, k < 4 ? k : 4);
		assert_int_equal(madt.ioapic_count, k > 4);
		assert_int_equal(madt.override_count, k > 6 ? 2 : k > 5);
		assert_int_equal(madt.lapic_nmi_count, 0);
		snprintf(want, sizeof(want), "entry at offset %u (type %u) has length 0",
			 off[k], d[off[k]]);
		assert_non_null(strstr(m.reports, want));
		d[off[k] + 1] = saved;
	}
	fix_checksum(d, len);
	fake_free(&m);
}

/* The last entry (the 6-byte LAPIC NMI) claiming 7 bytes: one past the
 * table's end. Refused; the seven entries before it kept. */
static void madt_test_iasl_last_entry_past_end(void **state)
{
	uint8_t rsdp[ACPI_RSDP_V2_LEN];
	struct fake_mem m;
	struct acpi_tables t;
	struct acpi_madt madt;
	uint32_t off[16];
	uint8_t *d;
	size_t len;
	unsigned int n;

	(void)state;
	d = put_iasl_madt(&m, rsdp, &len);
	n = madt_entries(d, len, off, 16);
	assert_int_equal(off[n - 1] + d[off[n - 1] + 1], len);
	d[off[n - 1] + 1]++;
	fix_checksum(d, len);
	assert_int_equal(acpi_scan(rsdp, ACPI_RSDP_V1_LEN, &m.io, &t), 0);
	assert_int_equal(acpi_parse_madt(&t.tables[0], &m.io, &madt), 0);
	assert_int_equal(madt.cpu_count, 4);
	assert_int_equal(madt.override_count, 2);
	assert_int_equal(madt.lapic_nmi_count, 0);
	assert_non_null(strstr(m.reports, "entry at offset 108 (type 4) has length 7, "
				"past the table's end"));
	fake_free(&m);
}

/* iasl's revision 6 FADT (asl/facp.dsl) read back, then cut to 244 bytes
 * (revision 3's size) with the revision left at 6: reported, the fields
 * it still holds decoded, none read past it (ASan). */
static void fadt_test_iasl_revision_6_and_cut_short(void **state)
{
	struct fake_mem m;
	struct acpi_table t;
	struct acpi_fadt f;
	uint8_t *d;
	size_t len;

	(void)state;
	fake_init(&m);
	d = fake_put_aml(&m, FADT_PHYS, "facp", &len);
	t = (struct acpi_table){ "FACP", "KEELTS", "IASLFADT", 6, (uint32_t)len,
				 FADT_PHYS, d };
	assert_int_equal(len, 276);
	assert_int_equal(acpi_parse_fadt(&t, &m.io, &f), 0);
	assert_int_equal(f.revision, 6);
	assert_int_equal(f.dsdt, 0xc000);
	assert_int_equal(f.conflicts, 0);
	assert_int_equal(f.sci_irq, 9);
	assert_int_equal(f.smi_cmd, 0xb2);
	assert_int_equal(f.acpi_enable, 0xf1);
	assert_int_equal(f.pm1a_cnt.space, ACPI_GAS_IO);
	assert_int_equal(f.pm1a_cnt.address, 0x604);
	assert_int_equal(f.pm1a_cnt.bit_width, 16);
	assert_int_equal(f.pm1b_cnt.address, 0);
	assert_int_equal(f.pm_timer.address, 0x608);
	assert_true(f.reset_supported);
	assert_int_equal(f.reset_reg.address, 0xcf9);
	assert_int_equal(f.reset_value, 0x0f);
	assert_true(f.has_8042);
	assert_int_equal(f.century, 0x32);
	assert_false(f.hw_reduced);
	assert_int_equal(m.report_count, 0);
	t.length = 244;
	assert_int_equal(acpi_parse_fadt(&t, &m.io, &f), 0);
	assert_non_null(strstr(m.reports, "revision 6 is 244 bytes, short of the 276"));
	assert_int_equal(f.pm1a_cnt.address, 0x604);
	assert_int_equal(f.dsdt, 0xc000);
	fake_free(&m);
}

/* --- The firmware's own tables (tests/fixtures/acpi/, -smp 2) ----------- */

/* What each fixture holds, as iasl -d (ACPICA's disassembler) reads the
 * same bytes: a second reader, not this parser's output. */
static const struct fixture_expect {
	const char *dir;
	uint8_t rsdp_revision;
	bool xsdt;
	const char *sigs;		/* the tables, in root-table order */
	uint8_t fadt_revision;
	uint64_t pm1a_cnt;
	bool reset;			/* RESET_REG_SUP and the register */
	uint64_t mcfg_base;		/* 0: no MCFG */
} fixtures[] = {
	{ "seabios-pc", 0, false, "FACP APIC HPET WAET DSDT", 1, 0x604, false, 0 },
	{ "seabios-q35", 0, false, "FACP APIC HPET MCFG WAET DSDT", 3, 0x604,
	  true, 0xb0000000 },
	{ "ovmf-pc", 2, true, "FACP APIC HPET WAET DSDT", 1, 0xb004, false, 0 },
	{ "ovmf-q35", 2, true, "FACP APIC HPET MCFG WAET DSDT", 3, 0x604,
	  true, 0xb0000000 },
};

static void load_fixture(struct fake_mem *m, const char *dir)
{
	char path[256];

	fake_init(m);
	snprintf(path, sizeof(path), "%s/%s", ACPI_FIXTURE_DIR, dir);
	assert_true(fake_load_fixture(m, path) > 0);
	assert_non_null(m->rsdp);
}

static void check_fixture_tables(const struct fixture_expect *e,
				 const struct acpi_tables *t)
{
	char sigs[256] = "";

	assert_int_equal(t->rsdp_revision, e->rsdp_revision);
	assert_int_equal(t->xsdt, e->xsdt);
	for (unsigned int i = 0; i < t->count; i++) {
		if (i)
			strcat(sigs, " ");
		strcat(sigs, t->tables[i].sig);
	}
	assert_string_equal(sigs, e->sigs);
	assert_int_equal(t->refused, 0);
}

/* QEMU's pc and q35 machines, 2 CPUs: one IOAPIC at 0xfec00000 from GSI 0,
 * the PIT's IRQ 0 on GSI 2, the SCI (IRQ 9) level-triggered active high. */
static void check_fixture_madt(const struct acpi_tables *t, struct fake_mem *m)
{
	struct acpi_madt madt;
	const struct acpi_madt_override *sci = NULL;

	assert_int_equal(acpi_parse_madt(acpi_find(t, "APIC", 0), &m->io, &madt), 0);
	assert_int_equal(madt.lapic_phys, 0xfee00000);
	assert_true(madt.pcat_compat);
	assert_int_equal(madt.cpu_count, 2);
	assert_true(madt.cpus[0].enabled && madt.cpus[1].enabled);
	assert_int_equal(madt.cpus[1].apic_id, 1);
	assert_int_equal(madt.ioapic_count, 1);
	assert_int_equal(madt.ioapics[0].phys, 0xfec00000);
	assert_int_equal(madt.ioapics[0].gsi_base, 0);
	assert_int_equal(madt.overrides[0].irq, 0);
	assert_int_equal(madt.overrides[0].gsi, 2);
	for (unsigned int i = 0; i < madt.override_count; i++) {
		if (madt.overrides[i].irq == 9)
			sci = &madt.overrides[i];
	}
	assert_non_null(sci);
	assert_int_equal(sci->trigger, ACPI_TRIGGER_LEVEL);
	assert_int_equal(sci->polarity, ACPI_POLARITY_HIGH);
	assert_int_equal(madt.lapic_nmi_count, 1);
	assert_int_equal(madt.lapic_nmis[0].uid, ACPI_UID_ALL);
	assert_int_equal(madt.lapic_nmis[0].lint, 1);
}

static void check_fixture_fadt(const struct fixture_expect *e,
			       const struct acpi_tables *t, struct fake_mem *m)
{
	struct acpi_fadt f;
	struct acpi_hpet h;
	struct acpi_mcfg mc;
	const struct acpi_table *mcfg = acpi_find(t, "MCFG", 0);

	assert_int_equal(acpi_parse_fadt(acpi_find(t, "FACP", 0), &m->io, &f), 0);
	assert_int_equal(f.revision, e->fadt_revision);
	assert_int_equal(f.sci_irq, 9);
	assert_int_equal(f.pm1a_cnt.space, ACPI_GAS_IO);
	assert_int_equal(f.pm1a_cnt.address, e->pm1a_cnt);
	assert_int_equal(f.pm1b_cnt.address, 0);
	assert_int_equal(f.dsdt, acpi_find(t, "DSDT", 0)->phys);
	assert_int_equal(f.century, 0x32);
	assert_int_equal(f.reset_supported, e->reset);
	if (e->reset) {
		assert_int_equal(f.reset_reg.space, ACPI_GAS_IO);
		assert_int_equal(f.reset_reg.address, 0xcf9);
		assert_int_equal(f.reset_value, 0x0f);
		assert_true(f.has_8042);
	}
	assert_int_equal(acpi_parse_hpet(acpi_find(t, "HPET", 0), &m->io, &h), 0);
	assert_int_equal(h.base.address, 0xfed00000);
	assert_int_equal(mcfg != NULL, e->mcfg_base != 0);
	if (mcfg) {
		assert_int_equal(acpi_parse_mcfg(mcfg, &m->io, &mc), 0);
		assert_int_equal(mc.count, 1);
		assert_int_equal(mc.segments[0].base, e->mcfg_base);
		assert_int_equal(mc.segments[0].bus_end, 0xff);
	}
}

static void fixture_test_qemu_tables_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		struct fake_mem m;
		struct acpi_tables t;

		load_fixture(&m, fixtures[i].dir);
		assert_int_equal(acpi_scan(m.rsdp, m.rsdp_len, &m.io, &t), 0);
		check_fixture_tables(&fixtures[i], &t);
		check_fixture_madt(&t, &m);
		check_fixture_fadt(&fixtures[i], &t, &m);
		assert_int_equal(m.report_count, 0);
		fake_free(&m);
	}
}

/* Every table of a real fixture cut short by one byte: the scan must
 * refuse exactly that table (its length runs past mapped memory) and keep
 * the others. */
static void fixture_test_truncated_tables_are_refused(void **state)
{
	struct fake_mem m;
	struct acpi_tables t;

	(void)state;
	load_fixture(&m, "ovmf-q35");
	for (unsigned int i = 0; i < m.n; i++) {
		m.r[i].len--;
		m.reports[0] = '\0';
		assert_int_equal(acpi_scan(m.rsdp, m.rsdp_len, &m.io, &t),
				 memcmp(m.r[i].data, "XSDT", 4) == 0 ? -EINVAL : 0);
		assert_non_null(strstr(m.reports, "runs past mapped memory"));
		m.r[i].len++;
	}
	fake_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(madt_test_every_entry_type_decodes),
		cmocka_unit_test(madt_test_zero_length_entry_stops_walk),
		cmocka_unit_test(madt_test_entry_past_end_stops_walk),
		cmocka_unit_test(madt_test_short_entry_is_skipped),
		cmocka_unit_test(madt_test_more_cpus_than_fit_are_counted),
		cmocka_unit_test(rsdp_test_checksums_and_length),
		cmocka_unit_test(scan_test_v1_rsdp_uses_rsdt),
		cmocka_unit_test(scan_test_bad_entries_are_skipped_by_name),
		cmocka_unit_test(scan_test_bad_xsdt_falls_back_to_rsdt),
		cmocka_unit_test(scan_test_no_root_is_refused),
		cmocka_unit_test(fadt_test_revision_1_uses_32_bit_fields),
		cmocka_unit_test(fadt_test_x_fields_win),
		cmocka_unit_test(fadt_test_short_revision_reads_zero),
		cmocka_unit_test(madt_test_iasl_table_decodes),
		cmocka_unit_test(madt_test_iasl_any_byte_changed_is_refused),
		cmocka_unit_test(madt_test_iasl_header_damage_says_why),
		cmocka_unit_test(madt_test_iasl_zero_length_entry_at_each_place),
		cmocka_unit_test(madt_test_iasl_last_entry_past_end),
		cmocka_unit_test(fadt_test_iasl_revision_6_and_cut_short),
		cmocka_unit_test(fixture_test_qemu_tables_decode),
		cmocka_unit_test(fixture_test_truncated_tables_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
