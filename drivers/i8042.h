/*
 * drivers/i8042.h - the PS/2 controller (Intel 8042 and its descendants)
 * and the keyboard on its first port. Keys arrive by IRQ 1, are decoded by
 * lib/kbd.c and go to the console's input queue (console_input_push).
 *
 * Many UEFI machines have no controller; the ACPI FADT says so, but Keel
 * does not read ACPI yet, so the driver probes the ports. Every wait is
 * bounded; a missing or broken controller or keyboard is reported once, in
 * the boot summary, and leaves the machine as it was.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define I8042_IRQ 1	/* the first port's interrupt line on a PC */

/* What i8042_init() found, and what the interrupt handler did since. */
struct i8042_state {
	bool present;		/* a controller answers at port 0x64 */
	bool ready;		/* the keyboard is set up and IRQ 1 serves it */
	int err;		/* 0, or the error of the step that failed */
	const char *failed_step; /* NULL, or the step that failed */
	int answer;		/* the byte that step read, or -1 for none */
	unsigned int steps_done; /* steps passed of I8042_STEPS */
	uint8_t config;		/* the configuration byte written last */
	uint32_t bytes;		/* bytes taken by the interrupt handler */
	uint32_t led_updates;	/* LED changes the keyboard acknowledged */
};

/* How many steps i8042_init() takes when all goes well. */
#define I8042_STEPS 11

/*
 * Find the controller, test it, set it up (scancode set 1 by translation,
 * the second port off), reset the keyboard, set its LEDs and take IRQ 1.
 * Call once, with interrupts off. Returns 0, -ENOENT with no controller,
 * -ETIMEDOUT when it or the keyboard stopped answering, -EIO for a wrong
 * answer, or the error of irq_register(). Prints nothing: the summary line
 * (i8042_print_summary) says what happened.
 */
int i8042_init(void);

/* One line for the boot summary: the keyboard, or why there is none. */
void i8042_print_summary(void);

const struct i8042_state *i8042_state(void);

/*
 * Read the configuration byte from the controller now (for tests). Any
 * context; interrupts are off meanwhile. Returns 0, -ENOENT before a
 * successful probe, or -ETIMEDOUT.
 */
int i8042_read_config(uint8_t *config);

/* Configuration byte bits (the controller's command 0x20/0x60). */
#define I8042_CFG_PORT1_IRQ	0x01
#define I8042_CFG_PORT2_IRQ	0x02
#define I8042_CFG_SYSTEM	0x04	/* POST passed */
#define I8042_CFG_PORT1_OFF	0x10	/* first port's clock disabled */
#define I8042_CFG_PORT2_OFF	0x20
#define I8042_CFG_TRANSLATE	0x40	/* set 2 to set 1 translation */
