/*
 * kernel/exec.c - load an ELF executable into a new process.
 */
#include "kernel/exec.h"

#include "lib/align.h"
#include "lib/auxv.h"
#include "lib/elf.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/vsnprintf.h"
#include "kernel/heap.h"
#include "kernel/process.h"
#include "kernel/random.h"
#include "kernel/vmm.h"

/* The part of the stack the arguments and auxiliary vector may use. */
#define ARGS_AREA (16 * 1024)

static unsigned int segment_flags(uint32_t elf_flags)
{
	unsigned int f = 0;

	if (elf_flags & ELF_SEG_W)
		f |= VMM_WRITE;
	if (elf_flags & ELF_SEG_X)
		f |= VMM_EXEC;
	return f;
}

/* Map each segment's pages, copy its file bytes, leave the rest zero. */
static int load_segments(struct process *p, const uint8_t *file,
			 const struct elf_image *img)
{
	for (unsigned int i = 0; i < img->nsegments; i++) {
		const struct elf_segment *s = &img->segments[i];
		uint64_t page = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		int err = process_map_data(p, page, end - page,
					   segment_flags(s->flags),
					   file + s->offset, s->vaddr - page,
					   s->filesz);

		if (err)
			return err;
	}
	return 0;
}

static int build_stack(struct process *p, const struct elf_image *img,
		       int argc, const char *const *argv)
{
	uint8_t rnd[SYSV_STACK_RANDOM_BYTES];
	struct sysv_stack_info info = {
		.argc = (unsigned int)argc, .argv = argv, .envc = 0,
		.envp = NULL, .random = rnd, .phdr = img->phdr_vaddr,
		.phent = img->phent, .phnum = img->phnum, .entry = img->entry,
		.page_size = PAGE_SIZE,
	};
	uint8_t *buf = kmalloc(ARGS_AREA);
	uint64_t rsp;
	int err;

	if (!buf)
		return -ENOMEM;
	random_bytes(rnd, sizeof(rnd));
	err = sysv_stack_build(buf, ARGS_AREA, USER_STACK_TOP, &info, &rsp);
	if (!err)
		err = process_set_stack(p, buf + (rsp - (USER_STACK_TOP - ARGS_AREA)),
					USER_STACK_TOP - rsp);
	kfree(buf);
	return err;
}

struct process *exec_load(const char *name, const void *file, size_t size,
			  int argc, const char *const *argv, char *why,
			  size_t why_len)
{
	struct elf_image img;
	struct process *p;
	int err;

	if (elf_parse(file, size, &img, why, why_len))
		return NULL;
	p = process_create(name);
	if (!p) {
		snprintf(why, why_len, "out of memory for a process");
		return NULL;
	}
	err = load_segments(p, file, &img);
	if (!err)
		err = build_stack(p, &img, argc, argv);
	if (err) {
		snprintf(why, why_len, "%s", err == -ENOSPC ?
			 "arguments too long for the stack" :
			 err == -ENOMEM ? "out of memory for its pages" :
			 "a segment cannot be mapped");
		process_destroy(p);
		return NULL;
	}
	p->entry = img.entry;
	process_set_break(p, img.span_end);
	return p;
}
