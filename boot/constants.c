/*
 * boot/constants.c - the constants the boot stub and the linker script
 * share with C, taken from the C headers that define them.
 *
 * NASM and ld cannot read C headers, so this file is compiled to assembly
 * only (never linked): each CONSTANT() leaves a "->NAME VALUE" line there,
 * and scripts/gen-constants.sh turns those lines into $(BUILD)/gen/
 * constants.inc (%define for NASM) and constants.ld (assignments for
 * linker.ld). A value changed in its header reaches all three languages;
 * there is no second copy to forget.
 */
#include "arch/x86_64/paging.h"
#include "drivers/debugcon.h"
#include "drivers/uart16550.h"
#include "kernel/layout.h"
#include "kernel/multiboot2.h"

/* "n": the value must be a compile-time integer; it prints as $VALUE. */
#define CONSTANT(name) \
	__asm__ volatile("\n.ascii \"->" #name " %0\"" : : "n"((long)(name)))

void constants(void);
void constants(void)
{
	CONSTANT(KERNEL_VMA);
	CONSTANT(KERNEL_LMA);
	CONSTANT(KERNEL_STACK_SIZE);
	CONSTANT(PHYS_OFFSET_PML4_INDEX);
	CONSTANT(BOOT_MAP_GIB);
	CONSTANT(MB2_HEADER_MAGIC);
	CONSTANT(MB2_BOOTLOADER_MAGIC);
	CONSTANT(PTE_PRESENT);
	CONSTANT(PTE_WRITABLE);
	CONSTANT(PTE_HUGE);
	CONSTANT(UART_COM1);
	CONSTANT(DEBUGCON_PORT);
}
