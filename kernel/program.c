/*
 * kernel/program.c - find a program among the boot modules, load it
 * (kernel/exec.h) and run it to its end.
 */
#include "kernel/program.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/exec.h"
#include "kernel/module.h"
#include "kernel/printk.h"

int program_run(const char *name, int argc, const char *const *argv,
		struct process_end *end)
{
	const struct boot_module *m = module_find(name);
	char why[128];
	struct process *p;

	if (!m)
		return -ENOENT;
	p = exec_load(name, m->data, m->size, argc, argv, why, sizeof(why));
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
