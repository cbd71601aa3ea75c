/*
 * tests/kernel/user_test.c - ring 3: address spaces, entering user mode,
 * system calls, user copies and user faults, with the small programs of
 * tests/kernel/user_blobs.asm. Each runs as a process to its end.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/uspace.h"
#include "arch/x86_64/vm.h"
#include "kernel/console.h"
#include "kernel/frame.h"
#include "kernel/heap.h"
#include "kernel/ktest.h"
#include "kernel/layout.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/process.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/uaccess.h"
#include "kernel/usermode.h"
#include "kernel/vmm.h"
#include "tests/kernel/user_blobs.h"

#define UNMAPPED_USER	0x0000100000000000ULL
#define NON_CANONICAL	0x0000800000000000ULL
#define KERNEL_ADDR	KERNEL_VMA
#define SYS_READ	0
#define SYS_WRITE	1
#define SYS_MMAP	9
#define SYS_BRK		12
#define SYS_IOCTL	16
#define SYS_WRITEV	20
#define SYS_NANOSLEEP	35
#define SYS_GETPID	39
#define SYS_UNKNOWN	200	/* tkill: not in Keel's table */

KTEST(user_exit_status_comes_back)
{
	struct process_end e;

	KT_ASSERT(run_blob(CODE(exit42), NULL, 0, &e));
	KT_ASSERT(!e.killed);
	KT_ASSERT_EQ(e.status, 42);
}

KTEST(user_write_reaches_the_console)
{
	char out[64];
	struct process_end e;
	bool ran;

	kprintf("# ");
	console_capture(out, sizeof(out));
	ran = run_blob(CODE(hello), NULL, 0, &e);
	console_capture(NULL, 0);
	KT_ASSERT(ran);
	KT_EXPECT_STREQ(out, "hello from ring 3\n");
	KT_ASSERT_EQ(e.status, 18);
}

/* The kernel's callee-saved registers come back untouched across ring 3,
 * and the process's survive a system call. */
KTEST(user_registers_survive_a_system_call)
{
	struct process *p = process_create("regs");
	uint64_t pid;

	KT_ASSERT(p);
	pid = (uint64_t)p->pid;
	process_destroy(p);
	/* The next process gets the next pid. */
	pid++;
	struct process_end e;
	KT_ASSERT(run_blob(CODE(getpid_check), &pid, 1, &e));
	KT_ASSERT(!e.killed);
	KT_ASSERT_EQ(e.status, 0);
}

/* Run syscall6 with @nr and @a0..a2; the low byte of the result. */
static int call3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t args[7] = { nr, a0, a1, a2, 0, 0, 0 };
	struct process_end e;

	if (!run_blob(CODE(syscall6), args, 7, &e) || e.killed)
		return -1000;
	return e.status;
}

#define LOW_BYTE(err) ((-(err)) & 0xff)

KTEST(user_bad_pointers_to_write_get_efault)
{
	static const uint64_t bad[] = {
		0, KERNEL_ADDR, UNMAPPED_USER, NON_CANONICAL,
		0xfffffffffffff000ULL,
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		KT_ASSERT_EQ(call3(SYS_WRITE, 1, bad[i], 16), LOW_BYTE(EFAULT));
	/* A range that wraps around the top of the address space. */
	KT_ASSERT_EQ(call3(SYS_WRITE, 1, USER_CODE_BASE, ~0ULL), LOW_BYTE(EFAULT));
	/* One that starts mapped and runs past the end of user space. */
	KT_ASSERT_EQ(call3(SYS_WRITE, 1, USER_STACK_TOP - 16, USER_TOP),
		     LOW_BYTE(EFAULT));
	KT_ASSERT_EQ(call3(SYS_WRITE, 7, USER_CODE_BASE, 1), LOW_BYTE(EBADF));
}

/* read(0, @ubuf, @len) with a byte typed already, so it does not block.
 * The byte read is echoed, on a diagnostic line. */
static int read_with_input(uint64_t ubuf, uint64_t len)
{
	int r;

	kprintf("# echo: ");
	console_input_push("x", 1);
	r = call3(SYS_READ, 0, ubuf, len);
	kprintf("\n");
	while (console_getc() >= 0)
		;
	return r;
}

KTEST(user_bad_pointers_to_read_get_efault)
{
	static const uint64_t bad[] = {
		0, KERNEL_ADDR, UNMAPPED_USER, NON_CANONICAL,
	};

	int r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		KT_ASSERT_EQ(read_with_input(bad[i], 1), LOW_BYTE(EFAULT));
	/* The code page is not writable: copying out to it faults. */
	KT_ASSERT_EQ(read_with_input(USER_CODE_BASE, 1), LOW_BYTE(EFAULT));
	KT_ASSERT_EQ(read_with_input(USER_CODE_BASE, ~0ULL), LOW_BYTE(EFAULT));
	/* And a good buffer gets the byte. */
	r = read_with_input(USER_STACK_TOP - 64, 1);
	KT_ASSERT_EQ(r, 1);
}

KTEST(user_copies_check_range_and_fault)
{
	char buf[8];
	uint64_t before = extable_fixup_count();

	KT_ASSERT_EQ(copy_from_user(buf, KERNEL_ADDR, 8), -EFAULT);
	KT_ASSERT_EQ(copy_from_user(buf, USER_TOP - 4, 8), -EFAULT);
	KT_ASSERT_EQ(copy_from_user(buf, ~0ULL - 3, 8), -EFAULT);
	KT_ASSERT_EQ(extable_fixup_count(), before);	/* refused up front */
	/* Below USER_TOP, nothing mapped: the copy faults and recovers. */
	KT_ASSERT_EQ(copy_from_user(buf, UNMAPPED_USER, 8), -EFAULT);
	KT_ASSERT_EQ(copy_to_user(UNMAPPED_USER, buf, 8), -EFAULT);
	KT_ASSERT_EQ(strncpy_from_user(buf, UNMAPPED_USER, sizeof(buf)), -EFAULT);
	KT_ASSERT_EQ(extable_fixup_count(), before + 3);
	KT_ASSERT_EQ(copy_from_user(buf, 0, 0), 0);
}

KTEST(user_copies_reach_the_process_memory)
{
	struct process *p = process_create("copy");
	char buf[16];

	KT_ASSERT(p);
	process_activate(p);
	KT_ASSERT_EQ(copy_to_user(USER_STACK_TOP - 16, "0123456789", 11), 0);
	KT_ASSERT_EQ(copy_from_user(buf, USER_STACK_TOP - 16, 11), 0);
	KT_EXPECT_STREQ(buf, "0123456789");
	KT_ASSERT_EQ(strncpy_from_user(buf, USER_STACK_TOP - 16, sizeof(buf)), 10);
	KT_EXPECT_STREQ(buf, "0123456789");
	KT_ASSERT_EQ(strncpy_from_user(buf, USER_STACK_TOP - 16, 4),
		     -ENAMETOOLONG);
	KT_EXPECT_STREQ(buf, "012");
	uspace_activate(NULL);
	process_destroy(p);
}

/* Run @code, which must be killed by @vector; *out holds the report. */
static void expect_killed(struct ktest_ctx *t, const char *start,
			  const char *end, const uint64_t *args, size_t nargs,
			  unsigned int vector, const char *report)
{
	char out[256];
	struct process_end e;
	bool ran;

	console_capture(out, sizeof(out));
	ran = run_blob(start, end, args, nargs, &e);
	console_capture(NULL, 0);
	kprintf("# %s", out);
	KT_ASSERT(ran);
	KT_ASSERT(e.killed);
	KT_ASSERT_EQ(e.vector, vector);
	KT_ASSERT_EQ(e.status, 128 + vector);
	if (!strstr(out, report))
		ktest_fail_at(t, __FILE__, __LINE__, "report lacks \"%s\"",
			      report);
	if (!strstr(out, "blob (pid "))
		ktest_fail_at(t, __FILE__, __LINE__, "report lacks the name");
}

KTEST(user_privileged_instructions_kill_the_process)
{
	expect_killed(t, CODE(cli), NULL, 0, VEC_GP,
		      "general protection fault (#GP) at RIP 0x400000");
	expect_killed(t, CODE(hlt), NULL, 0, VEC_GP, "(#GP) at RIP 0x400000");
	expect_killed(t, CODE(in), NULL, 0, VEC_GP, "(#GP) at RIP 0x400000");
	expect_killed(t, CODE(mov_cr3), NULL, 0, VEC_GP,
		      "(#GP) at RIP 0x400000");
}

KTEST(user_faults_kill_the_process)
{
	expect_killed(t, CODE(ud2), NULL, 0, VEC_UD,
		      "invalid opcode (#UD) at RIP 0x400000");
	expect_killed(t, CODE(int3), NULL, 0, VEC_BP, "breakpoint (#BP)");
	expect_killed(t, CODE(div0), NULL, 0, VEC_DE,
		      "divide error (#DE) at RIP 0x400002");
}

KTEST(user_reading_kernel_memory_is_killed)
{
	uint64_t addr = (uint64_t)(uintptr_t)__text_start;
	char report[96];

	snprintf(report, sizeof(report), "CR2 %#llx (protection violation, "
		 "read, user mode)", (unsigned long long)addr);
	expect_killed(t, CODE(load), &addr, 1, VEC_PF, report);
}

KTEST(user_reading_unmapped_kernel_space_is_killed)
{
	uint64_t addr = KERNEL_ADDR;

	expect_killed(t, CODE(load), &addr, 1, VEC_PF,
		      "CR2 0xffffffff80000000 (page not present, read, "
		      "user mode)");
}

KTEST(user_writing_own_text_is_killed)
{
	expect_killed(t, CODE(write_text), NULL, 0, VEC_PF,
		      "CR2 0x400000 (protection violation, write, user mode)");
}

KTEST(user_executing_the_stack_is_killed)
{
	if (!vm_nx()) {
		ktest_skip(t, "this CPU has no NX: the stack cannot be no-execute");
		return;
	}
	expect_killed(t, CODE(exec_stack), NULL, 0, VEC_PF,
		      "instruction fetch");
}

KTEST(user_stack_guard_gap_faults)
{
	uint64_t addr = USER_STACK_TOP - USER_STACK_SIZE - 8;

	expect_killed(t, CODE(store), &addr, 1, VEC_PF,
		      "(page not present, write, user mode)");
}

/* The kernel goes on after each kill: this runs after them. */
KTEST(user_kernel_survives_the_kills)
{
	struct process_end e;

	KT_ASSERT(run_blob(CODE(exit42), NULL, 0, &e));
	KT_ASSERT_EQ(e.status, 42);
	KT_ASSERT_EQ(process_count(), 0);
}

/* The entry at @level on @va's path (the path must exist). */
static pte_t *entry_at(const struct paging_tree *tree, vaddr_t va, int level)
{
	paddr_t table = tree->pml4;

	for (int l = PT_LEVELS - 1; l > level; l--)
		table = pte_addr(((pte_t *)phys_to_virt(table))[PT_INDEX(va, l)]);
	return &((pte_t *)phys_to_virt(table))[PT_INDEX(va, level)];
}

/*
 * A process whose page @addr - PAGE_SIZE is a kernel-only page, mapped
 * first so that the PDPT, PD and PT above it are created without USER,
 * and whose page @addr is a user page holding 7, mapped with uspace_map().
 */
static struct process *parents_process(struct ktest_ctx *t, uint64_t *addr)
{
	struct process *p = blob_process("parents", CODE(load), addr, 1);
	const struct paging_tree *tree;
	paddr_t kpage = frame_alloc(), upage = frame_alloc();
	uint64_t base = *addr - PAGE_SIZE;

	if (!p || !kpage || !upage) {
		ktest_fail_at(t, __FILE__, __LINE__, "no memory");
		return p;
	}
	tree = uspace_tree(p->space);
	if (paging_flush(paging_map(tree, base, kpage, PAGE_4K, PTE_PRESENT,
				    uspace_table_source(p->space))) ||
	    (*entry_at(tree, base, 3) & PTE_USER) ||
	    (*entry_at(tree, base, 1) & PTE_USER))
		ktest_fail_at(t, __FILE__, __LINE__, "kernel-only parents");
	*(uint8_t *)phys_to_virt(upage) = 7;
	if (uspace_map(p->space, *addr, upage, 0))
		ktest_fail_at(t, __FILE__, __LINE__, "user page not mapped");
	return p;
}

/*
 * paging_map() grants USER to the tables above a user page. A kernel-only
 * page first creates the PDPT, PD and PT without USER; the user page
 * beside it is then reachable from ring 3 only because its mapping added
 * USER to them. With USER taken back from one parent (the PD's entry for
 * the PT), the same load faults: the CPU requires U/S at every level
 * (Intel SDM Vol. 3A, 4.6.1).
 */
KTEST(user_mapping_grants_user_to_its_parents)
{
	uint64_t addr = 0x0000200000001000ULL;
	struct process *p = parents_process(t, &addr);
	const struct paging_tree *tree;

	KT_ASSERT(p && !ktest_has_failed(t));
	tree = uspace_tree(p->space);
	for (int level = 3; level >= 1; level--)
		KT_ASSERT(*entry_at(tree, addr, level) & PTE_USER);
	process_run(p);
	KT_ASSERT(!p->end.killed);
	KT_ASSERT_EQ(p->end.status, 7);
	process_destroy(p);
}

KTEST(user_page_under_a_kernel_only_parent_faults)
{
	uint64_t addr = 0x0000200000001000ULL;
	struct process *p = parents_process(t, &addr);
	char out[256];

	KT_ASSERT(p && !ktest_has_failed(t));
	*entry_at(uspace_tree(p->space), addr, 1) &= ~PTE_USER;
	console_capture(out, sizeof(out));
	process_run(p);
	console_capture(NULL, 0);
	kprintf("# %s", out);
	KT_ASSERT(p->end.killed);
	KT_ASSERT_EQ(p->end.vector, VEC_PF);
	KT_ASSERT_EQ(p->end.addr, addr);
	KT_ASSERT(strstr(out, "protection violation, read, user mode"));
	process_destroy(p);
}

KTEST(user_brk_and_mmap_grow_are_used_and_given_back)
{
	uint64_t touch = 0;
	struct process_end e;

	KT_ASSERT(run_blob(CODE(memory), &touch, 1, &e));
	KT_ASSERT(!e.killed);
	KT_ASSERT_EQ(e.status, 0);
	touch = 1;	/* the unmapped mmap() area is gone */
	expect_killed(t, CODE(memory), &touch, 1, VEC_PF,
		      "(page not present, write, user mode)");
	touch = 2;	/* and so is the released break */
	expect_killed(t, CODE(memory), &touch, 1, VEC_PF,
		      "(page not present, write, user mode)");
}

KTEST(user_allocating_until_enomem_is_refused)
{
	uint64_t before = frame_free_count();
	struct process_end e;
	void *p;

	KT_ASSERT(run_blob(CODE(eat_memory), NULL, 0, &e));
	KT_ASSERT(!e.killed);
	KT_ASSERT_EQ(e.status, 0);
	KT_ASSERT_EQ(frame_free_count(), before);
	/* The kernel can still allocate. */
	p = kmalloc(64 * 1024);
	KT_ASSERT(p);
	kfree(p);
}

KTEST(user_unknown_call_is_reported_once)
{
	char out[512];
	struct process_end e;
	bool ran;
	const char *first;

	console_capture(out, sizeof(out));
	ran = run_blob(CODE(unknown_twice), NULL, 0, &e);
	console_capture(NULL, 0);
	kprintf("# %s", out);
	KT_ASSERT(ran);
	KT_ASSERT_EQ(e.status, LOW_BYTE(ENOSYS));
	first = strstr(out, "system call 200");
	KT_ASSERT(first);
	KT_ASSERT(!strstr(first + 1, "system call 200"));
}

/*
 * A system call made from the last two bytes below the non-canonical hole
 * returns to 0x800000000000. SYSRET there would fault in ring 0 on the
 * user's stack on Intel CPUs (CVE-2012-0217); the kernel must return by
 * IRETQ instead, whose fault is the process's. uspace_map() refuses that
 * page (it is above USER_TOP), so the test maps it by hand.
 */
KTEST(user_return_to_non_canonical_address_takes_iretq)
{
	static const uint8_t getpid_at_end[] = {
		0xb8, 39, 0, 0, 0,	/* mov eax, 39 */
		0x0f, 0x05,		/* syscall */
	};
	const uint64_t page = USER_TOP;
	struct process *p = process_create("sysret");
	paddr_t f = frame_alloc();
	uint64_t slow = arch_user_slow_returns();
	char out[256];

	KT_ASSERT(p && f);
	memcpy((uint8_t *)phys_to_virt(f) + PAGE_SIZE - sizeof(getpid_at_end),
	       getpid_at_end, sizeof(getpid_at_end));
	KT_ASSERT_EQ(paging_flush(paging_map(uspace_tree(p->space), page, f,
					     PAGE_4K, PTE_PRESENT | PTE_USER,
					     uspace_table_source(p->space))),
		     PAGING_OK);
	p->entry = page + PAGE_SIZE - sizeof(getpid_at_end);
	console_capture(out, sizeof(out));
	process_run(p);
	console_capture(NULL, 0);
	kprintf("# %s", out);
	KT_ASSERT_EQ(arch_user_slow_returns(), slow + 1);
	KT_ASSERT(p->end.killed);
	KT_ASSERT_EQ(p->end.vector, VEC_GP);
	KT_ASSERT_EQ(p->end.ip, 0x0000800000000000ULL);
	process_destroy(p);
}

/* Everything a process held comes back: frames, page tables, heap. */
KTEST(user_thousand_lifetimes_leak_no_frame)
{
	uint64_t before = frame_free_count();
	struct process_end e;

	for (int i = 0; i < 1000; i++) {
		KT_ASSERT(run_blob(CODE(exit42), NULL, 0, &e));
		KT_ASSERT_EQ(e.status, 42);
	}
	KT_ASSERT_EQ(frame_free_count(), before);
	KT_ASSERT_EQ(process_count(), 0);
}

/* The frames a process's user half uses, page tables included, all come
 * back on destroy; its page tables are counted as they are made. */
KTEST(user_address_space_frees_its_tables)
{
	uint64_t before = frame_free_count();
	struct process *p = process_create("tables");

	KT_ASSERT(p);
	/* PML4, and PDPT, PD, PT above the stack. */
	KT_ASSERT_EQ(uspace_table_count(p->space), 4);
	KT_ASSERT_EQ(process_map_data(p, 0x0000300000000000ULL, PAGE_SIZE,
				      VMM_WRITE, NULL, 0, 0), 0);
	KT_ASSERT_EQ(uspace_table_count(p->space), 7);
	process_destroy(p);
	KT_ASSERT_EQ(frame_free_count(), before);
}

/* Kernel mappings made after a process was created show in its space. */
KTEST(user_space_sees_later_kernel_mappings)
{
	struct process *p = process_create("late");
	void *big;

	KT_ASSERT(p);
	big = kmalloc(4 * 1024 * 1024);	/* grows the heap: new kernel pages */
	KT_ASSERT(big);
	memset(big, 0x3c, 4 * 1024 * 1024);
	process_activate(p);
	KT_ASSERT_EQ(((volatile uint8_t *)big)[4 * 1024 * 1024 - 1], 0x3c);
	uspace_activate(NULL);
	kfree(big);
	process_destroy(p);
}

/* Two processes on this CPU that write a letter and yield, eight times
 * each: the output alternates, each yield handing the CPU to the other. */
KTEST(user_two_processes_ping_pong_with_sched_yield)
{
	uint64_t a[2] = { 8, 'a' }, b[2] = { 8, 'b' };
	struct process *pa = blob_process("ping", CODE(ping), a, 2);
	struct process *pb = blob_process("pong", CODE(ping), b, 2);
	char out[64];
	size_t alternations = 0;

	KT_ASSERT(pa && pb);
	kprintf("# ");
	console_capture(out, sizeof(out));
	KT_ASSERT_EQ(process_start_on(pa, (int)this_cpu()->index), 0);
	KT_ASSERT_EQ(process_start_on(pb, (int)this_cpu()->index), 0);
	process_wait(pa);
	process_wait(pb);
	console_capture(NULL, 0);
	kprintf("\n");
	KT_ASSERT_EQ(pa->end.status, 0);
	KT_ASSERT_EQ(pb->end.status, 0);
	process_destroy(pa);
	process_destroy(pb);
	KT_ASSERT_EQ(strlen(out), 16);
	for (size_t i = 1; i < 16; i++)
		alternations += out[i] != out[i - 1];
	/* A tick may preempt one between its write and its yield, once. */
	if (alternations < 13)
		ktest_fail_at(t, __FILE__, __LINE__, "\"%s\" does not alternate",
			      out);
}

/* A process that spins in ring 3 forever on this CPU is preempted by the
 * tick: this thread sleeps and wakes while it spins, then has it killed. */
KTEST(user_spinning_process_is_preempted)
{
	struct process *p = blob_process("spin", CODE(spin), NULL, 0);
	uint64_t t0;

	KT_ASSERT(p);
	KT_ASSERT_EQ(process_start_on(p, (int)this_cpu()->index), 0);
	t0 = timer_uptime_ns();
	sleep_ms(30);
	KT_ASSERT(timer_uptime_ns() - t0 >= 30 * 1000 * 1000ULL);
	KT_ASSERT(p->thread->cycles > 0);	/* it did run */
	process_kill(p);
	process_wait(p);
	KT_ASSERT(p->end.killed);
	KT_ASSERT_EQ(p->end.vector, PROCESS_KILLED_VECTOR);
	KT_ASSERT_EQ(p->end.status, PROCESS_KILLED_STATUS);
	process_destroy(p);
}

/* Start @n processes that each sleep 50 ms, wait for all; how many were
 * alive at once, or -1 after reporting a failure. */
static int nap_batch(struct ktest_ctx *t, struct process **p, int n)
{
	uint64_t ns = 50 * 1000 * 1000;
	int started = 0;
	unsigned int peak;

	for (; started < n; started++) {
		p[started] = blob_process("nap", CODE(nap), &ns, 1);
		if (!p[started] || process_start(p[started]))
			break;
	}
	peak = process_count();
	for (int i = 0; i < started; i++) {
		process_wait(p[i]);
		if (p[i]->end.killed || p[i]->end.status)
			ktest_fail_at(t, __FILE__, __LINE__, "process %d ended "
				      "with %d", i, p[i]->end.status);
		process_destroy(p[i]);
	}
	if (started < n) {
		process_destroy(p[started]);
		ktest_fail_at(t, __FILE__, __LINE__, "only %d started", started);
		return -1;
	}
	return (int)peak;
}

/* 100 processes alive at once, each asleep 50 ms in nanosleep(). The
 * second batch finds the thread stacks' page tables and the heap the
 * first one grew, and must give back every frame it takes. */
KTEST(user_hundred_processes_alive_at_once)
{
	enum { N = 100 };
	static struct process *p[N];
	uint64_t before;

	KT_ASSERT(nap_batch(t, p, N) >= N);
	before = frame_free_count();
	KT_ASSERT(nap_batch(t, p, N) >= N);
	KT_ASSERT_EQ(process_count(), 0);
	KT_ASSERT_EQ(frame_free_count(), before);
}

/* A process waiting in read() for input that never comes is ended by
 * process_kill() too: the read gives up and the call's return kills it. */
KTEST(user_process_blocked_in_read_is_killed)
{
	uint64_t args[7] = { SYS_READ, 0, USER_STACK_TOP - 64, 1, 0, 0, 0 };
	struct process *p = blob_process("reader", CODE(syscall6), args, 7);

	KT_ASSERT(p);
	while (console_getc() >= 0)
		;
	KT_ASSERT_EQ(process_start(p), 0);
	sleep_ms(20);
	process_kill(p);
	process_wait(p);
	KT_ASSERT(p->end.killed);
	KT_ASSERT_EQ(p->end.status, PROCESS_KILLED_STATUS);
	process_destroy(p);
}

/*
 * nanosleep() for 2^62 s: as good as forever, and whatever the length
 * the process can be ended meanwhile. The arguments (10 words, so the
 * stack starts 80 bytes below its top) end with the timespec.
 */
KTEST(user_process_in_a_long_nanosleep_sleeps_and_is_killed)
{
	uint64_t args[10] = { SYS_NANOSLEEP, USER_STACK_TOP - 24, 0, 0, 0,
			      0, 0, 1ULL << 62, 0, 0 };
	struct process *p = blob_process("sleeper", CODE(syscall6), args, 10);
	bool asleep;

	KT_ASSERT(p);
	KT_ASSERT_EQ(process_start(p), 0);
	sleep_ms(30);
	asleep = p->thread->state != THREAD_DEAD;
	process_kill(p);
	process_wait(p);
	KT_ASSERT(asleep);
	KT_ASSERT(p->end.killed);
	KT_ASSERT_EQ(p->end.status, PROCESS_KILLED_STATUS);
	process_destroy(p);
}
