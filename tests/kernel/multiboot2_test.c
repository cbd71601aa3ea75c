/*
 * tests/kernel/multiboot2_test.c - the parser on the real boot information,
 * cut short at every length: it must report the damage and never read past
 * the end. (tests/host/kernel/multiboot2_test.c covers crafted input.)
 */
#include "lib/string.h"
#include "kernel/bootinfo.h"
#include "kernel/ktest.h"
#include "kernel/multiboot2.h"

static uint8_t cut[64 * 1024] __attribute__((aligned(8)));

KTEST(multiboot2_reparse_gives_same_info)
{
	size_t size;
	const void *raw = bootinfo_raw(&size);
	struct boot_info parsed;
	struct mb2_error err;

	KT_ASSERT(size > 16);
	KT_ASSERT(mb2_parse(raw, size, &parsed, &err) == 0);
	KT_ASSERT_EQ(parsed.tags, ktest_boot_info()->tags);
	KT_ASSERT_EQ(parsed.mmap_count, ktest_boot_info()->mmap_count);
}

/* Every prefix of the real information, with total_size claiming that
 * prefix, lacks the end tag and must be reported as malformed. */
KTEST(multiboot2_every_truncation_is_reported)
{
	size_t size;
	const void *raw = bootinfo_raw(&size);
	struct boot_info parsed;
	struct mb2_error err;

	KT_ASSERT(size <= sizeof(cut));
	memcpy(cut, raw, size);
	for (uint32_t len = 0; len < size; len++) {
		if (len >= 4)
			memcpy(cut, &len, 4);
		err.what = NULL;
		KT_ASSERT(mb2_parse(cut, len, &parsed, &err) < 0);
		KT_ASSERT(err.what != NULL);
	}
}

/* A size field that points past the end is caught, not followed. */
KTEST(multiboot2_oversized_tag_is_reported)
{
	size_t size;
	const void *raw = bootinfo_raw(&size);
	struct boot_info parsed;
	struct mb2_error err;
	uint32_t huge = 0x7ffffff0;

	memcpy(cut, raw, size);
	memcpy(cut + 8 + 4, &huge, 4);	/* the first tag's size */
	KT_ASSERT(mb2_parse(cut, size, &parsed, &err) < 0);
	KT_ASSERT_EQ(err.offset, 8);
}
