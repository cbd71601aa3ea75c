/*
 * kernel/acpi_show.c - the ACPI tables in words: the boot summary's line
 * and the shell's `acpi` command (kernel/acpi.h).
 */
#include "kernel/acpi.h"

#include "kernel/printk.h"

static const char *const space_names[] = {
	[ACPI_GAS_MEMORY] = "memory", [ACPI_GAS_IO] = "I/O",
	[ACPI_GAS_PCI_CONFIG] = "PCI config",
};

static const char *const polarity_names[] = {
	[ACPI_POLARITY_CONFORMS] = "bus default", [ACPI_POLARITY_HIGH] = "high",
	[ACPI_POLARITY_LOW] = "low",
};
static const char *const trigger_names[] = {
	[ACPI_TRIGGER_CONFORMS] = "bus default", [ACPI_TRIGGER_EDGE] = "edge",
	[ACPI_TRIGGER_LEVEL] = "level",
};

static void print_gas(const char *what, const struct acpi_gas *g)
{
	if (!g->address) {
		kprintf("  %s: none\n", what);
		return;
	}
	kprintf("  %s: %s %#llx, %u bits\n", what,
		g->space < 3 ? space_names[g->space] : "other space",
		(unsigned long long)g->address, g->bit_width);
}

void acpi_print_summary(void)
{
	const struct acpi_tables *t = acpi_tables();

	if (!t) {
		kprintf("acpi: none (%s)\n", acpi_missing_reason());
		return;
	}
	kprintf("acpi: RSDP rev %u (%s) from %s, %u tables:", t->rsdp_revision,
		t->xsdt ? "XSDT" : "RSDT", acpi_rsdp_source(), t->count);
	for (unsigned int i = 0; i < t->count; i++)
		kprintf(" %s", t->tables[i].sig);
	if (t->refused)
		kprintf("; %u refused", t->refused);
	kprintf("\n");
}

static void print_madt(const struct acpi_madt *m)
{
	unsigned int enabled = 0;

	for (unsigned int i = 0; i < m->cpu_count; i++)
		enabled += m->cpus[i].enabled;
	kprintf("MADT: %u processors (%u enabled), local APIC at %#llx, %s\n",
		m->cpu_count, enabled, (unsigned long long)m->lapic_phys,
		m->pcat_compat ? "8259 pair present" : "no 8259");
	for (unsigned int i = 0; i < m->ioapic_count; i++)
		kprintf("  IOAPIC %u at %#llx, GSI %u up\n", m->ioapics[i].id,
			(unsigned long long)m->ioapics[i].phys,
			m->ioapics[i].gsi_base);
	for (unsigned int i = 0; i < m->override_count; i++)
		kprintf("  IRQ %u -> GSI %u, active %s, %s-triggered\n",
			m->overrides[i].irq, m->overrides[i].gsi,
			polarity_names[m->overrides[i].polarity],
			trigger_names[m->overrides[i].trigger]);
}

static void print_fadt(const struct acpi_fadt *f)
{
	kprintf("FADT: revision %u, %u bytes, SCI %u, DSDT at %#llx, %s, %s, "
		"century index %#x\n", f->revision, f->length, f->sci_irq,
		(unsigned long long)f->dsdt,
		f->has_8042 ? "8042 present" : "no 8042 flag",
		f->no_vga ? "no VGA" : "VGA may be present", f->century);
	print_gas("PM1a control", &f->pm1a_cnt);
	print_gas("PM1b control", &f->pm1b_cnt);
	if (f->reset_supported)
		kprintf("  reset: value %#x to %s %#llx\n", f->reset_value,
			f->reset_reg.space < 3 ? space_names[f->reset_reg.space]
					       : "other space",
			(unsigned long long)f->reset_reg.address);
	else
		kprintf("  reset: no reset register\n");
}

void acpi_print_tables(void)
{
	const struct acpi_tables *t = acpi_tables();

	if (!t) {
		kprintf("acpi: no tables (%s)\n", acpi_missing_reason());
		return;
	}
	kprintf("RSDP revision %u, OEM \"%s\", root %s at %#llx\n",
		t->rsdp_revision, t->rsdp_oem_id, t->xsdt ? "XSDT" : "RSDT",
		(unsigned long long)t->root_phys);
	for (unsigned int i = 0; i < t->count; i++) {
		const struct acpi_table *a = &t->tables[i];

		kprintf("  %s at %#010llx, %6u bytes, rev %u, OEM \"%s\" \"%s\"\n",
			a->sig, (unsigned long long)a->phys, a->length,
			a->revision, a->oem_id, a->oem_table_id);
	}
	if (acpi_madt())
		print_madt(acpi_madt());
	if (acpi_fadt())
		print_fadt(acpi_fadt());
}
