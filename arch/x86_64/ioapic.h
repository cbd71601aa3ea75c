/*
 * arch/x86_64/ioapic.h - the I/O APICs: where device interrupt lines (global
 * system interrupts, GSIs) become messages to a local APIC (Intel 82093AA
 * I/O APIC data sheet, §3.2; ACPI 6.5 §5.2.12.3 and §5.2.12.5 for the MADT
 * entries that describe them and the ISA interrupts they carry).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct acpi_madt;

#define ISA_IRQS 16

/* Redirection entry fields (82093AA §3.2.4). */
#define IOAPIC_NMI		(4ULL << 8)	/* delivery mode NMI */
#define IOAPIC_ACTIVE_LOW	(1ULL << 13)
#define IOAPIC_LEVEL		(1ULL << 15)
#define IOAPIC_MASKED		(1ULL << 16)
#define IOAPIC_DEST_SHIFT	56		/* physical APIC id */
#define IOAPIC_VECTOR_MASK	0xffULL

/* Where one interrupt arrives and how it signals. */
struct ioapic_route {
	uint32_t gsi;
	bool active_low;
	bool level;
};

/*
 * Where ISA IRQ @irq arrives according to @madt: an interrupt source
 * override if one names it (on QEMU and most PCs the PIT's IRQ 0 is GSI 2;
 * "conforms" means the ISA default), else GSI @irq, edge, active high.
 */
struct ioapic_route ioapic_isa_route(const struct acpi_madt *madt,
				     unsigned int irq);

/*
 * Map every IOAPIC of @madt and program every redirection entry, masked:
 * ISA IRQ n (through its override) on vector VEC_IOAPIC_BASE + n with its
 * polarity and trigger, NMI sources as NMIs, every other pin
 * VEC_IOAPIC_OTHER, level and active low (the PCI default). Everything is
 * sent to the local APIC @dest. Returns 0, -ENOENT without an IOAPIC, or
 * -ENOMEM when the registers cannot be mapped. Boot CPU, once.
 */
int ioapic_init(const struct acpi_madt *madt, uint32_t dest);

/* Unmask or mask the pin of @gsi. Returns 0 or -ENOENT (no such pin). */
int ioapic_unmask(uint32_t gsi);
int ioapic_mask(uint32_t gsi);

/* The redirection entry of @gsi in *@entry. Returns 0 or -ENOENT. */
int ioapic_read_entry(uint32_t gsi, uint64_t *entry);

/* IOAPICs mapped, and the pins they have together. */
unsigned int ioapic_count(void);
unsigned int ioapic_pin_count(void);
