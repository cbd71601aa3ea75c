/*
 * drivers/debugcon.h - the QEMU/Bochs debug console at port 0xe9: every byte
 * written there appears on the emulator's debugcon chardev. It gives output
 * even on a machine without a UART.
 */
#pragma once

#define DEBUGCON_PORT 0xe9

#include <stdbool.h>
#include <stddef.h>

/* True when port 0xe9 reads back 0xe9, which is how QEMU and Bochs say the
 * device exists. Real hardware reads 0xff there. */
bool debugcon_probe(void);
void debugcon_write(const char *s, size_t len);
