/*
 * drivers/fw_cfg.c - QEMU fw_cfg over I/O ports: write a 16-bit item selector
 * to port 0x510, then read the item's bytes one at a time from port 0x511.
 */
#include "drivers/fw_cfg.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "arch/x86_64/cpu.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_RAM_SIZE 0x0003
#define FW_CFG_FILE_DIR 0x0019

/* A directory entry; its integers are big-endian (fw_cfg.rst). */
struct fw_cfg_file {
	uint32_t size;
	uint16_t select;
	uint16_t reserved;
	char name[56];
};
_Static_assert(sizeof(struct fw_cfg_file) == 64, "fw_cfg.rst FWCfgFile");

static void read_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

static void select_item(uint16_t item)
{
	outw(FW_CFG_PORT_SEL, item);
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

bool fw_cfg_present(void)
{
	char sig[4];

	select_item(FW_CFG_SIGNATURE);
	read_bytes(sig, sizeof(sig));
	return memcmp(sig, "QEMU", 4) == 0;
}

uint64_t fw_cfg_ram_size(void)
{
	uint64_t size;

	if (!fw_cfg_present())
		return 0;
	select_item(FW_CFG_RAM_SIZE);
	read_bytes(&size, sizeof(size));	/* little-endian */
	return size;
}

long fw_cfg_read_file(const char *name, char *buf, size_t cap)
{
	struct fw_cfg_file f;
	uint32_t count;
	size_t n;

	if (!cap || !fw_cfg_present())
		return -ENOENT;
	select_item(FW_CFG_FILE_DIR);
	read_bytes(&count, sizeof(count));
	for (count = be32(count); count; count--) {
		read_bytes(&f, sizeof(f));
		f.name[sizeof(f.name) - 1] = '\0';
		if (strcmp(f.name, name) != 0)
			continue;
		n = be32(f.size) < cap - 1 ? be32(f.size) : cap - 1;
		select_item(__builtin_bswap16(f.select));
		read_bytes(buf, n);
		buf[n] = '\0';
		return be32(f.size);
	}
	return -ENOENT;
}
