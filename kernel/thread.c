/*
 * kernel/thread.c - thread records, their stacks, create, exit and join
 * (kernel/thread.h). Which thread runs is kernel/sched.c's business.
 *
 * The stack window (kernel/layout.h) is cut into THREAD_MAX slots:
 *
 *   slot n:  [guard: THREAD_GUARD_SIZE, unmapped][stack: THREAD_STACK_SIZE]
 *            ^ THREAD_STACKS_START + n * SLOT_SIZE            top of stack ^
 *
 * so any address in the window says which slot it belongs to, and whether
 * it is a guard, without a table of guards.
 */
#include "kernel/thread.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/arch.h"
#include "kernel/frame.h"
#include "kernel/heap.h"
#include "kernel/layout.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/timer.h"
#include "kernel/vmm.h"

#define SLOT_SIZE (THREAD_GUARD_SIZE + THREAD_STACK_SIZE)
#define WINDOW_END (THREAD_STACKS_START + (uint64_t)THREAD_MAX * SLOT_SIZE)
_Static_assert(WINDOW_END - THREAD_STACKS_START <= THREAD_STACKS_MAX,
	       "the stack slots fit the window of kernel/layout.h");
_Static_assert(THREAD_STACK_SIZE % PAGE_SIZE == 0 &&
	       THREAD_GUARD_SIZE % PAGE_SIZE == 0, "whole pages");

/* Protects all_threads, the slot bitmap and next_id. */
static struct spinlock threads_lock = SPINLOCK_INIT("threads");
static struct list_head all_threads = LIST_HEAD_INIT(all_threads);
static uint64_t slot_used[THREAD_MAX / 64];
static unsigned int next_id;
static unsigned int nthreads;

static uint64_t slot_stack_bottom(int slot)
{
	return THREAD_STACKS_START + (uint64_t)slot * SLOT_SIZE +
	       THREAD_GUARD_SIZE;
}

/* The lowest free slot, marked used, or -1. */
static int slot_take(void)
{
	uint64_t flags = spin_lock_irqsave(&threads_lock);
	int slot = -1;

	for (unsigned int w = 0; w < THREAD_MAX / 64 && slot < 0; w++) {
		if (~slot_used[w]) {
			slot = (int)(w * 64) + __builtin_ctzll(~slot_used[w]);
			slot_used[w] |= 1ULL << (slot % 64);
		}
	}
	spin_unlock_irqrestore(&threads_lock, flags);
	return slot;
}

static void slot_give(int slot)
{
	uint64_t flags = spin_lock_irqsave(&threads_lock);

	slot_used[slot / 64] &= ~(1ULL << (slot % 64));
	spin_unlock_irqrestore(&threads_lock, flags);
}

/* Unmap the first @pages pages of @slot's stack and free their frames.
 * The page tables stay, for the next thread in the slot. */
static void stack_unmap(int slot, unsigned int pages)
{
	uint64_t bottom = slot_stack_bottom(slot);

	for (unsigned int i = 0; i < pages; i++)
		frame_free(vmm_unmap(bottom + i * PAGE_SIZE));
}

/* Map fresh frames for @slot's stack; the guard below stays unmapped. */
static int stack_map(int slot)
{
	uint64_t bottom = slot_stack_bottom(slot);
	unsigned int pages = THREAD_STACK_SIZE / PAGE_SIZE;

	for (unsigned int i = 0; i < pages; i++) {
		paddr_t frame = frame_alloc();
		int err = frame ? vmm_map(bottom + i * PAGE_SIZE, frame,
					  VMM_WRITE) : -ENOMEM;

		if (err) {
			if (frame)
				frame_free(frame);
			stack_unmap(slot, i);
			return err;
		}
	}
	return 0;
}

static void thread_register(struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&threads_lock);

	t->id = next_id++;
	list_add_tail(&all_threads, &t->all_link);
	nthreads++;
	spin_unlock_irqrestore(&threads_lock, flags);
}

static void thread_unregister(struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&threads_lock);

	list_del(&t->all_link);
	nthreads--;
	spin_unlock_irqrestore(&threads_lock, flags);
}

/* A zeroed record named @name, on no list. */
static struct thread *record_new(const char *name)
{
	struct thread *t = kcalloc(1, sizeof(*t));

	if (!t)
		return NULL;
	strlcpy(t->name, name, sizeof(t->name));
	wait_queue_init(&t->exited, "thread exit");
	list_init(&t->run_link);
	t->cpu = this_cpu()->index;
	t->stack_slot = -1;
	return t;
}

struct thread *thread_alloc(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = record_new(name);

	if (!t)
		return NULL;
	t->stack_slot = slot_take();
	if (t->stack_slot < 0 || stack_map(t->stack_slot)) {
		if (t->stack_slot >= 0)
			slot_give(t->stack_slot);
		kfree(t);
		return NULL;
	}
	t->kstack_top = slot_stack_bottom(t->stack_slot) + THREAD_STACK_SIZE;
	t->fn = fn;
	t->arg = arg;
	t->state = THREAD_READY;
	arch_thread_prepare(t);		/* its first switch runs fn(arg) */
	thread_register(t);
	return t;
}

struct thread *thread_adopt(const char *name, uint64_t stack_top)
{
	struct thread *t = record_new(name);

	if (!t)
		return NULL;
	t->kstack_top = stack_top;
	t->state = THREAD_RUNNING;
	thread_register(t);
	return t;
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t;

	if (!sched_running())
		panic("thread_create(\"%s\") before sched_init()", name);
	t = thread_alloc(name, fn, arg);
	if (t)
		sched_add(t);
	return t;
}

struct thread *thread_create_on(unsigned int cpu, const char *name,
				void (*fn)(void *), void *arg)
{
	struct thread *t;

	if (!sched_running())
		panic("thread_create_on(\"%s\") before sched_init()", name);
	if (!sched_cpu_running(cpu))
		return NULL;
	t = thread_alloc(name, fn, arg);
	if (t)
		sched_add_on(t, cpu);
	return t;
}

void thread_exit(int status)
{
	struct thread *self = thread_current();

	/* Interrupts stay off to the switch: nothing may run on this stack
	 * once the joiner can see the thread dead. */
	arch_irq_save();
	self->exit_status = status;
	sched_mark_dead();
	wake_all(&self->exited);
	schedule();
	panic("thread %u (\"%s\") ran after it exited", self->id, self->name);
}

static bool may_join(struct thread *t)
{
	return t && t != thread_current() && t->stack_slot >= 0 && !t->idle;
}

/* Claim @t for one joiner; false if another has it. */
static bool claim(struct thread *t)
{
	uint64_t flags = spin_lock_irqsave(&threads_lock);
	bool ok = !t->joining;

	t->joining = true;
	spin_unlock_irqrestore(&threads_lock, flags);
	return ok;
}

int thread_join(struct thread *t, int *status)
{
	if (!may_join(t))
		return -EINVAL;
	if (!claim(t))
		return -EBUSY;
	wait_event(&t->exited, t->state == THREAD_DEAD);
	/* Dead, but maybe still switching away on another CPU: its stack is
	 * ours once the CPU that ran it has left it (sched.c, finish_switch). */
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		arch_relax();
	if (status)
		*status = t->exit_status;
	thread_unregister(t);
	stack_unmap(t->stack_slot, THREAD_STACK_SIZE / PAGE_SIZE);
	slot_give(t->stack_slot);
	kfree(t);
	return 0;
}

void thread_yield(void)
{
	if (sched_running())
		schedule();
}

struct thread *thread_current(void)
{
	return this_cpu()->current;
}

unsigned int thread_count(void)
{
	return nthreads;
}

static const char *const state_names[] = {
	[THREAD_RUNNING] = "running",
	[THREAD_READY] = "ready",
	[THREAD_BLOCKED] = "blocked",
	[THREAD_DEAD] = "dead",
};

/* What "threads" prints of one thread, copied under the lock. */
struct thread_row {
	unsigned int id, cpu;
	char name[THREAD_NAME_MAX];
	enum thread_state state;
	uint64_t cycles, switches;
};

#define PRINT_MAX 64

static unsigned int snapshot(struct thread_row *rows, unsigned int max)
{
	uint64_t flags = spin_lock_irqsave(&threads_lock);
	unsigned int n = 0;
	struct thread *t;

	list_for_each_entry(t, &all_threads, all_link) {
		if (n == max)
			break;
		rows[n] = (struct thread_row){ t->id, t->cpu, "", t->state,
					       t->cycles, t->switches };
		memcpy(rows[n].name, t->name, sizeof(rows[n].name));
		n++;
	}
	spin_unlock_irqrestore(&threads_lock, flags);
	return n;
}

void thread_print_all(void)
{
	static struct thread_row rows[PRINT_MAX];	/* too big for a stack */
	uint64_t khz = timer_cycles_hz() / 1000;
	unsigned int n = snapshot(rows, PRINT_MAX);

	kprintf("  ID  NAME             STATE    CPU  CPU TIME (ms)  SWITCHES\n");
	for (unsigned int i = 0; i < n; i++)
		kprintf("%4u  %-16s %-8s %3u  %13llu  %8llu\n", rows[i].id,
			rows[i].name, state_names[rows[i].state], rows[i].cpu,
			(unsigned long long)(khz ? rows[i].cycles / khz : 0),
			(unsigned long long)rows[i].switches);
	if (thread_count() > n)
		kprintf("  ... and %u more\n", thread_count() - n);
	kprintf("%u threads; %llu switches on this CPU, %llu of them "
		"preemptions\n", thread_count(),
		(unsigned long long)sched_switch_count(),
		(unsigned long long)sched_preempt_count());
}

/* The thread whose stack is in @slot (no lock: this serves fault
 * reports, which must not wait). */
static struct thread *slot_owner(int slot)
{
	struct thread *t;

	list_for_each_entry(t, &all_threads, all_link) {
		if (t->stack_slot == slot)
			return t;
	}
	return NULL;
}

const char *thread_guard_hit(uintptr_t addr)
{
	static char what[64];
	struct thread *t;
	int slot;

	if (addr < THREAD_STACKS_START || addr >= WINDOW_END)
		return NULL;
	slot = (int)((addr - THREAD_STACKS_START) / SLOT_SIZE);
	if ((addr - THREAD_STACKS_START) % SLOT_SIZE >= THREAD_GUARD_SIZE)
		return NULL;
	t = slot_owner(slot);
	if (!t)
		return "an unused thread stack slot";
	snprintf(what, sizeof(what), "the stack of thread %u (\"%s\")", t->id,
		 t->name);
	return what;
}

bool thread_stack_contains(uintptr_t addr, uintptr_t len)
{
	uint64_t off = addr - THREAD_STACKS_START;
	int slot = (int)(off / SLOT_SIZE);

	if (addr < THREAD_STACKS_START || addr + len > WINDOW_END ||
	    addr + len < addr)
		return false;
	if (off % SLOT_SIZE < THREAD_GUARD_SIZE ||
	    off % SLOT_SIZE + len > SLOT_SIZE)
		return false;
	return slot_used[slot / 64] & (1ULL << (slot % 64));
}
