/*
 * user/callbench.c - system call figures, in TSC cycles, to compare
 * kernels under the same emulator: a getpid round trip, a write() whose
 * buffer faults (a page fault on user memory that the kernel handles, as
 * -EFAULT) and a sched_yield ping-pong between two processes. The same binary runs on Keel (run by
 * the benchmark user_callbench_pair, tests/kernel/user_bench.c) and on
 * Linux as /init of an initramfs (scripts/linux-bench.sh); which kernel it
 * is on is decided at run time from uname(), never by #ifdef.
 *
 *   callbench            measure, then print one line per figure:
 *                        "callbench: NAME min N median N cycles"
 *   callbench partner    yield forever, the other side of the ping-pong
 *
 * The ping-pong needs a second process on the same CPU. On Linux the
 * program forks it after pinning itself to CPU 0, and kills it at the
 * end. Keel has no fork: the kernel starts a "callbench partner" before
 * this one and kills it afterwards. Either way each sched_yield of the
 * measuring process is a round trip: a switch to the partner, its yield,
 * a switch back.
 *
 * System calls are made with the syscall instruction itself, so that both
 * kernels see exactly the same user code. Each figure is the cost of one
 * call in a batch; of BATCHES batches the fastest and the median are
 * printed (the median shows what interrupts and the host add).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCHES		101
#define GETPID_CALLS	1000	/* per batch */
#define YIELD_CALLS	100	/* per batch */
#define FAULT_CALLS	100	/* per batch */

static int on_linux;

static inline uint64_t cycles(void)
{
	uint32_t lo, hi;

	/* LFENCE keeps RDTSC from being taken before earlier instructions
	 * finish (SDM Vol. 2B, RDTSC). */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* A system call with up to three arguments; SYSCALL clobbers RCX and
 * R11. */
static inline long call3(long nr, long a0, long a1, long a2)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return r;
}

static inline long call0(long nr)
{
	return call3(nr, 0, 0, 0);
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Run @calls of system call @nr with @a0..@a2 per batch, BATCHES times;
 * print the fastest and the median batch's cycles per call. */
static void measure(const char *name, long nr, long a0, long a1, long a2,
		    int calls)
{
	uint64_t per_call[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		uint64_t t = cycles();

		for (int i = 0; i < calls; i++)
			call3(nr, a0, a1, a2);
		per_call[b] = (cycles() - t) / calls;
	}
	qsort(per_call, BATCHES, sizeof(per_call[0]), by_value);
	printf("callbench: %-36s min %8llu median %8llu cycles\n", name,
	       (unsigned long long)per_call[0],
	       (unsigned long long)per_call[BATCHES / 2]);
}

static __attribute__((noreturn)) void partner(void)
{
	for (;;)
		call0(SYS_sched_yield);
}

/* Linux: both processes on CPU 0, so that each yield has the other to
 * switch to; then the partner. Returns its pid, or -1. */
static pid_t linux_start_partner(void)
{
	cpu_set_t one;
	pid_t pid;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		perror("callbench: sched_setaffinity");
	pid = fork();
	if (pid == 0)
		partner();
	if (pid < 0)
		perror("callbench: fork");
	return pid;
}

/* Linux counts a switch away from a task that is still runnable, as
 * after sched_yield, as involuntary (kernel/sched/core.c, __schedule). */
static long switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* Linux: the two processes in SCHED_FIFO at one priority, where a yield
 * puts the caller behind the other (POSIX sched_yield; Linux's
 * kernel/sched/rt.c), as Keel's round-robin yield does. Under the
 * default policy (CFS) a yield may return to its caller at once. */
static void linux_fifo(pid_t pid)
{
	struct sched_param sp = { .sched_priority = 1 };

	/* musl's sched_setscheduler() is a stub returning ENOSYS. */
	if (syscall(SYS_sched_setscheduler, pid, SCHED_FIFO, &sp) != 0 ||
	    syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) != 0)
		perror("callbench: sched_setscheduler");
}

/* Measure the ping-pong as @name; on Linux also say how many of the
 * yields switched, which proves the partner ran in between. */
static void yields(const char *name)
{
	long before = on_linux ? switches() : 0;

	measure(name, SYS_sched_yield, 0, 0, 0, YIELD_CALLS);
	if (on_linux)
		printf("callbench: %ld of %d yields gave the CPU away\n",
		       switches() - before, BATCHES * YIELD_CALLS);
}

static void ping_pong(void)
{
	pid_t pid;

	if (!on_linux) {
		yields("sched_yield ping-pong round trip");
		return;
	}
	pid = linux_start_partner();
	if (pid <= 0)
		return;
	yields("sched_yield ping-pong, SCHED_OTHER");
	linux_fifo(pid);
	yields("sched_yield ping-pong round trip");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * A page fault on a user address that the kernel handles: write() from a
 * page that was mapped and given back. The address passes the range check,
 * the kernel's copy from user space faults, and the fault handler answers
 * -EFAULT (Keel through its exception table, Linux through its own).
 */
static void user_fault(void)
{
	char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	if (page == MAP_FAILED || munmap(page, 4096) != 0) {
		printf("callbench: no page to give back\n");
		return;
	}
	if (call3(SYS_write, 1, (long)page, 1) != -EFAULT) {
		printf("callbench: write from an unmapped page is not -EFAULT\n");
		return;
	}
	measure("write faulting on user memory (-EFAULT)", SYS_write, 1,
		(long)page, 1, FAULT_CALLS);
}

int main(int argc, char **argv)
{
	struct utsname u;

	if (argc > 1 && strcmp(argv[1], "partner") == 0)
		partner();
	if (uname(&u) == 0)
		on_linux = strcmp(u.sysname, "Linux") == 0;
	printf("callbench: kernel %s %s\n", u.sysname, u.release);
	measure("getpid round trip", SYS_getpid, 0, 0, 0, GETPID_CALLS);
	user_fault();
	ping_pong();
	printf("callbench: done\n");
	fflush(stdout);
	/* As Linux's init there is nobody to exit to: power off. */
	if (on_linux && getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
