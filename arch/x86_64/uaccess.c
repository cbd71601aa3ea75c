/*
 * arch/x86_64/uaccess.c - kernel/uaccess.h: range checks, then the copy in
 * arch/x86_64/uaccess.asm inside a STAC/CLAC pair. With CR4.SMAP on, a
 * kernel access to a user page faults unless RFLAGS.AC is set (Intel SDM
 * Vol. 3A, 4.6.1); STAC sets it for the copy alone.
 */
#include "kernel/uaccess.h"

#include "lib/errno.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vm.h"
#include "kernel/uspace.h"

uint64_t uaccess_copy(void *dst, const void *src, uint64_t n);
int64_t uaccess_strncpy(char *dst, const char *src, uint64_t n);

/* STAC and CLAC are invalid opcodes on a CPU without SMAP. */
static void user_access_begin(void)
{
	if (vm_features()->smap)
		stac();
}

static void user_access_end(void)
{
	if (vm_features()->smap)
		clac();
}

int copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	uint64_t left;

	if (!uspace_range_ok(usrc, n))
		return -EFAULT;
	user_access_begin();
	left = uaccess_copy(dst, (const void *)(uintptr_t)usrc, n);
	user_access_end();
	return left ? -EFAULT : 0;
}

int copy_to_user(uint64_t udst, const void *src, size_t n)
{
	uint64_t left;

	if (!uspace_range_ok(udst, n))
		return -EFAULT;
	user_access_begin();
	left = uaccess_copy((void *)(uintptr_t)udst, src, n);
	user_access_end();
	return left ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, uint64_t usrc, size_t size)
{
	uint64_t n = size;
	int64_t len;

	if (size == 0)
		return -ENAMETOOLONG;
	/* Read no further than the end of user space. */
	if (usrc >= USER_TOP)
		return -EFAULT;
	if (n > USER_TOP - usrc)
		n = USER_TOP - usrc;
	user_access_begin();
	len = uaccess_strncpy(dst, (const char *)(uintptr_t)usrc, n);
	user_access_end();
	if (len < 0)
		return -EFAULT;
	if ((uint64_t)len < n)
		return len;
	dst[size - 1] = '\0';
	return n < size ? -EFAULT : -ENAMETOOLONG;
}
