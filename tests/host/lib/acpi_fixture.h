/*
 * tests/host/lib/acpi_fixture.h - a pretend physical memory for the ACPI
 * parser's host tests: regions at chosen physical addresses, each in a heap
 * buffer of its exact size (so ASan catches a read past a table), the
 * struct acpi_io over them, the reports kept for checking, helpers to build
 * tables with good checksums, and the loader of the dumped firmware tables
 * in tests/fixtures/acpi/.
 */
#pragma once

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/acpi.h"

#define FAKE_MAX_REGIONS	64
#define FAKE_REPORTS_LEN	8192

struct fake_region {
	uint64_t phys;
	size_t len;
	uint8_t *data;
};

struct fake_mem {
	unsigned int n;
	struct fake_region r[FAKE_MAX_REGIONS];
	char reports[FAKE_REPORTS_LEN];	/* every report, one per line */
	unsigned int report_count;
	struct acpi_io io;
	uint8_t *rsdp;			/* from a fixture: its RSDP file */
	size_t rsdp_len;
};

static inline const void *fake_map(void *ctx, uint64_t phys, size_t len)
{
	struct fake_mem *m = ctx;

	for (unsigned int i = 0; i < m->n; i++) {
		struct fake_region *r = &m->r[i];

		if (phys >= r->phys && len <= r->len &&
		    phys - r->phys <= r->len - len)
			return r->data + (phys - r->phys);
	}
	return NULL;
}

static inline void fake_report(void *ctx, const char *msg)
{
	struct fake_mem *m = ctx;
	size_t used = strlen(m->reports);

	snprintf(m->reports + used, sizeof(m->reports) - used, "%s\n", msg);
	m->report_count++;
}

static inline void fake_init(struct fake_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->io = (struct acpi_io){ fake_map, fake_report, m };
}

static inline void fake_free(struct fake_mem *m)
{
	for (unsigned int i = 0; i < m->n; i++)
		free(m->r[i].data);
	free(m->rsdp);
	m->n = 0;
}

/* Put a copy of @len bytes of @src at @phys. Returns the copy. */
static inline uint8_t *fake_put(struct fake_mem *m, uint64_t phys,
				const void *src, size_t len)
{
	struct fake_region *r = &m->r[m->n++];

	if (m->n > FAKE_MAX_REGIONS)
		abort();
	r->phys = phys;
	r->len = len;
	r->data = malloc(len ? len : 1);
	if (!r->data)
		abort();
	memcpy(r->data, src, len);
	return r->data;
}

/* --- Building tables --------------------------------------------------- */

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* A header for @sig of @len bytes (the caller fills the body, then calls
 * fix_checksum()). */
static inline void put_header(uint8_t *t, const char *sig, uint32_t len,
			      uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "KEELTS", 6);
	memcpy(t + 16, "TESTTABL", 8);
}

static inline void fix_checksum(uint8_t *t, size_t len)
{
	t[9] = 0;
	t[9] = (uint8_t)-sum8(t, len);
}

/* A revision 2 RSDP naming @rsdt and @xsdt, in @p (36 bytes). */
static inline void put_rsdp(uint8_t *p, uint32_t rsdt, uint64_t xsdt, uint8_t rev)
{
	memset(p, 0, ACPI_RSDP_V2_LEN);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "KEELTS", 6);
	p[15] = rev;
	put32(p + 16, rsdt);
	put32(p + 20, ACPI_RSDP_V2_LEN);
	put64(p + 24, xsdt);
	p[8] = (uint8_t)-sum8(p, ACPI_RSDP_V1_LEN);
	p[32] = (uint8_t)-sum8(p, ACPI_RSDP_V2_LEN);
}

/* --- Fixtures: tables dumped from firmware ----------------------------- */

/* The whole file @path, in a heap buffer of its size; *@len its length.
 * Aborts when it cannot be read (a missing table is a broken build). */
static inline uint8_t *fake_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		abort();
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#ifdef ACPI_AML_DIR
/* Put the table iasl compiled from tests/fixtures/acpi/asl/@name.dsl at
 * @phys; *@len (if not NULL) gets its length. Returns the copy. */
static inline uint8_t *fake_put_aml(struct fake_mem *m, uint64_t phys,
				    const char *name, size_t *len)
{
	char path[256];
	size_t n;
	uint8_t *buf, *p;

	snprintf(path, sizeof(path), "%s/%s.aml", ACPI_AML_DIR, name);
	buf = fake_read_file(path, &n);
	p = fake_put(m, phys, buf, n);
	free(buf);
	if (len)
		*len = n;
	return p;
}
#endif

/*
 * Load tests/fixtures/acpi/@name/: the file RSDP (its bytes) and one file
 * per table, named PHYS-SIG.bin with PHYS in hex, placed at PHYS. Returns
 * the number of tables, or -1 when the directory cannot be read.
 */
static inline int fake_load_fixture(struct fake_mem *m, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int tables = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[512];
		uint64_t phys;
		uint8_t *buf;
		size_t n;

		if (e->d_name[0] == '.' || e->d_type == DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		buf = fake_read_file(path, &n);
		if (strcmp(e->d_name, "RSDP") == 0) {
			m->rsdp = buf;
			m->rsdp_len = n;
			continue;
		}
		if (sscanf(e->d_name, "%" SCNx64 "-", &phys) == 1) {
			fake_put(m, phys, buf, n);
			tables++;
		}
		free(buf);
	}
	closedir(d);
	return tables;
}
