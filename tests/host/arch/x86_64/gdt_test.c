/*
 * tests/host/arch/x86_64/gdt_test.c - descriptor encodings against the
 * values every x86_64 kernel uses (SDM Vol. 3A, 3.4.5 and 7.2.3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "arch/x86_64/gdt.h"
#include "kernel/percpu.h"

/* gdt.c keeps a GDT per CPU; these tests are the boot CPU. */
unsigned int this_cpu_index(void)
{
	return 0;
}

#define SEG (GDT_ACCESS_PRESENT | GDT_ACCESS_SEGMENT | GDT_ACCESS_RW | \
	     GDT_ACCESS_ACCESSED)

/* before: nothing; after: 64-bit ring-0 code, the flat 4 GiB limit. */
static void gdt_test_kernel_code(void **state)
{
	(void)state;
	assert_int_equal(gdt_segment(0, 0xfffff, SEG | GDT_ACCESS_CODE,
				     GDT_FLAG_GRANULARITY | GDT_FLAG_LONG),
			 0x00af9b000000ffffULL);
}

static void gdt_test_kernel_data(void **state)
{
	(void)state;
	assert_int_equal(gdt_segment(0, 0xfffff, SEG,
				     GDT_FLAG_GRANULARITY | GDT_FLAG_DB32),
			 0x00cf93000000ffffULL);
}

static void gdt_test_user_code_and_data(void **state)
{
	(void)state;
	assert_int_equal(gdt_segment(0, 0xfffff, SEG | GDT_ACCESS_DPL3 | GDT_ACCESS_CODE,
				     GDT_FLAG_GRANULARITY | GDT_FLAG_LONG),
			 0x00affb000000ffffULL);
	assert_int_equal(gdt_segment(0, 0xfffff, SEG | GDT_ACCESS_DPL3,
				     GDT_FLAG_GRANULARITY | GDT_FLAG_DB32),
			 0x00cff3000000ffffULL);
}

/* Base and limit are scattered over the descriptor: every bit lands. */
static void gdt_test_base_and_limit_bits(void **state)
{
	(void)state;
	assert_int_equal(gdt_segment(0x12345678, 0xabcde, 0, 0),
			 0x120a00345678bcdeULL);
}

/* The 16-byte TSS descriptor: type 9, present, base split over both
 * slots, the high slot's upper half zero. */
static void gdt_test_tss_descriptor(void **state)
{
	uint64_t d[2];

	(void)state;
	gdt_tss_descriptor(0xffffffff80123456ULL, 103, d);
	assert_int_equal(d[0], 0x8000891234560067ULL);
	assert_int_equal(d[1], 0x00000000ffffffffULL);
}

static void gdt_test_selectors(void **state)
{
	(void)state;
	assert_int_equal(GDT_KERNEL_CODE, 0x08);
	assert_int_equal(GDT_KERNEL_DATA, 0x10);
	/* SYSRET needs user data right below user code. */
	assert_int_equal((GDT_USER_CODE & ~3) - (GDT_USER_DATA & ~3), 8);
	assert_int_equal(GDT_USER_CODE & 3, 3);
	assert_int_equal(sizeof(struct tss), 104);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gdt_test_kernel_code),
		cmocka_unit_test(gdt_test_kernel_data),
		cmocka_unit_test(gdt_test_user_code_and_data),
		cmocka_unit_test(gdt_test_base_and_limit_bits),
		cmocka_unit_test(gdt_test_tss_descriptor),
		cmocka_unit_test(gdt_test_selectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
