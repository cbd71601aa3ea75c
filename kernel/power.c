/*
 * kernel/power.c - soft-off through the PM1 control registers with \_S5's
 * sleep type (ACPI 6.5, 7.4.2 and 16.1.7), and the FADT's reset register
 * (4.8.3.6). See kernel/power.h.
 */
#include "kernel/power.h"

#include "lib/acpi_sleep.h"
#include "lib/errno.h"
#include "lib/vsnprintf.h"
#include "kernel/acpi.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/printk.h"

/* 4.8.3.2.1, table 4.13: PM1 control register bits. */
#define PM1_SCI_EN		(1u << 0)
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_TYP_MASK	(7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN		(1u << 13)

#define S5			5
/* Register reads while waiting for SCI_EN after the ACPI enable command
 * (about 1 us each on a PC: a generous second). */
#define ACPI_ENABLE_POLLS	1000000
/* Cycles to wait for the power to go (or the reset to act) before saying
 * it did not: about a second at 1 GHz. */
#define GRACE_CYCLES		1000000000ULL

int power_find_s5(struct acpi_sleep_state *s5, char *why, size_t why_len)
{
	const struct acpi_tables *t = acpi_tables();

	if (!t) {
		snprintf(why, why_len, "no ACPI tables (%s)", acpi_missing_reason());
		return -ENOENT;
	}
	return acpi_find_sleep_state(t, S5, s5, why, why_len);
}

static void wait_cycles(uint64_t n)
{
	uint64_t start = arch_cycles();

	while (arch_cycles() - start < n)
		arch_relax();
}

/* 16.3.1: where the firmware starts in legacy mode (SCI_EN clear) and has
 * an SMI command port, the OS asks for ACPI mode and waits for SCI_EN. */
static void enable_acpi_mode(const struct acpi_fadt *f)
{
	struct acpi_gas smi = { .space = ACPI_GAS_IO, .bit_width = 8,
				.address = f->smi_cmd };
	uint64_t v = 0;

	if (f->hw_reduced || !f->smi_cmd || !f->acpi_enable)
		return;
	if (arch_gas_read(&f->pm1a_cnt, &v) || (v & PM1_SCI_EN))
		return;
	if (arch_gas_write(&smi, f->acpi_enable))
		return;
	for (int i = 0; i < ACPI_ENABLE_POLLS; i++) {
		if (!arch_gas_read(&f->pm1a_cnt, &v) && (v & PM1_SCI_EN))
			return;
	}
}

/* SLP_TYP and SLP_EN in one write (4.8.3.2.1), the other bits kept. */
static int write_sleep(const struct acpi_gas *cnt, uint8_t typ)
{
	uint64_t v = 0;

	if (arch_gas_read(cnt, &v))
		return -EINVAL;
	v &= ~(uint64_t)(PM1_SLP_TYP_MASK | PM1_SLP_EN);
	v |= (uint64_t)typ << PM1_SLP_TYP_SHIFT | PM1_SLP_EN;
	return arch_gas_write(cnt, v);
}

int power_off(char *why, size_t why_len)
{
	const struct acpi_fadt *f = acpi_fadt();
	struct acpi_sleep_state s5;
	uint64_t irq;
	int err;

	if (!f || !f->pm1a_cnt.address) {
		snprintf(why, why_len, "%s", f ? "the FADT has no PM1a control block"
					       : "no FADT");
		return -ENOENT;
	}
	err = power_find_s5(&s5, why, why_len);
	if (err)
		return err;
	kprintf("poweroff: \\_S5 sleep type %u/%u from %s %u to PM1a control "
		"at %#llx%s\n", s5.type.slp_typa, s5.type.slp_typb,
		s5.table->sig, s5.index, (unsigned long long)f->pm1a_cnt.address,
		f->pm1b_cnt.address ? " and PM1b" : "");
	console_flush();
	enable_acpi_mode(f);
	irq = arch_irq_save();
	if (write_sleep(&f->pm1a_cnt, s5.type.slp_typa) ||
	    (f->pm1b_cnt.address &&
	     write_sleep(&f->pm1b_cnt, s5.type.slp_typb))) {
		snprintf(why, why_len, "a PM1 control block is in an address "
			 "space or width Keel cannot write");
		err = -EINVAL;
	} else {
		wait_cycles(GRACE_CYCLES);
		snprintf(why, why_len, "PM1 control written, but the machine "
			 "is still on");
		err = -EIO;
	}
	arch_irq_restore(irq);
	return err;
}

void power_reset_register(void)
{
	const struct acpi_fadt *f = acpi_fadt();

	if (!f || !f->reset_supported)
		return;
	kprintf("reboot: ACPI reset register, %#x to %#llx (space %u)\n",
		f->reset_value, (unsigned long long)f->reset_reg.address,
		f->reset_reg.space);
	console_flush();
	if (arch_gas_write(&f->reset_reg, f->reset_value) == 0)
		wait_cycles(GRACE_CYCLES / 10);
}
