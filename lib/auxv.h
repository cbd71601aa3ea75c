/*
 * lib/auxv.h - a new process's initial stack, laid out as the System V
 * x86_64 ABI says (3.4.1 "Initial Stack and Register State", figure 3.9),
 * into a buffer that stands for the top of the user stack. Pure: the
 * caller copies the result into the process's stack pages.
 *
 *   stack_top ->  8 zero bytes (the end marker)
 *                 argument strings, then environment strings (NUL-ended)
 *                 the 16 AT_RANDOM bytes
 *                 padding to 16 bytes
 *                 AT_NULL, 0
 *                 auxiliary vector: (type, value) pairs
 *                 NULL
 *                 envp[0 .. envc - 1]
 *                 NULL
 *                 argv[0 .. argc - 1]
 *   rsp ------->  argc                  (rsp is 16-byte aligned)
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Auxiliary vector types (ABI 3.4.3, figure 3.11; Linux's values for
 * those the ABI leaves out). */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_EXECFN 31

#define SYSV_STACK_RANDOM_BYTES 16
#define SYSV_STACK_ALIGN 16

/* What goes on the stack. Strings are read up to their NUL. */
struct sysv_stack_info {
	unsigned int argc;		/* at least 1: argv[0] is the name */
	const char *const *argv;
	unsigned int envc;
	const char *const *envp;	/* may be NULL when envc is 0 */
	const uint8_t *random;		/* SYSV_STACK_RANDOM_BYTES bytes */
	uint64_t phdr;			/* AT_PHDR: the program headers in
					 * the process (elf_image.phdr_vaddr) */
	uint64_t phent;			/* AT_PHENT */
	uint64_t phnum;			/* AT_PHNUM */
	uint64_t entry;			/* AT_ENTRY: the program's entry */
	uint64_t page_size;		/* AT_PAGESZ */
};

/*
 * Lay out the stack for @info in @buf, whose @size bytes stand for the user
 * addresses [stack_top - size, stack_top). On success *@rsp is the initial
 * RSP (the address of argc); only [*rsp, stack_top) was written. The
 * auxiliary vector holds AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY,
 * AT_UID, AT_EUID, AT_GID, AT_EGID (all 0: musl's startup takes unequal
 * ids or AT_SECURE for a set-id program), AT_SECURE 0, AT_RANDOM, AT_EXECFN
 * (argv[0]'s copy), then AT_NULL. Returns 0, -EINVAL when @stack_top is not
 * 16-byte aligned, argc is 0 or a pointer is NULL, or -ENOSPC when the
 * result does not fit in @size bytes.
 */
int sysv_stack_build(void *buf, size_t size, uint64_t stack_top,
		     const struct sysv_stack_info *info, uint64_t *rsp);
