/*
 * kernel/layout.h - where the kernel sits. Matches linker.ld and
 * boot/boot.inc.
 *
 *   0x0000000000000000 .. 4 GiB     identity map from boot (boot/boot.asm)
 *   0xffffffff80000000 .. +2 GiB    kernel image (higher half), phys 0 .. 2 GiB
 */
#pragma once

#include <stdint.h>

#define KERNEL_VMA 0xffffffff80000000ULL
#define KERNEL_STACK_SIZE (16 * 1024)

/* The first 4 GiB of physical memory are identity-mapped by the boot page
 * tables; the Multiboot2 information lies there (its address is 32-bit). */
#define BOOT_IDENTITY_LIMIT (4ULL << 30)

static inline void *boot_phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)phys;
}

/* Linker symbols (linker.ld). Arrays, so that their address is the value. */
extern char __kernel_phys_start[];
extern char __kernel_phys_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[];
