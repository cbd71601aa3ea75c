/*
 * kernel/uaccess.h - reaching user memory. Kernel code never dereferences a
 * user pointer: it passes the address (a uint64_t, named u...) here. Each
 * call checks that the whole range lies below USER_TOP without wrapping,
 * then copies with the CPU's SMAP protection lifted only for the copy; a
 * page that is not mapped (or not the user's) ends the copy with -EFAULT.
 * Call with the process's address space loaded.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Copy @n bytes from user address @usrc. 0 or -EFAULT. */
int copy_from_user(void *dst, uint64_t usrc, size_t n);

/* Copy @n bytes to user address @udst. 0 or -EFAULT. */
int copy_to_user(uint64_t udst, const void *src, size_t n);

/*
 * Copy the string at @usrc, NUL included, into @dst of @size bytes.
 * Returns its length, -ENAMETOOLONG when it does not fit (dst then holds
 * size - 1 bytes and a NUL), or -EFAULT.
 */
long strncpy_from_user(char *dst, uint64_t usrc, size_t size);
