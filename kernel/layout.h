/*
 * kernel/layout.h - where the kernel sits. The boot stub and linker.ld take
 * these values from here, through boot/constants.c.
 *
 *   0x0000000000000000              nothing (a NULL dereference faults); the
 *                                   boot tables identity-map 4 GiB here
 *                                   until arch/x86_64/vm.c replaces them
 *   0xffff800000000000 .. +64 TiB   direct map of physical memory (PHYS_OFFSET)
 *   0xffffc00000000000 .. +1 TiB    kernel heap (grows on demand)
 *   0xffffc80000000000 .. +512 GiB  thread stacks, each with an unmapped
 *                                   guard below it (kernel/thread.c)
 *   0xffffd00000000000 .. +512 GiB  scratch space for the self-test's mappings
 *   0xffffd80000000000 .. +4 MiB    the other CPUs' stacks, 64 KiB a CPU,
 *                                   each stack above an unmapped guard page
 *                                   (arch/x86_64/cpu_stacks.c)
 *   0xffffe00000000000 .. +512 GiB  device memory (the framebuffer), mapped
 *                                   by vmm_map_device()
 *   0xffffffff80000000 .. +2 GiB    kernel image (higher half): KERNEL_VMA + p
 *                                   maps physical p; the boot tables map the
 *                                   first 2 GiB, the kernel's own tables only
 *                                   the image
 */
#pragma once

#include <stdint.h>

#define KERNEL_VMA 0xffffffff80000000ULL
#define KERNEL_LMA 0x100000		/* where GRUB loads the image */
#define KERNEL_STACK_SIZE (16 * 1024)

#define PHYS_OFFSET 0xffff800000000000ULL
#define PHYS_OFFSET_PML4_INDEX ((PHYS_OFFSET >> 39) & 511)
#define DIRECT_MAP_MAX (64ULL << 40)
#define HEAP_START 0xffffc00000000000ULL
#define HEAP_MAX (1ULL << 40)
#define THREAD_STACKS_START 0xffffc80000000000ULL	/* one PML4 slot */
#define THREAD_STACKS_MAX (512ULL << 30)
#define KTEST_SCRATCH 0xffffd00000000000ULL	/* one PML4 slot, unused */
#define CPU_STACKS_START 0xffffd80000000000ULL	/* one PML4 slot */
#define DEVICE_MAP_START 0xffffe00000000000ULL	/* one PML4 slot */
#define DEVICE_MAP_MAX (512ULL << 30)

/* The boot page tables already map the first 4 GiB at PHYS_OFFSET, so the
 * direct map works from kmain() on for memory below this limit, and for all
 * RAM once arch/x86_64/vm.c has built the kernel's tables. */
#define BOOT_MAP_GIB 4
#define BOOT_DIRECT_MAP_LIMIT ((uint64_t)BOOT_MAP_GIB << 30)

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + PHYS_OFFSET);
}

static inline uint64_t virt_to_phys_direct(const void *p)
{
	return (uint64_t)(uintptr_t)p - PHYS_OFFSET;
}

/* The physical address of a kernel image symbol. */
static inline uint64_t kernel_virt_to_phys(const void *p)
{
	return (uint64_t)(uintptr_t)p - KERNEL_VMA;
}

/* Linker symbols (linker.ld). Arrays, so that their address is the value. */
extern char __kernel_phys_start[];
extern char __kernel_phys_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_start[], __bss_end[];
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];
extern char boot_pml4[];
