/*
 * tests/kernel/acpi_test.c - the ACPI tables Keel found agree with the
 * machine QEMU was started with. The runner names it through fw_cfg
 * (scripts/run-tests.sh: opt/keel/cpus, opt/keel/machine,
 * opt/keel/firmware, opt/keel/hpet), a path that goes through neither
 * the firmware's tables nor GRUB; without fw_cfg (a real PC) the tests
 * skip.
 */
#include "kernel/ktest.h"

#include "lib/string.h"
#include "drivers/fw_cfg.h"
#include "kernel/acpi.h"
#include "kernel/power.h"

/* QEMU's pc and q35 both put one IOAPIC at the usual address. */
#define QEMU_IOAPIC_PHYS	0xfec00000
/* ... and its HPET, when there is one, where Intel's chipsets put it. */
#define QEMU_HPET_PHYS		0xfed00000

static unsigned int decimal(const char *s)
{
	unsigned int v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned int)(*s++ - '0');
	return v;
}

static bool read_fact(struct ktest_ctx *t, const char *name, char *buf,
		      size_t cap)
{
	if (fw_cfg_read_file(name, buf, cap) >= 0)
		return true;
	ktest_skip(t, "no %s from the emulator", name);
	return false;
}

KTEST(acpi_tables_found_and_all_good)
{
	const struct acpi_tables *tables = acpi_tables();

	KT_ASSERT(tables != NULL);
	KT_ASSERT_EQ(tables->refused, 0);
	KT_ASSERT(acpi_find(tables, "FACP", 0) != NULL);
	KT_ASSERT(acpi_find(tables, "APIC", 0) != NULL);
	KT_ASSERT(acpi_find(tables, "DSDT", 0) != NULL);
	KT_ASSERT(acpi_madt() != NULL && acpi_fadt() != NULL);
	/* GRUB passes the RSDP in a Multiboot2 tag under BIOS and UEFI. */
	KT_EXPECT_STREQ(acpi_rsdp_source(), "the loader");
}

KTEST(acpi_cpu_count_matches_emulator)
{
	const struct acpi_madt *m = acpi_madt();
	unsigned int enabled = 0;
	char text[16];

	if (!read_fact(t, "opt/keel/cpus", text, sizeof(text)))
		return;
	KT_ASSERT(m != NULL);
	for (unsigned int i = 0; i < m->cpu_count; i++)
		enabled += m->cpus[i].enabled;
	KT_ASSERT_EQ(enabled, decimal(text));
}

KTEST(acpi_ioapic_and_mcfg_match_machine)
{
	const struct acpi_madt *m = acpi_madt();
	char machine[16];

	if (!read_fact(t, "opt/keel/machine", machine, sizeof(machine)))
		return;
	KT_ASSERT(m != NULL);
	KT_ASSERT_EQ(m->ioapic_count, 1);
	KT_ASSERT_EQ(m->ioapics[0].phys, QEMU_IOAPIC_PHYS);
	/* ISA IRQ 0 (the PIT) arrives on GSI 2 on both machines. */
	KT_ASSERT(m->override_count > 0);
	KT_ASSERT_EQ(m->overrides[0].irq, 0);
	KT_ASSERT_EQ(m->overrides[0].gsi, 2);
	/* Only q35 has PCI Express, so only it has an MCFG. */
	KT_ASSERT_EQ(acpi_mcfg() != NULL, strcmp(machine, "q35") == 0);
}

/* The PM1a control block moves with firmware and machine: OVMF puts the
 * PIIX4's PM base at 0xb000 on pc, SeaBIOS at 0x600; q35's ICH9 is at
 * 0x600 under both. */
KTEST(acpi_pm1a_control_matches_machine)
{
	const struct acpi_fadt *f = acpi_fadt();
	char machine[16], firmware[16];
	uint64_t want;

	if (!read_fact(t, "opt/keel/machine", machine, sizeof(machine)) ||
	    !read_fact(t, "opt/keel/firmware", firmware, sizeof(firmware)))
		return;
	KT_ASSERT(f != NULL);
	want = strcmp(machine, "pc") == 0 && strcmp(firmware, "uefi") == 0
	       ? 0xb004 : 0x604;
	KT_ASSERT_EQ(f->pm1a_cnt.space, ACPI_GAS_IO);
	KT_ASSERT_EQ(f->pm1a_cnt.address, want);
	/* q35's FADT (revision 3) has the reset register; pc's (1) has not. */
	KT_ASSERT_EQ(f->reset_supported, strcmp(machine, "q35") == 0);
}

/* QEMU's machines name \_S5 in the DSDT and give it no SSDT: the search
 * stops at the DSDT (lib/acpi_sleep.c) and says so. */
KTEST(acpi_s5_is_found)
{
	struct acpi_sleep_state s5 = { { 0xff, 0xff }, NULL, 99 };
	char why[128];

	KT_ASSERT(acpi_tables() != NULL);
	if (power_find_s5(&s5, why, sizeof(why)) != 0) {
		ktest_fail_at(t, __FILE__, __LINE__, "no \\_S5: %s", why);
		return;
	}
	/* QEMU's DSDTs give 0 for S5 (PIIX4 and ICH9 alike). */
	KT_ASSERT_EQ(s5.type.slp_typa, 0);
	KT_ASSERT_EQ(s5.type.slp_typb, 0);
	KT_ASSERT(s5.table == acpi_find(acpi_tables(), "DSDT", 0));
	KT_ASSERT_EQ(s5.index, 0);
}

/* QEMU describes its HPET in an HPET table exactly when the machine has
 * one (-machine ...,hpet=off takes both away); the runner says which
 * (opt/keel/hpet). Nothing in Keel uses the HPET, so a machine without one
 * runs the whole self-test. */
KTEST(acpi_hpet_matches_machine)
{
	const struct acpi_hpet *h = acpi_hpet();
	char hpet[16];
	bool present;

	if (!read_fact(t, "opt/keel/hpet", hpet, sizeof(hpet)))
		return;
	KT_ASSERT(strcmp(hpet, "present") == 0 || strcmp(hpet, "absent") == 0);
	present = strcmp(hpet, "present") == 0;
	KT_ASSERT_EQ(acpi_find(acpi_tables(), "HPET", 0) != NULL, present);
	KT_ASSERT_EQ(h != NULL, present);
	if (!h)
		return;
	KT_ASSERT_EQ(h->base.space, ACPI_GAS_MEMORY);
	KT_ASSERT_EQ(h->base.address, QEMU_HPET_PHYS);
}
