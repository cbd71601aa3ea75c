/*
 * arch/x86_64/reboot.c - restarting a PC: the FADT's reset register where
 * the FADT says it is supported (kernel/power.c), then the 8042 keyboard
 * controller's
 * "pulse output line" command 0xFE drives the CPU's reset line low (Intel
 * 8042 command set; every PC chipset keeps it), and a triple fault resets
 * the CPU where there is no controller (many UEFI-only machines).
 */
#include "kernel/arch.h"

#include "arch/x86_64/cpu.h"
#include "kernel/console.h"
#include "kernel/power.h"

#define I8042_STATUS_PORT	0x64	/* read: status; write: command */
/* Status bit 1: the controller has not yet taken the last byte written. */
#define I8042_STATUS_INPUT_FULL	0x02
#define I8042_PULSE_RESET	0xfe	/* pulse output line 0 (reset) */
/* Status reads to wait for the controller, about 1 us each on a PC: a
 * missing controller reads 0xff, which never clears. */
#define I8042_WAIT_READS	100000
/* Cycles to give the reset pulse before the triple fault (about 0.1 s at
 * 1 GHz; enough at any clock, the pulse takes microseconds). */
#define RESET_GRACE_CYCLES	100000000ULL

static void pulse_reset_line(void)
{
	for (int i = 0; i < I8042_WAIT_READS; i++) {
		if (!(inb(I8042_STATUS_PORT) & I8042_STATUS_INPUT_FULL)) {
			outb(I8042_STATUS_PORT, I8042_PULSE_RESET);
			return;
		}
	}
}

void arch_reboot(void)
{
	uint64_t start;

	console_flush();
	cli();
	power_reset_register();		/* returns if there is none */
	pulse_reset_line();
	start = rdtsc();
	while (rdtsc() - start < RESET_GRACE_CYCLES)
		pause();
	arch_triple_fault();
}
