/*
 * lib/aml.h - a small, bounded reader of ACPI Machine Language (ACPI 6.5,
 * chapter 20) that finds one thing: the sleep type values of a sleep state
 * object such as \_S5 (7.4.2), for the PM1 control registers. It does not
 * run AML; README ("ACPI and power") lists the forms it does not read.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct aml_sleep_type {
	uint8_t slp_typa;	/* for PM1a_CNT.SLP_TYP */
	uint8_t slp_typb;	/* for PM1b_CNT.SLP_TYP */
};

/*
 * Look in the AML byte stream @aml (@len bytes: a DSDT's or SSDT's body,
 * after the 36-byte header) for Name(_Sn_, Package(){a, b, ...}), with or
 * without the root prefix (\_S5_), the elements ZeroOp, OneOp, OnesOp or
 * Byte/Word/DWord/QWordPrefix constants. @state is n (5 for soft-off).
 * Returns 0 with *@out filled, -ENOENT when the stream names no such
 * object, or -EINVAL when it does in a form this reader does not read,
 * with the reason in @why (NUL-terminated, at most @why_len bytes).
 */
int aml_find_sleep_type(const void *aml, size_t len, unsigned int state,
			struct aml_sleep_type *out, char *why, size_t why_len);
