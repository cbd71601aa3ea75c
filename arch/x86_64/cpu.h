/*
 * arch/x86_64/cpu.h - one static inline wrapper per x86 instruction, named
 * after the instruction. Kernel code gets its inline assembly from here
 * (lib/compiler.h has the one compiler barrier lib/ needs).
 */
#pragma once

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %[v], %[p]" : : [v] "a"(v), [p] "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %[p], %[v]" : [v] "=a"(v) : [p] "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %[p], %[v]" : [v] "=a"(v) : [p] "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %[p], %[v]" : [v] "=a"(v) : [p] "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %[v], %[p]" : : [v] "a"(v), [p] "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %[v], %[p]" : : [v] "a"(v), [p] "Nd"(port));
}

static inline void cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

#define RFLAGS_IF (1ULL << 9)	/* interrupts enabled (SDM Vol. 1 §3.4.3) */

/* pushf; pop: the flags register, to learn whether interrupts are on. */
static inline uint64_t read_rflags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %[f]" : [f] "=r"(f) : : "memory");
	return f;
}

static inline void hlt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

/* Enable interrupts and halt: sti takes effect after the next instruction,
 * so no interrupt can arrive between the two and be missed by hlt. */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void pause(void)
{
	__asm__ volatile("pause");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
			 : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			 : "memory");
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

#define CR_READ(n)                                                        \
	static inline uint64_t read_cr##n(void)                           \
	{                                                                 \
		uint64_t v;                                               \
		__asm__ volatile("mov %%cr" #n ", %[v]" : [v] "=r"(v));   \
		return v;                                                 \
	}
CR_READ(0)
CR_READ(2)
CR_READ(3)
CR_READ(4)
#undef CR_READ

static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%[va])" : : [va] "r"(va) : "memory");
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %[v], %%cr4" : : [v] "r"(v) : "memory");
}

static inline void write_cr3(uint64_t pml4)
{
	__asm__ volatile("mov %[v], %%cr3" : : [v] "r"(pml4) : "memory");
}

struct __attribute__((packed)) descriptor_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lgdt(const void *base, uint16_t limit)
{
	struct descriptor_ptr p = { limit, (uint64_t)(uintptr_t)base };

	__asm__ volatile("lgdt %[p]" : : [p] "m"(p) : "memory");
}

static inline void lidt(const void *base, uint16_t limit)
{
	struct descriptor_ptr p = { limit, (uint64_t)(uintptr_t)base };

	__asm__ volatile("lidt %[p]" : : [p] "m"(p) : "memory");
}

static inline void ltr(uint16_t selector)
{
	__asm__ volatile("ltr %[s]" : : [s] "r"(selector) : "memory");
}

/* Load the data segment registers, then CS through a far return (there is
 * no far jump to an immediate selector in 64-bit mode). */
static inline void reload_segments(uint16_t code, uint16_t data)
{
	__asm__ volatile("mov %[d], %%ds\n\t"
			 "mov %[d], %%es\n\t"
			 "mov %[d], %%ss\n\t"
			 "pushq %[c]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:"
			 : : [c] "r"((uint64_t)code), [d] "r"(data)
			 : "rax", "memory");
}

static inline uint16_t read_cs(void)
{
	uint16_t v;

	__asm__ volatile("mov %%cs, %[v]" : [v] "=r"(v));
	return v;
}

/* Store the task register's selector. */
static inline uint16_t str(void)
{
	uint16_t v;

	__asm__ volatile("str %[v]" : [v] "=r"(v));
	return v;
}

static inline void lidt_null(void)
{
	/* A zero-limit IDT: the next exception cannot be delivered, so it
	 * becomes a double and then a triple fault. Used by a runner test. */
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { 0, 0 };

	__asm__ volatile("lidt %[p]" : : [p] "m"(idtr) : "memory");
}

static inline void int3(void)
{
	__asm__ volatile("int3");
}
