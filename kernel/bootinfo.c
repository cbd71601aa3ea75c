/*
 * kernel/bootinfo.c - copy the Multiboot2 information into the kernel's .bss
 * and parse it there (kernel/multiboot2.c does the checking).
 */
#include "kernel/bootinfo.h"

#include "lib/errno.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
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
	/* Past a tag whose size is broken nothing can be read, and what is
	 * lost there may be a module or a memory map entry still in use:
	 * handing its memory out would corrupt it silently. */
	if (!info.complete)
		panic("Keel cannot boot: the boot information is malformed at "
		      "offset %u (%s, tag type %u, \"%s\"), and the tags after "
		      "it, which may describe memory in use, cannot be read",
		      err.offset, err.what, err.type, mb2_tag_name(err.type));
	if (!parsed_ok)
		kprintf("Keel: boot information tag type %u (\"%s\") at offset "
			"%u ignored: %s\n", err.type, mb2_tag_name(err.type),
			err.offset, err.what);
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
