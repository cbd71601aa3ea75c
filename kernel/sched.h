/*
 * kernel/sched.h - the scheduler: per-CPU run queues, preemption, sleeping.
 *
 * Each CPU has a run queue (an array indexed by this_cpu()->index) with one
 * lock, a FIFO of ready threads and a list of sleeping ones, and an idle
 * thread that runs when the FIFO is empty. Scheduling is round robin: the
 * tick (sched_tick()) takes SCHED_SLICE_TICKS from the running thread's
 * slice, and when it runs out while another thread is ready the switch
 * happens on the way out of the interrupt (sched_irq_exit()), after the
 * interrupt controller got its EOI. Every CPU ticks its own queue (its
 * local APIC timer; the boot CPU alone counts time).
 *
 * A new thread is placed on the CPU with the fewest live threads, or on
 * one named by the caller, and stays on it until it ends (there is no
 * migration), which is what makes reading this_cpu() safe with
 * preemption on. Making a thread ready on another CPU's queue takes that
 * queue's lock and, when that CPU is in its idle thread (halted), sends
 * it the reschedule IPI.
 *
 * Lock order: a wait queue's lock, then a run queue's lock. The run queue's
 * lock is held across the switch itself and released by the thread
 * switched to.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct thread;

/* Ticks a thread runs before another ready thread gets the CPU. */
#define SCHED_SLICE_TICKS 4

/*
 * Hold off preemption on this CPU (counted: nested calls need as many
 * preempt_enable()). Interrupts still arrive; a switch they ask for waits
 * for the last preempt_enable(). The thread must not block meanwhile.
 */
void preempt_disable(void);
void preempt_enable(void);

/* True once sched_init() has run (there is a current thread). */
bool sched_running(void);

/* True when the caller may block: the scheduler runs, preemption is not
 * disabled and interrupts are on. */
bool sched_may_block(void);

/* Pick the next thread to run on this CPU and switch to it, putting the
 * caller back at the end of the ready queue if it is still runnable. */
void schedule(void);

/*
 * Make the new thread @t ready: on the running CPU with the fewest live
 * threads (the caller's on a tie), or on CPU @cpu, which must be running
 * (sched_cpu_running()). It stays on that CPU until it ends.
 */
void sched_add(struct thread *t);
void sched_add_on(struct thread *t, unsigned int cpu);

/* True once CPU @cpu schedules threads (its idle thread exists). */
bool sched_cpu_running(unsigned int cpu);

/* Threads placed on CPU @cpu and not yet ended (its idle thread aside). */
unsigned int sched_cpu_load(unsigned int cpu);

/* Mark the calling thread blocked (the next schedule() leaves it off the
 * ready queue), or running again; for wait queues. */
void sched_block_current(void);
void sched_unblock_current(void);

/* Make the blocked thread @t ready; false if it was not blocked. Any
 * context. */
bool sched_wake(struct thread *t);

/* Block the caller until timer_uptime_ns() reaches @ns. */
void sched_sleep_until(uint64_t ns);

/* Mark the caller dead; its last schedule() follows (thread_exit()). */
void sched_mark_dead(void);

/*
 * Called by the arch code on the way out of an interrupt that arrived with
 * interrupts on, with interrupts off and the EOI sent: switch if the tick
 * asked for it and preemption is allowed.
 */
void sched_irq_exit(void);

/*
 * The first thing a new thread runs (arch code calls it on the new stack):
 * finishes the switch from @prev, then runs the thread's function.
 */
__attribute__((noreturn)) void sched_thread_start(struct thread *prev);

/*
 * For a CPU other than the boot CPU, once its per-CPU record, tables and
 * timer work: its current flow, on the stack whose top is @stack_top,
 * becomes that CPU's idle thread, which never returns.
 */
__attribute__((noreturn)) void sched_idle_enter(uint64_t stack_top);

/* Switches done on this CPU, how many of them were preemptions, and the
 * cycles its idle thread ran (as of its last switch). */
uint64_t sched_switch_count(void);
uint64_t sched_preempt_count(void);
uint64_t sched_idle_cycles(void);
