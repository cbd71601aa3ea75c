/*
 * tests/fuzz/elf_fuzz.c - libFuzzer target for lib/elf.c: any bytes are
 * refused with a reason or accepted as an image a loader can trust (every
 * segment's file bytes inside the file, filesz <= memsz, inside the user
 * half, no two segments sharing a page, none W+X, the entry in the file
 * bytes of an executable segment, AT_PHDR inside a segment's file bytes).
 * `make elf-fuzz`; the corpus starts from the user programs.
 *
 * The input is parsed from a heap copy of exactly its size, twice: with the
 * default limits, and with a low user top and a bias, so that ET_DYN and
 * the limits are exercised too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"

#define PAGE 0x1000ULL

static void broken(const char *what)
{
	fprintf(stderr, "elf_fuzz: accepted an image where %s\n", what);
	abort();
}

static bool share_page(const struct elf_segment *a, const struct elf_segment *b)
{
	uint64_t a0 = a->vaddr & ~(PAGE - 1), a1 = (a->vaddr + a->memsz + PAGE - 1) & ~(PAGE - 1);
	uint64_t b0 = b->vaddr & ~(PAGE - 1), b1 = (b->vaddr + b->memsz + PAGE - 1) & ~(PAGE - 1);

	return a0 < b1 && b0 < a1;
}

static bool in_file_bytes(const struct elf_segment *s, uint64_t va, uint64_t n)
{
	return va >= s->vaddr && va - s->vaddr <= s->filesz &&
	       n <= s->filesz - (va - s->vaddr);
}

static void check(const struct elf_image *img, size_t size,
		  const struct elf_limits *lim)
{
	bool entry = false, phdrs = false;

	if (img->nsegments == 0 || img->nsegments > ELF_MAX_SEGMENTS)
		broken("the segment count is out of range");
	for (unsigned int i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (s->filesz > s->memsz)
			broken("filesz > memsz");
		if (s->offset > size || s->filesz > size - s->offset)
			broken("file bytes lie past the file");
		if (s->vaddr < lim->user_bottom || s->memsz > lim->user_top ||
		    s->vaddr > lim->user_top - s->memsz)
			broken("a segment is outside the user half");
		if ((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X))
			broken("a segment is W+X");
		for (unsigned int j = 0; j < i; j++)
			if (share_page(s, &img->segments[j]))
				broken("two segments share a page");
		if ((s->flags & ELF_SEG_X) && in_file_bytes(s, img->entry, 1))
			entry = true;
		if (in_file_bytes(s, img->phdr_vaddr,
				  (uint64_t)img->phnum * img->phent))
			phdrs = true;
	}
	if (!entry)
		broken("the entry is in no executable segment's file bytes");
	if (!phdrs)
		broken("AT_PHDR points outside the segments' file bytes");
	if (img->span_end - img->span_start > lim->max_span)
		broken("the span is too large");
}

static void run(const uint8_t *copy, size_t size, const struct elf_limits *lim)
{
	struct elf_image img;
	char why[128];

	if (elf_parse_limits(copy, size, lim, &img, why, sizeof(why)) == 0)
		check(&img, size, lim);
	else if (why[0] == '\0')
		broken("(refused without a reason)");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct elf_limits lim;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	elf_default_limits(&lim);
	run(copy, size, &lim);
	lim.user_top = 0x800000;
	lim.dyn_bias = 0x10000;
	lim.max_span = 0x100000;
	run(copy, size, &lim);
	free(copy);
	return 0;
}
