/*
 * tests/kernel/user_bench.c - what user mode costs, in TSC cycles: a
 * system call round trip (getpid), a process from creation to its exit,
 * and a user fault from ring 3 to the kill report's end.
 */
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/process.h"
#include "tests/kernel/user_blobs.h"

#define CALLS 100000
#define LIVES 200

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
