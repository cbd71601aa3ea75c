/*
 * arch/x86_64/msr.h - model-specific register numbers Keel uses (Intel SDM
 * Vol. 4, chapter 2, "Architectural MSRs"). rdmsr/wrmsr are in cpu.h.
 */
#pragma once

#define MSR_IA32_APIC_BASE	0x1b	/* local APIC base and enable bits */
#define MSR_IA32_PAT		0x277	/* page attribute table */
#define MSR_IA32_TSC_DEADLINE	0x6e0	/* local APIC TSC-deadline timer */
#define MSR_X2APIC_BASE		0x800	/* x2APIC registers: 0x800 + offset/16 */
#define MSR_EFER		0xc0000080	/* SCE, LME, LMA, NXE */
#define MSR_STAR		0xc0000081	/* SYSCALL/SYSRET selectors */
#define MSR_LSTAR		0xc0000082	/* 64-bit SYSCALL entry point */
#define MSR_FMASK		0xc0000084	/* RFLAGS bits SYSCALL clears */
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101	/* GS base in use now */
#define MSR_KERNEL_GS_BASE	0xc0000102	/* the other one, for swapgs */
