/*
 * kernel/shell.h - the monitor shell: a prompt on every console, a line
 * editor (lib/line_edit.h) over console_getc(), and a table of commands
 * (kernel/shell.c; a new command is one row there).
 */
#pragma once

#define SHELL_PROMPT "keel> "

/* Prompt, read a line, run it, forever. Needs interrupts on and console
 * input enabled. */
__attribute__((noreturn)) void shell_run(void);

/*
 * Run one command line: split into words at spaces, the first names the
 * command. Returns what the command returned (0 for success), -ENOENT for
 * an unknown command or -EINVAL for bad arguments, after printing one line
 * that says so. An empty line does nothing and returns 0.
 */
int shell_execute(const char *line);

/* Say so, wait for a key on any console, then restart the machine: where
 * the self-test cannot end the emulator, as on a real PC. */
__attribute__((noreturn)) void shell_reboot_after_key(void);
