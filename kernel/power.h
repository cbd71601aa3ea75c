/*
 * kernel/power.h - switching the machine off and resetting it through
 * ACPI (ACPI 6.5, 7.4.2 and 4.8.3.2: \_S5 and PM1 control; 4.8.3.6: the
 * reset register). arch_reboot() (kernel/arch.h) uses the reset register
 * first.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/acpi.h"
#include "lib/acpi_sleep.h"

/*
 * Enter S5 (soft off): the sleep type of \_S5 from the DSDT or an SSDT,
 * with SLP_EN, into PM1a control (and PM1b when there is one). Returns
 * only when that is impossible or did not work: -ENOENT (no FADT, no PM1a
 * block, no \_S5), -EINVAL (a \_S5 the AML reader cannot read) or -EIO
 * (written, yet the machine still runs), with the reason in @why.
 */
int power_off(char *why, size_t why_len);

/* \_S5's sleep types and the table they came from: the DSDT, else the
 * first SSDT that names \_S5 (acpi_find_sleep_state(), lib/acpi_sleep.h).
 * Returns 0, or -ENOENT / -EINVAL with the reason in @why. */
int power_find_s5(struct acpi_sleep_state *s5, char *why, size_t why_len);

/*
 * Write the FADT's reset value to its reset register, when the FADT says
 * the register is supported (RESET_REG_SUP); says so on the console first.
 * Returns when there is no such register (or it did nothing yet).
 */
void power_reset_register(void);

/* What the architecture does for the two above (arch/x86_64/gas.c): read
 * and write a Generic Address Structure register (memory, I/O or PCI
 * configuration space). Return 0, or -EINVAL for a space or width they
 * do not handle. */
int arch_gas_read(const struct acpi_gas *g, uint64_t *v);
int arch_gas_write(const struct acpi_gas *g, uint64_t v);
