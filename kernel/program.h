/*
 * kernel/program.h - running the programs that came as boot modules (the
 * ISO's "module2 /boot/user/NAME NAME" lines): the shell's "run", the
 * init= option and the user tests go through here.
 */
#pragma once

#include "kernel/process.h"

/*
 * Run the program whose module is named @name (its string's first word)
 * with @argc arguments @argv (argv[0] is its name), from this thread until
 * it ends; fill *@end. Returns 0, -ENOENT when no module has that name, or
 * -ENOEXEC / -ENOMEM when it could not start (a line says why).
 */
int program_run(const char *name, int argc, const char *const *argv,
		struct process_end *end);

/* "NAME exited with status N" or "NAME was killed by ..." on the console. */
void program_print_end(const char *name, const struct process_end *end);
