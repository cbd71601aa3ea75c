/*
 * drivers/fw_cfg.h - QEMU's firmware configuration device (QEMU docs,
 * specs/fw_cfg.rst), read through its x86 I/O ports. Keel's self-test uses
 * it to learn facts from the emulator by a path independent of the boot
 * loader: the RAM size and files the test runner adds with -fw_cfg.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when the device answers with its "QEMU" signature. */
bool fw_cfg_present(void);

/* The guest RAM size QEMU was started with (-m), or 0 without fw_cfg. */
uint64_t fw_cfg_ram_size(void);

/*
 * Read the fw_cfg file @name (for example "opt/keel/cmdline") into @buf,
 * NUL-terminated, at most @cap - 1 bytes. Returns the file's size, or a
 * negative errno (-ENOENT when there is no such file or no device).
 */
long fw_cfg_read_file(const char *name, char *buf, size_t cap);
