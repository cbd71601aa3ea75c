/*
 * arch/x86_64/idt.c - fill the IDT from a table of exceptions to special-case
 * and defaults for the rest.
 */
#include "arch/x86_64/idt.h"

#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/trap.h"

extern const uint64_t isr_stub_table[IDT_VECTORS];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));

/* Vectors that need their own stack or can be raised from ring 3. A double
 * fault after a kernel stack overflow must not touch the overflowed stack;
 * NMI and machine check can arrive anywhere, even mid-switch. */
static const struct {
	uint8_t vector;
	uint8_t ist;
	uint8_t dpl3;
} special_gates[] = {
	{ VEC_DF, IST_DOUBLE_FAULT, 0 },
	{ VEC_NMI, IST_NMI, 0 },
	{ VEC_MC, IST_MACHINE_CHECK, 0 },
	{ VEC_BP, 0, 1 },	/* int3 from user mode, later */
};

static void set_gate(unsigned int vector, uint64_t handler, uint8_t ist,
		     int dpl3)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xffff;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->selector = GDT_KERNEL_CODE;
	g->ist = ist;
	g->type_attr = IDT_GATE_PRESENT | IDT_GATE_INTERRUPT |
		       (dpl3 ? IDT_GATE_DPL3 : 0);
	g->reserved = 0;
}

void idt_init(void)
{
	for (unsigned int v = 0; v < IDT_VECTORS; v++)
		set_gate(v, isr_stub_table[v], 0, 0);
	for (size_t i = 0; i < sizeof(special_gates) / sizeof(special_gates[0]); i++)
		set_gate(special_gates[i].vector,
			 isr_stub_table[special_gates[i].vector],
			 special_gates[i].ist, special_gates[i].dpl3);
	lidt(idt, sizeof(idt) - 1);
}

void idt_load(void)
{
	lidt(idt, sizeof(idt) - 1);
}

const struct idt_gate *idt_gate(unsigned int vector)
{
	return &idt[vector % IDT_VECTORS];
}
