/*
 * lib/auxv.c - the initial process stack (System V x86_64 ABI 3.4.1): the
 * strings first, from the top down, then the vectors below them, so that
 * every pointer written is already known.
 */
#include "lib/auxv.h"

#include <stdbool.h>

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/string.h"

#define END_MARKER 8		/* zero bytes at the very top */
#define NR_AUX 13		/* pairs written by put_auxv(), AT_NULL too */

/* The buffer and the user addresses it stands for. */
struct stack {
	uint8_t *buf;
	size_t size;
	uint64_t top;
};

static uint64_t user_addr(const struct stack *s, size_t off)
{
	return s->top - s->size + off;
}

static void put_word(struct stack *s, size_t *off, uint64_t v)
{
	memcpy(s->buf + *off, &v, sizeof(v));
	*off += sizeof(v);
}

/* Bytes the strings need with their NULs, or SIZE_MAX past @limit. */
static size_t strings_size(const char *const *v, unsigned int n, size_t limit)
{
	size_t total = 0;

	for (unsigned int i = 0; i < n; i++) {
		total += strnlen(v[i], limit) + 1;
		if (total > limit)
			return SIZE_MAX;
	}
	return total;
}

static bool has_null(const char *const *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (!v[i])
			return true;
	return false;
}

/* Copy @str at *@off, move *@off past it; returns its user address. */
static uint64_t put_string(struct stack *s, size_t *off, const char *str)
{
	size_t len = strlen(str) + 1;
	uint64_t addr = user_addr(s, *off);

	memcpy(s->buf + *off, str, len);
	*off += len;
	return addr;
}

/* The pointers to @n strings and a NULL at *@off, the strings themselves
 * at *@str_off. */
static void put_pointers(struct stack *s, size_t *off, const char *const *v,
			 unsigned int n, size_t *str_off)
{
	for (unsigned int i = 0; i < n; i++)
		put_word(s, off, put_string(s, str_off, v[i]));
	put_word(s, off, 0);
}

static void put_aux(struct stack *s, size_t *off, uint64_t type, uint64_t v)
{
	put_word(s, off, type);
	put_word(s, off, v);
}

static void put_auxv(struct stack *s, size_t *off,
		     const struct sysv_stack_info *info, uint64_t random,
		     uint64_t execfn)
{
	put_aux(s, off, AT_PHDR, info->phdr);
	put_aux(s, off, AT_PHENT, info->phent);
	put_aux(s, off, AT_PHNUM, info->phnum);
	put_aux(s, off, AT_PAGESZ, info->page_size);
	put_aux(s, off, AT_ENTRY, info->entry);
	put_aux(s, off, AT_UID, 0);
	put_aux(s, off, AT_EUID, 0);
	put_aux(s, off, AT_GID, 0);
	put_aux(s, off, AT_EGID, 0);
	put_aux(s, off, AT_SECURE, 0);
	put_aux(s, off, AT_RANDOM, random);
	put_aux(s, off, AT_EXECFN, execfn);
	put_aux(s, off, AT_NULL, 0);
}

static bool info_ok(const struct sysv_stack_info *info, uint64_t stack_top)
{
	return info && info->argc && info->argv && info->random &&
	       (info->envp || !info->envc) && stack_top % SYSV_STACK_ALIGN == 0 &&
	       !has_null(info->argv, info->argc) &&
	       !has_null(info->envp, info->envc);
}

/* The highest offset at or below @hi - @n at a 16-byte aligned user
 * address, or SIZE_MAX when there is none. */
static size_t align_below(const struct stack *s, size_t hi, size_t n)
{
	size_t off;

	if (n > hi)
		return SIZE_MAX;
	off = hi - n;
	if (user_addr(s, off) % SYSV_STACK_ALIGN > off)
		return SIZE_MAX;
	return off - user_addr(s, off) % SYSV_STACK_ALIGN;
}

int sysv_stack_build(void *buf, size_t size, uint64_t stack_top,
		     const struct sysv_stack_info *info, uint64_t *rsp)
{
	struct stack s = { buf, size, stack_top };
	size_t args, envs, strs, rnd, vec, words;

	if (!info_ok(info, stack_top) || (!buf && size) || size > stack_top)
		return -EINVAL;
	args = strings_size(info->argv, info->argc, size);
	envs = strings_size(info->envp, info->envc, size);
	if (args == SIZE_MAX || envs == SIZE_MAX ||
	    END_MARKER + SYSV_STACK_RANDOM_BYTES + args + envs > size)
		return -ENOSPC;
	strs = size - END_MARKER - args - envs;
	rnd = strs - SYSV_STACK_RANDOM_BYTES;
	/* argc, argv and envp with their NULLs, the auxiliary vector. The
	 * counts are 32-bit: the product cannot wrap a 64-bit size. */
	words = 1 + (info->argc + 1ULL) + (info->envc + 1ULL) + 2 * NR_AUX;
	vec = align_below(&s, rnd, words * sizeof(uint64_t));
	if (vec == SIZE_MAX)
		return -ENOSPC;
	*rsp = user_addr(&s, vec);
	memset(s.buf + size - END_MARKER, 0, END_MARKER);
	memcpy(s.buf + rnd, info->random, SYSV_STACK_RANDOM_BYTES);
	memset(s.buf + vec + words * sizeof(uint64_t), 0,
	       rnd - vec - words * sizeof(uint64_t));
	put_word(&s, &vec, info->argc);
	put_pointers(&s, &vec, info->argv, info->argc, &strs);
	put_pointers(&s, &vec, info->envp, info->envc, &strs);
	put_auxv(&s, &vec, info, user_addr(&s, rnd),
		 user_addr(&s, rnd + SYSV_STACK_RANDOM_BYTES));
	return 0;
}
