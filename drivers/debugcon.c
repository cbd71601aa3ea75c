/*
 * drivers/debugcon.c - the emulator debug port (QEMU docs: -debugcon;
 * Bochs: "port e9 hack").
 */
#include "drivers/debugcon.h"

#include "arch/x86_64/cpu.h"


bool debugcon_probe(void)
{
	return inb(DEBUGCON_PORT) == DEBUGCON_PORT;
}

void debugcon_write(const char *s, size_t len)
{
	while (len--)
		outb(DEBUGCON_PORT, (uint8_t)*s++);
}
