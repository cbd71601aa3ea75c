/*
 * arch/x86_64/gdt.h - the global descriptor table and the task state segment
 * (Intel SDM Vol. 3A, 3.4.5 segment descriptors, 7.7 the 64-bit TSS).
 *
 * Long mode ignores base and limit for code and data segments; what matters
 * is present, DPL, type, and the L bit of code segments. The TSS still
 * counts: it holds RSP0 (the kernel stack for interrupts from ring 3) and
 * the IST stacks that the double-fault, NMI and machine-check gates use.
 */
#pragma once

#include <stdint.h>

/* Selectors (index * 8 | RPL). The user segments are laid out for SYSRET:
 * user data right before user code. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA (0x18 | 3)
#define GDT_USER_CODE (0x20 | 3)
#define GDT_TSS 0x28
#define GDT_ENTRIES 7	/* the TSS descriptor takes two slots */

/* Access byte bits (SDM Vol. 3A, figure 3-8). */
#define GDT_ACCESS_PRESENT	(1u << 7)
#define GDT_ACCESS_DPL3		(3u << 5)
#define GDT_ACCESS_SEGMENT	(1u << 4)	/* code/data, not system */
#define GDT_ACCESS_CODE		(1u << 3)
#define GDT_ACCESS_RW		(1u << 1)	/* readable code, writable data */
/* Set up front so the CPU never writes it, which would fault on a read-only
 * GDT and costs a locked write on each segment load. */
#define GDT_ACCESS_ACCESSED	(1u << 0)
#define GDT_ACCESS_TSS_AVAIL	0x9u		/* system type: 64-bit TSS */

/* Flags nibble: granularity (4 KiB limit units), 32-bit default, long mode. */
#define GDT_FLAG_GRANULARITY	(1u << 3)
#define GDT_FLAG_DB32		(1u << 2)
#define GDT_FLAG_LONG		(1u << 1)

/* IST slots (1-based, as the IDT gate's ist field uses them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3
#define IST_STACK_SIZE (8 * 1024)

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];	/* stacks for entry from rings 0..2 */
	uint64_t reserved1;
	uint64_t ist[7];	/* IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;	/* past the limit: no I/O permission bitmap */
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "SDM Vol. 3A, figure 7-11");

/* Encode an 8-byte code or data segment descriptor. */
uint64_t gdt_segment(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);

/* Encode the 16-byte TSS descriptor as two GDT slots, low then high. */
void gdt_tss_descriptor(uint64_t base, uint32_t limit, uint64_t out[2]);

/*
 * Build the GDT and the TSS with its IST stacks, load them, reload every
 * segment register and the task register. Call once, early.
 */
void gdt_init(void);

/*
 * The same for an application processor: CPU @index's own GDT and TSS,
 * with the IST stacks whose tops are @ist_top (arch/x86_64/cpu_stacks.c),
 * loaded on the calling CPU. Called once on each AP as it starts.
 */
void gdt_init_ap(unsigned int index, const uint64_t ist_top[IST_COUNT]);

/* Set this CPU's TSS.RSP0, the stack an interrupt or system call from
 * ring 3 starts on. */
void gdt_set_kernel_stack(uint64_t rsp0);

/* This CPU's TSS.RSP0, for tests. */
uint64_t gdt_kernel_stack(void);

/* The boot CPU's IST stack @ist (1..IST_COUNT): its guard page [guard, bottom) and the
 * stack itself [bottom, top). */
void gdt_ist_stack(int ist, uintptr_t *guard, uintptr_t *bottom, uintptr_t *top);

/* This CPU's GDT as loaded, for tests. */
const uint64_t *gdt_table(void);
