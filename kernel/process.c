/*
 * kernel/process.c - creating, running and ending processes (the layout is
 * in kernel/process.h). The architecture enters and leaves user mode
 * (kernel/usermode.h); everything here is generic.
 */
#include "kernel/process.h"

#include "lib/align.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "kernel/arch.h"
#include "kernel/frame.h"
#include "kernel/heap.h"
#include "kernel/layout.h"
#include "kernel/irq.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/usermode.h"
#include "kernel/uspace.h"
#include "kernel/vmm.h"

/* Counters changed by threads that may be preempted: atomics. */
static int next_pid = 1;
static unsigned int live;

paddr_t process_frame_alloc(void)
{
	if (frame_free_count() <= USER_FRAME_RESERVE)
		return 0;
	return frame_alloc();
}

/* Map fresh zeroed pages over [va, va + len), all or none. */
static int map_fresh(struct process *p, uint64_t va, uint64_t len,
		     unsigned int flags)
{
	uint64_t done;
	int err = 0;

	if (!uspace_range_ok(va, len) || (va & (PAGE_SIZE - 1)))
		return -EINVAL;
	for (done = 0; done < len; done += PAGE_SIZE) {
		paddr_t f = p->user_frames < PROCESS_FRAMES_MAX ?
			    process_frame_alloc() : 0;

		err = f ? uspace_map(p->space, va + done, f, flags) : -ENOMEM;
		if (err) {
			if (f)
				frame_free(f);
			break;
		}
		p->user_frames++;
	}
	if (!err)
		return 0;
	while (done) {
		done -= PAGE_SIZE;
		frame_free(uspace_unmap(p->space, va + done));
		p->user_frames--;
	}
	return err;
}

/* Copy @size bytes into the process's pages at @va through the direct
 * map (the pages need not allow writes). */
static void poke(struct process *p, uint64_t va, const void *data, size_t size)
{
	const uint8_t *src = data;

	while (size) {
		size_t in_page = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		size_t n = size < in_page ? size : in_page;
		paddr_t f = uspace_frame(p->space, va & ~(PAGE_SIZE - 1));

		memcpy((uint8_t *)phys_to_virt(f) + (va & (PAGE_SIZE - 1)), src, n);
		va += n;
		src += n;
		size -= n;
	}
}

int process_map_data(struct process *p, uint64_t va, uint64_t len,
		     unsigned int flags, const void *data, size_t offset,
		     size_t size)
{
	int err;

	if (offset > len || size > len - offset)
		return -EINVAL;
	err = map_fresh(p, va, ALIGN_UP(len, PAGE_SIZE), flags);
	if (!err && size)
		poke(p, va + offset, data, size);
	return err;
}

int process_set_stack(struct process *p, const void *data, size_t size)
{
	if (size > USER_STACK_SIZE)
		return -EINVAL;
	p->start_rsp = USER_STACK_TOP - ALIGN_UP(size, 16);
	poke(p, p->start_rsp, data, size);
	return 0;
}

void process_set_break(struct process *p, uint64_t end)
{
	p->brk_start = ALIGN_UP(end, PAGE_SIZE);
	p->brk = p->brk_start;
}

struct process *process_create(const char *name)
{
	struct process *p = kcalloc(1, sizeof(*p));

	if (!p)
		return NULL;
	strlcpy(p->name, name, sizeof(p->name));
	p->space = uspace_create();
	p->arch = arch_user_state_create();
	if (!p->space || !p->arch)
		goto out_free;
	if (map_fresh(p, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
		      VMM_WRITE))
		goto out_free;
	p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
	p->start_rsp = USER_STACK_TOP;
	p->mmap_next = MMAP_TOP;
	__atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
	return p;
out_free:
	uspace_destroy(p->space);
	arch_user_state_destroy(p->arch);
	kfree(p);
	return NULL;
}

void process_destroy(struct process *p)
{
	if (!p)
		return;
	uspace_destroy(p->space);
	arch_user_state_destroy(p->arch);
	kfree(p);
	__atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
}

unsigned int process_count(void)
{
	return __atomic_load_n(&live, __ATOMIC_RELAXED);
}

struct process *process_current(void)
{
	struct thread *t = thread_current();

	return t ? t->process : NULL;
}

/*
 * A kernel thread runs on the kernel's own tables, not on those of the
 * process that ran before it: that process may end and be freed by
 * another CPU meanwhile, and a CPU must never hold freed tables in CR3.
 */
void process_activate(struct process *p)
{
	if (!p) {
		uspace_activate(NULL);
		return;
	}
	uspace_activate(p->space);
	arch_user_state_load(p->arch);
	arch_user_set_tls(p->fs_base);
}

/* The process's thread: into user mode, for good. The switch to this
 * thread already loaded the process (its thread's process is set before
 * it first runs). */
static void process_main(void *arg)
{
	struct process *p = arg;

	arch_user_enter(thread_current()->kstack_top, p->entry, p->start_rsp);
}

/* The end of every process, on its thread's kernel stack; nothing of the
 * kernel's was interrupted, so interrupts may come on. */
static __attribute__((noreturn)) void process_end(struct process *p)
{
	irq_enable();
	thread_exit(p->end.status);
}

int process_start(struct process *p)
{
	return process_start_on(p, PROCESS_ANY_CPU);
}

int process_start_on(struct process *p, int cpu)
{
	struct thread *t;

	if (cpu != PROCESS_ANY_CPU && !sched_cpu_running((unsigned int)cpu))
		return -EINVAL;
	t = thread_alloc(p->name, process_main, p);
	if (!t)
		return -ENOMEM;
	t->process = p;
	p->thread = t;
	if (cpu == PROCESS_ANY_CPU)
		sched_add(t);
	else
		sched_add_on(t, (unsigned int)cpu);
	return 0;
}

int process_wait(struct process *p)
{
	int status;

	thread_join(p->thread, &status);
	p->thread = NULL;
	return p->end.status;
}

int process_run(struct process *p)
{
	int err = process_start(p);

	return err ? err : process_wait(p);
}

void process_kill(struct process *p)
{
	p->kill_requested = true;
}

void process_exit(int status)
{
	struct process *p = process_current();

	p->end.killed = false;
	p->end.status = status & 0xff;
	process_end(p);
}

void process_kill_point(void)
{
	struct process *p = process_current();

	if (!p || !p->kill_requested)
		return;
	kprintf("user: %s (pid %d) killed by the kernel\n", p->name, p->pid);
	p->end = (struct process_end){ true, PROCESS_KILLED_STATUS,
				       PROCESS_KILLED_VECTOR, 0, 0 };
	process_end(p);
}

void process_fault(const struct user_fault *f)
{
	struct process *p = process_current();

	kprintf("user: %s (pid %d) killed: %s at RIP %#llx", p->name, p->pid,
		f->name, (unsigned long long)f->ip);
	if (f->has_addr)
		kprintf(", CR2 %#llx", (unsigned long long)f->addr);
	if (f->detail[0])
		kprintf(" (%s)", f->detail);
	kprintf("\n");
	p->end = (struct process_end){ true, 128 + (int)f->vector, f->vector,
				       f->ip, f->addr };
	process_end(p);
}
