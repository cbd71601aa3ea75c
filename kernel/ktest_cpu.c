/*
 * kernel/ktest_cpu.c - the handshake with the test runner around suites of
 * KTEST_TIMING tests (see kernel/ktest_cpu.h).
 */
#include <stdbool.h>

#include "drivers/fw_cfg.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest_cpu.h"
#include "kernel/printk.h"
#include "kernel/timer.h"

/* The runner may first wait for another boot's timing suite to end (a
 * second or so); well under the runner's own timeout for a boot, so that a
 * missing answer is reported by the boot that waited for it. */
#define ANSWER_WAIT_S 10
/* The byte the runner sends once the CPU is this boot's. */
#define ANSWER '!'

static bool runner_takes_part(void)
{
	char unused[4];

	return console_uart() &&
	       fw_cfg_read_file("opt/keel/cpu-lock", unused,
				sizeof(unused)) >= 0;
}

/* Wait for the answer; other input that arrives meanwhile is dropped. */
static bool wait_for_answer(void)
{
	uint64_t start = arch_cycles();
	uint64_t limit = timer_cycles_hz() * ANSWER_WAIT_S;

	while (arch_cycles() - start < limit) {
		int c = console_getc();

		if (c == ANSWER)
			return true;
		if (c < 0)
			arch_idle();
	}
	return false;
}

bool ktest_cpu_claim(const char *suite, int len)
{
	if (!runner_takes_part())
		return false;
	while (console_getc() >= 0)
		;		/* nothing stale may pass for the answer */
	kprintf("# ktest: suite %.*s needs the CPU alone\n", len, suite);
	if (!wait_for_answer())
		kprintf("# ktest: no answer from the runner in %d s; running "
			"suite %.*s anyway\n", ANSWER_WAIT_S, len, suite);
	return true;
}

void ktest_cpu_release(const char *suite, int len)
{
	kprintf("# ktest: suite %.*s is done with the CPU\n", len, suite);
}
