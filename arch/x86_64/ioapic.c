/*
 * arch/x86_64/ioapic.c - program the I/O APICs from the MADT
 * (arch/x86_64/ioapic.h).
 *
 * Each IOAPIC has two registers in memory, an index (IOREGSEL) and a data
 * window (IOWIN); its pins' redirection entries are 64-bit registers at
 * index 0x10 + 2 * pin (82093AA data sheet §3.1, §3.2.4). Pin p of the
 * IOAPIC whose MADT entry says gsi_base b carries GSI b + p.
 */
#include "arch/x86_64/ioapic.h"

#include <stddef.h>

#include "lib/acpi.h"
#include "lib/errno.h"
#include "arch/x86_64/trap.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/vmm.h"

#define IOREGSEL		0x00
#define IOWIN			0x10
#define IOAPIC_MMIO_SIZE	0x20
#define IOAPIC_REG_VERSION	0x01	/* max redirection entry in 23:16 */
#define IOAPIC_REG_REDTBL(pin)	(0x10 + 2 * (pin))
#define VERSION_MAX_ENTRY(v)	(((v) >> 16) & 0xff)

static struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	unsigned int pins;
} ioapics[ACPI_MAX_IOAPICS];
static unsigned int count;

/* Each IOAPIC's index/data pair is one access: one lock for them all. */
static struct spinlock lock = SPINLOCK_INIT("ioapic");

static uint32_t reg_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void reg_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = v;
}

static struct ioapic *find_pin(uint32_t gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < count; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/* Write the high half first: the entry's mask bit is in the low half, so
 * an unmasked entry never points at a half-written destination. */
static void entry_write(struct ioapic *io, unsigned int pin, uint64_t e)
{
	uint64_t flags = spin_lock_irqsave(&lock);

	reg_write(io, IOAPIC_REG_REDTBL(pin), (uint32_t)e | IOAPIC_MASKED);
	reg_write(io, IOAPIC_REG_REDTBL(pin) + 1, (uint32_t)(e >> 32));
	/* A masked entry is complete already: at boot every pin but the
	 * NMI's, two MMIO writes (each an exit under emulation) fewer. */
	if (!(e & IOAPIC_MASKED))
		reg_write(io, IOAPIC_REG_REDTBL(pin), (uint32_t)e);
	spin_unlock_irqrestore(&lock, flags);
}

static uint64_t entry_read(struct ioapic *io, unsigned int pin)
{
	uint64_t flags = spin_lock_irqsave(&lock);
	uint64_t lo = reg_read(io, IOAPIC_REG_REDTBL(pin));
	uint64_t hi = reg_read(io, IOAPIC_REG_REDTBL(pin) + 1);

	spin_unlock_irqrestore(&lock, flags);
	return hi << 32 | lo;
}

static void apply_flags(struct ioapic_route *r, enum acpi_polarity p,
			enum acpi_trigger t)
{
	if (p != ACPI_POLARITY_CONFORMS)
		r->active_low = p == ACPI_POLARITY_LOW;
	if (t != ACPI_TRIGGER_CONFORMS)
		r->level = t == ACPI_TRIGGER_LEVEL;
}

struct ioapic_route ioapic_isa_route(const struct acpi_madt *madt,
				     unsigned int irq)
{
	/* ISA's own signalling: edge, active high (ACPI 6.5 §5.2.12.5). */
	struct ioapic_route r = { irq, false, false };

	for (unsigned int i = 0; madt && i < madt->override_count; i++) {
		const struct acpi_madt_override *o = &madt->overrides[i];

		if (o->bus != 0 || o->irq != irq)	/* bus 0 is ISA */
			continue;
		r.gsi = o->gsi;
		apply_flags(&r, o->polarity, o->trigger);
	}
	return r;
}

static uint64_t route_entry(struct ioapic_route r, uint8_t vector)
{
	uint64_t e = IOAPIC_MASKED | vector;

	if (r.active_low)
		e |= IOAPIC_ACTIVE_LOW;
	if (r.level)
		e |= IOAPIC_LEVEL;
	return e;
}

/* The ISA IRQ that arrives on @gsi, or -1: the one an override sends
 * there, else IRQ @gsi itself unless an override moved it elsewhere (on
 * QEMU, GSI 2 carries IRQ 0 and GSI 0 carries no ISA IRQ). */
static int isa_irq_on(const struct acpi_madt *madt, uint32_t gsi)
{
	for (unsigned int i = 0; i < madt->override_count; i++) {
		const struct acpi_madt_override *o = &madt->overrides[i];

		if (o->bus == 0 && o->gsi == gsi && o->irq < ISA_IRQS)
			return o->irq;
	}
	if (gsi < ISA_IRQS && ioapic_isa_route(madt, gsi).gsi == gsi)
		return (int)gsi;
	return -1;
}

static const struct acpi_madt_nmi_source *nmi_source_on(
	const struct acpi_madt *madt, uint32_t gsi)
{
	for (unsigned int i = 0; i < madt->nmi_source_count; i++) {
		if (madt->nmi_sources[i].gsi == gsi)
			return &madt->nmi_sources[i];
	}
	return NULL;
}

/* The entry @gsi gets: an NMI source (unmasked: the MADT says it is
 * wired for NMIs), the ISA IRQ routed to it, or the PCI default (level,
 * active low) on the unclaimed vector. */
static uint64_t entry_for(const struct acpi_madt *madt, uint32_t gsi)
{
	const struct acpi_madt_nmi_source *n = nmi_source_on(madt, gsi);
	struct ioapic_route pci = { gsi, true, true };
	int irq = isa_irq_on(madt, gsi);

	if (n) {
		struct ioapic_route r = { gsi, false, false };

		apply_flags(&r, n->polarity, n->trigger);
		return (route_entry(r, 0) & ~IOAPIC_MASKED) | IOAPIC_NMI;
	}
	if (irq >= 0)
		return route_entry(ioapic_isa_route(madt, (unsigned int)irq),
				   (uint8_t)(VEC_IOAPIC_BASE + irq));
	return route_entry(pci, VEC_IOAPIC_OTHER);
}

static int map_one(const struct acpi_madt_ioapic *m, struct ioapic *io)
{
	io->regs = vmm_map_device(m->phys, IOAPIC_MMIO_SIZE, VMM_NOCACHE);
	if (!io->regs)
		return -ENOMEM;
	io->gsi_base = m->gsi_base;
	io->pins = VERSION_MAX_ENTRY(reg_read(io, IOAPIC_REG_VERSION)) + 1;
	return 0;
}

int ioapic_init(const struct acpi_madt *madt, uint32_t dest)
{
	uint64_t to = (uint64_t)dest << IOAPIC_DEST_SHIFT;

	if (!madt || !madt->ioapic_count)
		return -ENOENT;
	for (unsigned int i = 0; i < madt->ioapic_count; i++) {
		int err = map_one(&madt->ioapics[i], &ioapics[count]);

		if (err)
			return err;
		count++;
	}
	for (unsigned int i = 0; i < count; i++) {
		struct ioapic *io = &ioapics[i];

		for (unsigned int pin = 0; pin < io->pins; pin++)
			entry_write(io, pin,
				    entry_for(madt, io->gsi_base + pin) | to);
	}
	return 0;
}

static int set_mask(uint32_t gsi, bool masked)
{
	unsigned int pin;
	struct ioapic *io = find_pin(gsi, &pin);
	uint64_t e;

	if (!io)
		return -ENOENT;
	e = entry_read(io, pin) & ~IOAPIC_MASKED;
	entry_write(io, pin, e | (masked ? IOAPIC_MASKED : 0));
	return 0;
}

int ioapic_unmask(uint32_t gsi)
{
	return set_mask(gsi, false);
}

int ioapic_mask(uint32_t gsi)
{
	return set_mask(gsi, true);
}

int ioapic_read_entry(uint32_t gsi, uint64_t *entry)
{
	unsigned int pin;
	struct ioapic *io = find_pin(gsi, &pin);

	if (!io)
		return -ENOENT;
	*entry = entry_read(io, pin);
	return 0;
}

unsigned int ioapic_count(void)
{
	return count;
}

unsigned int ioapic_pin_count(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < count; i++)
		n += ioapics[i].pins;
	return n;
}
