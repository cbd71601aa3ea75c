/*
 * tests/kernel/sched_cpus_test.c - threads on every CPU (kernel/sched.c):
 * each CPU runs the threads pinned to it, a spinner on one CPU leaves the
 * others running and is preempted by its own CPU's tick, a wake-up reaches
 * a thread waiting on another CPU (with the reschedule IPI when that CPU
 * is idle), and a mutex excludes threads on every CPU. With one CPU the
 * tests that need two skip.
 */
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "arch/x86_64/trap.h"
#include "kernel/arch.h"
#include "kernel/console.h"
#include "kernel/ktest.h"
#include "kernel/mutex.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

#define DEADLINE_MS 2000

static uint64_t ms_cycles(uint64_t ms)
{
	return timer_cycles_hz() / 1000 * ms;
}

/* Busy-wait (no sleep: the caller's own CPU stays busy) until *@flag is
 * set or DEADLINE_MS pass; true if it was set. */
static bool spin_until(volatile bool *flag)
{
	uint64_t start = arch_cycles();

	while (!*flag && arch_cycles() - start < ms_cycles(DEADLINE_MS))
		arch_relax();
	return *flag;
}

/* Sleep until *@flag is set or DEADLINE_MS pass. */
static bool sleep_until(volatile bool *flag)
{
	for (unsigned int ms = 0; !*flag && ms < DEADLINE_MS; ms++)
		sleep_ms(1);
	return *flag;
}

static unsigned int running_cpus(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MAX_CPUS; i++)
		n += sched_cpu_running(i);
	return n;
}

/* Stores where it ran: this_cpu()'s index and its own record's, plus 1. */
struct where {
	volatile unsigned int cpu, thread_cpu;
};

static void note_cpu(void *arg)
{
	struct where *w = arg;

	w->cpu = this_cpu()->index + 1;
	w->thread_cpu = thread_current()->cpu + 1;
}

/* Every online CPU schedules, and a thread pinned to it runs there. */
KTEST(sched_cpus_pinned_threads_run_on_their_cpu)
{
	static struct where where[MAX_CPUS];
	static struct thread *th[MAX_CPUS];

	KT_ASSERT_EQ(running_cpus(), cpu_online_count());
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		where[i] = (struct where){ 0, 0 };
		th[i] = thread_create_on(i, "pinned", note_cpu, &where[i]);
		KT_ASSERT_EQ(th[i] != NULL, sched_cpu_running(i));
	}
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (!th[i])
			continue;
		thread_join(th[i], NULL);
		KT_ASSERT_EQ(where[i].cpu, i + 1);
		KT_ASSERT_EQ(where[i].thread_cpu, i + 1);
	}
}

/* With no CPU named, new threads spread: as many as there are CPUs, each
 * blocked until released, land on as many different CPUs. */
static volatile bool release;
static struct wait_queue release_q;

static void hold(void *arg)
{
	note_cpu(arg);
	wait_event(&release_q, release);
}

KTEST(sched_cpus_new_threads_go_to_the_least_loaded_cpu)
{
	static struct where where[MAX_CPUS];
	static struct thread *th[MAX_CPUS];
	unsigned int n = running_cpus();
	uint64_t seen = 0;
	unsigned int distinct = 0;

	wait_queue_init(&release_q, "release");
	release = false;
	for (unsigned int i = 0; i < n; i++) {
		where[i] = (struct where){ 0, 0 };
		th[i] = thread_create("spread", hold, &where[i]);
		KT_ASSERT(th[i]);
	}
	for (unsigned int i = 0; i < n; i++)
		seen |= 1ULL << th[i]->cpu;
	release = true;
	wake_all(&release_q);
	for (unsigned int i = 0; i < n; i++) {
		thread_join(th[i], NULL);
		KT_ASSERT_EQ(where[i].cpu, where[i].thread_cpu);
	}
	for (unsigned int i = 0; i < MAX_CPUS; i++)
		distinct += (seen >> i) & 1;
	KT_ASSERT_EQ(distinct, n);
}

KTEST(sched_cpus_pinning_to_an_absent_cpu_is_refused)
{
	KT_ASSERT(!thread_create_on(cpu_online_count(), "absent", note_cpu,
				    NULL));
	KT_ASSERT(!thread_create_on(MAX_CPUS, "absent", note_cpu, NULL));
}

static volatile bool stop_spinning;
static volatile uint64_t spins;

static void spinner(void *arg)
{
	(void)arg;
	while (!stop_spinning)
		spins++;
}

static void set_flag(void *arg)
{
	*(volatile bool *)arg = true;
}

/*
 * A spinner on CPU 1 never yields. A thread on CPU 0 still runs and ends
 * (CPU 0 is not held up), and a second thread on CPU 1 runs too: CPU 1's
 * own tick preempts the spinner.
 */
KTEST(sched_cpus_spinner_on_cpu1_leaves_cpu0_running)
{
	static volatile bool on0, on1;
	struct thread *spin, *a, *b;

	if (!sched_cpu_running(1)) {
		ktest_skip(t, "one CPU");
		return;
	}
	stop_spinning = false;
	spins = 0;
	on0 = on1 = false;
	spin = thread_create_on(1, "spinner", spinner, NULL);
	KT_ASSERT(spin);
	while (!spins)
		arch_relax();
	a = thread_create_on(0, "cpu0", set_flag, (void *)&on0);
	b = thread_create_on(1, "cpu1", set_flag, (void *)&on1);
	KT_ASSERT(sleep_until(&on0));
	KT_ASSERT(sleep_until(&on1));
	stop_spinning = true;
	thread_join(spin, NULL);
	thread_join(a, NULL);
	thread_join(b, NULL);
}

static struct wait_queue cross_q;
static volatile bool cross_go, cross_done;
static volatile unsigned int cross_cpu;

static void cross_waiter(void *arg)
{
	(void)arg;
	wait_event(&cross_q, cross_go);
	cross_cpu = this_cpu()->index + 1;
	cross_done = true;
}

/*
 * A thread on CPU 1 waits on a queue; this thread, on another CPU, wakes
 * it. CPU 1 is idle (halted) meanwhile, so the wake-up must send it the
 * reschedule IPI, which it counts.
 */
KTEST(sched_cpus_wake_up_reaches_another_cpu)
{
	struct thread *th;
	uint64_t ipis;

	if (!sched_cpu_running(1) || this_cpu()->index == 1) {
		ktest_skip(t, "one CPU");
		return;
	}
	wait_queue_init(&cross_q, "cross");
	cross_go = cross_done = false;
	cross_cpu = 0;
	th = thread_create_on(1, "waiter", cross_waiter, NULL);
	KT_ASSERT(th);
	for (unsigned int ms = 0; th->state != THREAD_BLOCKED &&
	     ms < DEADLINE_MS; ms++)
		sleep_ms(1);
	KT_ASSERT_EQ(th->state, THREAD_BLOCKED);
	ipis = trap_count_cpu(1, VEC_IPI_RESCHED);
	cross_go = true;
	wake_all(&cross_q);
	KT_ASSERT(spin_until(&cross_done));
	thread_join(th, NULL);
	KT_ASSERT_EQ(cross_cpu, 2);
	KT_ASSERT(trap_count_cpu(1, VEC_IPI_RESCHED) > ipis);
}

/* Mutex exclusion with two threads on each CPU: a read, a pause and a
 * write of a plain counter lose no increment, and nobody is ever inside
 * with another. */
#define MUTEX_ROUNDS 2000
#define PER_CPU 2

static struct mutex shared;
static volatile uint64_t counter;
static volatile unsigned int inside, overlaps;

static void mutex_worker(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < MUTEX_ROUNDS; i++) {
		uint64_t v;

		mutex_lock(&shared);
		if (++inside != 1)
			overlaps++;
		v = counter;
		for (int k = 0; k < 20; k++)
			arch_relax();
		counter = v + 1;
		inside--;
		mutex_unlock(&shared);
	}
}

KTEST(sched_cpus_mutex_excludes_threads_on_every_cpu)
{
	static struct thread *th[MAX_CPUS * PER_CPU];
	unsigned int n = 0;

	if (running_cpus() < 2) {
		ktest_skip(t, "one CPU");
		return;
	}
	mutex_init(&shared, "cpus test");
	counter = 0;
	inside = overlaps = 0;
	for (unsigned int i = 0; i < MAX_CPUS * PER_CPU; i++) {
		unsigned int cpu = i / PER_CPU;

		if (!sched_cpu_running(cpu))
			continue;
		th[n] = thread_create_on(cpu, "locker", mutex_worker, NULL);
		KT_ASSERT(th[n]);
		n++;
	}
	for (unsigned int i = 0; i < n; i++)
		thread_join(th[i], NULL);
	KT_ASSERT_EQ(overlaps, 0);
	KT_ASSERT_EQ(counter, (uint64_t)n * MUTEX_ROUNDS);
}

/* In a "threads" listing, the CPU column of the row named @name (the
 * name and state columns are 16 and 8 wide, each with a space after). */
static const char *cpu_column(const char *out, const char *name)
{
	char key[THREAD_NAME_MAX + 2];
	const char *row;

	snprintf(key, sizeof(key), "%-16s ", name);
	row = strstr(out, key);
	return row ? row + 17 + 9 : "";
}

/* The shell's "threads" shows each thread's CPU: CPU 1's idle thread and
 * a thread pinned to CPU 1 both say 1. */
KTEST(sched_cpus_threads_listing_shows_each_cpu)
{
	static char out[4096];
	static struct where where;
	struct thread *th;

	if (!sched_cpu_running(1)) {
		ktest_skip(t, "one CPU");
		return;
	}
	wait_queue_init(&release_q, "release");
	release = false;
	th = thread_create_on(1, "listed1", hold, &where);
	KT_ASSERT(th);
	console_capture(out, sizeof(out));
	thread_print_all();
	console_capture(NULL, 0);
	release = true;
	wake_all(&release_q);
	thread_join(th, NULL);
	KT_ASSERT(strncmp(cpu_column(out, "idle1"), "  1  ", 5) == 0);
	KT_ASSERT(strncmp(cpu_column(out, "listed1"), "  1  ", 5) == 0);
}
