/*
 * kernel/bootinfo.c - copy the Multiboot2 information into the kernel's .bss
 * and parse it there (kernel/multiboot2.c does the checking).
 */
#include "kernel/bootinfo.h"

#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/printk.h"

/* Far more than GRUB passes (2-12 KiB seen, most of it the EFI map). */
#define BOOTINFO_MAX (64 * 1024)

static uint8_t copy[BOOTINFO_MAX] __attribute__((aligned(8)));
static struct boot_info info;
static uint64_t info_phys_addr;
static size_t copy_size;
static bool parsed_ok;

static void report_copy_error(long err, uint32_t phys)
{
	if (err == -ENOSPC)
		kprintf("Keel: boot information at %#x is larger than %u bytes; "
			"ignoring it\n", phys, BOOTINFO_MAX);
	else
		kprintf("Keel: boot information at %#x is unusable (%s); "
			"ignoring it\n", phys, errno_name((int)err));
}

const struct boot_info *bootinfo_load(uint32_t phys)
{
	struct mb2_error err;
	long size;

	info_phys_addr = phys;
	size = mb2_copy(copy, sizeof(copy), phys ? phys_to_virt(phys) : NULL);
	if (size < 0) {
		report_copy_error(size, phys);
		mb2_parse(copy, 0, &info, &err);	/* empty info */
		return &info;
	}
	copy_size = (size_t)size;
	parsed_ok = mb2_parse(copy, copy_size, &info, &err) == 0;
	if (!parsed_ok)
		kprintf("Keel: boot information is malformed: %s (tag type %u, "
			"\"%s\", at offset %u); using the %u tags before it\n",
			err.what, err.type, mb2_tag_name(err.type), err.offset,
			info.tags);
	if (info.fb_error)
		kprintf("Keel: ignoring the framebuffer the loader set up: %s\n",
			info.fb_error);
	return &info;
}

bool bootinfo_ok(void)
{
	return parsed_ok;
}

const struct boot_info *bootinfo(void)
{
	return &info;
}

uint64_t bootinfo_phys(void)
{
	return info_phys_addr;
}

const void *bootinfo_raw(size_t *size)
{
	*size = copy_size;
	return copy;
}
