/*
 * arch/x86_64/idt.h - the interrupt descriptor table (SDM Vol. 3A, 6.14.1).
 */
#pragma once

#include <stdint.h>

/* Gate types (SDM Vol. 3A, table 3-2). An interrupt gate clears IF on
 * entry; Keel uses interrupt gates everywhere so handlers never nest. */
#define IDT_GATE_INTERRUPT 0xe
#define IDT_GATE_PRESENT (1u << 7)
#define IDT_GATE_DPL3 (3u << 5)

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;		/* bits 0-2: IST slot, 0 = current stack */
	uint8_t type_attr;	/* present, DPL, gate type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "SDM Vol. 3A, figure 6-8");

/* Fill all 256 gates with the stubs of isr.asm and load the IDT. */
void idt_init(void);

/* Load the IDT idt_init() filled on this CPU (every CPU shares it). */
void idt_load(void);

/* The gate of @vector, for tests. */
const struct idt_gate *idt_gate(unsigned int vector);
