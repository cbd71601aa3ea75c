/*
 * arch/x86_64/gas.c - reading and writing an ACPI Generic Address
 * Structure register (ACPI 6.5, 5.2.3.2) on x86: memory through a device
 * mapping, I/O ports, and PCI configuration space of segment 0, bus 0
 * through the 0xCF8/0xCFC mechanism (PCI Local Bus 3.0, 3.2.2.3.2).
 */
#include "kernel/power.h"

#include "lib/errno.h"
#include "arch/x86_64/cpu.h"
#include "kernel/vmm.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	(1u << 31)

/* Bytes per access: the access size when given (1 byte ... 4 qword),
 * else the register's width. 0 for what is not 1, 2 or 4 bytes. */
static unsigned int access_bytes(const struct acpi_gas *g)
{
	unsigned int bytes = g->access_size ? 1u << (g->access_size - 1)
					    : g->bit_width / 8u;

	return bytes == 1 || bytes == 2 || bytes == 4 ? bytes : 0;
}

static int io_access(uint16_t port, unsigned int bytes, uint64_t *v, bool write)
{
	if (write) {
		if (bytes == 1)
			outb(port, (uint8_t)*v);
		else if (bytes == 2)
			outw(port, (uint16_t)*v);
		else
			outl(port, (uint32_t)*v);
		return 0;
	}
	*v = bytes == 1 ? inb(port) : bytes == 2 ? inw(port) : inl(port);
	return 0;
}

static int mem_access(uint64_t phys, unsigned int bytes, uint64_t *v, bool write)
{
	volatile uint8_t *p = vmm_map_device(phys, bytes, 0);

	if (!p)
		return -EINVAL;
	if (write) {
		if (bytes == 1)
			*p = (uint8_t)*v;
		else if (bytes == 2)
			*(volatile uint16_t *)p = (uint16_t)*v;
		else
			*(volatile uint32_t *)p = (uint32_t)*v;
		return 0;
	}
	*v = bytes == 1 ? *p : bytes == 2 ? *(volatile uint16_t *)p
					  : *(volatile uint32_t *)p;
	return 0;
}

/* 5.2.3.2 table 5.1: a PCI configuration address is device (bits 32-47),
 * function (16-31) and offset (0-15), on bus 0 of segment 0. */
static int pci_access(uint64_t a, unsigned int bytes, uint64_t *v, bool write)
{
	uint32_t dev = (uint32_t)(a >> 32) & 0x1f;
	uint32_t fn = (uint32_t)(a >> 16) & 0x7;
	uint32_t off = (uint32_t)a & 0xff;

	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | dev << 11 | fn << 8 |
				 (off & 0xfc));
	return io_access((uint16_t)(PCI_CONFIG_DATA + (off & 3)), bytes, v, write);
}

static int gas_access(const struct acpi_gas *g, uint64_t *v, bool write)
{
	unsigned int bytes = access_bytes(g);

	if (!bytes || !g->address)
		return -EINVAL;
	switch (g->space) {
	case ACPI_GAS_IO:
		return g->address > 0xffff ? -EINVAL :
		       io_access((uint16_t)g->address, bytes, v, write);
	case ACPI_GAS_MEMORY:
		return mem_access(g->address, bytes, v, write);
	case ACPI_GAS_PCI_CONFIG:
		return pci_access(g->address, bytes, v, write);
	default:
		return -EINVAL;
	}
}

int arch_gas_read(const struct acpi_gas *g, uint64_t *v)
{
	return gas_access(g, v, false);
}

int arch_gas_write(const struct acpi_gas *g, uint64_t v)
{
	return gas_access(g, &v, true);
}
