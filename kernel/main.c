/*
 * kernel/main.c - kmain(), where the C kernel starts: the boot order, then
 * what the command line asked the machine to do.
 */
#include <stdint.h>

#include "lib/errno.h"

#include "drivers/screen.h"
#include "drivers/i8042.h"
#include "drivers/uart16550.h"
#include "kernel/acpi.h"
#include "kernel/arch.h"
#include "kernel/boot_steps.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/heap.h"
#include "kernel/irq.h"
#include "kernel/ktest.h"
#include "kernel/memory.h"
#include "kernel/module.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/program.h"
#include "kernel/shell.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/version.h"

static void print_console(void)
{
	struct uart *u = console_uart();

	if (u)
		kprintf("console: UART at %#x, %u baud, %s\n", u->base, u->baud,
			u->has_fifo ? "16550A with FIFO" : "no FIFO");
	else
		kprintf("console: no UART\n");
	if (console_has_debugcon())
		kprintf("console: debug port 0xe9\n");
}

/* One line per subsystem; a new driver adds its line here. */
static void print_summary(const struct boot_info *info)
{
	const struct arch_cpu_info *cpu = arch_cpu_info();

	kprintf("loader: %s\n", info->loader_name ? info->loader_name : "(not named)");
	kprintf("firmware: %s\n", info->efi ? "UEFI" : "BIOS");
	kprintf("command line: \"");
	kprint_escaped(info->cmdline);
	kprintf("\"\n");
	if (info->modules)
		kprintf("modules: %u\n", info->modules);
	kprintf("cpu: %s, %u-bit physical addresses, NX %s\n", cpu->vendor,
		cpu->phys_addr_bits, cpu->has_nx ? "on" : "unavailable");
	kprintf("timer: %llu.%03llu Hz tick (%s), cycle counter at %llu MHz\n",
		(unsigned long long)timer_rate_millihz() / 1000,
		(unsigned long long)timer_rate_millihz() % 1000,
		timer_source(),
		(unsigned long long)timer_cycles_hz() / 1000000);
	irq_print_summary();
	print_console();
	smp_print_summary();
	screen_print_summary();
	i8042_print_summary();
	arch_print_protections();
	acpi_print_summary();
	kprintf("memory map: %u entries from the loader%s\n", info->mmap_count,
		info->efi_mmap ? ", plus the EFI memory map" : "");
	memory_print_map();
}

/* init=NAME: the program to run at boot, with its name as argv[0]. */
static void run_init(const char *name)
{
	const char *argv[] = { name };
	struct process_end end;
	int err = program_run(name, 1, argv, &end);

	if (err == -ENOENT)
		kprintf("init: no program named \"%s\"\n", name);
	else if (!err)
		program_print_end(name, &end);
}

/* What the command line asked for, once the kernel is up. */
static __attribute__((noreturn)) void run(const struct boot_info *info)
{
	if (options_has("bench")) {
		boot_steps_report();
		kbench_run();
		arch_halt();
	}
	if (options_has("ktest")) {
		kheap_set_debug(true);	/* every heap check on for the tests */
		ktest_set_boot_info(info);
		ktest_run(options_text("ktest"));
		/* Still here: no exit device, as on a real PC. */
		ktest_print_banner();
		shell_reboot_after_key();
	}
	if (options_text("init"))
		run_init(options_text("init"));
	shell_run();			/* a prompt on every console */
}

/*
 * Called by boot/boot.asm in long mode on the kernel stack, with the
 * Multiboot2 magic and the physical address of the boot information.
 */
void kmain(uint32_t magic, uint32_t info_phys)
{
	const struct boot_info *info;

	boot_steps_start();
	console_init_early();		/* COM1 and port 0xe9, for messages */
	kprintf("\nKeel %s (x86_64) booting\n", KEEL_VERSION);
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot2 loader (magic %#x)", magic);
	info = bootinfo_load(info_phys);	/* before anything reuses it */
	options_init(info->cmdline);	/* may move the serial console */
	if (options_has("ktest") || options_has("bench"))
		ktest_set_requested();	/* a panic from here on ends QEMU */
	boot_step_done("console, boot information, options");
	arch_init();			/* CPU features, tables, exceptions, PIC */
	boot_step_done("CPU tables");
	memory_init(info, bootinfo_phys(), arch_cpu_info()->phys_addr_bits);
	boot_step_done("memory map, frame allocator");
	arch_vm_init();			/* W^X kernel space, direct map */
	boot_step_done("kernel address space");
	kheap_init();			/* kmalloc, growing on demand */
	kheap_set_debug(options_on("heap_debug"));
	boot_step_done("heap");
	/* The firmware's tables, before anything that needs the MADT or
	 * FADT; device mappings need the heap's page-table path. */
	acpi_init(info);
	boot_step_done("ACPI tables");
	/* The IOAPIC and local APIC, or the 8259 with the reason: needs the
	 * heap (device mappings) and acpi_init() (the MADT); before the timer,
	 * whose tick is the local APIC's when the APIC is in use. */
	irq_controller_init();
	boot_step_done("interrupt controller");
	/* INIT to the other CPUs (needs the MADT and the local APIC): the
	 * steps below run during the 10 ms they need before a STARTUP. */
	smp_send_init(acpi_madt());
	boot_step_done("other CPUs: INIT");
	/* Threads need the heap; the tick that preempts them starts below. */
	sched_init();			/* this flow becomes thread "boot" */
	boot_step_done("threads");
	module_init(info);		/* boot modules by name: the programs */
	boot_step_done("boot modules");
	/* The screen: the framebuffer or EGA text the loader set up. */
	screen_init(info, arch_cpu_info()->phys_addr_bits);
	boot_step_done("screen console");
	timer_init(options_number("timer_hz"));	/* tick, cycle counter */
	boot_step_done("timer");
	i8042_init();			/* PS/2 keyboard on IRQ 1, if any */
	boot_step_done("keyboard");
	/* STARTUP to the other CPUs once the 10 ms are over: needs the
	 * measured cycle counter (its waits) and the scheduler; each starts
	 * its own APIC timer. */
	smp_init();
	boot_step_done("other CPUs: STARTUP");
	console_enable_input();		/* serial input by interrupt */
	irq_enable();
	boot_steps_mark_ready();	/* everything is up */
	print_summary(info);
	boot_step_done("summary (printing)");
	if (boot_steps_ready_us())
		kprintf("boot: kernel ready %llu us after kmain; printing the "
			"summary took %llu us more\n",
			(unsigned long long)boot_steps_ready_us(),
			(unsigned long long)(boot_steps_total_us() -
					     boot_steps_ready_us()));
	run(info);
}
