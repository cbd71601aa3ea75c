/*
 * kernel/module.c - the boot modules by name: one table, made once from the
 * Multiboot2 module tags (kernel/multiboot2.c, mb2_next_module).
 */
#include "kernel/module.h"

#include "lib/elf.h"
#include "lib/string.h"
#include "kernel/heap.h"
#include "kernel/layout.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"

static struct boot_module *modules;
static size_t nr_modules;

/* A copy of the first blank-separated word of @s; NULL without memory. */
static char *first_word(const char *s)
{
	size_t len;
	char *w;

	while (*s == ' ' || *s == '\t')
		s++;
	for (len = 0; s[len] && s[len] != ' ' && s[len] != '\t'; len++)
		;
	w = kmalloc(len + 1);
	if (w) {
		memcpy(w, s, len);
		w[len] = '\0';
	}
	return w;
}

/*
 * Fill @m from @mod; false (reported) when it cannot be used. Module
 * addresses are 32-bit (3.6.6) and kernel/memory.c claims each module's
 * pages as the kernel's, which arch/x86_64/vm.c maps read-only in the
 * direct map: the bytes are always reachable there.
 */
static bool describe(const struct mb2_module *mod, struct boot_module *m)
{
	m->name = first_word(mod->string);
	if (!m->name) {
		kprintf("module: no memory for a name; module ignored\n");
		return false;
	}
	m->string = mod->string;
	m->phys = mod->start;
	m->size = mod->end - mod->start;
	m->data = phys_to_virt(mod->start);
	return true;
}

void module_init(const struct boot_info *info)
{
	struct mb2_module mod;
	uint32_t cursor = 0;

	if (!info->modules)
		return;
	modules = kmalloc(info->modules * sizeof(*modules));
	if (!modules) {
		kprintf("module: no memory for a table of %u modules; none "
			"can be used\n", info->modules);
		return;
	}
	while (nr_modules < info->modules &&
	       mb2_next_module(info, &cursor, &mod))
		if (describe(&mod, &modules[nr_modules]))
			nr_modules++;
}

const struct boot_module *module_find(const char *name)
{
	for (size_t i = 0; i < nr_modules; i++)
		if (!strcmp(modules[i].name, name))
			return &modules[i];
	return NULL;
}

const struct boot_module *module_next(const struct boot_module *prev)
{
	size_t i = prev ? (size_t)(prev - modules) + 1 : 0;

	return i < nr_modules ? &modules[i] : NULL;
}

size_t module_count(void)
{
	return nr_modules;
}

#define NAME_COLUMN 16

/* "ok: ..." or "refused: why" for one module. */
static void print_verdict(const struct boot_module *m)
{
	struct elf_image img;
	char why[128];

	if (elf_parse(m->data, m->size, &img, why, sizeof(why))) {
		kprintf("refused: %s\n", why);
		return;
	}
	kprintf("program: entry %#llx, %u segments in [%#llx, %#llx)%s\n",
		(unsigned long long)img.entry, img.nsegments,
		(unsigned long long)img.span_start,
		(unsigned long long)img.span_end, img.tls.present ? ", TLS" : "");
}

void module_print_programs(void)
{
	if (!nr_modules) {
		kprintf("no boot modules\n");
		return;
	}
	for_each_module(m) {
		int n = kprint_escaped(m->name);

		kprintf("%*s %8zu bytes  ", n < NAME_COLUMN ? NAME_COLUMN - n : 0,
			"", m->size);
		print_verdict(m);
	}
}
