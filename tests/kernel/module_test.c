/*
 * tests/kernel/module_test.c - every boot module stays reserved and intact.
 *
 * scripts/run-tests.sh --modules N loads N modules of 64 KiB, each filled
 * with the one byte its string names ("keel-test-module fill=0xNN"), and
 * tells the kernel N through fw_cfg (opt/keel/modules), a path that does not
 * go through GRUB. The check runs last, after every other test has taken and
 * given back frames: a module frame the allocator manages, or a byte that
 * no longer holds its fill, means the module was not reserved.
 */
#include "lib/string.h"
#include "drivers/fw_cfg.h"
#include "kernel/ktest.h"
#include "kernel/frame.h"
#include "kernel/layout.h"
#include "kernel/multiboot2.h"
#include "kernel/pmm.h"

#define FILL_PREFIX "keel-test-module fill=0x"

/* The fill byte a test module's string names, or -1 if it names none. */
static int module_fill(const char *string)
{
	const char *p = strstr(string, FILL_PREFIX);
	int v = 0;

	if (!p)
		return -1;
	p += sizeof(FILL_PREFIX) - 1;
	for (int i = 0; i < 2; i++, p++) {
		int c = *p | 0x20;

		if (*p >= '0' && *p <= '9')
			v = v * 16 + (*p - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			return -1;
	}
	return v;
}

/* How many modules the runner loaded, or -1 when it did not say. */
static long expected_modules(void)
{
	char buf[16];
	long n = fw_cfg_read_file("opt/keel/modules", buf, sizeof(buf));
	long v = 0;

	if (n <= 0)
		return -1;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

/* No frame of [start, end) may belong to the frame allocator (free or
 * handed out), and every byte must still be @fill. */
static void check_module(struct ktest_ctx *t, const struct mb2_module *mod,
			 int fill)
{
	const uint8_t *p = phys_to_virt(mod->start);

	for (paddr_t f = mod->start & ~(PAGE_SIZE - 1); f < mod->end;
	     f += PAGE_SIZE) {
		enum pmm_frame_state state = pmm_frame_state(frame_pmm(), f);

		if (state == PMM_FRAME_FREE || state == PMM_FRAME_ALLOCATED) {
			ktest_fail_at(t, __FILE__, __LINE__, "module \"%s\": "
				      "frame %#llx is %s", mod->string,
				      (unsigned long long)f,
				      state == PMM_FRAME_FREE ? "free" :
				      "handed out");
			return;
		}
	}
	for (uint32_t i = 0; i < mod->end - mod->start; i++) {
		if (p[i] != fill) {
			ktest_fail_at(t, __FILE__, __LINE__, "module \"%s\": "
				      "byte %u is %#x, not %#x", mod->string,
				      i, p[i], fill);
			return;
		}
	}
}

KTEST_FLAGS(boot_modules_are_reserved_and_intact, KTEST_LAST)
{
	const struct boot_info *info = ktest_boot_info();
	long expected = expected_modules();
	struct mb2_module mod;
	uint32_t cursor = 0, seen = 0;

	if (expected < 0) {
		ktest_skip(t, "the runner loaded no test modules");
		return;
	}
	/* The user programs ride along as modules too (scripts/mkiso.sh
	 * --programs); only the runner's test modules have a fill. */
	while (mb2_next_module(info, &cursor, &mod) && !ktest_has_failed(t)) {
		int fill = module_fill(mod.string);

		if (fill < 0)
			continue;
		seen++;
		check_module(t, &mod, fill);
	}
	if (!ktest_has_failed(t))
		KT_ASSERT_EQ(seen, expected);
}
