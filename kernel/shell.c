/*
 * kernel/shell.c - the monitor shell (kernel/shell.h). Every command is one
 * row of commands[] below: its name, an argument synopsis for "help", one
 * line of help, how many arguments it takes, and a short handler. The
 * dispatcher checks the argument count, so a handler only checks values.
 */
#include "kernel/shell.h"

#include <stdint.h>

#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/line_edit.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/acpi.h"
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/heap.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/module.h"
#include "kernel/percpu.h"
#include "kernel/pmm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/program.h"
#include "kernel/smp.h"
#include "kernel/symbols.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/version.h"

/* Words on a command line, the command included. */
#define SHELL_MAX_WORDS 8

struct shell_command {
	const char *name;
	const char *args;	/* synopsis for "help"; "" for none */
	const char *help;
	int min_args, max_args;	/* words after the name */
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
};

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);
static int cmd_mem(int argc, char **argv);
static int cmd_map(int argc, char **argv);
static int cmd_vm(int argc, char **argv);
static int cmd_cpu(int argc, char **argv);
static int cmd_uptime(int argc, char **argv);
static int cmd_ktest(int argc, char **argv);
static int cmd_reboot(int argc, char **argv);
static int cmd_halt(int argc, char **argv);
static int cmd_acpi(int argc, char **argv);
static int cmd_poweroff(int argc, char **argv);
/* Threads (kernel/thread.c). */
static int cmd_threads(int argc, char **argv);
static int cmd_spin(int argc, char **argv);
static int cmd_programs(int argc, char **argv);
static int cmd_irqs(int argc, char **argv);
static int cmd_run(int argc, char **argv);
static int cmd_cpus(int argc, char **argv);

static const struct shell_command commands[] = {
	{ "help", "", "list the commands", 0, 0, cmd_help },
	{ "version", "", "Keel's version and compiler", 0, 0, cmd_version },
	{ "mem", "", "physical frames and heap statistics", 0, 0, cmd_mem },
	{ "map", "ADDR", "translate a virtual address (hex, or a function)",
	  1, 1, cmd_map },
	{ "vm", "", "the kernel's address-space regions", 0, 0, cmd_vm },
	{ "cpu", "", "CPU vendor and the features in use", 0, 0, cmd_cpu },
	{ "uptime", "", "time since the timer started", 0, 0, cmd_uptime },
	{ "ktest", "[PATTERN]", "run the in-kernel tests (a suite, a glob)",
	  0, 1, cmd_ktest },
	{ "reboot", "", "restart the machine", 0, 0, cmd_reboot },
	{ "halt", "", "stop the machine", 0, 0, cmd_halt },
	{ "acpi", "", "the ACPI tables, their OEM ids, MADT and FADT", 0, 0,
	  cmd_acpi },
	{ "poweroff", "", "switch the machine off (ACPI S5)", 0, 0, cmd_poweroff },
	/* Programs and processes. */
	{ "programs", "", "the boot modules, and which are programs",
	  0, 0, cmd_programs },
	{ "run", "NAME [ARGS]", "run a user program (a boot module) to its end",
	  1, SHELL_MAX_WORDS - 1, cmd_run },
	{ "threads", "", "every thread: state, CPU time, switches", 0, 0,
	  cmd_threads },
	{ "spin", "", "start a thread that spins forever (preemption demo)",
	  0, 0, cmd_spin },
	{ "irqs", "", "interrupts taken, per vector and CPU", 0, 0, cmd_irqs },
	{ "cpus", "", "each CPU: APIC id, state, start-up time", 0, 0,
	  cmd_cpus },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* --- Commands ------------------------------------------------------------ */

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct shell_command *c = &commands[i];

		kprintf("  %-8s %-10s %s\n", c->name, c->args, c->help);
	}
	kprintf("keys: Left, Right, Home, End, Backspace, Delete; Up and Down "
		"(history);\n      Ctrl-U erases the line, Ctrl-C abandons "
		"it\n");
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("Keel %s (x86_64), built with %s\n", KEEL_VERSION, __VERSION__);
	return 0;
}

static int cmd_mem(int argc, char **argv)
{
	struct pmm_stats p;
	struct heap_stats h;

	(void)argc;
	(void)argv;
	pmm_stats(frame_pmm(), &p);
	kheap_stats(&h);
	kprintf("frames: %llu usable (%llu MiB): %llu free, %llu in use, "
		"%llu reserved\n", (unsigned long long)p.total_frames,
		(unsigned long long)(p.total_frames * PAGE_SIZE >> 20),
		(unsigned long long)frame_free_count(),
		(unsigned long long)p.allocated_frames,
		(unsigned long long)p.reserved_frames);
	kprintf("heap: %zu bytes in use (peak %zu), %zu mapped, %zu free, "
		"%zu on quick lists\n", h.in_use, h.peak_in_use, h.mapped,
		h.free, h.cached);
	return 0;
}

/* @bytes in the largest unit that divides it: "4 KiB", "2 MiB". */
static const char *size_text(uint64_t bytes, char buf[16])
{
	static const char units[][4] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (u < 4 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, 16, "%llu %s", (unsigned long long)bytes, units[u]);
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* @s as up to 16 hex digits, "0x" optional. */
static bool parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, digits++) {
		int d = hex_digit(*s);

		if (d < 0 || digits == 16)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return digits > 0;
}

/* "0x..." is hex; otherwise a function's name, else hex ("ffff8000..."). */
static bool parse_address(const char *s, uint64_t *va)
{
	uintptr_t fn = s[0] == '0' ? 0 : symbol_address(s);

	if (fn) {
		*va = fn;
		return true;
	}
	return parse_hex(s, va);
}

/* The words for the optional mapping flags, in the order they print. */
static const struct {
	unsigned int flag;
	const char *word;
} map_words[] = {
	{ ARCH_MAP_GLOBAL, "global" },
	{ ARCH_MAP_NOCACHE, "uncached" },
	{ ARCH_MAP_WRITE_THROUGH, "write-through" },
	{ ARCH_MAP_ACCESSED, "accessed" },
	{ ARCH_MAP_DIRTY, "dirty" },
};

static void print_mapping(uint64_t va, const struct arch_mapping *m)
{
	uint64_t offset = m->phys & (m->page_size - 1);
	uintptr_t in_fn;
	const char *fn = symbol_lookup(va, &in_fn);
	char size[16];

	kprintf("0x%llx", (unsigned long long)va);
	if (fn)
		kprintf(" (%s+0x%lx)", fn, (unsigned long)in_fn);
	kprintf(": frame 0x%llx + 0x%llx, %s page, %s, %s, %s",
		(unsigned long long)(m->phys - offset),
		(unsigned long long)offset, size_text(m->page_size, size),
		m->flags & ARCH_MAP_WRITE ? "writable" : "read-only",
		m->flags & ARCH_MAP_EXEC ? "executable" : "no-execute",
		m->flags & ARCH_MAP_USER ? "user" : "kernel-only");
	for (size_t i = 0; i < sizeof(map_words) / sizeof(map_words[0]); i++) {
		if (m->flags & map_words[i].flag)
			kprintf(", %s", map_words[i].word);
	}
	kprintf(" (entry flags 0x%llx)\n", (unsigned long long)m->entry_flags);
}

static int cmd_map(int argc, char **argv)
{
	struct arch_mapping m;
	uint64_t va;
	int err;

	(void)argc;
	if (!parse_address(argv[1], &va)) {
		kprintf("map: \"%s\" is neither a hex address nor a function "
			"name\n", argv[1]);
		return -EINVAL;
	}
	err = arch_translate(va, &m);
	if (err == -EINVAL)
		kprintf("map: 0x%llx is not a canonical address: no page table "
			"can map it\n", (unsigned long long)va);
	else if (err)
		kprintf("0x%llx: not mapped\n", (unsigned long long)va);
	else
		print_mapping(va, &m);
	return err == -EINVAL ? err : 0;
}

/* Fixed regions of the kernel's address space (kernel/layout.h). */
static const struct {
	uint64_t start;
	uint64_t size;
	const char *what;
} vm_regions[] = {
	{ 0, 0x800000000000ULL, "lower half: not mapped (user space, later)" },
	{ PHYS_OFFSET, DIRECT_MAP_MAX, "direct map of RAM (read+write, NX)" },
	{ HEAP_START, HEAP_MAX, "kernel heap, mapped as it grows" },
	{ THREAD_STACKS_START, THREAD_STACKS_MAX,
	  "thread stacks, each above an unmapped guard" },
	{ KTEST_SCRATCH, 512ULL << 30, "scratch space of the self-test" },
	{ KERNEL_VMA, 2ULL << 30, "kernel image window" },
};

/* The kernel image's parts (linker.ld). */
static const struct {
	const char *start, *end;
	const char *what;
} vm_image[] = {
	{ __text_start, __text_end, ".text (read+execute)" },
	{ __rodata_start, __rodata_end, ".rodata (read-only, NX)" },
	{ __data_start, __bss_end, ".data and .bss (read+write, NX)" },
	{ boot_stack_guard, boot_stack_bottom, "guard page (not mapped)" },
	{ boot_stack_bottom, boot_stack_top, "kernel stack" },
};

static void print_region(uint64_t start, uint64_t size, const char *what)
{
	char text[16];

	kprintf("  0x%016llx-0x%016llx %10s %s\n", (unsigned long long)start,
		(unsigned long long)(start + size - 1), size_text(size, text),
		what);
}

static int cmd_vm(int argc, char **argv)
{
	struct heap_stats h;

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(vm_regions) / sizeof(vm_regions[0]); i++)
		print_region(vm_regions[i].start, vm_regions[i].size,
			     vm_regions[i].what);
	kprintf("kernel image:\n");
	for (size_t i = 0; i < sizeof(vm_image) / sizeof(vm_image[0]); i++)
		print_region((uintptr_t)vm_image[i].start,
			     (uint64_t)(vm_image[i].end - vm_image[i].start),
			     vm_image[i].what);
	kheap_stats(&h);
	kprintf("heap: %zu KiB mapped from 0x%llx\n", h.mapped >> 10,
		(unsigned long long)HEAP_START);
	return 0;
}

static int cmd_cpu(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	arch_print_cpu();
	kprintf("cycle counter: %llu MHz\n",
		(unsigned long long)timer_cycles_hz() / 1000000);
	return 0;
}

static int cmd_uptime(int argc, char **argv)
{
	uint64_t ms = timer_uptime_ns() / 1000000;

	(void)argc;
	(void)argv;
	kprintf("uptime: %llu.%03llu s (%llu ticks at %llu.%03llu Hz)\n",
		(unsigned long long)ms / 1000, (unsigned long long)ms % 1000,
		(unsigned long long)timer_ticks(),
		(unsigned long long)timer_rate_millihz() / 1000,
		(unsigned long long)timer_rate_millihz() % 1000);
	return 0;
}

/* The tests run as in the self-test, heap checks on (and left on: the
 * switch is only safe one way while blocks are live), but the machine
 * goes on. Tests that fail, panic or reset on purpose need their exact
 * name (KTEST_EXPLICIT), so no pattern runs them by accident. */
static int cmd_ktest(int argc, char **argv)
{
	int err;

	kheap_set_debug(true);
	ktest_set_boot_info(bootinfo());
	err = ktest_run_tests(argc > 1 ? argv[1] : NULL);
	kprintf("ktest: %s\n", err ? "not every test passed (see above)"
				   : "every test passed");
	return err;
}

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("Keel: restarting\n");
	arch_reboot();
}

/* The program's output goes to the consoles; its end is printed. */
static int cmd_run(int argc, char **argv)
{
	struct process_end end;
	int err = program_run(argv[1], argc - 1, (const char *const *)argv + 1,
			      &end);

	if (err == -ENOENT)
		kprintf("run: no program named \"%s\" (the ISO's modules)\n",
			argv[1]);
	if (err)
		return err;
	program_print_end(argv[1], &end);
	return end.status;
}

static int cmd_halt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("Keel: halted; switch the machine off or reset it\n");
	arch_halt();
}

static int cmd_acpi(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	acpi_print_tables();
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	char why[128];

	(void)argc;
	(void)argv;
	kprintf("Keel: powering off\n");
	power_off(why, sizeof(why));
	kprintf("poweroff: %s\n", why);
	return -EIO;
}

/* The boot modules and lib/elf.c's verdict on each (kernel/module.c). */
static int cmd_programs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	module_print_programs();
	return 0;
}

/* --- Threads ------------------------------------------------------------- */

static int cmd_threads(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	thread_print_all();
	return 0;
}

static void spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		arch_relax();
}

/* The thread never ends and is never joined: it shows that the shell (and
 * everything else) still gets the CPU while something hogs it, so it spins
 * on the shell's own CPU. */
static int cmd_spin(int argc, char **argv)
{
	struct thread *t;

	(void)argc;
	(void)argv;
	t = thread_create_on(this_cpu()->index, "spin", spin_forever, NULL);
	if (!t) {
		kprintf("spin: no memory for a thread\n");
		return -ENOMEM;
	}
	kprintf("spin: thread %u spins; the tick preempts it\n", t->id);
	return 0;
}

/* --- Dispatch ------------------------------------------------------------ */

static const struct shell_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

/* Split @line in place at spaces into at most SHELL_MAX_WORDS words;
 * returns how many, or -1 when there are more. */
static int split_words(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		if (*p == ' ') {
			*p++ = '\0';
			continue;
		}
		if (argc == SHELL_MAX_WORDS)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return argc;
}

static int run_words(int argc, char **argv)
{
	const struct shell_command *c = find_command(argv[0]);

	if (!c) {
		kprintf("unknown command \"");
		kprint_escaped(argv[0]);
		kprintf("\"; \"help\" lists the commands\n");
		return -ENOENT;
	}
	if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
		kprintf("%s: %s; usage: %s%s%s\n", c->name,
			argc - 1 < c->min_args ? "missing argument"
					       : "too many arguments",
			c->name, c->args[0] ? " " : "", c->args);
		return -EINVAL;
	}
	return c->run(argc, argv);
}

int shell_execute(const char *line)
{
	char copy[LINE_EDIT_MAX + 1];
	char *argv[SHELL_MAX_WORDS];
	int argc;

	if (strlcpy(copy, line, sizeof(copy)) >= sizeof(copy)) {
		kprintf("shell: line longer than %d bytes\n", LINE_EDIT_MAX);
		return -EINVAL;
	}
	argc = split_words(copy, argv);
	if (argc < 0) {
		kprintf("shell: more than %d words\n", SHELL_MAX_WORDS);
		return -EINVAL;
	}
	return argc ? run_words(argc, argv) : 0;
}

/* --- The prompt ---------------------------------------------------------- */

static void echo(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	console_write(s, len);
}

/* The next byte typed on any console, idling until there is one. */
static int wait_for_byte(void)
{
	int c;

	while ((c = console_getc()) < 0)
		arch_idle_unless(console_has_input);
	return c;
}

static enum line_edit_status read_line(struct line_edit *le)
{
	enum line_edit_status st;

	do
		st = line_edit_feed(le, (unsigned char)wait_for_byte());
	while (st == LINE_EDIT_EDITING);
	return st;
}

void shell_run(void)
{
	static struct line_edit editor;	/* its history is 1 KiB */
	static char line[LINE_EDIT_MAX + 1];

	line_edit_init(&editor, line, sizeof(line), echo, NULL);
	kprintf("Keel: boot complete; type \"help\" for the commands\n");
	for (;;) {
		kprintf(SHELL_PROMPT);
		if (read_line(&editor) == LINE_EDIT_DONE)
			shell_execute(line);
	}
}

void shell_reboot_after_key(void)
{
	int c;

	while (console_getc() >= 0)
		;		/* what was typed before the question */
	kprintf("Keel: press a key to restart the machine\n");
	c = wait_for_byte();
	kprintf("Keel: key %#x pressed; restarting\n", (unsigned int)c);
	arch_reboot();
}

static int cmd_irqs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	irq_print_counts();
	return 0;
}

static int cmd_cpus(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("%u CPUs online\n", cpu_online_count());
	smp_print_cpus();
	return 0;
}
