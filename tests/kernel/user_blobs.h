/*
 * tests/kernel/user_blobs.h - the ring-3 programs of
 * tests/kernel/user_blobs.asm and how tests run them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/process.h"

#define BLOB(n) extern const char user_blob_##n[], user_blob_##n##_end[]
BLOB(exit42);
BLOB(hello);
BLOB(syscall6);
BLOB(load);
BLOB(store);
BLOB(write_text);
BLOB(exec_stack);
BLOB(cli);
BLOB(hlt);
BLOB(in);
BLOB(mov_cr3);
BLOB(ud2);
BLOB(int3);
BLOB(div0);
BLOB(getpid_loop);
BLOB(getpid_check);
BLOB(memory);
BLOB(eat_memory);
BLOB(unknown_twice);
BLOB(spin);
BLOB(ping);
BLOB(nap);
BLOB(sse_keep);
#define CODE(n) user_blob_##n, user_blob_##n##_end


/* A process running the code [@start, @end) from USER_CODE_BASE with
 * @nargs words of @args on its stack, or NULL. */
struct process *blob_process(const char *name, const char *start,
			     const char *end, const uint64_t *args,
			     size_t nargs);

/* Run the code to its end; *how says how. False if it could not start. */
bool run_blob(const char *start, const char *end, const uint64_t *args,
	      size_t nargs, struct process_end *how);
