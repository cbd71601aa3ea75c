/*
 * arch/x86_64/arch.c - the x86_64 side of kernel/arch.h.
 */
#include "kernel/arch.h"

#include "lib/string.h"
#include "arch/x86_64/cpu.h"

/* QEMU's isa-debug-exit device, as the test runner configures it. */
#define DEBUG_EXIT_PORT 0xf4

void arch_halt(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void arch_irq_disable(void)
{
	cli();
}

void arch_idle(void)
{
	hlt();
}

void arch_relax(void)
{
	pause();
}

uint64_t arch_cycles(void)
{
	return rdtsc();
}

void arch_exit_emulator(uint32_t code)
{
	outl(DEBUG_EXIT_PORT, code);
}

void arch_triple_fault(void)
{
	cli();
	lidt_null();
	int3();
	arch_halt();
}

/* CPUID leaves (Intel SDM Vol. 2A, CPUID; AMD APM Vol. 3, appendix E). */
#define CPUID_EXT_MAX		0x80000000
#define CPUID_EXT_FEATURES	0x80000001
#define CPUID_EXT_ADDR_SIZES	0x80000008
#define CPUID_EXT_EDX_NX	(1u << 20)
#define CPUID_EXT_EDX_1G	(1u << 26)

void arch_cpu_info(struct arch_cpu_info *info)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t ext_max = cpuid(CPUID_EXT_MAX, 0).eax;

	memcpy(info->vendor, &r.ebx, 4);
	memcpy(info->vendor + 4, &r.edx, 4);
	memcpy(info->vendor + 8, &r.ecx, 4);
	info->vendor[12] = '\0';

	r = cpuid(CPUID_EXT_FEATURES, 0);
	info->has_nx = r.edx & CPUID_EXT_EDX_NX;
	info->has_1g_pages = r.edx & CPUID_EXT_EDX_1G;

	/* Without leaf 80000008h the SDM says to assume 36 physical bits. */
	info->phys_addr_bits = 36;
	info->virt_addr_bits = 48;
	if (ext_max >= CPUID_EXT_ADDR_SIZES) {
		r = cpuid(CPUID_EXT_ADDR_SIZES, 0);
		info->phys_addr_bits = r.eax & 0xff;
		info->virt_addr_bits = (r.eax >> 8) & 0xff;
	}
}
