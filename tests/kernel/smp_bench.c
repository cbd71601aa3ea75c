/*
 * tests/kernel/smp_bench.c - what the other CPUs cost: their start-up, a
 * call's round trip, the spinlock alone and fought over, and kmalloc/kfree
 * on one CPU against every CPU at once (make bench).
 */
#include "kernel/arch.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "lib/vsnprintf.h"
#include "tests/kernel/ktest_smp.h"
#include "tests/kernel/ktest_sort.h"

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

/* Run @fn on every ready CPU at once (this one too); returns how many,
 * and leaves in ran_mask which ones ran it. */
static volatile unsigned int go, done;
static uint64_t ran_mask;

static unsigned int run_everywhere(void (*fn)(void *))
{
	unsigned int others;

	go = done = 0;
	others = ktest_start_on_others(fn, &ran_mask);
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

/* The mean of per_cpu_cycles[] over the @n CPUs of ran_mask. */
static uint64_t mean_cycles(unsigned int n)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++)
		if (ran_mask & (1ULL << i))
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

/*
 * kmalloc/kfree on one CPU against every CPU at once. The emulator runs
 * each guest CPU on a host thread; with fewer host cores than guest CPUs
 * the threads take turns, in the host scheduler's slices of milliseconds,
 * and a loop timed from end to end counts the time its CPU did not run at
 * all. So each loop is timed in batches of some tens of microseconds, each
 * with its start and end on the cycle counter (one clock for all CPUs
 * under the emulator). A batch that took over twice its CPU's median was
 * cut into, by a host slice or the tick, and is left out. Every other batch
 * ran whole, and the CPUs whose own whole batches span its midpoint ran
 * with it: the batches are sorted by how many CPUs ran at once, and the
 * figure for each count is the median batch. The cost of what the CPUs
 * share (the heap lock, the cache lines that move) is in those batches; the
 * host's turns are not. A host with fewer cores than guest CPUs never runs
 * all of them at once, and the figures say so. The loops timed whole are
 * reported too, and a loop that shares nothing at all is the control.
 */
#define HEAP_BATCH 50		/* kmalloc/kfree pairs a batch: ~20-40 us */
#define HEAP_BATCHES (HEAP_ROUNDS / HEAP_BATCH)
#define CONTROL_BATCH 500	/* control rounds a batch: as long, roughly */
/* Each loop alone and all at once REPEATS times: the best alone, and the
 * batches of all the runs together pooled. */
#define REPEATS 5

struct batch {
	uint64_t start, end;	/* cycles */
};

static struct batch *batches;	/* [cpu index][HEAP_BATCHES] */
static uint64_t *lengths;	/* pooled lengths, then as much scratch */
static uint8_t *levels;		/* how many CPUs ran with each length */
static unsigned int pooled;	/* lengths[] in use */

static struct batch *batches_of(unsigned int cpu)
{
	return batches + (uint64_t)cpu * HEAP_BATCHES;
}

static uint64_t length(const struct batch *b)
{
	return b->end - b->start;
}

/* The median batch length of @cpu's last loop (lengths[] past the pooled
 * ones is scratch). */
static uint64_t median_of(unsigned int cpu)
{
	const struct batch *b = batches_of(cpu);
	uint64_t *v = lengths + pooled;

	for (int i = 0; i < HEAP_BATCHES; i++)
		v[i] = length(&b[i]);
	return ktest_median_u64(v, HEAP_BATCHES);
}

/* Did @cpu run one of its whole batches (no longer than @limit) across
 * cycle @t? Its batches are in time order: a binary search. */
static bool ran_at(unsigned int cpu, uint64_t t, uint64_t limit)
{
	const struct batch *b = batches_of(cpu);
	int lo = 0, hi = HEAP_BATCHES - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (b[mid].end < t)
			lo = mid + 1;
		else if (b[mid].start > t)
			hi = mid - 1;
		else
			return length(&b[mid]) <= limit;
	}
	return false;
}

static bool ran(unsigned int cpu)
{
	return ran_mask & (1ULL << cpu);
}

/* Pool the whole batches of a run on the CPUs of ran_mask, each with the
 * count of CPUs that ran at its midpoint. */
static void pool_together(void)
{
	uint64_t limit[MAX_CPUS];

	for (unsigned int c = 0; c < MAX_CPUS; c++)
		limit[c] = ran(c) ? 2 * median_of(c) : 0;
	for (unsigned int c = 0; c < MAX_CPUS; c++) {
		const struct batch *b = batches_of(c);

		for (int i = 0; ran(c) && i < HEAP_BATCHES; i++) {
			uint64_t mid = b[i].start + length(&b[i]) / 2;
			unsigned int running = 1;

			if (length(&b[i]) > limit[c])
				continue;
			for (unsigned int o = 0; o < MAX_CPUS; o++)
				running += o != c && ran(o) &&
					   ran_at(o, mid, limit[o]);
			lengths[pooled] = length(&b[i]);
			levels[pooled++] = (uint8_t)running;
		}
	}
}

/* kmalloc+kfree pairs of HEAP_SIZE bytes, timed in batches. */
static void churn(void *arg)
{
	struct batch *b = batches_of(this_cpu_index());

	if (arg == NULL)
		wait_go();
	for (int i = 0; i < HEAP_BATCHES; i++) {
		b[i].start = arch_cycles();
		for (int r = 0; r < HEAP_BATCH; r++) {
			void *p = kmalloc(HEAP_SIZE);

			*(volatile char *)p = 1;
			kfree(p);
		}
		b[i].end = arch_cycles();
	}
	per_cpu_cycles[this_cpu_index()] = b[HEAP_BATCHES - 1].end - b[0].start;
	if (arg == NULL)
		__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

/*
 * The control: the same shape of work as a cached kmalloc/kfree pair
 * (interrupts off, a push and a pop on this CPU's own list) with nothing
 * shared, timed in batches like churn().
 */
struct control_slot {
	void *list[4];
	unsigned int n;
} __attribute__((aligned(64)));
static struct control_slot control_slots[MAX_CPUS];

static void control(void *arg)
{
	struct control_slot *c = &control_slots[this_cpu_index()];
	struct batch *b = batches_of(this_cpu_index());

	if (arg == NULL)
		wait_go();
	for (int i = 0; i < HEAP_BATCHES; i++) {
		b[i].start = arch_cycles();
		for (int r = 0; r < CONTROL_BATCH; r++) {
			uint64_t flags = arch_irq_save();

			if (r & 1)
				c->n--;
			else
				c->list[c->n++ & 3] = c;
			*(volatile char *)c = 1;
			arch_irq_restore(flags);
		}
		b[i].end = arch_cycles();
	}
	per_cpu_cycles[this_cpu_index()] = b[HEAP_BATCHES - 1].end - b[0].start;
	if (arg == NULL)
		__atomic_fetch_add(&done, 1, __ATOMIC_RELEASE);
}

struct timing {
	uint64_t alone;		/* median batch, each CPU alone: the mean */
	uint64_t alone_whole;	/* whole loop, each CPU alone: the mean */
	uint64_t together_whole; /* whole loop, all at once: the mean */
	uint64_t locks_per_k;	/* heap lock taken, all at once, per 1,000 calls */
};

/* @fn on each CPU in turn, the others idle: the mean of their median
 * batches (and of their whole loops in @whole). The CPUs are compared with
 * themselves, as under the emulator the same loop can take an AP much
 * longer than the boot CPU. */
static uint64_t each_alone(void (*fn)(void *), uint64_t *whole)
{
	uint64_t sum = 0, sum_whole = 0;
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (!(smp_ready_mask() & (1ULL << i)))
			continue;
		smp_call(i, fn, (void *)1);
		sum += median_of(i);
		sum_whole += per_cpu_cycles[i];
		n++;
	}
	*whole = sum_whole / n;
	return sum / n;
}

static struct timing best_of(void (*fn)(void *))
{
	struct timing best = { UINT64_MAX, UINT64_MAX, UINT64_MAX, 0 };
	uint64_t locks = 0, calls = 0;

	pooled = 0;
	for (int i = 0; i < REPEATS; i++) {
		uint64_t whole, alone = each_alone(fn, &whole);
		uint64_t before = kheap_lock_count();
		unsigned int n = run_everywhere(fn);

		locks += kheap_lock_count() - before;
		calls += 2ULL * HEAP_ROUNDS * n;

		if (alone < best.alone)
			best.alone = alone;
		if (whole < best.alone_whole)
			best.alone_whole = whole;
		if (mean_cycles(n) < best.together_whole)
			best.together_whole = mean_cycles(n);
		pool_together();
	}
	best.locks_per_k = calls ? locks * 1000 / calls : 0;
	return best;
}

/* The median of the pooled batches that ran with @running CPUs at once;
 * their count in @count. */
static uint64_t median_running(unsigned int running, unsigned int *count)
{
	uint64_t *v = lengths + pooled;
	unsigned int k = 0;

	for (unsigned int i = 0; i < pooled; i++)
		if (levels[i] == running)
			v[k++] = lengths[i];
	*count = k;
	return ktest_median_u64(v, (int)k);
}

static void report_pct(const char *fmt, const char *what, unsigned int n,
		       uint64_t pct)
{
	char name[112];

	snprintf(name, sizeof(name), fmt, what, n);
	kbench_report(name, pct, "%");
}

static uint64_t pct(uint64_t part, uint64_t whole)
{
	return whole ? part * 100 / whole : 0;
}

/* For each count of CPUs that ran at once: nanoseconds per call, over the
 * figure alone, and the share of the batches; from 2 CPUs on, over the
 * batches of the same runs in which one ran alone too. That last ratio
 * leaves out what the host's switching between guest CPUs costs a CPU
 * (its caches), which the runs alone do not pay, and keeps what the CPUs
 * running together cost each other. */
static void report_levels(const char *what, unsigned int n, uint64_t per,
			  uint64_t alone)
{
	char name[112];
	uint64_t one = 0;

	for (unsigned int running = 1; running <= n; running++) {
		unsigned int count;
		uint64_t m = median_running(running, &count);

		if (!count) {
			kprintf("bench: %s, %u of %u CPUs running: no batch "
				"(the host never ran so many at once)\n", what,
				running, n);
			continue;
		}
		snprintf(name, sizeof(name), "%s, %u of %u CPUs running (per "
			 "call, median batch)", what, running, n);
		kbench_report(name, ns(m / per), "ns");
		snprintf(name, sizeof(name), "  over 1 CPU alone (%u%% of the "
			 "batches ran so)", (unsigned int)pct(count, pooled));
		kbench_report(name, pct(m, alone), "%");
		if (running == 1)
			one = m;
		else if (one)
			kbench_report("  over 1 CPU running in the same runs",
				      pct(m, one), "%");
	}
}

/* kmalloc/kfree one CPU at a time, then on all of them at once: per
 * number of CPUs running, and per whole loop. */
static void heap_figures(const char *what)
{
	char name[112];
	unsigned int n = cpu_online_count();
	struct timing heap;

	if (n < 2) {
		churn((void *)1);
		snprintf(name, sizeof(name), "kmalloc/kfree %s, 1 CPU (per "
			 "call, median batch)", what);
		kbench_report(name, ns(median_of(0) / HEAP_BATCH / 2), "ns");
		return;
	}
	heap = best_of(churn);
	snprintf(name, sizeof(name), "kmalloc/kfree %s, 1 CPU at a time "
		 "(per call, median batch)", what);
	kbench_report(name, ns(heap.alone / HEAP_BATCH / 2), "ns");
	snprintf(name, sizeof(name), "kmalloc/kfree %s", what);
	report_levels(name, n, 2 * HEAP_BATCH, heap.alone);
	report_pct("kmalloc/kfree %s, %u CPUs at once, whole loops over 1 "
		   "(host's turns count)", what, n,
		   pct(heap.together_whole, heap.alone_whole));
	snprintf(name, sizeof(name), "kmalloc/kfree %s, %u CPUs at once: the "
		 "heap lock taken per 1,000 calls", what, n);
	kbench_report(name, heap.locks_per_k, "times");
}

/* The control's figures, measured as the heap's: how much of them is the
 * host's. */
static void control_figures(void)
{
	char name[112];
	unsigned int n = cpu_online_count();
	struct timing ctl;

	if (n < 2)
		return;
	ctl = best_of(control);
	report_levels("control (a loop sharing nothing)", n, CONTROL_BATCH,
		      ctl.alone);
	snprintf(name, sizeof(name), "control, %u CPUs at once, whole loops "
		 "over 1", n);
	kbench_report(name, pct(ctl.together_whole, ctl.alone_whole), "%");
}

KBENCH(smp_heap_kmalloc_kfree)
{
	/* A row for every CPU index up to the highest that is ready. */
	unsigned int rows = 64 - __builtin_clzll(smp_ready_mask() | 1);
	/* Every run's batches pooled, and as much scratch past them. */
	size_t slots = (size_t)2 * REPEATS * rows * HEAP_BATCHES;

	batches = kmalloc(sizeof(*batches) * HEAP_BATCHES * rows);
	lengths = kmalloc(sizeof(*lengths) * slots);
	levels = kmalloc(slots / 2);	/* a level for each pooled length */
	if (batches && lengths && levels) {
		heap_figures("with per-CPU caches");
		kheap_set_cpu_caches(false);
		heap_figures("through the lock only");
		kheap_set_cpu_caches(!kheap_debug());
		control_figures();
	} else {
		kprintf("bench: kmalloc/kfree: no memory for the batch times\n");
	}
	kfree(batches);
	kfree(lengths);
	kfree(levels);
}
