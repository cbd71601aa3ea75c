/*
 * lib/aml.c - the sleep state packages of the AML namespace, read straight
 * from the byte stream (ACPI 6.5, 20.2: the AML grammar). Every read is
 * checked against the stream's end; nothing is evaluated.
 */
#include "lib/aml.h"

#include <stdbool.h>

#include "lib/errno.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"

/* 20.2.5.1 and 20.2.3: the opcodes and prefixes read here. */
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_PACKAGE_OP		0x12
#define AML_METHOD_OP		0x14
#define AML_ROOT_CHAR		'\\'
#define AML_ONES_OP		0xff

#define SLP_TYP_MAX		7	/* PM1_CNT.SLP_TYP is 3 bits (4.8.3.2.1) */
#define NAME_LEN		4	/* a NameSeg */

/* 20.2.4: PkgLength. The lead byte's top two bits count the bytes that
 * follow; with none, its low 6 bits are the length, else its low 4 bits
 * and each following byte above them. Returns the bytes it takes, or 0. */
static size_t pkg_length(const uint8_t *p, const uint8_t *end, uint32_t *len)
{
	size_t n;

	if (p >= end)
		return 0;
	n = (size_t)(p[0] >> 6);
	if ((size_t)(end - p) < n + 1)
		return 0;
	if (!n) {
		*len = p[0] & 0x3f;
		return 1;
	}
	*len = p[0] & 0x0f;
	for (size_t i = 1; i <= n; i++)
		*len |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return n + 1;
}

/* A constant package element; returns the bytes it takes, or 0 for an
 * element this reader does not read. */
static size_t integer(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	static const struct { uint8_t op; uint8_t size; } prefixes[] = {
		{ AML_BYTE_PREFIX, 1 }, { AML_WORD_PREFIX, 2 },
		{ AML_DWORD_PREFIX, 4 }, { AML_QWORD_PREFIX, 8 },
	};

	if (p[0] == AML_ZERO_OP || p[0] == AML_ONE_OP || p[0] == AML_ONES_OP) {
		*v = p[0] == AML_ONES_OP ? ~0ULL : p[0];
		return 1;
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t size = prefixes[i].size;

		if (p[0] != prefixes[i].op)
			continue;
		if ((size_t)(end - p) < size + 1)
			return 0;
		*v = 0;
		for (size_t b = 0; b < size; b++)
			*v |= (uint64_t)p[1 + b] << (8 * b);
		return size + 1;
	}
	return 0;
}

/* Read the package at @p (just after PackageOp) into @out. */
static int read_package(const uint8_t *p, const uint8_t *end,
			struct aml_sleep_type *out, char *why, size_t why_len)
{
	uint64_t v[2] = { 0, 0 };
	uint32_t pkg_len;
	size_t n = pkg_length(p, end, &pkg_len);
	unsigned int count;

	if (!n || pkg_len < n + 1 || pkg_len > (size_t)(end - p)) {
		snprintf(why, why_len, "its package length runs past the table");
		return -EINVAL;
	}
	end = p + pkg_len;
	p += n;
	count = *p++;
	for (unsigned int i = 0; i < count && i < 2; i++) {
		size_t used = p < end ? integer(p, end, &v[i]) : 0;

		if (!used) {
			snprintf(why, why_len, "element %u is not a constant "
				 "integer (opcode %#x)", i, p < end ? *p : 0);
			return -EINVAL;
		}
		p += used;
	}
	if (count == 0) {
		snprintf(why, why_len, "its package is empty");
		return -EINVAL;
	}
	/* 7.4.2: a one-element package holds both values, a in bits 0-7
	 * and b in bits 8-15 (as some old firmware writes it). */
	if (count == 1)
		v[1] = (v[0] >> 8) & 0xff, v[0] &= 0xff;
	if (v[0] > SLP_TYP_MAX || v[1] > SLP_TYP_MAX) {
		snprintf(why, why_len, "sleep type %#llx does not fit SLP_TYP's 3 bits",
			 (unsigned long long)(v[0] > SLP_TYP_MAX ? v[0] : v[1]));
		return -EINVAL;
	}
	out->slp_typa = (uint8_t)v[0];
	out->slp_typb = (uint8_t)v[1];
	return 0;
}

/* The name at @p after NameOp, with an optional root prefix: the bytes
 * up to its value when it is @name, else 0. */
static size_t match_name(const uint8_t *p, const uint8_t *end, const char *name)
{
	size_t n = 0;

	if (p < end && p[0] == AML_ROOT_CHAR)
		n = 1;
	if ((size_t)(end - p) < n + NAME_LEN + 1 ||
	    memcmp(p + n, name, NAME_LEN) != 0)
		return 0;
	return n + NAME_LEN;
}

/* Whether @p (a MethodOp) starts Method(@name, ...): 20.2.5.2, DefMethod
 * is MethodOp PkgLength NameString MethodFlags TermList. */
static bool method_named(const uint8_t *p, const uint8_t *end, const char *name)
{
	uint32_t pkg_len;
	size_t n = pkg_length(p + 1, end, &pkg_len);

	return n && match_name(p + 1 + n, end, name);
}

int aml_find_sleep_type(const void *aml, size_t len, unsigned int state,
			struct aml_sleep_type *out, char *why, size_t why_len)
{
	const uint8_t *start = aml;
	const uint8_t *end = start + len;
	char name[NAME_LEN + 1];
	int err = -ENOENT;

	snprintf(name, sizeof(name), "_S%u_", state % 10);
	snprintf(why, why_len, "no Name(%s, ...) in the AML", name);
	/* A byte 0x08 followed by the name may also be a PkgLength or data
	 * (and 0x14 data rather than a MethodOp): a match that does not read
	 * as a package is remembered, and the search goes on, so a Name
	 * anywhere in the stream still wins. */
	for (const uint8_t *p = start; p < end; p++) {
		size_t n;

		if (*p == AML_METHOD_OP && method_named(p, end, name)) {
			snprintf(why, why_len, "%s is a Method, which this "
				 "reader does not run", name);
			err = -EINVAL;
			continue;
		}
		if (*p != AML_NAME_OP)
			continue;
		n = match_name(p + 1, end, name);
		if (!n)
			continue;
		if (p > start && p[-1] == AML_METHOD_OP) {
			snprintf(why, why_len, "%s is a Method, which this "
				 "reader does not run", name);
			err = -EINVAL;
			continue;
		}
		if (p[1 + n] != AML_PACKAGE_OP) {
			snprintf(why, why_len, "%s is not a Package (opcode %#x)",
				 name, p[1 + n]);
			err = -EINVAL;
			continue;
		}
		err = read_package(p + 2 + n, end, out, why, why_len);
		if (err == 0)
			return 0;
	}
	return err;
}
