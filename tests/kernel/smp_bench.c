/*
 * tests/kernel/smp_bench.c - what the other CPUs cost: their start-up, a
 * call's round trip, the spinlock alone and fought over, and kmalloc/kfree
 * on one CPU against every CPU at once (make bench).
 */
#include "kernel/arch.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "lib/vsnprintf.h"

#define IPI_ROUNDS 2000
#define LOCK_ROUNDS 100000
#define CONTENDED_ROUNDS 20000
#define HEAP_ROUNDS 20000
#define HEAP_SIZE 64

static uint64_t ns(uint64_t cycles)
{
	uint64_t mhz = timer_cycles_hz() / 1000000;

	return mhz ? cycles * 1000 / mhz : 0;
}

KBENCH(smp_bringup)
{
	uint64_t sum = 0;
	unsigned int n = smp_started_count();

	kbench_report("smp: CPUs online", cpu_online_count(), "CPUs");
	if (!n)
		return;
	for (unsigned int i = 1; i <= n; i++)
		sum += cpus[i].start_us;
	kbench_report("smp: AP bring-up, INIT to the last report (all APs)",
		      smp_bringup_us(), "us");
	kbench_report("smp: AP bring-up per AP, STARTUP to its report (mean)",
		      sum / n, "us");
}

static void nothing(void *arg)
{
	(void)arg;
}

KBENCH(smp_ipi_round_trip)
{
	uint64_t total = 0;
	unsigned int n = 0;

	for (unsigned int i = 1; i < MAX_CPUS; i++) {
		uint64_t start;

		if (!(smp_ready_mask() & (1ULL << i)))
			continue;
		start = arch_cycles();
		for (int r = 0; r < IPI_ROUNDS; r++)
			smp_call(i, nothing, NULL);
		total += arch_cycles() - start;
		n++;
	}
	if (n)
		kbench_report("smp: IPI round trip (smp_call, mean over APs)",
			      ns(total / n / IPI_ROUNDS), "ns");
}

KBENCH(smp_spinlock_uncontended)
{
	struct spinlock l = SPINLOCK_INIT("bench");
	uint64_t start = arch_cycles();

	for (int r = 0; r < LOCK_ROUNDS; r++) {
		spin_lock(&l);
		spin_unlock(&l);
	}
	kbench_report("spinlock acquire+release, uncontended",
		      ns((arch_cycles() - start) / LOCK_ROUNDS), "ns");
}

/* Run @fn on every ready CPU at once (this one too); returns how many. */
static volatile unsigned int go, done;

static unsigned int run_everywhere(void (*fn)(void *))
{
	unsigned int others = 0;

	go = done = 0;
	for (unsigned int i = 1; i < MAX_CPUS; i++)
		if ((smp_ready_mask() & (1ULL << i)) &&
		    smp_call_async(i, fn, NULL) == 0)
			others++;
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	fn(NULL);
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) < others + 1)
		arch_relax();
	return others + 1;
}

static void wait_go(void)
{
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		arch_relax();
}

static struct spinlock contended = SPINLOCK_INIT("bench contended");
static volatile uint64_t contended_count;
static uint64_t per_cpu_cycles[MAX_CPUS];

static void fight(void *arg)
{
	uint64_t start;

	(void)arg;
	wait_go();
	start = arch_cycles();
	for (int r = 0; r < CONTENDED_ROUNDS; r++) {
		spin_lock(&contended);
		contended_count = contended_count + 1;
		spin_unlock(&contended);
	}
	per_cpu_cycles[this_cpu_index()] = arch_cycles() - start;
	__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

static uint64_t mean_cycles(unsigned int n)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < n; i++)
		sum += per_cpu_cycles[i];
	return n ? sum / n : 0;
}

KBENCH(smp_spinlock_contended)
{
	unsigned int n;

	if (cpu_online_count() < 2)
		return;
	n = run_everywhere(fight);
	kbench_report("spinlock acquire+release, every CPU on one lock "
		      "(per acquisition, each CPU)",
		      ns(mean_cycles(n) / CONTENDED_ROUNDS), "ns");
}

/* kmalloc+kfree pairs of HEAP_SIZE bytes, timed per CPU. */
static void churn(void *arg)
{
	uint64_t start;

	if (arg == NULL)
		wait_go();
	start = arch_cycles();
	for (int r = 0; r < HEAP_ROUNDS; r++) {
		void *p = kmalloc(HEAP_SIZE);

		*(volatile char *)p = 1;
		kfree(p);
	}
	per_cpu_cycles[this_cpu_index()] = arch_cycles() - start;
	if (arg == NULL)
		__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

/*
 * The control: work that shares nothing, timed like churn(). The emulator
 * runs each guest CPU on a host thread, and with fewer host cores than
 * guest CPUs every CPU runs only part of the time: what this loop loses
 * with all CPUs running is that, not anything the kernel shares.
 */
/* Each CPU's loop alone and all at once, best of REPEATS (the host's
 * other load only ever adds). */
#define REPEATS 5
#define CONTROL_ROUNDS_FIRST 100000	/* then as many as last as long */
static uint64_t control_rounds = CONTROL_ROUNDS_FIRST;

/*
 * The control: the same shape of work as a cached kmalloc/kfree pair
 * (interrupts off, a push and a pop on this CPU's own list) with nothing
 * shared. The emulator runs each guest CPU on a host thread, and with fewer
 * host cores than guest CPUs each CPU runs only part of the time: what this
 * loop loses with every CPU running is that, not anything the kernel shares.
 */
struct control_slot {
	void *list[4];
	unsigned int n;
} __attribute__((aligned(64)));
static struct control_slot control_slots[MAX_CPUS];

static void control(void *arg)
{
	struct control_slot *c = &control_slots[this_cpu_index()];
	uint64_t start;

	if (arg == NULL)
		wait_go();
	start = arch_cycles();
	for (uint64_t r = 0; r < control_rounds; r++) {
		uint64_t flags = arch_irq_save();

		if (r & 1)
			c->n--;
		else
			c->list[c->n++ & 3] = c;
		*(volatile char *)c = 1;
		arch_irq_restore(flags);
	}
	per_cpu_cycles[this_cpu_index()] = arch_cycles() - start;
	if (arg == NULL)
		__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

struct timing {
	uint64_t alone;		/* cycles: each CPU alone, the mean */
	uint64_t together;	/* cycles: all at once, the mean */
};

/* @fn on each CPU in turn, the others idle: the mean of their times. The
 * CPUs are compared with themselves, as under the emulator the same loop
 * can take an AP much longer than the boot CPU. */
static uint64_t each_alone(void (*fn)(void *))
{
	uint64_t sum = 0;
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (!(smp_ready_mask() & (1ULL << i)))
			continue;
		smp_call(i, fn, (void *)1);
		sum += per_cpu_cycles[i];
		n++;
	}
	return sum / n;
}

static struct timing best_of(void (*fn)(void *))
{
	struct timing best = { UINT64_MAX, UINT64_MAX };

	for (int i = 0; i < REPEATS; i++) {
		uint64_t alone = each_alone(fn);
		unsigned int n = run_everywhere(fn);

		if (alone < best.alone)
			best.alone = alone;
		if (mean_cycles(n) < best.together)
			best.together = mean_cycles(n);
	}
	return best;
}

static void report_pct(const char *fmt, const char *what, unsigned int n,
		       uint64_t pct)
{
	char name[112];

	snprintf(name, sizeof(name), fmt, what, n);
	kbench_report(name, pct, "%");
}

/* Nanoseconds per kmalloc or kfree: one CPU, then all of them, and the
 * ratio with the host's share taken out (the control's ratio). */
static void heap_figures(const char *what)
{
	char name[112];
	unsigned int n = cpu_online_count();
	struct timing heap, ctl;
	uint64_t heap_pct, ctl_pct;

	if (n < 2) {
		churn((void *)1);
		snprintf(name, sizeof(name), "kmalloc/kfree %s, 1 CPU (per "
			 "call)", what);
		kbench_report(name, ns(per_cpu_cycles[0] / HEAP_ROUNDS / 2),
			      "ns");
		return;
	}
	heap = best_of(churn);
	snprintf(name, sizeof(name), "kmalloc/kfree %s, 1 CPU at a time "
		 "(per call, mean of the CPUs)", what);
	kbench_report(name, ns(heap.alone / HEAP_ROUNDS / 2), "ns");
	/* The control runs as long as the heap's loop: the host's scheduler
	 * shares its cores out in slices of milliseconds, so a shorter loop
	 * would see less of its share. */
	control_rounds = CONTROL_ROUNDS_FIRST;
	control((void *)1);
	control_rounds = CONTROL_ROUNDS_FIRST * heap.alone /
			 (per_cpu_cycles[0] ? per_cpu_cycles[0] : 1) + 1;
	ctl = best_of(control);
	heap_pct = heap.together * 100 / heap.alone;
	ctl_pct = ctl.together * 100 / ctl.alone;
	snprintf(name, sizeof(name), "kmalloc/kfree %s, %u CPUs at once (per "
		 "call, each CPU)", what, n);
	kbench_report(name, ns(heap.together / HEAP_ROUNDS / 2), "ns");
	report_pct("kmalloc/kfree %s, %u CPUs over 1 CPU", what, n, heap_pct);
	report_pct("  a loop sharing nothing (%s), %u CPUs over 1", "control",
		   n, ctl_pct);
	report_pct("kmalloc/kfree %s, %u CPUs over 1 CPU, host's share out",
		   what, n, heap_pct * 100 / ctl_pct);
}

KBENCH(smp_heap_kmalloc_kfree)
{
	heap_figures("with per-CPU caches");
	kheap_set_cpu_caches(false);
	heap_figures("through the lock only");
	kheap_set_cpu_caches(!kheap_debug());
}
