/*
 * kernel/program.c - find a program among the boot modules, load it
 * (kernel/exec.h) and run it to its end.
 */
#include "kernel/program.h"

#include <stdbool.h>

#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/bootinfo.h"
#include "kernel/exec.h"
#include "kernel/layout.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"

/* Whether the module string @s names @name: its first word equals it. */
static bool names(const char *s, const char *name)
{
	size_t n = strlen(name);

	return strncmp(s, name, n) == 0 && (s[n] == '\0' || s[n] == ' ');
}

/* The module named @name, in the kernel's view of physical memory. */
static bool find_module(const char *name, const void **data, size_t *size)
{
	const struct boot_info *info = bootinfo();
	struct mb2_module mod;
	uint32_t cursor = 0;

	while (mb2_next_module(info, &cursor, &mod)) {
		if (names(mod.string, name)) {
			*data = phys_to_virt(mod.start);
			*size = mod.end - mod.start;
			return true;
		}
	}
	return false;
}

int program_run(const char *name, int argc, const char *const *argv,
		struct process_end *end)
{
	char why[128];
	const void *file;
	size_t size;
	struct process *p;

	if (!find_module(name, &file, &size))
		return -ENOENT;
	p = exec_load(name, file, size, argc, argv, why, sizeof(why));
	if (!p) {
		kprintf("%s: cannot start: %s\n", name, why);
		return strstr(why, "memory") ? -ENOMEM : -ENOEXEC;
	}
	process_run(p);
	*end = p->end;
	process_destroy(p);
	return 0;
}

void program_print_end(const char *name, const struct process_end *end)
{
	if (end->killed)
		kprintf("%s was killed (fault vector %u, status %d)\n", name,
			end->vector, end->status);
	else
		kprintf("%s exited with status %d\n", name, end->status);
}
