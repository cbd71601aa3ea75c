/*
 * lib/acpi.c - finding and checking the ACPI tables (ACPI 6.5, 5.2.5-5.2.8)
 * and the root table's walk. The decoders of single tables are in
 * lib/acpi_madt.c and lib/acpi_fadt.c; see lib/acpi.h.
 */
#include "lib/acpi.h"

#include "lib/acpi_internal.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"

/* 5.2.5.3, the RSDP's fields. */
#define RSDP_SIG		"RSD PTR "
#define RSDP_OEM_ID		9
#define RSDP_REVISION		15
#define RSDP_RSDT		16
#define RSDP_LENGTH		20
#define RSDP_XSDT		24

uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum;
}

void acpi_report(const struct acpi_io *io, const char *fmt, ...)
{
	char line[ACPI_REPORT_LEN];
	va_list ap;

	if (!io || !io->report)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	io->report(io->ctx, line);
}

int acpi_rsdp_check(const void *rsdp, size_t size, const struct acpi_io *io)
{
	const uint8_t *p = rsdp;
	uint32_t len;

	if (size < ACPI_RSDP_V1_LEN || memcmp(p, RSDP_SIG, 8) != 0) {
		acpi_report(io, "ACPI: RSDP: no \"RSD PTR \" signature");
		return -EINVAL;
	}
	if (acpi_checksum(p, ACPI_RSDP_V1_LEN)) {
		acpi_report(io, "ACPI: RSDP: bad checksum over its first 20 bytes");
		return -EINVAL;
	}
	if (p[RSDP_REVISION] < 2)
		return 0;
	/* 5.2.5.3: revision 2 added the length, the XSDT and a checksum of
	 * the whole structure. */
	if (size < ACPI_RSDP_V2_LEN) {
		acpi_report(io, "ACPI: RSDP: revision %u but only %zu bytes",
			    p[RSDP_REVISION], size);
		return -EINVAL;
	}
	len = acpi_read32(p + RSDP_LENGTH);
	if (len < ACPI_RSDP_V2_LEN || len > size) {
		acpi_report(io, "ACPI: RSDP: length %u is outside 36..%zu",
			    len, size);
		return -EINVAL;
	}
	if (acpi_checksum(p, len)) {
		acpi_report(io, "ACPI: RSDP: bad extended checksum");
		return -EINVAL;
	}
	return 0;
}

/* 5.2.6: a signature is four characters from A-Z, 0-9 and '_'. */
static bool signature_valid(const uint8_t *s)
{
	for (int i = 0; i < 4; i++) {
		uint8_t c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static void copy_id(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : ' ';
	while (i > 0 && dst[i - 1] == ' ')
		i--;
	dst[i] = '\0';
}

static void fill_table(struct acpi_table *t, uint64_t phys, const uint8_t *d)
{
	memcpy(t->sig, d, 4);
	t->sig[4] = '\0';
	copy_id(t->oem_id, d + ACPI_HDR_OEM_ID, 6);
	copy_id(t->oem_table_id, d + ACPI_HDR_OEM_TABLE_ID, 8);
	t->revision = d[ACPI_HDR_REVISION];
	t->length = acpi_read32(d + ACPI_HDR_LENGTH);
	t->phys = phys;
	t->data = d;
}

/* The header checks before the whole table is mapped. */
static int check_header(const uint8_t *h, uint64_t phys, const char *want,
			const char *what, const struct acpi_io *io)
{
	uint32_t len = acpi_read32(h + ACPI_HDR_LENGTH);

	if (!signature_valid(h)) {
		acpi_report(io, "ACPI: %s at %#llx has no valid signature; skipped",
			    what, (unsigned long long)phys);
		return -EINVAL;
	}
	if (want && memcmp(h, want, 4) != 0) {
		acpi_report(io, "ACPI: %s at %#llx is %.4s, not %s; skipped",
			    what, (unsigned long long)phys, h, want);
		return -EINVAL;
	}
	if (len < ACPI_HEADER_LEN || len > ACPI_MAX_TABLE_LEN ||
	    phys + len < phys) {
		acpi_report(io, "ACPI: %.4s at %#llx: length %u is impossible; skipped",
			    h, (unsigned long long)phys, len);
		return -EINVAL;
	}
	return 0;
}

/*
 * Map and check the table at @phys (named @what in reports; @want, when
 * not NULL, is the signature it must have) into @t.
 */
static int load_table(uint64_t phys, const char *want, const char *what,
		      const struct acpi_io *io, struct acpi_table *t)
{
	const uint8_t *h;
	const uint8_t *d;
	uint32_t len;

	if (!phys) {
		acpi_report(io, "ACPI: %s points to address 0; skipped", what);
		return -EINVAL;
	}
	h = io->map(io->ctx, phys, ACPI_HEADER_LEN);
	if (!h) {
		acpi_report(io, "ACPI: %s points to %#llx, which is not mapped memory; skipped",
			    what, (unsigned long long)phys);
		return -EINVAL;
	}
	if (check_header(h, phys, want, what, io))
		return -EINVAL;
	len = acpi_read32(h + ACPI_HDR_LENGTH);
	d = io->map(io->ctx, phys, len);
	if (!d) {
		acpi_report(io, "ACPI: %.4s at %#llx: length %u runs past mapped memory; skipped",
			    h, (unsigned long long)phys, len);
		return -EINVAL;
	}
	if (acpi_checksum(d, len)) {
		acpi_report(io, "ACPI: %.4s at %#llx: bad checksum; skipped",
			    d, (unsigned long long)phys);
		return -EINVAL;
	}
	fill_table(t, phys, d);
	return 0;
}

static void add_table(struct acpi_tables *out, const struct acpi_table *t,
		      const struct acpi_io *io)
{
	if (out->count == ACPI_MAX_TABLES) {
		acpi_report(io, "ACPI: more than %u tables; %s at %#llx left out",
			    ACPI_MAX_TABLES, t->sig, (unsigned long long)t->phys);
		out->refused++;
		return;
	}
	out->tables[out->count++] = *t;
}

/* The RSDT (@entry 4 bytes) or XSDT (8): load every table it lists. */
static int walk_root(uint64_t phys, const char *sig, size_t entry,
		     const struct acpi_io *io, struct acpi_tables *out)
{
	struct acpi_table root;
	struct acpi_table t;
	char what[24];
	size_t n;

	if (load_table(phys, sig, sig, io, &root))
		return -EINVAL;
	n = (root.length - ACPI_HEADER_LEN) / entry;
	if ((root.length - ACPI_HEADER_LEN) % entry)
		acpi_report(io, "ACPI: %s: length %u leaves a partial entry; ignored",
			    sig, root.length);
	out->count = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)root.data + ACPI_HEADER_LEN +
				   i * entry;
		uint64_t p = entry == 8 ? acpi_read64(e) : acpi_read32(e);

		snprintf(what, sizeof(what), "%s entry %zu", sig, i);
		if (load_table(p, NULL, what, io, &t)) {
			out->refused++;
			continue;
		}
		add_table(out, &t, io);
	}
	out->xsdt = entry == 8;
	out->root_phys = phys;
	return 0;
}

/* The DSDT is not in the root table: the FADT names it (5.2.9). */
static void add_dsdt(const struct acpi_io *io, struct acpi_tables *out)
{
	const struct acpi_table *facp = acpi_find(out, "FACP", 0);
	struct acpi_fadt fadt;
	struct acpi_table t;

	if (!facp || acpi_parse_fadt(facp, io, &fadt) || !fadt.dsdt)
		return;
	if (load_table(fadt.dsdt, "DSDT", "the FADT's DSDT", io, &t)) {
		out->refused++;
		return;
	}
	add_table(out, &t, io);
}

int acpi_scan(const void *rsdp, size_t size, const struct acpi_io *io,
	      struct acpi_tables *out)
{
	const uint8_t *p = rsdp;
	uint64_t xsdt = 0;
	uint32_t rsdt;

	memset(out, 0, sizeof(*out));
	if (acpi_rsdp_check(rsdp, size, io))
		return -EINVAL;
	out->rsdp_revision = p[RSDP_REVISION];
	copy_id(out->rsdp_oem_id, p + RSDP_OEM_ID, 6);
	rsdt = acpi_read32(p + RSDP_RSDT);
	if (out->rsdp_revision >= 2)
		xsdt = acpi_read64(p + RSDP_XSDT);
	/* 5.2.5.3: an OS that knows the XSDT uses it instead of the RSDT. */
	if (xsdt && walk_root(xsdt, "XSDT", 8, io, out) == 0)
		goto found;
	if (xsdt)
		acpi_report(io, "ACPI: the XSDT is unusable; trying the RSDT");
	if (rsdt && walk_root(rsdt, "RSDT", 4, io, out) == 0)
		goto found;
	acpi_report(io, "ACPI: no usable RSDT or XSDT");
	return -EINVAL;
found:
	add_dsdt(io, out);
	return 0;
}

const struct acpi_table *acpi_find(const struct acpi_tables *t, const char *sig,
				   unsigned int index)
{
	for (unsigned int i = 0; i < t->count; i++) {
		if (memcmp(t->tables[i].sig, sig, 4) == 0 && index-- == 0)
			return &t->tables[i];
	}
	return NULL;
}

/* --- HPET and MCFG: fixed layouts ---------------------------------------- */

/* IA-PC HPET 1.0a, table 3: offsets in the HPET description table. */
#define HPET_BLOCK_ID		36
#define HPET_BASE		40
#define HPET_NUMBER		52
#define HPET_MIN_TICK		53
#define HPET_LEN		56

int acpi_parse_hpet(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_hpet *out)
{
	const uint8_t *d = t->data;

	memset(out, 0, sizeof(*out));
	if (t->length < HPET_LEN) {
		acpi_report(io, "ACPI: HPET: %u bytes, needs %u", t->length,
			    HPET_LEN);
		return -EINVAL;
	}
	out->event_timer_block_id = acpi_read32(d + HPET_BLOCK_ID);
	acpi_read_gas(d + HPET_BASE, &out->base);
	out->number = d[HPET_NUMBER];
	out->min_tick = acpi_read16(d + HPET_MIN_TICK);
	return 0;
}

/* PCI Firmware 3.0, table 4-2: 8 reserved bytes, then 16-byte entries. */
#define MCFG_ENTRIES		44
#define MCFG_ENTRY_LEN		16

int acpi_parse_mcfg(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_mcfg *out)
{
	const uint8_t *d = t->data;

	memset(out, 0, sizeof(*out));
	if (t->length < MCFG_ENTRIES) {
		acpi_report(io, "ACPI: MCFG: %u bytes, needs %u", t->length,
			    MCFG_ENTRIES);
		return -EINVAL;
	}
	for (uint32_t off = MCFG_ENTRIES; off + MCFG_ENTRY_LEN <= t->length;
	     off += MCFG_ENTRY_LEN) {
		struct acpi_mcfg_segment *s = &out->segments[out->count];

		if (out->count == ACPI_MAX_MCFG) {
			acpi_report(io, "ACPI: MCFG: more than %u segments; the rest left out",
				    ACPI_MAX_MCFG);
			break;
		}
		s->base = acpi_read64(d + off);
		s->segment = acpi_read16(d + off + 8);
		s->bus_start = d[off + 10];
		s->bus_end = d[off + 11];
		out->count++;
	}
	return 0;
}
