/*
 * tests/host/lib/acpi_sleep_test.c - host tests of the \_S5 search through
 * the definition blocks (lib/acpi_sleep.c): the firmware tables of
 * tests/fixtures/acpi/, and sets of tables compiled by iasl from
 * tests/fixtures/acpi/asl/ (mk/acpi.mk), laid out in a pretend physical
 * memory behind a hand-built RSDP and RSDT (acpi_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

#include "lib/acpi_sleep.h"
#include "lib/align.h"
#include "lib/errno.h"
#include "tests/host/lib/acpi_fixture.h"

#define ACPI_FIXTURE_DIR "tests/fixtures/acpi"

#define RSDT_PHYS	0x7000
#define FADT_PHYS	0xb000
#define DSDT_PHYS	0xc000	/* where asl/facp.dsl says the DSDT is */
#define SSDT_PHYS	0xd000	/* the first SSDT; the next 0x1000 above */
#define MAX_SSDTS	4
#define S5		5

/* One machine's tables: the FADT of asl/facp.dsl, a DSDT (or none) and
 * up to MAX_SSDTS SSDTs, listed by the RSDT after the FADT in this order. */
struct machine {
	struct fake_mem m;
	uint8_t rsdp[ACPI_RSDP_V2_LEN];
	uint8_t *ssdt[MAX_SSDTS];	/* the copies in pretend memory */
	size_t ssdt_len[MAX_SSDTS];
	struct acpi_tables t;
};

static uint64_t ssdt_phys(unsigned int i)
{
	return SSDT_PHYS + 0x1000 * (uint64_t)i;
}

static void put_rsdt(struct machine *mc, unsigned int nssdt)
{
	uint8_t buf[ACPI_HEADER_LEN + 4 * (1 + MAX_SSDTS)] = { 0 };
	uint32_t len = ACPI_HEADER_LEN + 4 * (1 + nssdt);

	put_header(buf, "RSDT", len, 1);
	put32(buf + ACPI_HEADER_LEN, FADT_PHYS);
	for (unsigned int i = 0; i < nssdt; i++)
		put32(buf + ACPI_HEADER_LEN + 4 * (1 + i), (uint32_t)ssdt_phys(i));
	fix_checksum(buf, len);
	fake_put(&mc->m, RSDT_PHYS, buf, len);
}

/* Lay out the tables; @ssdts ends with NULL. The caller may damage them
 * (mc->ssdt[i]) before scan(). */
static void build(struct machine *mc, const char *dsdt,
		  const char *const *ssdts)
{
	unsigned int n = 0;

	fake_init(&mc->m);
	put_rsdp(mc->rsdp, RSDT_PHYS, 0, 0);
	fake_put_aml(&mc->m, FADT_PHYS, "facp", NULL);
	if (dsdt)
		fake_put_aml(&mc->m, DSDT_PHYS, dsdt, NULL);
	for (; ssdts[n]; n++) {
		assert_true(n < MAX_SSDTS);
		mc->ssdt[n] = fake_put_aml(&mc->m, ssdt_phys(n), ssdts[n],
					   &mc->ssdt_len[n]);
	}
	put_rsdt(mc, n);
}

static void scan(struct machine *mc)
{
	assert_int_equal(acpi_scan(mc->rsdp, ACPI_RSDP_V1_LEN, &mc->m.io,
				   &mc->t), 0);
}

static void check_found(const struct acpi_sleep_state *s, const char *sig,
			unsigned int index, uint64_t phys, uint8_t a, uint8_t b)
{
	assert_non_null(s->table);
	assert_string_equal(s->table->sig, sig);
	assert_int_equal(s->index, index);
	assert_int_equal(s->table->phys, phys);
	assert_int_equal(s->type.slp_typa, a);
	assert_int_equal(s->type.slp_typb, b);
}

/* QEMU's firmware tables have \_S5 = 0/0 in the DSDT and no SSDT. */
static void acpi_sleep_test_fixtures_find_s5_in_dsdt(void **state)
{
	static const char *const dirs[] = { "seabios-pc", "seabios-q35",
					    "ovmf-pc", "ovmf-q35" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct machine mc;
		struct acpi_sleep_state s = { { 9, 9 }, NULL, 9 };
		char path[256], why[160];

		fake_init(&mc.m);
		snprintf(path, sizeof(path), "%s/%s", ACPI_FIXTURE_DIR, dirs[i]);
		assert_true(fake_load_fixture(&mc.m, path) > 0);
		assert_int_equal(acpi_scan(mc.m.rsdp, mc.m.rsdp_len, &mc.m.io,
					   &mc.t), 0);
		assert_int_equal(acpi_find_sleep_state(&mc.t, S5, &s, why,
						       sizeof(why)), 0);
		check_found(&s, "DSDT", 0, acpi_find(&mc.t, "DSDT", 0)->phys, 0, 0);
		fake_free(&mc.m);
	}
}

/* A set of tables and what the search must say of it: where \_S5 was
 * found and its sleep types, or the error and its whole reason. */
struct search_case {
	const char *name;
	const char *dsdt;			/* NULL: no DSDT */
	const char *ssdts[MAX_SSDTS + 1];	/* ends with NULL */
	int err;
	const char *sig;			/* found (err 0): where */
	unsigned int index;
	uint64_t phys;
	uint8_t a, b;
	const char *why;			/* not found: the reason */
};

static const struct search_case search_cases[] = {
	/* The DSDT comes first, whatever an SSDT says. */
	{ "DSDT before SSDT", "dsdt-s5", { "ssdt-s5" }, 0, "DSDT", 0,
	  DSDT_PHYS, 0, 0, NULL },
	/* before: the SSDT search was in kernel/power.c and never ran on a
	 * table with \_S5 outside the DSDT; after: found in SSDT 0, a=7 and
	 * b=3 (the order asl/ssdt-s5.dsl writes them). */
	{ "in SSDT 0", "dsdt-no-s5", { "ssdt-s5" }, 0, "SSDT", 0,
	  SSDT_PHYS, 7, 3, NULL },
	{ "in SSDT 1", "dsdt-no-s5", { "ssdt-cpus", "ssdt-s5" }, 0, "SSDT", 1,
	  SSDT_PHYS + 0x1000, 7, 3, NULL },
	/* Nowhere: -ENOENT, saying what was searched. */
	{ "nowhere", "dsdt-no-s5", { "ssdt-cpus" }, -ENOENT, NULL, 0, 0, 0, 0,
	  "no Name(_S5_, ...) in the DSDT and 1 SSDT" },
	/* No DSDT at all (the FADT points at empty memory). */
	{ "no DSDT", NULL, { "ssdt-cpus" }, -ENOENT, NULL, 0, 0, 0, 0,
	  "no DSDT, and no Name(_S5_, ...) in 1 SSDT; 1 table the parser "
	  "refused was not searched" },
	{ "no SSDT", "dsdt-no-s5", { NULL }, -ENOENT, NULL, 0, 0, 0, 0,
	  "no Name(_S5_, ...) in the DSDT and 0 SSDTs" },
	/* before: Method(_S5) in the DSDT read as "no \_S5" there, and the
	 * search took the SSDT's package; after: the DSDT decides (an OS
	 * would not load a second \_S5), and the error names the table and
	 * the Method. */
	{ "Method in the DSDT", "dsdt-s5-method", { "ssdt-s5" }, -EINVAL,
	  NULL, 0, 0, 0, 0,
	  "DSDT 0 at 0xc000: _S5_ is a Method, which this reader does not "
	  "run" },
};

static void acpi_sleep_test_search_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(search_cases); i++) {
		const struct search_case *c = &search_cases[i];
		struct machine mc;
		struct acpi_sleep_state s = { { 9, 9 }, NULL, 9 };
		char why[160];

		print_message("case: %s\n", c->name);
		build(&mc, c->dsdt, c->ssdts);
		scan(&mc);
		assert_int_equal(acpi_find_sleep_state(&mc.t, S5, &s, why,
						       sizeof(why)), c->err);
		if (c->err)
			assert_string_equal(why, c->why);
		else
			check_found(&s, c->sig, c->index, c->phys, c->a, c->b);
		fake_free(&mc.m);
	}
}

/* The SSDT with \_S5 has a bad checksum (its 7 became a 6): the parser
 * refuses it, so the search never sees it, finds nothing, and says that a
 * table was refused. A wrong sleep type is never written. */
static void acpi_sleep_test_bad_checksum_ssdt_is_not_searched(void **state)
{
	static const char *const ssdts[] = { "ssdt-s5", NULL };
	struct machine mc;
	struct acpi_sleep_state s;
	char why[160];
	uint8_t *seven;

	(void)state;
	build(&mc, "dsdt-no-s5", ssdts);
	seven = memchr(mc.ssdt[0] + ACPI_HEADER_LEN, 0x07,
		       mc.ssdt_len[0] - ACPI_HEADER_LEN);
	assert_non_null(seven);
	*seven = 0x06;
	scan(&mc);
	assert_int_equal(mc.t.refused, 1);
	assert_null(acpi_find(&mc.t, "SSDT", 0));
	assert_non_null(strstr(mc.m.reports, "SSDT at 0xd000: bad checksum; skipped"));
	assert_int_equal(acpi_find_sleep_state(&mc.t, S5, &s, why, sizeof(why)),
			 -ENOENT);
	assert_string_equal(why, "no Name(_S5_, ...) in the DSDT and 0 SSDTs; 1 "
			    "table the parser refused was not searched");
	fake_free(&mc.m);
}

/* The same bad SSDT, then a good one that names \_S5: the search goes on
 * to it. Its index counts the SSDTs kept (it is "SSDT 0", the second in
 * the RSDT); its address tells them apart. */
static void acpi_sleep_test_bad_ssdt_skipped_for_next(void **state)
{
	static const char *const ssdts[] = { "ssdt-s5", "ssdt-s5-other", NULL };
	struct machine mc;
	struct acpi_sleep_state s;
	char why[160];

	(void)state;
	build(&mc, "dsdt-no-s5", ssdts);
	mc.ssdt[0][mc.ssdt_len[0] - 1] ^= 0xff;
	scan(&mc);
	assert_int_equal(mc.t.refused, 1);
	assert_int_equal(acpi_find_sleep_state(&mc.t, S5, &s, why, sizeof(why)), 0);
	check_found(&s, "SSDT", 0, ssdt_phys(1), 5, 5);
	fake_free(&mc.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(acpi_sleep_test_fixtures_find_s5_in_dsdt),
		cmocka_unit_test(acpi_sleep_test_search_cases),
		cmocka_unit_test(acpi_sleep_test_bad_checksum_ssdt_is_not_searched),
		cmocka_unit_test(acpi_sleep_test_bad_ssdt_skipped_for_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
