/*
 * tests/host/lib/aml_test.c - host tests of lib/aml.c: \_S5 in the DSDTs
 * of the fixtures (tests/fixtures/acpi/), in tables iasl compiles from
 * tests/fixtures/acpi/asl/ (mk/acpi.mk), and crafted byte strings in heap
 * buffers of their exact size, so ASan catches a read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include "lib/aml.h"
#include "lib/errno.h"
#include "tests/host/lib/acpi_fixture.h"

#define ACPI_FIXTURE_DIR "tests/fixtures/acpi"

static int find_s5(const uint8_t *bytes, size_t len, struct aml_sleep_type *t,
		   char *why, size_t why_len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, bytes, len);
	err = aml_find_sleep_type(copy, len, 5, t, why, why_len);
	free(copy);
	return err;
}

/* QEMU's DSDTs (pc: PIIX4, q35: ICH9) say Name (_S5, Package (4) {Zero,
 * Zero, Zero, Zero}) under both firmwares (iasl -d on the fixtures). */
static void aml_test_fixture_dsdts_have_s5_zero(void **state)
{
	static const char *const dirs[] = { "seabios-pc", "seabios-q35",
					    "ovmf-pc", "ovmf-q35" };

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct fake_mem m;
		struct acpi_tables t;
		const struct acpi_table *dsdt;
		struct aml_sleep_type s = { 9, 9 };
		char path[256], why[128];

		fake_init(&m);
		snprintf(path, sizeof(path), "%s/%s", ACPI_FIXTURE_DIR, dirs[i]);
		assert_true(fake_load_fixture(&m, path) > 0);
		assert_int_equal(acpi_scan(m.rsdp, m.rsdp_len, &m.io, &t), 0);
		dsdt = acpi_find(&t, "DSDT", 0);
		assert_non_null(dsdt);
		assert_int_equal(aml_find_sleep_type((const uint8_t *)dsdt->data + 36,
						     dsdt->length - 36, 5, &s, why,
						     sizeof(why)), 0);
		assert_int_equal(s.slp_typa, 0);
		assert_int_equal(s.slp_typb, 0);
		/* And no \_S1: QEMU leaves S1 out. */
		assert_int_equal(aml_find_sleep_type((const uint8_t *)dsdt->data + 36,
						     dsdt->length - 36, 1, &s, why,
						     sizeof(why)), -ENOENT);
		fake_free(&m);
	}
}

static void aml_test_forms_firmware_writes(void **state)
{
	/* Name(\_S5_, Package(2){BytePrefix 7, One}) after some noise. */
	static const uint8_t root[] = { 0x10, 0x08, 0x08, '\\', '_', 'S', '5', '_',
					0x12, 0x05, 0x02, 0x0a, 0x07, 0x01 };
	/* Name(_S5_, Package(4){WordPrefix 5, Zero, Zero, Zero}), a 2-byte
	 * PkgLength (0x40 | 0x07, 0x00). */
	static const uint8_t word[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x49, 0x00,
					0x04, 0x0b, 0x05, 0x00, 0x00, 0x00, 0x00 };
	/* One element holding both values: a in bits 0-7, b in 8-15. */
	static const uint8_t one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01,
				       0x0b, 0x05, 0x06 };
	struct aml_sleep_type s;
	char why[128];

	(void)state;
	assert_int_equal(find_s5(root, sizeof(root), &s, why, sizeof(why)), 0);
	assert_int_equal(s.slp_typa, 7);
	assert_int_equal(s.slp_typb, 1);
	assert_int_equal(find_s5(word, sizeof(word), &s, why, sizeof(why)), 0);
	assert_int_equal(s.slp_typa, 5);
	assert_int_equal(s.slp_typb, 0);
	assert_int_equal(find_s5(one, sizeof(one), &s, why, sizeof(why)), 0);
	assert_int_equal(s.slp_typa, 5);
	assert_int_equal(s.slp_typb, 6);
}

static void aml_test_unreadable_forms_say_why(void **state)
{
	/* Name(_S5_, 5): an integer, not a package. */
	static const uint8_t integer[] = { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 };
	/* Package elements that are names (SS5A), not constants. */
	static const uint8_t named[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02,
					 'S', 'S', '5', 'A', 0x00 };
	/* A package length past the stream's end. */
	static const uint8_t past[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x30, 0x02,
					0x00, 0x00 };
	/* A sleep type of 8 does not fit 3 bits. */
	static const uint8_t wide[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02,
					0x0a, 0x08, 0x00 };
	/* A Method named _S5_ (MethodOp, PkgLength 8, which is NameOp's
	 * byte): not run, and not mistaken for a Name. */
	static const uint8_t method[] = { 0x14, 0x08, '_', 'S', '5', '_', 0x00,
					  0xa4, 0x00 };
	struct aml_sleep_type s;
	char why[128];

	(void)state;
	assert_int_equal(find_s5(integer, sizeof(integer), &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "_S5_ is not a Package (opcode 0xa)");
	assert_int_equal(find_s5(named, sizeof(named), &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "element 0 is not a constant integer (opcode 0x53)");
	assert_int_equal(find_s5(past, sizeof(past), &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "its package length runs past the table");
	assert_int_equal(find_s5(wide, sizeof(wide), &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "sleep type 0x8 does not fit SLP_TYP's 3 bits");
	assert_int_equal(find_s5(method, sizeof(method), &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "_S5_ is a Method, which this reader does not run");
}

/* before: Method(_S5) { Return (Package () {...}) }, as iasl compiles it
 * (MethodOp, a PkgLength of 0x10, the name), read as "no Name(_S5_, ...)",
 * so a caller went on looking elsewhere; after: the Method is named. The
 * same with a 2-byte PkgLength and a root prefix. */
static void aml_test_method_is_named(void **state)
{
	static const uint8_t wide[] = { 0x14, 0x41, 0x01, '\\', '_', 'S', '5',
					'_', 0x00, 0xa4, 0x00 };
	struct aml_sleep_type s;
	char path[256], why[128];
	uint8_t *aml;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/dsdt-s5-method.aml", ACPI_AML_DIR);
	aml = fake_read_file(path, &len);
	assert_true(len > 36);
	assert_int_equal(find_s5(aml + 36, len - 36, &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "_S5_ is a Method, which this reader does not run");
	free(aml);
	assert_int_equal(find_s5(wide, sizeof(wide), &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "_S5_ is a Method, which this reader does not run");
}

/* Every prefix of a good stream: no read past the end (ASan), and no
 * result before the whole package (its first 17 bytes) is there. */
static void aml_test_every_prefix_is_safe(void **state)
{
	static const uint8_t good[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0a,
					0x04, 0x0a, 0x05, 0x0c, 0x01, 0x00, 0x00, 0x00,
					0x00, 0x00 };
	struct aml_sleep_type s;
	char why[128];

	(void)state;
	for (size_t n = 0; n < 17; n++) {
		int err = find_s5(good, n, &s, why, sizeof(why));

		assert_true(err == -ENOENT || err == -EINVAL);
	}
	assert_int_equal(find_s5(good, 17, &s, why, sizeof(why)), 0);
	assert_int_equal(s.slp_typa, 5);
	assert_int_equal(s.slp_typb, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aml_test_fixture_dsdts_have_s5_zero),
		cmocka_unit_test(aml_test_forms_firmware_writes),
		cmocka_unit_test(aml_test_unreadable_forms_say_why),
		cmocka_unit_test(aml_test_method_is_named),
		cmocka_unit_test(aml_test_every_prefix_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
