/*
 * tests/kernel/user_bench.c - what user mode costs, in TSC cycles: a
 * system call round trip (getpid), a process from creation to its exit,
 * and a user fault from ring 3 to the kill report's end; and the program
 * user/callbench.c, whose figures are compared with Linux's under the same
 * QEMU (scripts/linux-bench.sh, make bench-linux).
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/exec.h"
#include "kernel/ktest.h"
#include "kernel/module.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "tests/kernel/user_blobs.h"

#define CALLS 100000
#define LIVES 200
/* The yields callbench measures: its BATCHES * YIELD_CALLS. */
#define CALLBENCH_YIELDS (101 * 100)

/* Cycles of one run of @code with one argument, creation included. */
static uint64_t run_cycles(const char *start, const char *end, uint64_t arg)
{
	struct process_end e;
	uint64_t t = arch_cycles();

	if (!run_blob(start, end, &arg, 1, &e))
		return 0;
	return arch_cycles() - t;
}

KBENCH(user_getpid_round_trip)
{
	uint64_t none = run_cycles(CODE(getpid_loop), 0);
	uint64_t many = run_cycles(CODE(getpid_loop), CALLS);

	KT_ASSERT(none && many > none);
	kbench_report("getpid round trip (SYSCALL, SYSRET)",
		      (many - none) / CALLS, "cycles");
}

KBENCH(user_process_start_to_exit)
{
	uint64_t total = 0;

	for (int i = 0; i < LIVES; i++)
		total += run_cycles(CODE(exit42), 0);
	kbench_report("process create, run, exit, destroy", total / LIVES,
		      "cycles");
}

/* A fault costs the difference between the fastest run of a process that
 * faults at once and of one that exits at once, its one-line report
 * included. */
KBENCH(user_fault_to_kill)
{
	char out[256];
	uint64_t exit_best = UINT64_MAX, fault_best = UINT64_MAX;

	for (int i = 0; i < LIVES; i++) {
		uint64_t e = run_cycles(CODE(exit42), 0), f;

		console_capture(out, sizeof(out));
		f = run_cycles(CODE(ud2), 0);
		console_capture(NULL, 0);
		exit_best = e < exit_best ? e : exit_best;
		fault_best = f < fault_best ? f : fault_best;
	}
	kbench_report("process create, run, exit, destroy, best", exit_best,
		      "cycles");
	kbench_report("user fault (#UD) and kill, beyond an exit, best",
		      fault_best > exit_best ? fault_best - exit_best : 0,
		      "cycles");
}

/* Load module "callbench" with @argc words of @argv, or NULL. */
static struct process *callbench_load(int argc, const char *const *argv)
{
	const struct boot_module *m = module_find("callbench");
	char why[128];
	struct process *p;

	if (!m)
		return NULL;
	p = exec_load("callbench", m->data, m->size, argc, argv, why,
		      sizeof(why));
	if (!p)
		kprintf("callbench: cannot start: %s\n", why);
	return p;
}

/*
 * callbench prints its own figures ("callbench: ..."). Keel has no fork,
 * so its ping-pong partner, "callbench partner", which yields for ever, is
 * started here first, on this CPU like the measuring process, and killed
 * once that one has exited. Each of its yields must have switched to the
 * partner and back: this CPU's switch count shows it.
 */
KBENCH(user_callbench_pair)
{
	static const char *const lead_argv[] = { "callbench" };
	static const char *const partner_argv[] = { "callbench", "partner" };
	struct process *lead, *partner;
	uint64_t switches = 0;
	int status = -1;
	bool killed;

	if (!module_find("callbench")) {
		ktest_skip(t, "no module \"callbench\" (make user)");
		return;
	}
	partner = callbench_load(2, partner_argv);
	lead = callbench_load(1, lead_argv);
	/* Both on this CPU, which waits meanwhile: each yield has exactly
	 * the other process to switch to, as on Linux pinned to CPU 0. */
	if (partner && lead &&
	    process_start_on(partner, (int)this_cpu_index()) == 0) {
		switches = sched_switch_count();
		status = process_start_on(lead, (int)this_cpu_index());
		if (status == 0)
			status = process_wait(lead);
		switches = sched_switch_count() - switches;
		process_kill(partner);
		process_wait(partner);
	}
	killed = partner && partner->end.killed &&
		 partner->end.status == PROCESS_KILLED_STATUS;
	if (lead)
		process_destroy(lead);
	if (partner)
		process_destroy(partner);
	KT_ASSERT_EQ(status, 0);
	KT_ASSERT(killed);
	KT_ASSERT(switches >= 2 * CALLBENCH_YIELDS);
	kbench_report("callbench: switches per 100 yields", switches * 100 /
		      CALLBENCH_YIELDS, "");
}
