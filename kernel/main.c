/*
 * kernel/main.c - kmain(), where the C kernel starts, and the boot order.
 */
#include <stdint.h>

#include "lib/cmdline.h"
#include "drivers/uart16550.h"
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "kernel/memory.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
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

static void print_summary(const struct boot_info *info)
{
	struct arch_cpu_info cpu;

	arch_cpu_info(&cpu);
	kprintf("loader: %s\n", info->loader_name ? info->loader_name : "(not named)");
	kprintf("firmware: %s\n", info->efi ? "UEFI" : "BIOS");
	kprintf("command line: \"");
	kprint_escaped(info->cmdline);
	kprintf("\"\n");
	kprintf("cpu: %s, %u-bit physical addresses, NX %s\n", cpu.vendor,
		cpu.phys_addr_bits, cpu.has_nx ? "on" : "unavailable");
	kprintf("timer: %llu.%03llu Hz tick, cycle counter at %llu MHz\n",
		(unsigned long long)timer_rate_millihz() / 1000,
		(unsigned long long)timer_rate_millihz() % 1000,
		(unsigned long long)timer_cycles_hz() / 1000000);
	print_console();
	arch_print_protections();
	kprintf("memory map: %u entries from the loader%s\n", info->mmap_count,
		info->efi_mmap ? ", plus the EFI memory map" : "");
	memory_print_map();
}

/* Idle with interrupts on, echoing serial input (CR as a new line). */
static __attribute__((noreturn)) void idle_echo(void)
{
	for (;;) {
		int c;

		while ((c = console_getc()) >= 0) {
			char ch = c == '\r' ? '\n' : (char)c;

			console_write(&ch, 1);
		}
		arch_idle_unless(console_has_input);
	}
}

/*
 * Called by boot/boot.asm in long mode on the kernel stack, with the
 * Multiboot2 magic and the physical address of the boot information.
 */
void kmain(uint32_t magic, uint32_t info_phys)
{
	const struct boot_info *info;
	const struct cmdline *cl;
	struct arch_cpu_info cpu;
	uint64_t start = arch_cycles();

	console_init_early();		/* COM1 and port 0xe9, for messages */
	kprintf("\nKeel %s (x86_64) booting\n", KEEL_VERSION);
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot2 loader (magic %#x)", magic);
	info = bootinfo_load(info_phys);	/* before anything reuses it */
	options_init(info->cmdline);	/* may move the serial console */
	if (cmdline_has(options(), "ktest") || cmdline_has(options(), "bench"))
		ktest_set_requested();	/* a panic from here on ends QEMU */
	arch_init();			/* CPU tables, exceptions, PIC */
	arch_cpu_info(&cpu);
	memory_init(info, bootinfo_phys(), cpu.phys_addr_bits);
	arch_vm_init();			/* W^X kernel space, direct map */
	kheap_init();			/* kmalloc, growing on demand */
	timer_init(options_u32_range("timer_hz", TIMER_DEFAULT_HZ, TIMER_MIN_HZ,
				     TIMER_MAX_HZ));
	console_enable_input();		/* serial input by interrupt */
	irq_enable();
	print_summary(info);
	if (timer_cycles_hz())
		kprintf("boot: kernel ready %llu us after kmain\n",
			(unsigned long long)((arch_cycles() - start) * 1000000 /
					     timer_cycles_hz()));

	cl = options();
	if (cmdline_has(cl, "bench")) {
		kbench_run();
		arch_halt();
	}
	if (cmdline_has(cl, "ktest")) {
		kheap_set_debug(true);	/* every heap check on for the tests */
		ktest_set_boot_info(info);
		ktest_run(cmdline_value(cl, "ktest"));
		kprintf("Keel: self-test finished; halting\n");
		arch_halt();
	}
	kprintf("Keel: boot complete; what you type on the serial console "
		"is echoed\n");
	idle_echo();
}
