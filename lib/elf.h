/*
 * lib/elf.h - checking an ELF64 executable before anything of it is loaded
 * (System V gABI, chapters 4 "Object Files" and 5 "Program Loading"; the
 * x86_64 psABI, section 4.1). Pure and freestanding: no memory is mapped or
 * allocated here, so the same code runs in the kernel, the host tests and
 * the fuzzer.
 *
 * Accepted: ELFCLASS64, ELFDATA2LSB, EM_X86_64, version 1, OS/ABI System V
 * or GNU, type ET_EXEC or ET_DYN without PT_INTERP (a static PIE, placed at
 * a load bias the caller chooses). Anything else is refused with a reason
 * that names the problem.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A segment's permissions: the bits of p_flags (gABI, "Segment Flag Bits"). */
#define ELF_SEG_X 0x1
#define ELF_SEG_W 0x2
#define ELF_SEG_R 0x4

/* At most this many PT_LOAD segments with bytes in memory (musl's static
 * programs have four) and program headers in all. */
#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_PHNUM 64

/* The page size the loader maps with: segments are checked at its grain. */
#define ELF_PAGE_SIZE 0x1000ULL

/*
 * Default limits. The user half ends at 2^47; the last page below it stays
 * unmapped, so that no user instruction can end just below the
 * non-canonical hole, where SYSRET would fault in ring 0 (the case of
 * CVE-2012-0217; Linux's TASK_SIZE_MAX is the same address). Below 64 KiB
 * nothing is mapped, so that NULL plus a small offset always faults (Linux's
 * default vm.mmap_min_addr). An image spanning more than 1 GiB is absurd for
 * Keel's programs.
 */
#define ELF_USER_TOP_DEFAULT 0x00007ffffffff000ULL
#define ELF_USER_BOTTOM_DEFAULT 0x10000ULL
#define ELF_MAX_SPAN_DEFAULT (1ULL << 30)
#define ELF_DYN_BIAS_DEFAULT 0x400000ULL	/* where a static PIE goes */

/* What the caller allows. Addresses are half-open: [user_bottom, user_top). */
struct elf_limits {
	uint64_t user_bottom;	/* no segment below this */
	uint64_t user_top;	/* no segment byte at or above this */
	uint64_t max_span;	/* lowest segment page to highest: at most this */
	uint64_t dyn_bias;	/* added to every address of an ET_DYN; must be
				 * a multiple of ELF_PAGE_SIZE */
};

/* One PT_LOAD segment, addresses with the bias applied. The loader maps
 * [vaddr, vaddr + memsz), copies filesz bytes from the file at offset to
 * vaddr, and zeroes the rest. No two segments share a page. */
struct elf_segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;	/* in the file; offset + filesz <= file size */
	uint64_t filesz;	/* <= memsz */
	uint64_t align;		/* p_align: 0, 1 or a power of two */
	uint32_t flags;		/* ELF_SEG_R | ELF_SEG_W | ELF_SEG_X, never W+X */
};

/* The TLS template (PT_TLS): libc copies its filesz bytes from vaddr, which
 * lie inside a segment's file bytes, and zeroes up to memsz. */
struct elf_tls {
	bool present;
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

struct elf_image {
	uint16_t type;		/* 2: ET_EXEC, 3: ET_DYN (static PIE) */
	uint64_t bias;		/* 0 for ET_EXEC */
	uint64_t entry;		/* inside the file bytes of an X segment */
	uint64_t phdr_vaddr;	/* where the program headers are in memory
				 * once loaded: AT_PHDR */
	uint16_t phent;		/* AT_PHENT */
	uint16_t phnum;		/* AT_PHNUM */
	uint64_t span_start;	/* the lowest segment's page */
	uint64_t span_end;	/* past the highest segment's last page: where
				 * a heap (brk) may start */
	unsigned int nsegments;
	struct elf_segment segments[ELF_MAX_SEGMENTS];	/* in file order */
	struct elf_tls tls;
	bool has_gnu_stack;	/* PT_GNU_STACK present (its flags are RW:
				 * an executable stack is refused) */
};

/*
 * Check the ELF file of @size bytes at @file against the default limits
 * (ELF_*_DEFAULT) and describe it in @out. Returns 0, or -ENOEXEC with a
 * NUL-terminated reason in @why (@why_len bytes, may be 0) such as "segment
 * 2 (vaddr 0x404fc0) has p_filesz 0x200 > p_memsz 0x100". @out is
 * meaningless after a failure.
 */
int elf_parse(const void *file, size_t size, struct elf_image *out, char *why,
	      size_t why_len);

/* elf_parse() with limits of the caller's (NULL: the defaults). */
int elf_parse_limits(const void *file, size_t size,
		     const struct elf_limits *limits, struct elf_image *out,
		     char *why, size_t why_len);

/* The default limits, as elf_parse() uses them. */
void elf_default_limits(struct elf_limits *limits);
