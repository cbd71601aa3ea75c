/*
 * lib/errno.h - the error numbers Keel's functions return, negated
 * (Linux's convention: 0 on success, -ENOMEM etc. on failure).
 */
#pragma once

#define EPERM	1	/* not allowed (a mapping below USER_MAP_MIN) */
#define ENOENT	2	/* no such thing: absent device, unknown name */
#define EINTR	4	/* a wait given up (the process is being killed) */
#define EIO	5	/* the hardware did not do what it should */
#define ENOEXEC	8	/* not an executable Keel can run (lib/elf.c) */
#define EBADF	9	/* not an open file descriptor */
#define ENOMEM	12	/* out of memory */
#define EFAULT	14	/* a bad user address */
#define EBUSY	16	/* already in use */
#define EEXIST	17	/* already exists (for example, already mapped) */
#define EINVAL	22	/* invalid argument */
#define ENOTTY	25	/* not a terminal (an ioctl it does not know) */
#define ENOSPC	28	/* no room left in a caller's buffer or table */
#define ERANGE	34	/* value out of range */
#define ENAMETOOLONG 36	/* a string longer than its buffer */
#define ENOSYS	38	/* no such system call */
#define EBADMSG	74	/* malformed data (for example, a bad boot tag) */
#define ETIMEDOUT 110	/* a bounded wait for the hardware ran out */

/* A short name for an error number ("ENOMEM"), for messages. */
static inline const char *errno_name(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case ENOEXEC: return "ENOEXEC";
	case ENOMEM: return "ENOMEM";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOTTY: return "ENOTTY";
	case EFAULT: return "EFAULT";
	case EBADF: return "EBADF";
	case EBADMSG: return "EBADMSG";
	case ETIMEDOUT: return "ETIMEDOUT";
	default: return "E?";
	}
}
