/*
 * tests/kernel/smp_test.c - the other CPUs: each one came up with its own
 * tables and stacks, a lock shared by all of them holds, a call reaches
 * each one, and a kernel mapping changed on one CPU is not left stale in
 * another's TLB. With one CPU the tests that need two skip.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"
#include "arch/x86_64/vm.h"
#include "drivers/fw_cfg.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/vmm.h"
#include "tests/kernel/ktest_smp.h"

#define STRESS_ROUNDS 100000
/* A page of the self-test's scratch window, away from paging_test's. Its
 * low bits are odd on purpose: a TLB indexed by the low bits of the page
 * number (Bochs's is) would lose an entry at a 1 GiB boundary to the
 * kernel's own pages at such boundaries, which the test's control needs
 * to stay. */
#define SHOOTDOWN_VA (KTEST_SCRATCH + (64ULL << 30) + 0x2d5000)

/* The CPUs the runner started QEMU with (opt/keel/cpus), capped by the
 * smp= and nosmp options; 0 when the runner did not say. */
static unsigned int expected_cpus(void)
{
	char text[8];
	long n = fw_cfg_read_file("opt/keel/cpus", text, sizeof(text));
	unsigned int want = 0;

	if (n <= 0)
		return 0;
	for (long i = 0; i < n && text[i] >= '0' && text[i] <= '9'; i++)
		want = want * 10 + (unsigned int)(text[i] - '0');
	if (options_has("nosmp"))
		return 1;
	if (want > options_number("smp"))
		want = options_number("smp");
	return want;
}

KTEST(smp_every_cpu_reports_in)
{
	unsigned int want = expected_cpus();

	if (!want) {
		ktest_skip(t, "no opt/keel/cpus from the emulator");
		return;
	}
	KT_ASSERT_EQ(cpu_online_count(), want);
	for (unsigned int i = 0; i < want; i++) {
		KT_ASSERT(cpus[i].online);
		KT_ASSERT(cpus[i].self == &cpus[i]);
		KT_ASSERT(smp_ready_mask() & (1ULL << i));
		if (i)
			KT_ASSERT(cpus[i].start_us > 0);
	}
}

/* What a CPU says about itself, from inside a call. */
struct whoami {
	unsigned int index;
	uint32_t apic_id;
	const uint64_t *gdt;
	uint16_t tr;
	bool irqs_were_on;
	uint64_t rsp;
};

static void tell(void *arg)
{
	struct whoami *w = arg;
	uint64_t here;

	w->index = this_cpu_index();
	w->apic_id = lapic_id();
	w->gdt = gdt_table();
	w->tr = str();
	w->rsp = (uint64_t)(uintptr_t)&here;
}

KTEST(smp_call_reaches_each_cpu_with_its_own_tables)
{
	const uint64_t *gdts[MAX_CPUS] = { 0 };

	if (cpu_online_count() < 2) {
		ktest_skip(t, "one CPU");
		return;
	}
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		struct whoami w = { .index = ~0u };

		if (!(smp_ready_mask() & (1ULL << i)))
			continue;
		KT_ASSERT_EQ(smp_call(i, tell, &w), 0);
		KT_ASSERT_EQ(w.index, i);
		KT_ASSERT_EQ(w.apic_id, cpus[i].apic_id);
		KT_ASSERT_EQ(w.tr, GDT_TSS);
		gdts[i] = w.gdt;
		for (unsigned int j = 0; j < i; j++)
			KT_ASSERT(!gdts[j] || gdts[j] != w.gdt);
		/* An AP runs the call on its own stack, in its slot. */
		if (i)
			KT_ASSERT(w.rsp >= CPU_STACKS_START &&
				  w.rsp < CPU_STACKS_START + (64ULL << 20));
	}
}

KTEST(smp_call_to_an_absent_cpu_is_refused)
{
	struct whoami w = { 0 };

	KT_ASSERT_EQ(smp_call(MAX_CPUS, tell, &w), (uint64_t)(int64_t)-EINVAL);
	if (cpu_online_count() < MAX_CPUS)
		KT_ASSERT_EQ(smp_call(MAX_CPUS - 1, tell, &w),
			     (uint64_t)(int64_t)-EINVAL);
}

/* The stress: every CPU adds to one counter under one lock. */
static struct spinlock stress_lock = SPINLOCK_INIT("smp stress");
static volatile uint64_t stress_counter;
static volatile unsigned int stress_go, stress_done;

static void stress(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stress_go, __ATOMIC_ACQUIRE))
		arch_relax();
	for (int i = 0; i < STRESS_ROUNDS; i++) {
		uint64_t flags = spin_lock_irqsave(&stress_lock);

		/* Not atomic on purpose: only the lock keeps counts. */
		stress_counter = stress_counter + 1;
		spin_unlock_irqrestore(&stress_lock, flags);
	}
	__atomic_fetch_add(&stress_done, 1, __ATOMIC_RELEASE);
}

KTEST(smp_spinlock_stress_gives_the_exact_total)
{
	unsigned int others;

	stress_counter = 0;
	stress_go = 0;
	stress_done = 0;
	others = ktest_start_on_others(stress, NULL);
	__atomic_store_n(&stress_go, 1, __ATOMIC_RELEASE);
	stress(NULL);
	while (__atomic_load_n(&stress_done, __ATOMIC_ACQUIRE) < others + 1)
		arch_relax();
	KT_ASSERT_EQ(others + 1, cpu_online_count());
	KT_ASSERT_EQ(stress_counter, (uint64_t)STRESS_ROUNDS * (others + 1));
	KT_ASSERT(!spin_is_locked(&stress_lock));
}

KTEST(smp_spinlock_knows_its_holder)
{
	struct spinlock l = SPINLOCK_INIT("holder");
	uint64_t flags = spin_lock_irqsave(&l);

	KT_ASSERT(spin_held_here(&l));
	KT_ASSERT_EQ(l.holder, this_cpu_index() + 1);
	spin_unlock_irqrestore(&l, flags);
	KT_ASSERT(!spin_held_here(&l));
	KT_ASSERT_EQ(l.holder, 0);
}

/* The shootdown test's reader: the word at SHOOTDOWN_VA as @cpu sees it. */
static void read_word(void *arg)
{
	*(uint64_t *)arg = *(volatile uint64_t *)SHOOTDOWN_VA;
}

static uint64_t read_on(unsigned int cpu)
{
	uint64_t v = 0;

	smp_call(cpu, read_word, &v);
	return v;
}

/* Fill frame @f with @v and return it. */
static paddr_t filled_frame(uint64_t v)
{
	paddr_t f = frame_alloc();

	if (f)
		*(uint64_t *)phys_to_virt(f) = v;
	return f;
}

/*
 * First the control: the mapping moves to another frame with a flush on
 * this CPU only, and CPU 1 still reads the old frame through its TLB, so
 * the emulator does keep stale entries and the second half can fail. Then
 * the same move through vmm_unmap()/vmm_map(), whose shootdown must leave
 * CPU 1 reading the new frame. A CPU may drop a TLB entry whenever it
 * likes (SDM vol. 3A, 4.10.4.4), so a control that sees the new frame is
 * not a fault: the test then says it proved nothing, as a skip.
 */
KTEST(smp_tlb_shootdown_reaches_other_cpus)
{
	const struct paging_tree *tree = vm_kernel_tree();
	paddr_t a, b, c;
	uint64_t control;

	if (cpu_online_count() < 2) {
		ktest_skip(t, "one CPU");
		return;
	}
	a = filled_frame(0xaaaa);
	b = filled_frame(0xbbbb);
	c = filled_frame(0xcccc);
	KT_ASSERT(a && b && c);
	KT_ASSERT_EQ(vmm_map(SHOOTDOWN_VA, a, VMM_WRITE), 0);
	KT_ASSERT_EQ(read_on(1), 0xaaaa);	/* now in CPU 1's TLB */

	KT_ASSERT_EQ(paging_ignore(paging_unmap(tree, SHOOTDOWN_VA, PAGE_4K)),
		     PAGING_OK);
	KT_ASSERT_EQ(paging_ignore(paging_map(tree, SHOOTDOWN_VA, b, PAGE_4K,
					      PTE_PRESENT | vm_nx(), NULL)),
		     PAGING_OK);
	tlb_flush_local(SHOOTDOWN_VA);
	KT_ASSERT_EQ(*(volatile uint64_t *)SHOOTDOWN_VA, 0xbbbb);
	control = read_on(1);		/* stale, unless CPU 1 dropped it */
	KT_ASSERT(control == 0xaaaa || control == 0xbbbb);

	KT_ASSERT_EQ(vmm_unmap(SHOOTDOWN_VA), b);
	KT_ASSERT_EQ(vmm_map(SHOOTDOWN_VA, c, VMM_WRITE), 0);
	KT_ASSERT_EQ(read_on(1), 0xcccc);	/* the shootdown reached it */

	KT_ASSERT_EQ(vmm_unmap(SHOOTDOWN_VA), c);
	vmm_release_tables(SHOOTDOWN_VA, SHOOTDOWN_VA + PAGE_SIZE);
	frame_free(a);
	frame_free(b);
	frame_free(c);
	if (control != 0xaaaa)
		ktest_skip(t, "CPU 1 dropped the stale entry by itself, so "
			   "the shootdown was not needed to pass");
}

/* The shell's "cpus": a line for each CPU, with its APIC id and state. */
KTEST(smp_shell_cpus_lists_each_cpu)
{
	static char out[2048];
	char want[48];
	int err;

	console_capture(out, sizeof(out));
	err = shell_execute("cpus");
	console_capture(NULL, 0);
	KT_ASSERT_EQ(err, 0);
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (!cpus[i].online)
			continue;
		snprintf(want, sizeof(want), "cpu %u: APIC id %u, online", i,
			 cpus[i].apic_id);
		KT_ASSERT(strstr(out, want) != NULL);
	}
}

KTEST(smp_gdt_set_kernel_stack_is_per_cpu)
{
	uint64_t old = gdt_kernel_stack();

	gdt_set_kernel_stack(0x1234560);
	KT_ASSERT_EQ(gdt_kernel_stack(), 0x1234560);
	gdt_set_kernel_stack(old);
}

/*
 * Lines printed in pieces by every CPU at once: each captured line holds
 * one CPU's pieces only. Without the console's line ownership the pieces
 * of different CPUs mix (checked by hand with it taken out: the test fails).
 */
#define LINE_ROUNDS 8
#define LINE_PIECES 12
static char line_out[8192];
static volatile unsigned int line_go, line_done;

static void print_lines(void *arg)
{
	unsigned int me = this_cpu_index();

	(void)arg;
	while (!__atomic_load_n(&line_go, __ATOMIC_ACQUIRE))
		arch_relax();
	for (int r = 0; r < LINE_ROUNDS; r++) {
		kprintf("smp lines: cpu %u:", me);
		for (int p = 0; p < LINE_PIECES; p++)
			kprintf(" %u", me);
		kprintf("\n");
	}
	__atomic_fetch_add(&line_done, 1, __ATOMIC_RELEASE);
}

/* Every piece after "smp lines: cpu N:" on the line must be " N". */
static bool line_is_whole(const char *line, const char *end)
{
	unsigned int cpu = 0;
	const char *p = line + strlen("smp lines: cpu ");

	while (p < end && *p >= '0' && *p <= '9')
		cpu = cpu * 10 + (unsigned int)(*p++ - '0');
	if (p >= end || *p++ != ':')
		return false;
	for (int i = 0; i < LINE_PIECES; i++) {
		unsigned int got = 0;

		if (p >= end || *p++ != ' ')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			got = got * 10 + (unsigned int)(*p++ - '0');
		if (got != cpu)
			return false;
	}
	return p == end;
}

/* A CPU waits at most 20 ms for another's unfinished line
 * (kernel/console.c); a host with fewer cores than the guest has CPUs can
 * hold the line's owner off longer than that, while the others spin. The
 * test checks the line rule, not the host: it lets the wait run to 2 s. */
KTEST(smp_printk_lines_never_mix)
{
	unsigned int others = 0, lines = 0;
	uint64_t wait_us;
	const char *s;

	if (cpu_online_count() < 2) {
		ktest_skip(t, "one CPU");
		return;
	}
	wait_us = console_set_line_wait_us(2000000);
	line_go = line_done = 0;
	console_capture(line_out, sizeof(line_out));
	others = ktest_start_on_others(print_lines, NULL);
	__atomic_store_n(&line_go, 1, __ATOMIC_RELEASE);
	print_lines(NULL);
	while (__atomic_load_n(&line_done, __ATOMIC_ACQUIRE) < others + 1)
		arch_relax();
	console_capture(NULL, 0);
	console_set_line_wait_us(wait_us);
	for (s = strstr(line_out, "smp lines: cpu "); s;
	     s = strstr(s + 1, "smp lines: cpu ")) {
		const char *end = strchr(s, '\n');

		KT_ASSERT(end != NULL);
		KT_ASSERT(line_is_whole(s, end));
		lines++;
	}
	KT_ASSERT_EQ(lines, (others + 1) * LINE_ROUNDS);
}

/* A panic on CPU 1: the others stop and its message comes out whole. */
static void panic_here(void *arg)
{
	(void)arg;
	panic("smp test: a panic on CPU %u", this_cpu_index());
}

static void chatter(void)
{
	for (;;)
		kprintf("smp test: CPU %u still printing\n", this_cpu_index());
}

KTEST_FLAGS(smp_panic_on_another_cpu, KTEST_EXPLICIT)
{
	if (cpu_online_count() < 2) {
		ktest_skip(t, "one CPU");
		return;
	}
	smp_call_async(1, panic_here, NULL);
	chatter();
}
