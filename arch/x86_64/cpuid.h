/*
 * arch/x86_64/cpuid.h - what this CPU can do, read from CPUID once at boot.
 *
 * Every feature decision in the kernel reads the one copy cpuid_probe()
 * fills, so CPUID runs once a boot and code that needs a bit does not
 * repeat the leaf and mask.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct cpu_features {
	char vendor[13];		/* "GenuineIntel", "AuthenticAMD", ... */
	uint32_t max_leaf;		/* leaf 0 EAX */
	uint32_t max_ext_leaf;		/* leaf 0x80000000 EAX */
	bool hypervisor;		/* leaf 1 ECX bit 31: running in a VM */
	bool nx;			/* no-execute pages */
	bool pages_1g;			/* 1 GiB pages in the PDPT */
	bool smep, smap, umip;
	bool invariant_tsc;		/* leaf 0x80000007 EDX bit 8 */
	/* What the CPU or the hypervisor says the TSC runs at, 0 when it
	 * says nothing (arch/x86_64/tsc.c checks them against the PIT). */
	uint64_t tsc_hz_hypervisor;	/* leaf 0x40000010 EAX, in kHz */
	uint64_t tsc_hz_crystal;	/* leaf 0x15: crystal Hz * EBX / EAX */
	uint64_t base_hz;		/* leaf 0x16 EAX, base MHz */
	uint8_t phys_bits;		/* MAXPHYADDR */
	uint8_t virt_bits;		/* linear address width */
	bool apic;			/* leaf 1 EDX bit 9: a local APIC */
	bool x2apic;			/* leaf 1 ECX bit 21: its MSR interface */
	bool tsc_deadline;		/* leaf 1 ECX bit 24: TSC-deadline timer */
};

/* Read CPUID into the kernel's copy. Called once, first thing in
 * arch_init(); later calls change nothing. */
void cpuid_probe(void);

/* The copy cpuid_probe() filled. */
const struct cpu_features *cpu_features(void);
