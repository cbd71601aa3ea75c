/*
 * kernel/panic.c - the last thing the kernel says.
 */
#include "kernel/panic.h"

#include <stdarg.h>

#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
	static int panicking;
	static unsigned int panic_cpu = ~0u;	/* none yet */
	va_list ap;

	arch_irq_disable();
	/* A panic while panicking (say, in kprintf) must not loop; under the
	 * self-test it still ends the emulator as a panic, printing nothing.
	 * A second CPU that panics meanwhile stops: the first one reports. */
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_ACQ_REL)) {
		if (__atomic_load_n(&panic_cpu, __ATOMIC_ACQUIRE) !=
		    this_cpu_index())
			for (;;)
				arch_idle();	/* until the NMI stops us */
		if (ktest_running())
			arch_exit_emulator(KTEST_EXIT_PANIC);
		arch_halt();
	}
	__atomic_store_n(&panic_cpu, this_cpu_index(), __ATOMIC_RELEASE);
	/* The others stop before a word is printed, so the message comes
	 * out whole; then the console is ours whoever held it. */
	arch_stop_other_cpus();
	console_break_lock();
	/*
	 * With interrupts off every console write is synchronous; first send
	 * what the transmit ring still holds, so the messages that led here
	 * come out, in order, before the panic's. Nothing here waits for a
	 * lock or an interrupt, so this works from the UART's own handler.
	 */
	console_flush();
	console_panic();

	kprintf("\nPANIC: ");
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf(" at %s:%d\n", file, line);
	arch_backtrace();

	if (ktest_running()) {
		ktest_report_panic();
		kprintf("# ktest: kernel panic, self-test aborted\n");
		arch_exit_emulator(KTEST_EXIT_PANIC);
	}
	arch_halt();
}
