/*
 * tests/kernel/elf_test.c - the user programs as the kernel finds them:
 * every program the runner put on the image (its list and sizes come from
 * fw_cfg, opt/keel/programs, a path that does not go through GRUB) is a
 * module of that name and size, its bytes readable through the direct map,
 * and lib/elf.c accepts it in the kernel build.
 */
#include "lib/auxv.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "drivers/fw_cfg.h"
#include "kernel/ktest.h"
#include "kernel/module.h"

#define LIST_MAX 1024

/* The runner's "NAME:BYTES NAME:BYTES ..." list, or NULL when it gave
 * none (a real PC, Bochs, a runner without programs). */
static const char *program_list(char *buf)
{
	long n = fw_cfg_read_file("opt/keel/programs", buf, LIST_MAX - 1);

	if (n <= 0)
		return NULL;
	buf[n < LIST_MAX - 1 ? n : LIST_MAX - 1] = '\0';
	return buf;
}

/* Split the entry at *@p into @name (NUL-ended) and its size; moves *@p
 * past it. False at the end of the list. */
static bool next_entry(const char **p, char *name, size_t cap, size_t *size)
{
	size_t len = 0;

	while (**p == ' ')
		(*p)++;
	if (!**p)
		return false;
	while (**p && **p != ':' && **p != ' ' && len + 1 < cap)
		name[len++] = *(*p)++;
	name[len] = '\0';
	*size = 0;
	if (**p == ':')
		for ((*p)++; **p >= '0' && **p <= '9'; (*p)++)
			*size = *size * 10 + (size_t)(**p - '0');
	while (**p && **p != ' ')
		(*p)++;
	return true;
}

/* One program: found by name, of the size the runner saw, accepted. */
static void check_program(struct ktest_ctx *t, const char *name, size_t size)
{
	const struct boot_module *m = module_find(name);
	struct elf_image img;
	char why[128];

	if (!m) {
		ktest_fail_at(t, __FILE__, __LINE__, "no module \"%s\"", name);
		return;
	}
	if (m->size != size) {
		ktest_fail_at(t, __FILE__, __LINE__, "module \"%s\" has %zu "
			      "bytes, the file had %zu", name, m->size, size);
		return;
	}
	if (elf_parse(m->data, m->size, &img, why, sizeof(why))) {
		ktest_fail_at(t, __FILE__, __LINE__, "program \"%s\" refused: "
			      "%s", name, why);
		return;
	}
	/* AT_PHDR must point at the program headers' bytes in the file. */
	if (memcmp((const uint8_t *)m->data + (img.phdr_vaddr -
					       img.segments[0].vaddr +
					       img.segments[0].offset),
		   (const uint8_t *)m->data + 64, 4))
		ktest_fail_at(t, __FILE__, __LINE__, "program \"%s\": AT_PHDR "
			      "%#llx is not its program headers", name,
			      (unsigned long long)img.phdr_vaddr);
}

KTEST(elf_every_program_on_the_image_parses)
{
	char buf[LIST_MAX], name[64];
	const char *p = program_list(buf);
	size_t size;
	unsigned int n = 0;

	if (!p) {
		ktest_skip(t, "the runner named no programs (fw_cfg)");
		return;
	}
	while (next_entry(&p, name, sizeof(name), &size) &&
	       !ktest_has_failed(t)) {
		check_program(t, name, size);
		n++;
	}
	KT_ASSERT(n >= 3);
}

/* A module is found by its whole first word: not by a prefix of it, not
 * by the rest of its string. */
KTEST(module_find_matches_the_whole_first_word)
{
	const struct boot_module *m = module_next(NULL);
	size_t count = 0;

	if (!m) {
		ktest_skip(t, "no boot modules");
		return;
	}
	for_each_module(it) {
		KT_ASSERT(module_find(it->name) != NULL);
		KT_ASSERT(!strcmp(module_find(it->name)->name, it->name));
		KT_ASSERT(!strchr(it->name, ' '));
		KT_ASSERT(!strncmp(it->string, it->name, strlen(it->name)));
		count++;
	}
	KT_ASSERT_EQ(count, module_count());
	KT_ASSERT(module_find("") == NULL || module_find("")->name[0] == '\0');
	KT_ASSERT(module_find("no-such-module") == NULL);
	if (module_find("hello")) {
		KT_ASSERT(module_find("hell") == NULL);
		KT_ASSERT(module_find("hello ") == NULL);
	}
	/* The runner's test modules: the first of the same name is found. */
	if (module_find("keel-test-module"))
		KT_EXPECT_STREQ(module_find("keel-test-module")->string,
				"keel-test-module fill=0x10");
}

/* The kernel build of lib/auxv.c lays out a stack the way the host tests
 * read it: argc at RSP, 16-byte aligned. */
KTEST(elf_initial_stack_in_the_kernel_build)
{
	static uint8_t stack[1024];
	static const uint8_t rnd[SYSV_STACK_RANDOM_BYTES] = { 1, 2, 3 };
	const char *argv[] = { "hello", "x" };
	struct sysv_stack_info info = {
		.argc = 2, .argv = argv, .random = rnd, .phdr = 0x400040,
		.phent = 56, .phnum = 6, .entry = 0x401000, .page_size = 4096,
	};
	uint64_t top = 0x7ffffffff000ULL, rsp = 0, w;

	KT_ASSERT_EQ(sysv_stack_build(stack, sizeof(stack), top, &info, &rsp),
		     0);
	KT_ASSERT_EQ(rsp % 16, 0);
	KT_ASSERT(rsp >= top - sizeof(stack) && rsp < top);
	memcpy(&w, stack + (rsp - (top - sizeof(stack))), 8);
	KT_ASSERT_EQ(w, 2);
}
