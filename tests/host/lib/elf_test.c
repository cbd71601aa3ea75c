/*
 * tests/host/lib/elf_test.c - host tests of lib/elf.c: a small hand-built
 * executable, accepted, then broken one field at a time (each refusal must
 * name its cause); ET_DYN with a bias; every prefix; random damage; and the
 * real musl programs of user/ (ELF_TEST_PROGRAMS, from the Makefile). The
 * images are built with the host's <elf.h>, a definition of the format
 * independent of the parser's own. Each image sits in a heap buffer of its
 * exact size, so ASan catches any read past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"
#include "lib/errno.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define WHY_LEN		160

/*
 * The test image, 0x3000 bytes:
 *   header 0: PT_LOAD R    offset 0      vaddr 0x400000  the ELF and
 *                                                        program headers
 *   header 1: PT_LOAD R+X  offset 0x1000 vaddr 0x401000  0x10 bytes of code
 *   header 2: PT_LOAD R+W  offset 0x2000 vaddr 0x402000  8 bytes, 0x1000 in
 *                                                        memory (bss)
 *   header 3: PT_GNU_STACK R+W
 *   header 4: PT_NOTE (ignored), its bytes "/lib/ld.so" at 0x2800
 * Entry 0x401000.
 */
#define IMG_SIZE	0x3000
#define IMG_PHNUM	5
#define IMG_BASE	0x400000ULL
#define INTERP_OFF	0x2800

struct image {
	uint8_t bytes[IMG_SIZE];
};

static Elf64_Ehdr *ehdr(struct image *im)
{
	return (Elf64_Ehdr *)im->bytes;
}

static Elf64_Phdr *phdr(struct image *im, unsigned int i)
{
	return (Elf64_Phdr *)(im->bytes + sizeof(Elf64_Ehdr)) + i;
}

static void set_phdr(struct image *im, unsigned int i, uint32_t type,
		     uint32_t flags, uint64_t off, uint64_t vaddr,
		     uint64_t filesz, uint64_t memsz)
{
	*phdr(im, i) = (Elf64_Phdr){ .p_type = type, .p_flags = flags,
				     .p_offset = off, .p_vaddr = vaddr,
				     .p_paddr = vaddr, .p_filesz = filesz,
				     .p_memsz = memsz, .p_align = 0x1000 };
}

static void build(struct image *im, uint64_t base, uint16_t type)
{
	Elf64_Ehdr *h = ehdr(im);
	uint64_t hdrs = sizeof(Elf64_Ehdr) + IMG_PHNUM * sizeof(Elf64_Phdr);

	memset(im, 0, sizeof(*im));
	memcpy(h->e_ident, ELFMAG, SELFMAG);
	h->e_ident[EI_CLASS] = ELFCLASS64;
	h->e_ident[EI_DATA] = ELFDATA2LSB;
	h->e_ident[EI_VERSION] = EV_CURRENT;
	h->e_type = type;
	h->e_machine = EM_X86_64;
	h->e_version = EV_CURRENT;
	h->e_entry = base + 0x1000;
	h->e_phoff = sizeof(Elf64_Ehdr);
	h->e_ehsize = sizeof(Elf64_Ehdr);
	h->e_phentsize = sizeof(Elf64_Phdr);
	h->e_phnum = IMG_PHNUM;
	set_phdr(im, 0, PT_LOAD, PF_R, 0, base, hdrs, hdrs);
	set_phdr(im, 1, PT_LOAD, PF_R | PF_X, 0x1000, base + 0x1000, 0x10, 0x10);
	set_phdr(im, 2, PT_LOAD, PF_R | PF_W, 0x2000, base + 0x2000, 8, 0x1000);
	set_phdr(im, 3, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	set_phdr(im, 4, PT_NOTE, PF_R, INTERP_OFF, 0, 11, 0);
	memset(im->bytes + 0x1000, 0x90, 0x10);	/* nop */
	memcpy(im->bytes + INTERP_OFF, "/lib/ld.so", 11);
}

/* Parse the first @n bytes of @im from a buffer of exactly @n bytes. */
static int parse_n(const void *im, size_t n, const struct elf_limits *lim,
		   struct elf_image *out, char *why)
{
	void *copy = malloc(n ? n : 1);
	int err;

	assert_non_null(copy);
	memcpy(copy, im, n);
	err = elf_parse_limits(copy, n, lim, out, why, WHY_LEN);
	free(copy);
	return err;
}

static int parse(struct image *im, struct elf_image *out, char *why)
{
	return parse_n(im, IMG_SIZE, NULL, out, why);
}

/* before: the built image. after: accepted, every field as built. */
static void elf_test_accepts_the_built_image(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	assert_int_equal(parse(&im, &out, why), 0);
	assert_string_equal(why, "");
	assert_int_equal(out.type, ET_EXEC);
	assert_int_equal(out.bias, 0);
	assert_int_equal(out.entry, 0x401000);
	assert_int_equal(out.phdr_vaddr, 0x400040);
	assert_int_equal(out.phent, 56);
	assert_int_equal(out.phnum, IMG_PHNUM);
	assert_int_equal(out.nsegments, 3);
	assert_int_equal(out.segments[1].vaddr, 0x401000);
	assert_int_equal(out.segments[1].offset, 0x1000);
	assert_int_equal(out.segments[1].filesz, 0x10);
	assert_int_equal(out.segments[1].flags, ELF_SEG_R | ELF_SEG_X);
	assert_int_equal(out.segments[2].memsz, 0x1000);
	assert_int_equal(out.segments[2].flags, ELF_SEG_R | ELF_SEG_W);
	assert_int_equal(out.segments[2].align, 0x1000);
	assert_int_equal(out.span_start, 0x400000);
	assert_int_equal(out.span_end, 0x403000);
	assert_true(out.has_gnu_stack);
	assert_false(out.tls.present);
}

/* --- One broken field at a time ------------------------------------------ */

/* Where a poke writes: the ELF header, or program header @ph. */
#define IN_EHDR	(-1)

struct poke {
	const char *what;
	int ph;			/* IN_EHDR or a program header index */
	size_t field;		/* offset in that header */
	size_t width;		/* 1, 2, 4 or 8 bytes */
	uint64_t value;
	const char *reason;	/* must appear in the refusal */
};

#define EH(f) IN_EHDR, offsetof(Elf64_Ehdr, f), sizeof(((Elf64_Ehdr *)0)->f)
#define ID(i) IN_EHDR, (i), 1
#define PH(n, f) (n), offsetof(Elf64_Phdr, f), sizeof(((Elf64_Phdr *)0)->f)

static const struct poke pokes[] = {
	{ "bad magic", ID(EI_MAG0), 0x7e, "not ELF" },
	{ "ELF32", ID(EI_CLASS), ELFCLASS32, "wrong class 1" },
	{ "big-endian", ID(EI_DATA), ELFDATA2MSB, "not little-endian" },
	{ "ident version 0", ID(EI_VERSION), 0, "wrong ELF version 0" },
	{ "FreeBSD OS/ABI", ID(EI_OSABI), ELFOSABI_FREEBSD, "wrong OS/ABI 9" },
	{ "relocatable", EH(e_type), ET_REL, "wrong type 1" },
	{ "core file", EH(e_type), ET_CORE, "wrong type 4" },
	{ "i386", EH(e_machine), EM_386, "wrong machine 3" },
	{ "AArch64", EH(e_machine), EM_AARCH64, "wrong machine 183" },
	{ "e_version 2", EH(e_version), 2, "wrong e_version 2" },
	{ "e_ehsize 52", EH(e_ehsize), 52, "e_ehsize 52" },
	{ "no program headers", EH(e_phnum), 0, "no program headers" },
	{ "65 program headers", EH(e_phnum), 65, "e_phnum 65 is absurd" },
	{ "PN_XNUM", EH(e_phnum), 0xffff, "e_phnum 65535 is absurd" },
	{ "e_phentsize 32", EH(e_phentsize), 32, "e_phentsize 32" },
	{ "e_phentsize 64", EH(e_phentsize), 64, "e_phentsize 64" },
	{ "headers at the end", EH(e_phoff), IMG_SIZE - 56,
	  "program headers past the file" },
	{ "headers past the end", EH(e_phoff), 0x100000,
	  "program headers past the file" },
	{ "e_phoff wraps", EH(e_phoff), 0xfffffffffffffff8ULL,
	  "program headers past the file" },
	{ "e_phoff misaligned", EH(e_phoff), 0x41, "not 8-byte aligned" },
	{ "filesz > memsz", PH(1, p_filesz), 0x11, "p_filesz 0x11 > p_memsz 0x10" },
	{ "offset past the file", PH(2, p_offset), 0x10000000,
	  "segment 2: file bytes [0x10000000, +0x8) are past the file" },
	{ "file bytes at the end of the file", PH(2, p_offset), IMG_SIZE,
	  "file bytes [0x3000, +0x8) are past the file" },
	{ "offset + filesz wraps", PH(2, p_offset), 0xfffffffffffff000ULL,
	  "are past the file" },
	{ "align 3", PH(1, p_align), 3, "p_align 0x3 is not a power of 2" },
	{ "vaddr not congruent", PH(1, p_vaddr), 0x401100, "differ modulo" },
	{ "congruent to 4 KiB only", PH(1, p_align), 0x800000, "differ modulo" },
	{ "W+X", PH(2, p_flags), PF_R | PF_W | PF_X, "writable and executable" },
	{ "segment at the user top", PH(1, p_vaddr), 0x7ffffffff000ULL,
	  "outside the user half" },
	{ "segment in the kernel half", PH(2, p_vaddr), 0xffff800000002000ULL,
	  "outside the user half" },
	{ "segment at page 1", PH(1, p_vaddr), 0x1000, "outside the user half" },
	{ "segment at 0", PH(0, p_vaddr), 0, "outside the user half" },
	{ "vaddr + memsz wraps", PH(2, p_vaddr), 0xfffffffffffff000ULL,
	  "wraps around" },
	{ "memsz 2 GiB", PH(2, p_memsz), 0x80000000ULL, "p_memsz 0x80000000 is absurd" },
	{ "memsz 2^64 - 1", PH(2, p_memsz), ~0ULL, "wraps around" },
	{ "segments overlap", PH(2, p_vaddr), 0x401000, "segments 1 and 2 overlap" },
	{ "segments span 1 GiB", PH(2, p_vaddr), 0x40402000ULL, "span" },
	{ "entry in a data segment", EH(e_entry), 0x402000, "entry point 0x402000" },
	{ "entry past the code's file bytes", EH(e_entry), 0x401010,
	  "entry point 0x401010" },
	{ "entry 0", EH(e_entry), 0, "entry point 0 is" },
	{ "entry in the headers' segment", EH(e_entry), 0x400000,
	  "entry point 0x400000" },
	{ "executable stack", PH(3, p_flags), PF_R | PF_W | PF_X,
	  "executable stack" },
	{ "a dynamic loader", PH(4, p_type), PT_INTERP,
	  "asks for the loader \"/lib/ld.so\"" },
	{ "program headers not loaded", PH(0, p_filesz), 64,
	  "program headers (offset 0x40) are in no loadable segment" },
};

static void elf_test_each_broken_field_is_named(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pokes); i++) {
		const struct poke *p = &pokes[i];
		struct image im;
		struct elf_image out;
		char why[WHY_LEN];
		uint8_t *at;
		int err;

		build(&im, IMG_BASE, ET_EXEC);
		at = p->ph == IN_EHDR ? im.bytes : (uint8_t *)phdr(&im, p->ph);
		/* Little-endian host: the value's low bytes first. */
		memcpy(at + p->field, &p->value, p->width);
		err = parse(&im, &out, why);
		if (err != -ENOEXEC || !strstr(why, p->reason))
			fail_msg("%s: got %d \"%s\", wanted -ENOEXEC \"%s\"",
				 p->what, err, why, p->reason);
	}
}

/* --- Cases that need more than one field -------------------------------- */

/* before: segment 2 moved into segment 1's page, bytes apart.
 * after: refused: each page has one segment's permissions. */
static void elf_test_segments_sharing_a_page_are_refused(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	phdr(&im, 2)->p_offset = 0x2100;
	phdr(&im, 2)->p_vaddr = 0x401100;
	assert_int_equal(parse(&im, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "segments 1 and 2 share a page"));
}

static void elf_test_no_loadable_segment_is_refused(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	for (unsigned int i = 0; i < 3; i++)
		phdr(&im, i)->p_type = PT_NOTE;
	assert_int_equal(parse(&im, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "no loadable segment"));
}

/* before: a PT_INTERP whose string lies past the file, at an offset that
 * wraps a pointer. after: refused as dynamically linked, the name left out,
 * and no pointer formed past the file (UBSan's pointer-overflow check). */
static void elf_test_interp_past_the_file_is_refused(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	phdr(&im, 4)->p_type = PT_INTERP;
	phdr(&im, 4)->p_offset = ~0ULL;
	assert_int_equal(parse(&im, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "asks for the loader \"\" (PT_INTERP)"));
}

/* before: the note turned into a PT_LOAD of no bytes. after: accepted,
 * and it is not a segment. */
static void elf_test_empty_load_is_skipped(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	set_phdr(&im, 4, PT_LOAD, PF_R, 0, 0, 0, 0);
	assert_int_equal(parse(&im, &out, why), 0);
	assert_int_equal(out.nsegments, 3);
}

/* before: 17 one-page PT_LOADs. after: refused, the table holds 16. */
static void elf_test_too_many_segments_are_refused(void **state)
{
	enum { N = ELF_MAX_SEGMENTS + 1 };
	size_t size = 0x1000 * (N + 1);
	uint8_t *buf = calloc(1, size);
	Elf64_Ehdr *h = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*h));
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	assert_non_null(buf);
	memcpy(h->e_ident, ELFMAG, SELFMAG);
	h->e_ident[EI_CLASS] = ELFCLASS64;
	h->e_ident[EI_DATA] = ELFDATA2LSB;
	h->e_ident[EI_VERSION] = EV_CURRENT;
	h->e_type = ET_EXEC;
	h->e_machine = EM_X86_64;
	h->e_version = EV_CURRENT;
	h->e_entry = IMG_BASE + 0x1000;
	h->e_phoff = sizeof(*h);
	h->e_ehsize = sizeof(*h);
	h->e_phentsize = sizeof(*ph);
	h->e_phnum = N;
	for (unsigned int i = 0; i < N; i++)
		ph[i] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0x1000 * i,
				      IMG_BASE + 0x1000 * i, 0, 0x400, 0x400,
				      0x1000 };
	assert_int_equal(parse_n(buf, size, NULL, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "more than 16 loadable segments"));
	h->e_phnum = N - 1;
	assert_int_equal(parse_n(buf, size, NULL, &out, why), 0);
	assert_int_equal(out.nsegments, N - 1);
	free(buf);
}

/* --- TLS ---------------------------------------------------------------- */

static void add_tls(struct image *im, uint64_t vaddr, uint64_t filesz,
		    uint64_t memsz)
{
	set_phdr(im, 4, PT_TLS, PF_R, 0x2000 + (vaddr - 0x402000), vaddr,
		 filesz, memsz);
	phdr(im, 4)->p_align = 8;
}

static void elf_test_tls_is_noted(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	add_tls(&im, 0x402000, 8, 0x20);
	assert_int_equal(parse(&im, &out, why), 0);
	assert_true(out.tls.present);
	assert_int_equal(out.tls.vaddr, 0x402000);
	assert_int_equal(out.tls.filesz, 8);
	assert_int_equal(out.tls.memsz, 0x20);
	assert_int_equal(out.tls.align, 8);
}

/* The template must be file bytes of a segment: libc copies it. */
static void elf_test_tls_outside_the_file_bytes_is_refused(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	add_tls(&im, 0x402000, 9, 0x20);	/* one byte into the bss */
	assert_int_equal(parse(&im, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "TLS template"));
	add_tls(&im, 0x402000, 0x21, 0x20);
	assert_int_equal(parse(&im, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "PT_TLS (header 4) has p_filesz"));
}

static void elf_test_two_tls_headers_are_refused(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	add_tls(&im, 0x402000, 8, 0x20);
	*phdr(&im, 3) = *phdr(&im, 4);
	assert_int_equal(parse(&im, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "more than one PT_TLS"));
}

/* --- ET_DYN (static PIE) ------------------------------------------------ */

/* before: the image linked at 0, ET_DYN. after: with the default bias it
 * lands where the ET_EXEC was linked, every address moved. */
static void elf_test_static_pie_is_biased(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, 0, ET_DYN);
	assert_int_equal(parse(&im, &out, why), 0);
	assert_int_equal(out.type, ET_DYN);
	assert_int_equal(out.bias, ELF_DYN_BIAS_DEFAULT);
	assert_int_equal(out.entry, ELF_DYN_BIAS_DEFAULT + 0x1000);
	assert_int_equal(out.phdr_vaddr, ELF_DYN_BIAS_DEFAULT + 0x40);
	assert_int_equal(out.segments[2].vaddr, ELF_DYN_BIAS_DEFAULT + 0x2000);
	assert_int_equal(out.segments[2].offset, 0x2000);
}

static void elf_test_bias_is_checked(void **state)
{
	struct image im;
	struct elf_image out;
	struct elf_limits lim;
	char why[WHY_LEN];

	(void)state;
	build(&im, 0, ET_DYN);
	elf_default_limits(&lim);
	lim.dyn_bias = 0x7fff00000000ULL;
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), 0);
	assert_int_equal(out.entry, 0x7fff00001000ULL);
	lim.dyn_bias = 0x7ffffffff000ULL - 0x2000;	/* the bss at the top */
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "segment 2: [0x7ffffffff000, "
			       "0x800000000000) is outside the user half"));
	lim.dyn_bias = 0xfffffffffffff000ULL;
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "wrap"));
	lim.dyn_bias = 0x400800;
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "not page-aligned"));
}

/* A lower user top given by the caller is obeyed. */
static void elf_test_caller_limits_are_obeyed(void **state)
{
	struct image im;
	struct elf_image out;
	struct elf_limits lim;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	elf_default_limits(&lim);
	lim.user_top = 0x402800;
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "[0x402000, 0x403000) is outside the user "
			       "half [0x10000, 0x402800)"));
	lim.user_top = 0x403000;
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), 0);
	lim.user_bottom = 0x400001;
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), -ENOEXEC);
	lim.user_bottom = 0;
	lim.max_span = 0x2fff;
	assert_int_equal(parse_n(&im, IMG_SIZE, &lim, &out, why), -ENOEXEC);
	assert_non_null(strstr(why, "span 0x3000 bytes"));
}

/* --- Damage -------------------------------------------------------------- */

/* before: every prefix of the image. after: each shorter than the last
 * segment's file bytes is refused with a reason, never read past. */
static void elf_test_every_prefix_is_refused(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	for (size_t n = 0; n < 0x2008; n++) {
		assert_int_equal(parse_n(&im, n, NULL, &out, why), -ENOEXEC);
		assert_true(why[0] != '\0');
	}
	assert_int_equal(parse_n(&im, 0x2008, NULL, &out, why), 0);
}

/* What every accepted image must satisfy, whatever its bytes. */
static void check_invariants(const struct elf_image *out, size_t size)
{
	bool entry_ok = false;

	assert_true(out->nsegments >= 1 && out->nsegments <= ELF_MAX_SEGMENTS);
	for (unsigned int i = 0; i < out->nsegments; i++) {
		const struct elf_segment *s = &out->segments[i];

		assert_true(s->filesz <= s->memsz);
		assert_true(s->offset <= size && s->filesz <= size - s->offset);
		assert_true(s->vaddr >= ELF_USER_BOTTOM_DEFAULT);
		assert_true(s->vaddr + s->memsz <= ELF_USER_TOP_DEFAULT);
		assert_false((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X));
		for (unsigned int j = 0; j < i; j++) {
			const struct elf_segment *o = &out->segments[j];

			assert_true(s->vaddr + s->memsz <= o->vaddr ||
				    o->vaddr + o->memsz <= s->vaddr);
		}
		if ((s->flags & ELF_SEG_X) && out->entry >= s->vaddr &&
		    out->entry < s->vaddr + s->filesz)
			entry_ok = true;
	}
	assert_true(entry_ok);
}

/* before: 20,000 copies of the image, each with 1 to 8 random bytes of
 * its headers changed. after: each is refused with a reason or accepted
 * and sound. */
static void elf_test_random_damage_is_refused_or_sound(void **state)
{
	struct image im;
	struct elf_image out;
	char why[WHY_LEN];
	unsigned int accepted = 0;

	(void)state;
	srand(12);
	for (int round = 0; round < 20000; round++) {
		int n = 1 + rand() % 8;

		build(&im, IMG_BASE, ET_EXEC);
		for (int k = 0; k < n; k++)
			im.bytes[rand() % (64 + IMG_PHNUM * 56)] = (uint8_t)rand();
		if (parse_n(&im, IMG_SIZE, NULL, &out, why) == 0) {
			check_invariants(&out, IMG_SIZE);
			accepted++;
		} else {
			assert_true(why[0] != '\0');
		}
	}
	/* Changes to ignored bytes (p_paddr, e_shoff, ...) keep it valid. */
	assert_true(accepted > 0 && accepted < 20000);
}

/* A NULL reason buffer of length 0, and a short one, which is cut. */
static void elf_test_reason_buffer_may_be_small(void **state)
{
	struct image im;
	struct elf_image out;
	char why[8];

	(void)state;
	build(&im, IMG_BASE, ET_EXEC);
	ehdr(&im)->e_machine = EM_386;
	assert_int_equal(elf_parse(&im, IMG_SIZE, &out, NULL, 0), -ENOEXEC);
	memset(why, 'x', sizeof(why));
	assert_int_equal(elf_parse(&im, IMG_SIZE, &out, why, sizeof(why)),
			 -ENOEXEC);
	assert_string_equal(why, "wrong m");
}

/* --- The real programs --------------------------------------------------- */

static uint8_t *load_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Each program against what <elf.h> reads from it directly: type, entry,
 * every PT_LOAD with bytes, and AT_PHDR (the first PT_LOAD maps the file
 * from offset 0, as GNU ld lays static programs out). */
static void check_program(const char *path)
{
	size_t size;
	uint8_t *file = load_file(path, &size);
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)file;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + h->e_phoff);
	struct elf_image out;
	char why[WHY_LEN];
	unsigned int loads = 0;
	bool tls = false;

	if (elf_parse(file, size, &out, why, sizeof(why)))
		fail_msg("%s: refused: %s", path, why);
	assert_int_equal(out.type, ET_EXEC);
	assert_int_equal(out.entry, h->e_entry);
	for (unsigned int i = 0; i < h->e_phnum; i++) {
		if (ph[i].p_type == PT_TLS)
			tls = true;
		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (loads == 0) {
			assert_int_equal(ph[i].p_offset, 0);
			assert_int_equal(out.phdr_vaddr,
					 ph[i].p_vaddr + h->e_phoff);
		}
		assert_int_equal(out.segments[loads].vaddr, ph[i].p_vaddr);
		assert_int_equal(out.segments[loads].memsz, ph[i].p_memsz);
		assert_int_equal(out.segments[loads].offset, ph[i].p_offset);
		assert_int_equal(out.segments[loads].filesz, ph[i].p_filesz);
		assert_int_equal(out.segments[loads].flags, ph[i].p_flags & 7);
		loads++;
	}
	assert_int_equal(out.nsegments, loads);
	assert_int_equal(out.tls.present, tls);
	assert_int_equal(out.phnum, h->e_phnum);
	/* Cut anywhere inside the program headers or the segments: refused. */
	for (size_t n = 0; n < size; n += 61) {
		bool needed = n < h->e_phoff + h->e_phnum * sizeof(*ph);

		for (unsigned int k = 0; k < out.nsegments; k++)
			if (n < out.segments[k].offset + out.segments[k].filesz)
				needed = true;
		if (needed)
			assert_int_equal(parse_n(file, n, NULL, &out, why),
					 -ENOEXEC);
	}
	free(file);
}

static void elf_test_real_programs_are_accepted(void **state)
{
	char list[] = ELF_TEST_PROGRAMS;
	unsigned int n = 0;

	(void)state;
	for (char *p = strtok(list, " "); p; p = strtok(NULL, " ")) {
		check_program(p);
		n++;
	}
	assert_true(n >= 3);
}

/* The TLS program really has a PT_TLS, and hello has none. */
static void elf_test_real_tls_program_has_tls(void **state)
{
	char list[] = ELF_TEST_PROGRAMS;
	bool seen = false;

	(void)state;
	for (char *p = strtok(list, " "); p; p = strtok(NULL, " ")) {
		size_t size;
		uint8_t *file = load_file(p, &size);
		struct elf_image out;
		const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;

		assert_int_equal(elf_parse(file, size, &out, NULL, 0), 0);
		if (!strcmp(base, "tls")) {
			assert_true(out.tls.present);
			assert_true(out.tls.memsz >= sizeof(int));
			seen = true;
		}
		free(file);
	}
	assert_true(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elf_test_accepts_the_built_image),
		cmocka_unit_test(elf_test_each_broken_field_is_named),
		cmocka_unit_test(elf_test_segments_sharing_a_page_are_refused),
		cmocka_unit_test(elf_test_no_loadable_segment_is_refused),
		cmocka_unit_test(elf_test_interp_past_the_file_is_refused),
		cmocka_unit_test(elf_test_empty_load_is_skipped),
		cmocka_unit_test(elf_test_too_many_segments_are_refused),
		cmocka_unit_test(elf_test_tls_is_noted),
		cmocka_unit_test(elf_test_tls_outside_the_file_bytes_is_refused),
		cmocka_unit_test(elf_test_two_tls_headers_are_refused),
		cmocka_unit_test(elf_test_static_pie_is_biased),
		cmocka_unit_test(elf_test_bias_is_checked),
		cmocka_unit_test(elf_test_caller_limits_are_obeyed),
		cmocka_unit_test(elf_test_every_prefix_is_refused),
		cmocka_unit_test(elf_test_random_damage_is_refused_or_sound),
		cmocka_unit_test(elf_test_reason_buffer_may_be_small),
		cmocka_unit_test(elf_test_real_programs_are_accepted),
		cmocka_unit_test(elf_test_real_tls_program_has_tls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
