/*
 * lib/acpi_madt.c - the Multiple APIC Description Table (ACPI 6.5, 5.2.12):
 * processors, IOAPICs, interrupt source overrides and NMI wiring, decoded
 * into struct acpi_madt. Each entry is a type byte and a length byte; the
 * walk trusts neither further than the table's own length.
 */
#include "lib/acpi.h"

#include "lib/acpi_internal.h"
#include "lib/errno.h"
#include "lib/string.h"

#define MADT_LAPIC_ADDR		36
#define MADT_FLAGS		40
#define MADT_ENTRIES		44
#define MADT_PCAT_COMPAT	(1u << 0)

/* 5.2.12.2: processor flags. */
#define MADT_CPU_ENABLED	(1u << 0)
#define MADT_CPU_ONLINE_CAPABLE	(1u << 1)
#define MADT_UID_ALL_8		0xff	/* a LAPIC NMI entry for every CPU */

/* 5.2.12 table 5.44: the entry types decoded here. */
enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR_OVERRIDE = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

struct madt_walk {
	struct acpi_madt *m;
	const struct acpi_io *io;
	uint32_t offset;	/* of the entry, for reports */
};

/* Count a dropped entry and say so (an array is full). */
static bool full(struct madt_walk *w, unsigned int count, unsigned int cap,
		 const char *what)
{
	if (count < cap)
		return false;
	acpi_report(w->io, "ACPI: APIC: more than %u %s; the entry at offset %u left out",
		    cap, what, w->offset);
	w->m->dropped_count++;
	return true;
}

/* 5.2.12.5 table 5.50: MPS INTI flags, polarity in bits 0-1 and trigger
 * mode in bits 2-3; 0 conforms to the bus, 1 high/edge, 3 low/level, and
 * 2 is reserved (read as "conforms", reported). */
static void inti_flags(struct madt_walk *w, uint16_t f, enum acpi_polarity *pol,
		       enum acpi_trigger *trig)
{
	static const enum acpi_polarity pols[4] = {
		ACPI_POLARITY_CONFORMS, ACPI_POLARITY_HIGH,
		ACPI_POLARITY_CONFORMS, ACPI_POLARITY_LOW };
	static const enum acpi_trigger trigs[4] = {
		ACPI_TRIGGER_CONFORMS, ACPI_TRIGGER_EDGE,
		ACPI_TRIGGER_CONFORMS, ACPI_TRIGGER_LEVEL };

	if ((f & 3) == 2 || ((f >> 2) & 3) == 2)
		acpi_report(w->io, "ACPI: APIC: entry at offset %u has reserved "
			    "polarity/trigger flags %#x; read as \"conforms\"",
			    w->offset, f);
	*pol = pols[f & 3];
	*trig = trigs[(f >> 2) & 3];
}

static void add_cpu(struct madt_walk *w, uint32_t apic_id, uint32_t uid,
		    uint32_t flags, bool x2apic)
{
	struct acpi_madt_cpu *c;

	if (full(w, w->m->cpu_count, ACPI_MAX_CPUS, "processors"))
		return;
	c = &w->m->cpus[w->m->cpu_count++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->enabled = flags & MADT_CPU_ENABLED;
	c->online_capable = flags & MADT_CPU_ONLINE_CAPABLE;
	c->x2apic = x2apic;
}

static void add_lapic_nmi(struct madt_walk *w, uint32_t uid, uint16_t flags,
			  uint8_t lint)
{
	struct acpi_madt_lapic_nmi *n;

	if (full(w, w->m->lapic_nmi_count, ACPI_MAX_CPUS, "LAPIC NMI entries"))
		return;
	n = &w->m->lapic_nmis[w->m->lapic_nmi_count++];
	n->uid = uid;
	n->lint = lint;
	inti_flags(w, flags, &n->polarity, &n->trigger);
}

/* 5.2.12.2: uid(1) apic_id(1) flags(4). */
static void on_lapic(struct madt_walk *w, const uint8_t *e)
{
	add_cpu(w, e[3], e[2], acpi_read32(e + 4), false);
}

/* 5.2.12.3: id(1) reserved(1) address(4) gsi_base(4). */
static void on_ioapic(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_madt_ioapic *io;

	if (full(w, w->m->ioapic_count, ACPI_MAX_IOAPICS, "IOAPICs"))
		return;
	io = &w->m->ioapics[w->m->ioapic_count++];
	io->id = e[2];
	io->phys = acpi_read32(e + 4);
	io->gsi_base = acpi_read32(e + 8);
}

/* 5.2.12.5: bus(1) source(1) gsi(4) flags(2). */
static void on_override(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_madt_override *o;

	if (full(w, w->m->override_count, ACPI_MAX_OVERRIDES, "overrides"))
		return;
	o = &w->m->overrides[w->m->override_count++];
	o->bus = e[2];
	o->irq = e[3];
	o->gsi = acpi_read32(e + 4);
	inti_flags(w, acpi_read16(e + 8), &o->polarity, &o->trigger);
}

/* 5.2.12.6: flags(2) gsi(4). */
static void on_nmi_source(struct madt_walk *w, const uint8_t *e)
{
	struct acpi_madt_nmi_source *n;

	if (full(w, w->m->nmi_source_count, ACPI_MAX_NMI_SOURCES, "NMI sources"))
		return;
	n = &w->m->nmi_sources[w->m->nmi_source_count++];
	n->gsi = acpi_read32(e + 4);
	inti_flags(w, acpi_read16(e + 2), &n->polarity, &n->trigger);
}

/* 5.2.12.7: uid(1) flags(2) lint(1); uid 0xff means every processor. */
static void on_lapic_nmi(struct madt_walk *w, const uint8_t *e)
{
	uint32_t uid = e[2] == MADT_UID_ALL_8 ? ACPI_UID_ALL : e[2];

	add_lapic_nmi(w, uid, acpi_read16(e + 3), e[5]);
}

/* 5.2.12.8: reserved(2) address(8), in place of the 32-bit one. */
static void on_lapic_addr(struct madt_walk *w, const uint8_t *e)
{
	w->m->lapic_phys = acpi_read64(e + 4);
}

/* 5.2.12.12: reserved(2) x2apic_id(4) flags(4) uid(4). */
static void on_x2apic(struct madt_walk *w, const uint8_t *e)
{
	add_cpu(w, acpi_read32(e + 4), acpi_read32(e + 12), acpi_read32(e + 8),
		true);
}

/* 5.2.12.13: flags(2) uid(4) lint(1) reserved(3); uid 0xffffffff: all. */
static void on_x2apic_nmi(struct madt_walk *w, const uint8_t *e)
{
	add_lapic_nmi(w, acpi_read32(e + 4), acpi_read16(e + 2), e[8]);
}

static const struct madt_kind {
	uint8_t type;
	uint8_t min_len;
	const char *name;
	void (*decode)(struct madt_walk *w, const uint8_t *e);
} madt_kinds[] = {
	{ MADT_LAPIC, 8, "local APIC", on_lapic },
	{ MADT_IOAPIC, 12, "IOAPIC", on_ioapic },
	{ MADT_OVERRIDE, 10, "interrupt source override", on_override },
	{ MADT_NMI_SOURCE, 8, "NMI source", on_nmi_source },
	{ MADT_LAPIC_NMI, 6, "local APIC NMI", on_lapic_nmi },
	{ MADT_LAPIC_ADDR_OVERRIDE, 12, "local APIC address override",
	  on_lapic_addr },
	{ MADT_X2APIC, 16, "x2APIC", on_x2apic },
	{ MADT_X2APIC_NMI, 12, "x2APIC NMI", on_x2apic_nmi },
};

static void decode_entry(struct madt_walk *w, const uint8_t *e)
{
	for (size_t i = 0; i < sizeof(madt_kinds) / sizeof(madt_kinds[0]); i++) {
		const struct madt_kind *k = &madt_kinds[i];

		if (k->type != e[0])
			continue;
		if (e[1] < k->min_len) {
			acpi_report(w->io, "ACPI: APIC: %s entry at offset %u is "
				    "%u bytes, needs %u; skipped", k->name,
				    w->offset, e[1], k->min_len);
			w->m->dropped_count++;
			return;
		}
		k->decode(w, e);
		return;
	}
	w->m->unknown_count++;
}

int acpi_parse_madt(const struct acpi_table *t, const struct acpi_io *io,
		    struct acpi_madt *out)
{
	const uint8_t *d = t->data;
	struct madt_walk w = { out, io, 0 };

	memset(out, 0, sizeof(*out));
	if (t->length < MADT_ENTRIES) {
		acpi_report(io, "ACPI: APIC: %u bytes, shorter than the MADT's "
			    "%u fixed bytes", t->length, MADT_ENTRIES);
		return -EINVAL;
	}
	out->lapic_phys = acpi_read32(d + MADT_LAPIC_ADDR);
	out->pcat_compat = acpi_read32(d + MADT_FLAGS) & MADT_PCAT_COMPAT;
	for (uint32_t off = MADT_ENTRIES; off < t->length; off += d[off + 1]) {
		w.offset = off;
		if (t->length - off < 2) {
			acpi_report(io, "ACPI: APIC: a stray byte at offset %u", off);
			break;
		}
		/* A length under 2 would never advance the walk. */
		if (d[off + 1] < 2 || d[off + 1] > t->length - off) {
			acpi_report(io, "ACPI: APIC: entry at offset %u (type %u) "
				    "has length %u, %s; the entries after it are "
				    "ignored", off, d[off], d[off + 1],
				    d[off + 1] < 2 ? "too short to be one" :
				    "past the table's end");
			break;
		}
		decode_entry(&w, d + off);
	}
	return 0;
}
