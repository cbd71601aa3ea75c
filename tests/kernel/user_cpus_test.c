/*
 * tests/kernel/user_cpus_test.c - processes on several CPUs at once: the
 * musl programs side by side with their output whole, the x87/SSE
 * registers of processes on every CPU kept apart (each CPU has its own
 * owner record), a CPU leaves an ended process's tables and register
 * image before they are freed, and user mappings send no TLB shootdown.
 */
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/uspace.h"
#include "arch/x86_64/vm.h"
#include "kernel/console.h"
#include "kernel/exec.h"
#include "kernel/frame.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/module.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/thread.h"
#include "kernel/vmm.h"
#include "tests/kernel/user_blobs.h"

#define PROGRAMS 8
#define CAPTURE_MAX 4096

/* The running CPUs' indexes in @cpu; how many. */
static unsigned int running_cpus(unsigned int *cpu)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++)
		if (sched_cpu_running(i))
			cpu[n++] = i;
	return n;
}

/*
 * Eight copies of "hello", each with its own argument, started at once on
 * the CPUs in turn: each exits 0, and each one's argument line is in the
 * output whole (a line is never cut by another CPU's).
 */
KTEST(user_cpus_eight_programs_at_once)
{
	static char out[CAPTURE_MAX];
	static char arg[PROGRAMS][16], line[PROGRAMS][40];
	static struct process *p[PROGRAMS];
	const struct boot_module *m = module_find("hello");
	unsigned int cpu[MAX_CPUS], n = running_cpus(cpu);
	char why[128];

	if (!m) {
		ktest_skip(t, "no module \"hello\" (make user)");
		return;
	}
	for (int i = 0; i < PROGRAMS; i++) {
		const char *argv[2] = { "hello", arg[i] };

		snprintf(arg[i], sizeof(arg[i]), "copy %d", i);
		snprintf(line[i], sizeof(line[i]), "argv[1] = \"copy %d\"\n",
			 i);
		p[i] = exec_load("hello", m->data, m->size, 2, argv, why,
				 sizeof(why));
		KT_ASSERT(p[i]);
	}
	kprintf("# ");
	console_capture(out, sizeof(out));
	for (int i = 0; i < PROGRAMS; i++)
		KT_ASSERT_EQ(process_start_on(p[i], (int)cpu[i % n]), 0);
	for (int i = 0; i < PROGRAMS; i++)
		process_wait(p[i]);
	console_capture(NULL, 0);
	kprintf("\n");
	for (int i = 0; i < PROGRAMS; i++) {
		KT_ASSERT(!p[i]->end.killed);
		KT_ASSERT_EQ(p[i]->end.status, 0);
		if (!strstr(out, line[i]))
			ktest_fail_at(t, __FILE__, __LINE__, "output lacks "
				      "\"copy %d\"'s line", i);
		process_destroy(p[i]);
	}
}

#define SSE_PER_CPU 2
#define SSE_ROUNDS 100

/*
 * Two processes on each CPU hold their own value in XMM0 and XMM7 while
 * they yield to each other and are preempted. With one owner record for
 * the whole machine, a CPU saves its registers into the image of a
 * process that another CPU holds, and values cross over.
 */
KTEST(user_cpus_sse_registers_stay_apart)
{
	static struct process *p[MAX_CPUS * SSE_PER_CPU];
	unsigned int cpu[MAX_CPUS], ncpu = running_cpus(cpu);
	unsigned int n = ncpu * SSE_PER_CPU;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t args[2] = { 0x5ee0000000000000ULL | (i + 1) * 0x10101,
				     SSE_ROUNDS };

		p[i] = blob_process("sse", CODE(sse_keep), args, 2);
		KT_ASSERT(p[i]);
	}
	for (unsigned int i = 0; i < n; i++)
		KT_ASSERT_EQ(process_start_on(p[i], (int)cpu[i % ncpu]), 0);
	for (unsigned int i = 0; i < n; i++)
		process_wait(p[i]);
	for (unsigned int i = 0; i < n; i++) {
		KT_ASSERT(!p[i]->end.killed);
		if (p[i]->end.status)
			ktest_fail_at(t, __FILE__, __LINE__, "process %u on "
				      "CPU %u saw another's XMM value", i,
				      cpu[i % ncpu]);
		process_destroy(p[i]);
	}
}

static void read_cpu_state(void *arg)
{
	uint64_t *out = arg;

	out[0] = read_cr3();
	out[1] = (uint64_t)(uintptr_t)this_cpu()->fpu_owner;
}

/*
 * A process ends on CPU 1 and is freed from here: CPU 1 then runs on the
 * kernel's own tables, not the freed ones, and holds no register image.
 */
KTEST(user_cpus_ended_process_leaves_its_cpu)
{
	uint64_t args[2] = { 0x5ee, 1 };
	struct process *p;
	uint64_t state[2];

	if (!sched_cpu_running(1)) {
		ktest_skip(t, "one CPU");
		return;
	}
	p = blob_process("sse", CODE(sse_keep), args, 2);
	KT_ASSERT(p);
	KT_ASSERT_EQ(process_start_on(p, 1), 0);
	process_wait(p);
	KT_ASSERT_EQ(p->end.status, 0);
	process_destroy(p);
	KT_ASSERT_EQ(smp_call(1, read_cpu_state, state), 0);
	KT_ASSERT_EQ(state[0], vm_kernel_tree()->pml4);
	KT_ASSERT_EQ(state[1], 0);
}

/*
 * A user space is in no other CPU's TLB, so mapping and unmapping its
 * pages sends no shootdown: one per page to every CPU made a process that
 * maps 256 MiB take most of a minute with 4 CPUs.
 */
KTEST(user_cpus_user_pages_need_no_shootdown)
{
	struct uspace *s = uspace_create();
	uint64_t before = tlb_shootdown_count();
	paddr_t f = frame_alloc();

	KT_ASSERT(s && f);
	for (int i = 0; i < 16; i++) {
		vaddr_t va = USER_CODE_BASE + i * PAGE_SIZE;

		KT_ASSERT_EQ(uspace_map(s, va, f, VMM_WRITE), 0);
		KT_ASSERT_EQ(uspace_unmap(s, va), f);
	}
	KT_ASSERT_EQ(tlb_shootdown_count(), before);
	frame_free(f);
	uspace_destroy(s);
}
