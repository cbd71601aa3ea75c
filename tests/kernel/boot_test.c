/*
 * tests/kernel/boot_test.c - what the boot loader handed over arrived whole.
 *
 * The test runner tells the kernel what to expect through QEMU's fw_cfg
 * (opt/keel/cmdline, opt/keel/firmware), a path that does not go through
 * GRUB, and QEMU itself reports the RAM size there.
 */
#include "lib/string.h"
#include "drivers/fw_cfg.h"
#include "kernel/bootinfo.h"
#include "kernel/ktest.h"
#include "kernel/multiboot2.h"

KTEST(boot_loader_name_is_grub)
{
	const struct boot_info *info = ktest_boot_info();

	KT_ASSERT(info->loader_name);
	KT_ASSERT(strncmp(info->loader_name, "GRUB", 4) == 0);
}

KTEST(boot_info_ends_with_end_tag)
{
	const struct boot_info *info = ktest_boot_info();

	KT_ASSERT(bootinfo_ok());	/* the walk reached the end tag */
	KT_ASSERT(info->tags >= 3);
	KT_ASSERT(info->total_size >= 16);
	KT_ASSERT(info->mmap);
}

KTEST(boot_cmdline_arrives_verbatim)
{
	char expected[512];
	long n = fw_cfg_read_file("opt/keel/cmdline", expected, sizeof(expected));

	if (n < 0) {
		ktest_skip(t, "no opt/keel/cmdline from the emulator");
		return;
	}
	KT_EXPECT_STREQ(ktest_boot_info()->cmdline, expected);
}

KTEST(boot_firmware_is_detected)
{
	char expected[16];
	const char *seen = ktest_boot_info()->efi ? "uefi" : "bios";

	if (fw_cfg_read_file("opt/keel/firmware", expected, sizeof(expected)) < 0) {
		ktest_skip(t, "no opt/keel/firmware from the emulator");
		return;
	}
	KT_EXPECT_STREQ(seen, expected);
}

/*
 * Usable memory cannot exceed the RAM QEMU was given, and firmware keeps
 * only a little of it: an eighth is far more than SeaBIOS or OVMF take.
 */
KTEST(boot_usable_memory_matches_ram_size)
{
	const struct boot_info *info = ktest_boot_info();
	uint64_t ram = fw_cfg_ram_size();
	uint64_t usable = 0;

	if (!ram) {
		ktest_skip(t, "the emulator does not report its RAM size");
		return;
	}
	KT_ASSERT(info->mmap);
	for (uint32_t i = 0; i < info->mmap_count; i++) {
		const struct mb2_mmap_entry *e = (const void *)
			(info->mmap + (uint64_t)i * info->mmap_entry_size);

		if (e->type == 1)
			usable += e->length;
	}
	KT_ASSERT(usable <= ram);
	KT_ASSERT(usable >= ram - ram / 8);
}
