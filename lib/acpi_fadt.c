/*
 * lib/acpi_fadt.c - the Fixed ACPI Description Table (ACPI 6.5, 5.2.9),
 * signature "FACP": where the power management registers, the reset
 * register and the DSDT are, whatever the table's revision.
 */
#include "lib/acpi.h"

#include "lib/acpi_internal.h"
#include "lib/errno.h"
#include "lib/string.h"

/* 5.2.9 table 5.9: byte offsets of the fields read here. */
#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_ACPI_DISABLE	53
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1B_EVT_BLK	60
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM1B_CNT_BLK	68
#define FADT_PM_TMR_BLK		76
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_PM_TMR_LEN		91
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_FIRMWARE_CTRL	132
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1B_EVT_BLK	160
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_X_PM1B_CNT_BLK	184
#define FADT_X_PM_TMR_BLK	208
#define FADT_MAX_LEN		276	/* revision 6: up to the hypervisor id */

#define FADT_V1_LEN		116	/* ACPI 1.0: up to the flags */

/* The length each revision defines (ACPI 1.0: 1, 1.0b errata: 2, 2.0: 3,
 * 3.0: 4, 5.0: 5, 6.0: 6); a table shorter than its revision says is read
 * with the missing fields as zero, and reported. */
static const uint16_t fadt_rev_len[] = { 0, 116, 129, 244, 244, 268, 276 };

/* Whether the (zero-padded) copy holds a field of @size bytes at @off. */
static bool has(uint32_t len, uint32_t off, uint32_t size)
{
	return len >= off + size;
}

/* A 32-bit I/O port block as a GAS, for PM1 blocks before the X_ ones. */
static struct acpi_gas io_block(uint32_t port, uint8_t len)
{
	return (struct acpi_gas){ .space = ACPI_GAS_IO,
				  .bit_width = (uint8_t)(len * 8),
				  .address = port };
}

/*
 * The X_ GAS at @x_off when the table holds it and it is not zero, else
 * the 32-bit port block at @off. A conflict (both set, the X_ one an I/O
 * block at another port) sets @bit in @conflicts.
 */
static struct acpi_gas pick_block(const uint8_t *f, uint32_t len, uint32_t off,
				  uint8_t blk_len, uint32_t x_off,
				  unsigned int bit, unsigned int *conflicts)
{
	struct acpi_gas x = { 0 };
	uint32_t port = acpi_read32(f + off);

	if (has(len, x_off, ACPI_GAS_LEN))
		acpi_read_gas(f + x_off, &x);
	if (!x.address)
		return port ? io_block(port, blk_len) : x;
	if (port && (x.space != ACPI_GAS_IO || x.address != port))
		*conflicts |= bit;
	return x;
}

/* The same rule for a 32-bit address with a 64-bit X_ twin. */
static uint64_t pick_addr(const uint8_t *f, uint32_t len, uint32_t off,
			  uint32_t x_off, unsigned int bit,
			  unsigned int *conflicts)
{
	uint32_t a = acpi_read32(f + off);
	uint64_t x = has(len, x_off, 8) ? acpi_read64(f + x_off) : 0;

	if (!x)
		return a;
	if (a && a != x)
		*conflicts |= bit;
	return x;
}

static void decode_blocks(const uint8_t *f, uint32_t len, struct acpi_fadt *o)
{
	uint8_t evt_len = f[FADT_PM1_EVT_LEN];
	uint8_t cnt_len = f[FADT_PM1_CNT_LEN];
	unsigned int *c = &o->conflicts;

	o->facs = pick_addr(f, len, FADT_FIRMWARE_CTRL, FADT_X_FIRMWARE_CTRL,
			    ACPI_FADT_CONFLICT_FACS, c);
	o->dsdt = pick_addr(f, len, FADT_DSDT, FADT_X_DSDT,
			    ACPI_FADT_CONFLICT_DSDT, c);
	o->pm1a_evt = pick_block(f, len, FADT_PM1A_EVT_BLK, evt_len,
				 FADT_X_PM1A_EVT_BLK, 0, c);
	o->pm1b_evt = pick_block(f, len, FADT_PM1B_EVT_BLK, evt_len,
				 FADT_X_PM1B_EVT_BLK, 0, c);
	o->pm1a_cnt = pick_block(f, len, FADT_PM1A_CNT_BLK, cnt_len,
				 FADT_X_PM1A_CNT_BLK, ACPI_FADT_CONFLICT_PM1A_CNT, c);
	o->pm1b_cnt = pick_block(f, len, FADT_PM1B_CNT_BLK, cnt_len,
				 FADT_X_PM1B_CNT_BLK, ACPI_FADT_CONFLICT_PM1B_CNT, c);
	o->pm_timer = pick_block(f, len, FADT_PM_TMR_BLK, f[FADT_PM_TMR_LEN],
				 FADT_X_PM_TMR_BLK, 0, c);
}

static void decode_misc(const uint8_t *f, uint32_t len, struct acpi_fadt *o)
{
	o->sci_irq = acpi_read16(f + FADT_SCI_INT);
	o->smi_cmd = acpi_read32(f + FADT_SMI_CMD);
	o->acpi_enable = f[FADT_ACPI_ENABLE];
	o->acpi_disable = f[FADT_ACPI_DISABLE];
	o->century = f[FADT_CENTURY];
	/* IAPC_BOOT_ARCH was reserved (zero) in revision 1. */
	o->boot_arch = acpi_read16(f + FADT_IAPC_BOOT_ARCH);
	o->has_8042 = o->boot_arch & ACPI_BOOT_8042;
	o->no_vga = o->boot_arch & ACPI_BOOT_NO_VGA;
	o->flags = acpi_read32(f + FADT_FLAGS);
	o->hw_reduced = o->flags & ACPI_FADT_HW_REDUCED;
	if (has(len, FADT_RESET_VALUE, 1)) {
		acpi_read_gas(f + FADT_RESET_REG, &o->reset_reg);
		o->reset_value = f[FADT_RESET_VALUE];
	}
	o->reset_supported = (o->flags & ACPI_FADT_RESET_REG_SUP) &&
			     o->reset_reg.address;
}

int acpi_parse_fadt(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_fadt *out)
{
	uint8_t f[FADT_MAX_LEN];
	uint32_t len = t->length < FADT_MAX_LEN ? t->length : FADT_MAX_LEN;

	memset(out, 0, sizeof(*out));
	if (t->length < FADT_V1_LEN) {
		acpi_report(io, "ACPI: FACP: %u bytes, shorter than revision 1's %u",
			    t->length, FADT_V1_LEN);
		return -EINVAL;
	}
	if (t->revision < sizeof(fadt_rev_len) / sizeof(fadt_rev_len[0]) &&
	    t->length < fadt_rev_len[t->revision])
		acpi_report(io, "ACPI: FACP: revision %u is %u bytes, short of the "
			    "%u it defines; the missing fields read as zero",
			    t->revision, t->length, fadt_rev_len[t->revision]);
	/* A zero-padded copy: every field past a short table reads as 0. */
	memset(f, 0, sizeof(f));
	memcpy(f, t->data, len);
	out->revision = t->revision;
	out->length = t->length;
	decode_blocks(f, len, out);
	decode_misc(f, len, out);
	return 0;
}
