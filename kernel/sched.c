/*
 * kernel/sched.c - round-robin scheduling on per-CPU run queues, the tick's
 * preemption, sleeping, and the idle threads (kernel/sched.h).
 */
#include "kernel/sched.h"

#include "lib/compiler.h"
#include "lib/list.h"
#include "lib/vsnprintf.h"
#include "kernel/arch.h"
#include "kernel/irq.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

struct run_queue {
	struct spinlock lock;	/* protects everything below but the counts */
	struct list_head ready;		/* threads by run_link, FIFO */
	struct list_head sleeping;	/* threads by run_link, any order */
	struct thread *idle;
	unsigned int slice;	/* ticks left for the running thread */
	volatile bool need_resched;	/* switch at the next chance */
	volatile unsigned int preempt_off;	/* preempt_disable() depth */
	bool running;		/* the scheduler runs on this CPU */
	unsigned int load;	/* threads placed here, not yet ended */
	uint64_t switched_in_at;	/* arch_cycles() at the last switch */
	uint64_t switches, preemptions;
};

static struct run_queue run_queues[MAX_CPUS];

static void reschedule(bool preempted);

static struct run_queue *rq_of(unsigned int cpu)
{
	return &run_queues[cpu];
}

/* Safe with preemption on: a thread never leaves its CPU. Usable from
 * the first line of kmain() (this_cpu_index() is 0 until GS is set), so
 * that preempt_disable() serves the console's lock that early too. */
static struct run_queue *this_rq(void)
{
	return &run_queues[this_cpu_index()];
}

static struct thread *current(void)
{
	return this_cpu()->current;
}

bool sched_running(void)
{
	return this_rq()->running;
}

bool sched_may_block(void)
{
	struct run_queue *rq = this_rq();
	uint64_t irqs = arch_irq_save();

	arch_irq_restore(irqs);
	return rq->running && !rq->preempt_off && irqs;
}

void preempt_disable(void)
{
	this_rq()->preempt_off++;
	barrier();
}

void preempt_enable(void)
{
	struct run_queue *rq = this_rq();
	uint64_t irqs;

	barrier();
	assert(rq->preempt_off > 0);
	if (--rq->preempt_off || !rq->need_resched)
		return;
	/* A switch the tick asked for meanwhile, unless interrupts are off
	 * (then the caller is in a section of its own). */
	irqs = arch_irq_save();
	arch_irq_restore(irqs);
	if (irqs)
		reschedule(true);
}

/*
 * Take the thread that stops running back onto the ready queue if it can
 * still run; blocked and dead threads stay off it. A blocked thread that is
 * preempted goes back too: it was between marking itself blocked and
 * switching away, and may have found its condition true meanwhile. It
 * then runs on as if woken, checks again and blocks properly.
 */
static void put_prev(struct run_queue *rq, struct thread *prev, bool preempted)
{
	bool runnable = prev->state == THREAD_RUNNING ||
			prev->state == THREAD_READY ||
			(preempted && prev->state == THREAD_BLOCKED);

	if (prev == rq->idle) {
		prev->state = THREAD_READY;
		return;
	}
	if (runnable) {
		prev->state = THREAD_READY;
		list_del(&prev->run_link);	/* off the sleep list */
		list_add_tail(&rq->ready, &prev->run_link);
	}
}

static struct thread *pick_next(struct run_queue *rq)
{
	struct thread *t;

	if (list_empty(&rq->ready))
		return rq->idle;
	t = list_first_entry(&rq->ready, struct thread, run_link);
	list_del(&t->run_link);
	return t;
}

/* Count @prev's CPU time and switch to @next, with the run queue locked.
 * Returns, in the thread that later resumes here, the thread that ran just
 * before it. */
static struct thread *switch_to(struct run_queue *rq, struct thread *prev,
				struct thread *next)
{
	uint64_t now = arch_cycles();

	prev->cycles += now - rq->switched_in_at;
	rq->switched_in_at = now;
	rq->switches++;
	next->switches++;
	next->on_cpu = true;
	arch_thread_switch_in(next);	/* TSS.RSP0, the address space */
	this_cpu()->current = next;
	return arch_thread_switch(prev, next);
}

/* The thread that ran before has left its stack: a joiner may free it. */
static void finish_switch(struct thread *prev)
{
	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
}

/* schedule(); @preempted when the switch was not the thread's choice. */
static void reschedule(bool preempted)
{
	struct run_queue *rq = this_rq();
	uint64_t flags = spin_lock_irqsave(&rq->lock);
	struct thread *prev = current();
	struct thread *next;

	if (rq->preempt_off)
		panic("schedule() in thread %u (\"%s\") with preemption "
		      "disabled", prev->id, prev->name);
	put_prev(rq, prev, preempted);
	next = pick_next(rq);
	next->state = THREAD_RUNNING;
	rq->need_resched = false;
	rq->slice = SCHED_SLICE_TICKS;
	if (next != prev)
		finish_switch(switch_to(rq, prev, next));
	spin_unlock_irqrestore(&rq->lock, flags);
}

void schedule(void)
{
	reschedule(false);
}

void sched_thread_start(struct thread *prev)
{
	struct thread *self;

	/* The rest of schedule() for a thread that never ran: it got here
	 * holding the run queue's lock with interrupts off. */
	finish_switch(prev);
	spin_unlock(&this_rq()->lock);
	irq_enable();
	self = current();
	self->fn(self->arg);
	thread_exit(0);
}

/* Once its run queue is set up (sched_init(), sched_idle_enter()). */
bool sched_cpu_running(unsigned int cpu)
{
	return cpu < MAX_CPUS &&
	       __atomic_load_n(&run_queues[cpu].running, __ATOMIC_ACQUIRE);
}

/*
 * The CPU a new thread goes to: the running one with the fewest threads
 * placed on it and not yet ended, the caller's own on a tie (its caches
 * are warm and no IPI is needed). Counting live threads rather than
 * dealing them out in turn keeps long-lived threads spread when short
 * ones come and go. The counts are read without locks: a placement
 * that races another is merely less even.
 */
static unsigned int pick_cpu(void)
{
	unsigned int self = this_cpu()->index;
	unsigned int best = self;
	unsigned int best_load = __atomic_load_n(&rq_of(self)->load,
						 __ATOMIC_RELAXED);

	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		unsigned int load;

		if (!sched_cpu_running(i))
			continue;
		load = __atomic_load_n(&rq_of(i)->load, __ATOMIC_RELAXED);
		if (load < best_load) {
			best = i;
			best_load = load;
		}
	}
	return best;
}

/* After a thread was made ready on @cpu's queue: a CPU halted in its idle
 * thread hears of it only by an interrupt, so send one. */
static void kick(unsigned int cpu, bool was_idle)
{
	if (was_idle && cpu != this_cpu()->index)
		arch_send_resched(cpu);
}

void sched_add_on(struct thread *t, unsigned int cpu)
{
	struct run_queue *rq = rq_of(cpu);
	uint64_t flags;
	bool idle;

	t->cpu = cpu;
	__atomic_fetch_add(&rq->load, 1, __ATOMIC_RELAXED);
	flags = spin_lock_irqsave(&rq->lock);
	t->state = THREAD_READY;
	list_add_tail(&rq->ready, &t->run_link);
	idle = cpus[cpu].current == rq->idle;
	if (idle)
		rq->need_resched = true;
	spin_unlock_irqrestore(&rq->lock, flags);
	kick(cpu, idle);
}

void sched_add(struct thread *t)
{
	sched_add_on(t, pick_cpu());
}

static void set_current_state(enum thread_state s)
{
	struct run_queue *rq = this_rq();
	uint64_t flags = spin_lock_irqsave(&rq->lock);

	current()->state = s;
	spin_unlock_irqrestore(&rq->lock, flags);
}

void sched_block_current(void)
{
	set_current_state(THREAD_BLOCKED);
}

void sched_unblock_current(void)
{
	set_current_state(THREAD_RUNNING);
}

void sched_mark_dead(void)
{
	set_current_state(THREAD_DEAD);
	__atomic_fetch_sub(&this_rq()->load, 1, __ATOMIC_RELAXED);
}

/*
 * Make blocked @t ready, with its run queue locked. A thread still on its
 * CPU (it marked itself blocked and has not switched away yet) only changes
 * state: its own schedule() puts it back on the queue.
 */
/*
 * Make blocked @t ready, with its run queue locked. A thread still on its
 * CPU (it marked itself blocked and has not switched away yet) only changes
 * state: its own schedule() puts it back on the queue. True when @t's CPU
 * is in its idle thread and so needs telling (kick()).
 */
static bool wake_locked(struct run_queue *rq, struct thread *t, bool *woke)
{
	*woke = t->state == THREAD_BLOCKED;
	if (!*woke)
		return false;
	t->state = THREAD_READY;
	list_del(&t->run_link);		/* off the sleep list, if on it */
	if (cpus[t->cpu].current != t)
		list_add_tail(&rq->ready, &t->run_link);
	if (cpus[t->cpu].current != rq->idle)
		return false;
	rq->need_resched = true;
	return true;
}

bool sched_wake(struct thread *t)
{
	unsigned int cpu = t->cpu;
	struct run_queue *rq = rq_of(cpu);
	uint64_t flags = spin_lock_irqsave(&rq->lock);
	bool woke;
	bool idle = wake_locked(rq, t, &woke);

	spin_unlock_irqrestore(&rq->lock, flags);
	kick(cpu, idle);
	return woke;
}

void sched_sleep_until(uint64_t ns)
{
	struct run_queue *rq = this_rq();
	struct thread *self = current();
	uint64_t flags;

	while (timer_uptime_ns() < ns) {
		flags = spin_lock_irqsave(&rq->lock);
		self->wake_ns = ns;
		self->state = THREAD_BLOCKED;
		list_add_tail(&rq->sleeping, &self->run_link);
		spin_unlock_irqrestore(&rq->lock, flags);
		schedule();
	}
}

static void wake_sleepers(struct run_queue *rq, uint64_t now)
{
	struct thread *t, *tmp;
	bool woke;

	/* This CPU's own sleepers: it is awake, no kick needed. */
	list_for_each_entry_safe(t, tmp, &rq->sleeping, run_link) {
		if (t->wake_ns <= now)
			wake_locked(rq, t, &woke);
	}
}

void sched_tick(void)
{
	struct run_queue *rq = this_rq();

	if (!rq->running)
		return;
	spin_lock(&rq->lock);	/* interrupt context: interrupts are off */
	wake_sleepers(rq, timer_uptime_ns());
	if (current() != rq->idle && rq->slice)
		rq->slice--;
	if ((rq->slice == 0 || current() == rq->idle) && !list_empty(&rq->ready))
		rq->need_resched = true;
	spin_unlock(&rq->lock);
}

void sched_irq_exit(void)
{
	struct run_queue *rq = this_rq();

	if (!rq->need_resched || rq->preempt_off || !rq->running)
		return;
	rq->preemptions++;
	reschedule(true);
}

static bool has_ready(void)
{
	return !list_empty(&this_rq()->ready);
}

/* Halt until an interrupt makes a thread ready, then give it the CPU. */
static __attribute__((noreturn)) void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		arch_idle_unless(has_ready);
		schedule();
	}
}

static void rq_init(struct run_queue *rq, struct thread *idle)
{
	rq->lock = (struct spinlock)SPINLOCK_INIT("run queue");
	list_init(&rq->ready);
	list_init(&rq->sleeping);
	rq->idle = idle;
	rq->slice = SCHED_SLICE_TICKS;
	rq->switched_in_at = arch_cycles();
}

void sched_init(void)
{
	struct run_queue *rq = this_rq();
	struct thread *boot = thread_adopt("boot", (uintptr_t)boot_stack_top);
	struct thread *idle = thread_alloc("idle0", idle_loop, NULL);

	if (!boot || !idle)
		panic("no memory for the boot and idle threads");
	rq_init(rq, idle);
	idle->cpu = this_cpu()->index;
	idle->idle = true;
	idle->state = THREAD_READY;
	boot->state = THREAD_RUNNING;
	boot->on_cpu = true;
	arch_thread_switch_in(boot);
	this_cpu()->current = boot;
	rq->load = 1;		/* the boot thread */
	__atomic_store_n(&rq->running, true, __ATOMIC_RELEASE);
}

void sched_idle_enter(uint64_t stack_top)
{
	struct run_queue *rq = this_rq();
	char name[THREAD_NAME_MAX];
	struct thread *self;

	snprintf(name, sizeof(name), "idle%u", this_cpu()->index);
	self = thread_adopt(name, stack_top);
	if (!self)
		panic("no memory for the idle thread of CPU %u",
		      this_cpu()->index);
	rq_init(rq, self);
	self->idle = true;
	self->state = THREAD_RUNNING;
	self->on_cpu = true;
	self->cpu = this_cpu()->index;
	arch_thread_switch_in(self);
	this_cpu()->current = self;
	/* From here on other CPUs may place threads on this queue. */
	__atomic_store_n(&rq->running, true, __ATOMIC_RELEASE);
	irq_enable();
	idle_loop(NULL);
}

uint64_t sched_switch_count(void)
{
	return this_rq()->switches;
}

uint64_t sched_preempt_count(void)
{
	return this_rq()->preemptions;
}

unsigned int sched_cpu_load(unsigned int cpu)
{
	return cpu < MAX_CPUS ? __atomic_load_n(&rq_of(cpu)->load,
						__ATOMIC_RELAXED) : 0;
}

uint64_t sched_idle_cycles(void)
{
	return this_rq()->idle ? this_rq()->idle->cycles : 0;
}
