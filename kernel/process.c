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
#include "kernel/printk.h"
#include "kernel/usermode.h"
#include "kernel/uspace.h"
#include "kernel/vmm.h"

/* One CPU runs one process at a time, from process_run() to its end. */
static struct process *running;
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
		paddr_t f = process_frame_alloc();

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
	p->kstack = kmalloc_aligned(PROCESS_KSTACK_SIZE, 16);
	if (!p->space || !p->kstack)
		goto out_free;
	if (map_fresh(p, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
		      VMM_WRITE))
		goto out_free;
	p->pid = next_pid++;
	p->start_rsp = USER_STACK_TOP;
	p->mmap_next = MMAP_TOP;
	live++;
	return p;
out_free:
	uspace_destroy(p->space);
	kfree(p->kstack);
	kfree(p);
	return NULL;
}

void process_destroy(struct process *p)
{
	if (!p)
		return;
	uspace_destroy(p->space);
	kfree(p->kstack);
	kfree(p);
	live--;
}

unsigned int process_count(void)
{
	return live;
}

struct process *process_current(void)
{
	return running;
}

void process_activate(struct process *p)
{
	if (p)
		uspace_activate(p->space);
}

int process_run(struct process *p)
{
	struct process *caller = running;
	uint64_t irq = arch_irq_save();
	int status;

	running = p;
	process_activate(p);
	arch_user_set_tls(p->fs_base);
	status = arch_user_run((uint64_t)(uintptr_t)p->kstack +
			       PROCESS_KSTACK_SIZE, p->entry, p->start_rsp,
			       &p->resume);
	running = caller;
	uspace_activate(caller ? caller->space : NULL);
	arch_irq_restore(irq);
	p->end.status = status;
	return status;
}

void process_exit(int status)
{
	struct process *p = running;

	p->end.killed = false;
	arch_user_leave(p->resume, status & 0xff);
}

void process_fault(const struct user_fault *f)
{
	struct process *p = running;

	kprintf("user: %s (pid %d) killed: %s at RIP %#llx", p->name, p->pid,
		f->name, (unsigned long long)f->ip);
	if (f->has_addr)
		kprintf(", CR2 %#llx", (unsigned long long)f->addr);
	if (f->detail[0])
		kprintf(" (%s)", f->detail);
	kprintf("\n");
	p->end = (struct process_end){ true, 128 + (int)f->vector, f->vector,
				       f->ip, f->addr };
	arch_user_leave(p->resume, p->end.status);
}
