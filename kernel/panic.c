/*
 * kernel/panic.c - the last thing the kernel says.
 */
#include "kernel/panic.h"

#include <stdarg.h>

#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
	static int panicking;
	va_list ap;

	arch_irq_disable();
	/* A panic while panicking (say, in kprintf) must not loop; under the
	 * self-test it still ends the emulator as a panic, printing nothing. */
	if (panicking++) {
		if (ktest_running())
			arch_exit_emulator(KTEST_EXIT_PANIC);
		arch_halt();
	}
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
