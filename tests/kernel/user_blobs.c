/*
 * tests/kernel/user_blobs.c - run the ring-3 programs of
 * tests/kernel/user_blobs.asm as processes.
 */
#include "tests/kernel/user_blobs.h"

#include "kernel/vmm.h"

struct process *blob_process(const char *name, const char *start,
			     const char *end, const uint64_t *args,
			     size_t nargs)
{
	struct process *p = process_create(name);
	size_t len = (size_t)(end - start);

	if (!p)
		return NULL;
	if (process_map_data(p, USER_CODE_BASE, len, VMM_EXEC, start, 0, len) ||
	    process_set_stack(p, args, nargs * sizeof(*args))) {
		process_destroy(p);
		return NULL;
	}
	p->entry = USER_CODE_BASE;
	process_set_break(p, USER_CODE_BASE + len);
	return p;
}

bool run_blob(const char *start, const char *end, const uint64_t *args,
	      size_t nargs, struct process_end *how)
{
	struct process *p = blob_process("blob", start, end, args, nargs);

	if (!p)
		return false;
	process_run(p);
	*how = p->end;
	process_destroy(p);
	return true;
}

