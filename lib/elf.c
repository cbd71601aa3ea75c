/*
 * lib/elf.c - checking an ELF64 executable (System V gABI, chapter 4
 * "ELF Header" and "Program Header"; chapter 5 "Program Loading"; x86_64
 * psABI 4.1). Every field is read byte by byte, little-endian, so the file
 * may sit at any alignment, and every length is checked before it is used.
 */
#include "lib/elf.h"

#include <stdarg.h>

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/vsnprintf.h"

/* e_ident (gABI, "ELF Identification"). */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU 3		/* also called ELFOSABI_LINUX */

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62

/* Sizes of Elf64_Ehdr and Elf64_Phdr, and where their fields are. */
#define EHDR_SIZE 64
#define PHDR_SIZE 56

#define PT_NULL 0
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551

#define SEG_FLAGS (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X)

struct ehdr {
	uint16_t type, machine, phentsize, phnum, ehsize;
	uint32_t version;
	uint64_t entry, phoff;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

/* Where refusals are written. */
struct verdict {
	char *why;
	size_t why_len;
};

static uint64_t rd(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

__attribute__((format(printf, 2, 3)))
static int refuse(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->why_len) {
		va_start(ap, fmt);
		vsnprintf(v->why, v->why_len, fmt, ap);
		va_end(ap);
	}
	return -ENOEXEC;
}

static bool is_pow2_or_zero(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

/* e_ident: magic, class, byte order, version, OS/ABI. */
static int check_ident(const uint8_t *p, size_t size, struct verdict *v)
{
	if (size < 4 || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
		return refuse(v, "not ELF (no \\x7fELF magic)");
	if (size < EHDR_SIZE)
		return refuse(v, "truncated: %zu bytes, an ELF64 header needs %u",
			      size, EHDR_SIZE);
	if (p[EI_CLASS] != ELFCLASS64)
		return refuse(v, "wrong class %u: not ELF64 (class 2)",
			      p[EI_CLASS]);
	if (p[EI_DATA] != ELFDATA2LSB)
		return refuse(v, "wrong data encoding %u: not little-endian "
			      "(ELFDATA2LSB, 1)", p[EI_DATA]);
	if (p[EI_VERSION] != EV_CURRENT)
		return refuse(v, "wrong ELF version %u in e_ident (not 1)",
			      p[EI_VERSION]);
	if (p[EI_OSABI] != ELFOSABI_SYSV && p[EI_OSABI] != ELFOSABI_GNU)
		return refuse(v, "wrong OS/ABI %u: not System V (0) or GNU (3)",
			      p[EI_OSABI]);
	return 0;
}

static void read_ehdr(const uint8_t *p, struct ehdr *h)
{
	h->type = (uint16_t)rd(p + 16, 2);
	h->machine = (uint16_t)rd(p + 18, 2);
	h->version = (uint32_t)rd(p + 20, 4);
	h->entry = rd(p + 24, 8);
	h->phoff = rd(p + 32, 8);
	h->ehsize = (uint16_t)rd(p + 52, 2);
	h->phentsize = (uint16_t)rd(p + 54, 2);
	h->phnum = (uint16_t)rd(p + 56, 2);
}

static int check_ehdr(const struct ehdr *h, size_t size, struct verdict *v)
{
	if (h->type != ET_EXEC && h->type != ET_DYN)
		return refuse(v, "wrong type %u: not an executable (ET_EXEC 2 "
			      "or static-PIE ET_DYN 3)", h->type);
	if (h->machine != EM_X86_64)
		return refuse(v, "wrong machine %u: not x86_64 (EM_X86_64, 62)",
			      h->machine);
	if (h->version != EV_CURRENT)
		return refuse(v, "wrong e_version %u (not 1)", h->version);
	if (h->ehsize < EHDR_SIZE)
		return refuse(v, "e_ehsize %u is below the ELF64 header's %u",
			      h->ehsize, EHDR_SIZE);
	if (h->phnum == 0)
		return refuse(v, "no program headers (e_phnum 0)");
	if (h->phnum > ELF_MAX_PHNUM)
		return refuse(v, "e_phnum %u is absurd (more than %u)",
			      h->phnum, ELF_MAX_PHNUM);
	if (h->phentsize != PHDR_SIZE)
		return refuse(v, "e_phentsize %u is not the ELF64 program "
			      "header's %u", h->phentsize, PHDR_SIZE);
	if (h->phoff % 8)
		return refuse(v, "e_phoff %#llx is not 8-byte aligned",
			      (unsigned long long)h->phoff);
	/* phnum * phentsize <= 64 * 56: the sum cannot wrap after the test. */
	if (h->phoff > size || size - h->phoff < (uint64_t)h->phnum * PHDR_SIZE)
		return refuse(v, "program headers past the file: %u at offset "
			      "%#llx, file is %zu bytes", h->phnum,
			      (unsigned long long)h->phoff, size);
	return 0;
}

static void read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = (uint32_t)rd(p, 4);
	ph->flags = (uint32_t)rd(p + 4, 4);
	ph->offset = rd(p + 8, 8);
	ph->vaddr = rd(p + 16, 8);
	ph->filesz = rd(p + 32, 8);
	ph->memsz = rd(p + 40, 8);
	ph->align = rd(p + 48, 8);
}

/* The file bytes [offset, offset + filesz) lie inside the file. */
static bool in_file(uint64_t offset, uint64_t filesz, size_t size)
{
	return offset <= size && filesz <= size - offset;
}

/* A PT_LOAD's sizes, file range and alignment, before its address. */
static int check_load_shape(const struct phdr *ph, unsigned int i,
			    size_t size, struct verdict *v)
{
	if (ph->filesz > ph->memsz)
		return refuse(v, "segment %u (vaddr %#llx) has p_filesz %#llx > "
			      "p_memsz %#llx", i, (unsigned long long)ph->vaddr,
			      (unsigned long long)ph->filesz,
			      (unsigned long long)ph->memsz);
	if (!in_file(ph->offset, ph->filesz, size))
		return refuse(v, "segment %u: file bytes [%#llx, +%#llx) are "
			      "past the file (%zu bytes)", i,
			      (unsigned long long)ph->offset,
			      (unsigned long long)ph->filesz, size);
	if (!is_pow2_or_zero(ph->align))
		return refuse(v, "segment %u: p_align %#llx is not a power of 2",
			      i, (unsigned long long)ph->align);
	/* gABI: p_vaddr equals p_offset modulo p_align. The loader works in
	 * pages, so page congruence is needed whatever p_align says. */
	if ((ph->vaddr - ph->offset) % (ph->align > 1 ? ph->align : 1) ||
	    (ph->vaddr - ph->offset) % ELF_PAGE_SIZE)
		return refuse(v, "segment %u: p_vaddr %#llx and p_offset %#llx "
			      "differ modulo the alignment", i,
			      (unsigned long long)ph->vaddr,
			      (unsigned long long)ph->offset);
	if ((ph->flags & ELF_SEG_W) && (ph->flags & ELF_SEG_X))
		return refuse(v, "segment %u (vaddr %#llx) is writable and "
			      "executable; Keel maps no page W+X",
			      i, (unsigned long long)ph->vaddr);
	return 0;
}

/* A PT_LOAD's place in the user half, once biased. */
static int check_load_place(const struct phdr *ph, unsigned int i,
			    const struct elf_limits *lim, uint64_t bias,
			    struct verdict *v)
{
	uint64_t start = ph->vaddr + bias;

	if (start < ph->vaddr || start + ph->memsz < start)
		return refuse(v, "segment %u: vaddr %#llx + memsz %#llx wraps "
			      "around", i, (unsigned long long)ph->vaddr,
			      (unsigned long long)ph->memsz);
	if (ph->memsz > lim->max_span)
		return refuse(v, "segment %u: p_memsz %#llx is absurd (more "
			      "than %#llx)", i, (unsigned long long)ph->memsz,
			      (unsigned long long)lim->max_span);
	if (start < lim->user_bottom || start + ph->memsz > lim->user_top)
		return refuse(v, "segment %u: [%#llx, %#llx) is outside the "
			      "user half [%#llx, %#llx)", i,
			      (unsigned long long)start,
			      (unsigned long long)(start + ph->memsz),
			      (unsigned long long)lim->user_bottom,
			      (unsigned long long)lim->user_top);
	return 0;
}

/* Pages [first, end) of a segment. */
static uint64_t page_start(const struct elf_segment *s)
{
	return ALIGN_DOWN(s->vaddr, ELF_PAGE_SIZE);
}

static uint64_t page_end(const struct elf_segment *s)
{
	return ALIGN_UP(s->vaddr + s->memsz, ELF_PAGE_SIZE);
}

/*
 * The new segment @n against every earlier one. Segments that share a page
 * without sharing a byte are refused too: each page then has one segment's
 * permissions, and the loader needs no rule to merge them. Linkers place
 * segments with different permissions on different pages, so real programs
 * never do this.
 */
static int check_overlap(const struct elf_image *img, unsigned int n,
			 struct verdict *v)
{
	const struct elf_segment *a = &img->segments[n];

	for (unsigned int i = 0; i < n; i++) {
		const struct elf_segment *b = &img->segments[i];

		if (a->vaddr < b->vaddr + b->memsz &&
		    b->vaddr < a->vaddr + a->memsz)
			return refuse(v, "loadable segments %u and %u overlap "
				      "([%#llx, +%#llx) and [%#llx, +%#llx))",
				      i, n, (unsigned long long)b->vaddr,
				      (unsigned long long)b->memsz,
				      (unsigned long long)a->vaddr,
				      (unsigned long long)a->memsz);
		if (page_start(a) < page_end(b) && page_start(b) < page_end(a))
			return refuse(v, "loadable segments %u and %u share a "
				      "page (vaddr %#llx and %#llx)", i, n,
				      (unsigned long long)b->vaddr,
				      (unsigned long long)a->vaddr);
	}
	return 0;
}

static int add_load(const struct phdr *ph, unsigned int i, size_t size,
		    const struct elf_limits *lim, struct elf_image *img,
		    struct verdict *v)
{
	struct elf_segment *s;
	int err;

	err = check_load_shape(ph, i, size, v);
	if (err)
		return err;
	/* gABI allows a PT_LOAD of no bytes; there is nothing to map. */
	if (ph->memsz == 0)
		return 0;
	err = check_load_place(ph, i, lim, img->bias, v);
	if (err)
		return err;
	if (img->nsegments == ELF_MAX_SEGMENTS)
		return refuse(v, "more than %u loadable segments",
			      ELF_MAX_SEGMENTS);
	s = &img->segments[img->nsegments];
	*s = (struct elf_segment){ ph->vaddr + img->bias, ph->memsz,
				   ph->offset, ph->filesz, ph->align,
				   ph->flags & SEG_FLAGS };
	err = check_overlap(img, img->nsegments, v);
	img->nsegments++;
	return err;
}

static int note_tls(const struct phdr *ph, unsigned int i, uint64_t bias,
		    struct elf_image *img, struct verdict *v)
{
	if (img->tls.present)
		return refuse(v, "more than one PT_TLS (header %u)", i);
	if (ph->filesz > ph->memsz)
		return refuse(v, "PT_TLS (header %u) has p_filesz %#llx > "
			      "p_memsz %#llx", i, (unsigned long long)ph->filesz,
			      (unsigned long long)ph->memsz);
	if (!is_pow2_or_zero(ph->align))
		return refuse(v, "PT_TLS (header %u): p_align %#llx is not a "
			      "power of 2", i, (unsigned long long)ph->align);
	if (ph->vaddr + bias < ph->vaddr ||
	    ph->vaddr + bias + ph->memsz < ph->vaddr + bias)
		return refuse(v, "PT_TLS (header %u) wraps around", i);
	img->tls = (struct elf_tls){ true, ph->vaddr + bias, ph->filesz,
				     ph->memsz, ph->align };
	return 0;
}

/* PT_INTERP names a dynamic loader: Keel runs static programs only. */
static int refuse_interp(const uint8_t *file, size_t size,
			 const struct phdr *ph, struct verdict *v)
{
	const uint8_t *s = file;	/* moved only once known to be inside */
	uint64_t n = ph->filesz;

	/* The name is shown only when it is a short printable string. */
	if (!in_file(ph->offset, n, size) || n < 2 || n > 64)
		n = 1;
	else
		s += ph->offset;
	for (uint64_t k = 0; k + 1 < n; k++)
		if (s[k] < 0x20 || s[k] > 0x7e)
			n = 1;
	if (s[n - 1])
		n = 1;
	return refuse(v, "dynamically linked: asks for the loader \"%.*s\" "
		      "(PT_INTERP); link with -static",
		      (int)(n - 1), (const char *)s);
}

static int read_headers(const uint8_t *file, size_t size,
			const struct ehdr *h, const struct elf_limits *lim,
			struct elf_image *img, struct verdict *v)
{
	for (unsigned int i = 0; i < h->phnum; i++) {
		struct phdr ph;
		int err = 0;

		read_phdr(file + h->phoff + (uint64_t)i * PHDR_SIZE, &ph);
		switch (ph.type) {
		case PT_LOAD:
			err = add_load(&ph, i, size, lim, img, v);
			break;
		case PT_INTERP:
			return refuse_interp(file, size, &ph, v);
		case PT_TLS:
			err = note_tls(&ph, i, img->bias, img, v);
			break;
		case PT_GNU_STACK:
			if (ph.flags & ELF_SEG_X)
				return refuse(v, "PT_GNU_STACK asks for an "
					      "executable stack; Keel's stacks "
					      "are never executable");
			img->has_gnu_stack = true;
			break;
		default:	/* PT_NULL, PT_NOTE, PT_PHDR, PT_GNU_*: no load */
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* The segment whose file bytes hold [vaddr, vaddr + len), or NULL. */
static const struct elf_segment *holding(const struct elf_image *img,
					 uint64_t vaddr, uint64_t len)
{
	for (unsigned int i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
		    len <= s->filesz - (vaddr - s->vaddr))
			return s;
	}
	return NULL;
}

/* AT_PHDR: libc finds PT_TLS through it, so the headers must be loaded. */
static int place_phdrs(const struct ehdr *h, struct elf_image *img,
		       struct verdict *v)
{
	uint64_t len = (uint64_t)h->phnum * PHDR_SIZE;

	for (unsigned int i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];

		if (h->phoff >= s->offset && h->phoff - s->offset <= s->filesz &&
		    len <= s->filesz - (h->phoff - s->offset)) {
			img->phdr_vaddr = s->vaddr + (h->phoff - s->offset);
			return 0;
		}
	}
	return refuse(v, "the program headers (offset %#llx) are in no "
		      "loadable segment, so AT_PHDR could not point at them",
		      (unsigned long long)h->phoff);
}

/* Entry, TLS template and span, once every segment is known. */
static int check_image(struct elf_image *img, const struct elf_limits *lim,
		       struct verdict *v)
{
	const struct elf_segment *s;

	if (img->nsegments == 0)
		return refuse(v, "no loadable segment (PT_LOAD)");
	s = holding(img, img->entry, 1);
	if (!s || !(s->flags & ELF_SEG_X))
		return refuse(v, "entry point %#llx is in no executable "
			      "segment's file bytes",
			      (unsigned long long)img->entry);
	if (img->tls.present && img->tls.filesz &&
	    !holding(img, img->tls.vaddr, img->tls.filesz))
		return refuse(v, "the TLS template [%#llx, +%#llx) is not in "
			      "a loadable segment's file bytes",
			      (unsigned long long)img->tls.vaddr,
			      (unsigned long long)img->tls.filesz);
	if (img->tls.memsz > lim->max_span)
		return refuse(v, "PT_TLS p_memsz %#llx is absurd",
			      (unsigned long long)img->tls.memsz);
	img->span_start = page_start(&img->segments[0]);
	img->span_end = page_end(&img->segments[0]);
	for (unsigned int i = 1; i < img->nsegments; i++) {
		if (page_start(&img->segments[i]) < img->span_start)
			img->span_start = page_start(&img->segments[i]);
		if (page_end(&img->segments[i]) > img->span_end)
			img->span_end = page_end(&img->segments[i]);
	}
	if (img->span_end - img->span_start > lim->max_span)
		return refuse(v, "the segments span %#llx bytes, more than "
			      "%#llx", (unsigned long long)(img->span_end -
							    img->span_start),
			      (unsigned long long)lim->max_span);
	return 0;
}

void elf_default_limits(struct elf_limits *limits)
{
	*limits = (struct elf_limits){
		.user_bottom = ELF_USER_BOTTOM_DEFAULT,
		.user_top = ELF_USER_TOP_DEFAULT,
		.max_span = ELF_MAX_SPAN_DEFAULT,
		.dyn_bias = ELF_DYN_BIAS_DEFAULT,
	};
}

int elf_parse_limits(const void *file, size_t size,
		     const struct elf_limits *limits, struct elf_image *out,
		     char *why, size_t why_len)
{
	struct verdict v = { why, why_len };
	struct elf_limits def;
	struct ehdr h;
	int err;

	if (why_len)
		why[0] = '\0';
	if (!limits) {
		elf_default_limits(&def);
		limits = &def;
	}
	if (limits->dyn_bias % ELF_PAGE_SIZE)
		return refuse(&v, "load bias %#llx is not page-aligned",
			      (unsigned long long)limits->dyn_bias);
	err = check_ident(file, size, &v);
	if (err)
		return err;
	read_ehdr(file, &h);
	err = check_ehdr(&h, size, &v);
	if (err)
		return err;
	*out = (struct elf_image){ .type = h.type, .phent = h.phentsize,
				   .phnum = h.phnum };
	out->bias = h.type == ET_DYN ? limits->dyn_bias : 0;
	out->entry = h.entry + out->bias;
	if (out->entry < h.entry)
		return refuse(&v, "entry point %#llx wraps around with the "
			      "bias", (unsigned long long)h.entry);
	err = read_headers(file, size, &h, limits, out, &v);
	if (err)
		return err;
	err = check_image(out, limits, &v);
	if (err)
		return err;
	return place_phdrs(&h, out, &v);
}

int elf_parse(const void *file, size_t size, struct elf_image *out, char *why,
	      size_t why_len)
{
	return elf_parse_limits(file, size, NULL, out, why, why_len);
}
