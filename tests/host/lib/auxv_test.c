/*
 * tests/host/lib/auxv_test.c - host tests of lib/auxv.c: the stack is read
 * back the way a C library's startup reads it (argc at RSP, argv, NULL,
 * envp, NULL, the auxiliary vector up to AT_NULL; SysV x86_64 ABI 3.4.1),
 * every pointer followed into the buffer. Each buffer is a heap block of
 * exactly the size given, so ASan catches a write outside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/auxv.h"
#include "lib/errno.h"

#define TOP 0x7ffffffff000ULL	/* a user stack top, 16-byte aligned */

static const uint8_t random16[16] = {
	0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
	0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f,
};

/* A stack read back: the buffer and the user addresses it stands for. */
struct view {
	const uint8_t *buf;
	size_t size;
	uint64_t top, rsp;
};

/* The bytes at user address @addr, which must lie in [rsp, top). */
static const uint8_t *at(const struct view *v, uint64_t addr, size_t n)
{
	assert_true(addr >= v->rsp && addr <= v->top && n <= v->top - addr);
	return v->buf + (addr - (v->top - v->size));
}

static uint64_t word(const struct view *v, uint64_t addr)
{
	uint64_t w;

	memcpy(&w, at(v, addr, 8), 8);
	return w;
}

/* The NUL-terminated string at @addr, checked to end inside the stack. */
static const char *string_at(const struct view *v, uint64_t addr)
{
	const char *s = (const char *)at(v, addr, 1);

	assert_non_null(memchr(s, 0, v->top - addr));
	return s;
}

static struct sysv_stack_info info_of(unsigned int argc, const char **argv,
				      unsigned int envc, const char **envp)
{
	return (struct sysv_stack_info){
		.argc = argc, .argv = argv, .envc = envc, .envp = envp,
		.random = random16, .phdr = 0x400040, .phent = 56, .phnum = 6,
		.entry = 0x401047, .page_size = 4096,
	};
}

/* The value of auxiliary entry @type, failing when it is absent. */
static uint64_t aux_value(const struct view *v, uint64_t auxv, uint64_t type)
{
	for (uint64_t p = auxv;; p += 16) {
		if (word(v, p) == type)
			return word(v, p + 8);
		if (word(v, p) == AT_NULL)
			fail_msg("auxiliary entry %llu is missing",
				 (unsigned long long)type);
	}
}

/* Read the stack back and compare everything with @info. */
static void check_stack(const struct view *v,
			const struct sysv_stack_info *info)
{
	uint64_t p = v->rsp, auxv;
	unsigned int entries = 0;

	assert_int_equal(v->rsp % 16, 0);
	assert_int_equal(word(v, p), info->argc);
	p += 8;
	for (unsigned int i = 0; i < info->argc; i++, p += 8)
		assert_string_equal(string_at(v, word(v, p)), info->argv[i]);
	assert_int_equal(word(v, p), 0);
	p += 8;
	for (unsigned int i = 0; i < info->envc; i++, p += 8)
		assert_string_equal(string_at(v, word(v, p)), info->envp[i]);
	assert_int_equal(word(v, p), 0);
	auxv = p + 8;
	for (p = auxv; word(v, p) != AT_NULL; p += 16)
		entries++;
	assert_int_equal(word(v, p + 8), 0);
	assert_int_equal(entries, 12);
	assert_int_equal(aux_value(v, auxv, AT_PHDR), info->phdr);
	assert_int_equal(aux_value(v, auxv, AT_PHENT), info->phent);
	assert_int_equal(aux_value(v, auxv, AT_PHNUM), info->phnum);
	assert_int_equal(aux_value(v, auxv, AT_PAGESZ), info->page_size);
	assert_int_equal(aux_value(v, auxv, AT_ENTRY), info->entry);
	assert_int_equal(aux_value(v, auxv, AT_UID), 0);
	assert_int_equal(aux_value(v, auxv, AT_EUID), 0);
	assert_int_equal(aux_value(v, auxv, AT_GID), 0);
	assert_int_equal(aux_value(v, auxv, AT_EGID), 0);
	assert_int_equal(aux_value(v, auxv, AT_SECURE), 0);
	assert_memory_equal(at(v, aux_value(v, auxv, AT_RANDOM), 16), random16,
			    16);
	assert_string_equal(string_at(v, aux_value(v, auxv, AT_EXECFN)),
			    info->argv[0]);
	/* The random bytes and strings lie above the vectors. */
	assert_true(aux_value(v, auxv, AT_RANDOM) >= p + 16);
	assert_int_equal(word(v, v->top - 8), 0);
}

/* Build into an exact-size heap buffer; returns the result. */
static int build(size_t size, uint64_t top,
		 const struct sysv_stack_info *info, struct view *v)
{
	uint8_t *buf = malloc(size ? size : 1);
	int err;

	assert_non_null(buf);
	memset(buf, 0xcc, size);
	*v = (struct view){ buf, size, top, 0 };
	err = sysv_stack_build(size ? buf : NULL, size, top, info, &v->rsp);
	return err;
}

/* before: "hello" with two arguments and two environment strings.
 * after: every field reads back; RSP is 16-byte aligned. */
static void auxv_test_reads_back(void **state)
{
	const char *argv[] = { "hello", "one", "two words" };
	const char *envp[] = { "HOME=/", "TERM=keel" };
	struct sysv_stack_info info = info_of(3, argv, 2, envp);
	struct view v;

	(void)state;
	assert_int_equal(build(4096, TOP, &info, &v), 0);
	check_stack(&v, &info);
	free((void *)v.buf);
}

/* before: argument counts of both parities and an empty environment
 * (the vectors then end on either half of a 16-byte unit), and buffers
 * whose size is not a multiple of 16. after: RSP is aligned each time. */
static void auxv_test_rsp_is_aligned_for_every_shape(void **state)
{
	const char *argv[] = { "a", "bb", "ccc", "dddd", "eeeee", "f" };
	const char *envp[] = { "X=1", "YY=22", "ZZZ=333" };

	(void)state;
	for (unsigned int argc = 1; argc <= 6; argc++) {
		for (unsigned int envc = 0; envc <= 3; envc++) {
			for (size_t size = 1000; size < 1016; size++) {
				struct sysv_stack_info info =
					info_of(argc, argv, envc,
						envc ? envp : NULL);
				struct view v;

				assert_int_equal(build(size, TOP, &info, &v), 0);
				check_stack(&v, &info);
				free((void *)v.buf);
			}
		}
	}
}

/* before: buffers of every size from 0 up. after: -ENOSPC below the size
 * needed, success from it on, never a write outside the buffer. */
static void auxv_test_small_buffers_are_refused(void **state)
{
	const char *argv[] = { "prog", "arg" };
	const char *envp[] = { "A=b" };
	struct sysv_stack_info info = info_of(2, argv, 1, envp);
	size_t first_ok = 0;

	(void)state;
	for (size_t size = 0; size < 1024; size++) {
		struct view v;
		int err = build(size, TOP, &info, &v);

		if (err == 0) {
			if (!first_ok)
				first_ok = size;
			check_stack(&v, &info);
		} else {
			assert_int_equal(err, -ENOSPC);
			assert_int_equal(first_ok, 0);
		}
		free((void *)v.buf);
	}
	/* The end marker, the random bytes, 13 bytes of strings, 32 words
	 * (argc, 2 + 1 argv, 1 + 1 envp, 13 auxiliary pairs), and at most 15
	 * bytes of padding to align RSP. */
	assert_true(first_ok >= 8 + 16 + 13 + 32 * 8);
	assert_true(first_ok <= 8 + 16 + 13 + 32 * 8 + 15);
}

static void auxv_test_bad_arguments_are_refused(void **state)
{
	const char *argv[] = { "prog", NULL };
	const char *envp[] = { "A=b", NULL };
	struct sysv_stack_info info = info_of(1, argv, 1, envp);
	struct view v;

	(void)state;
	assert_int_equal(build(512, TOP + 8, &info, &v), -EINVAL);
	free((void *)v.buf);
	info.argc = 0;		/* argv[0] is the program's name */
	assert_int_equal(build(512, TOP, &info, &v), -EINVAL);
	free((void *)v.buf);
	info = info_of(2, argv, 1, envp);	/* a NULL inside argv */
	assert_int_equal(build(512, TOP, &info, &v), -EINVAL);
	free((void *)v.buf);
	info = info_of(1, argv, 2, envp);	/* a NULL inside envp */
	assert_int_equal(build(512, TOP, &info, &v), -EINVAL);
	free((void *)v.buf);
	info = info_of(1, argv, 1, envp);
	info.random = NULL;
	assert_int_equal(build(512, TOP, &info, &v), -EINVAL);
	free((void *)v.buf);
	info = info_of(1, argv, 1, envp);
	assert_int_equal(build(512, 256, &info, &v), -EINVAL);	/* below 0 */
	free((void *)v.buf);
}

/* before: one argument longer than the buffer. after: -ENOSPC, and the
 * length is not read past the buffer's size. */
static void auxv_test_long_string_is_refused(void **state)
{
	char *big = malloc(70000);
	const char *argv[] = { big };
	struct sysv_stack_info info = info_of(1, argv, 0, NULL);
	struct view v;

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 69999);
	big[69999] = '\0';
	assert_int_equal(build(65536, TOP, &info, &v), -ENOSPC);
	free((void *)v.buf);
	assert_int_equal(build(72000, TOP, &info, &v), 0);
	check_stack(&v, &info);
	free((void *)v.buf);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auxv_test_reads_back),
		cmocka_unit_test(auxv_test_rsp_is_aligned_for_every_shape),
		cmocka_unit_test(auxv_test_small_buffers_are_refused),
		cmocka_unit_test(auxv_test_bad_arguments_are_refused),
		cmocka_unit_test(auxv_test_long_string_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
