/*
 * arch/x86_64/lapic.h - the local APIC of each CPU (Intel SDM Vol. 3A
 * chapter 11 "Advanced Programmable Interrupt Controller"): its interrupt
 * acknowledgement, inter-processor interrupts and timer, in xAPIC mode
 * (registers in memory) or x2APIC mode (registers as MSRs, §11.12).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The architectural default base (SDM Vol. 3A §11.4.1). */
#define LAPIC_DEFAULT_PHYS	0xfee00000ULL
#define LAPIC_MMIO_SIZE		0x1000

/*
 * Map the local APIC at @phys (its base in IA32_APIC_BASE, or the MADT's
 * address when that differs), choose xAPIC or x2APIC (@allow_x2apic and
 * CPUID must agree; a firmware that already switched to x2APIC is
 * followed) and enable this CPU's APIC with lapic_cpu_init(). Boot CPU,
 * once, after the heap. Returns 0, -ENOENT when the CPU has no APIC or
 * -ENOMEM when the registers cannot be mapped.
 */
int lapic_init(uint64_t phys, bool allow_x2apic);

/* This CPU's APIC id (before lapic_init(): the initial id from CPUID). */
uint32_t lapic_id(void);

/* Signal the end of the interrupt being handled. */
void lapic_eoi(void);

/* Fixed-delivery IPI of @vector to one CPU, or to every CPU but this one. */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_ipi_all_but_self(uint8_t vector);

/* An NMI to @apic_id (the vector is ignored by the hardware). */
void lapic_send_nmi(uint32_t apic_id);

/* INIT, then STARTUP with the real-mode entry at @page * 4096 (SDM Vol. 3A
 * §9.4.4.1); the waits between them are the caller's. */
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);

/*
 * Enable this CPU's local APIC: x2APIC mode if the boot CPU chose it,
 * spurious vector VEC_SPURIOUS, error interrupt on VEC_LAPIC_ERROR, LINT0
 * and LINT1 as the MADT's local APIC NMI entries for this CPU say (masked
 * where none does), timer, thermal and performance counter entries
 * masked, task priority 0. Every CPU, interrupts off.
 */
void lapic_cpu_init(void);

/* This CPU's periodic tick at the rate lapic_timer_setup() calibrated. */
void lapic_timer_start_cpu(void);

/* False: the 8259 delivers IRQs (no APIC, or it was turned off). */
bool apic_in_use(void);

/* True when the registers are MSRs (x2APIC mode). */
bool lapic_x2apic(void);

/* The mapped register page (xAPIC mode), NULL otherwise. */
volatile void *lapic_mmio(void);

/* Local APIC version register: version in 7:0, last LVT index in 23:16. */
uint32_t lapic_version(void);

/* Error interrupts taken and the last error status (ESR) they read. */
uint64_t lapic_error_count(void);
uint32_t lapic_last_error(void);

/* Spurious interrupts (VEC_SPURIOUS) taken; they get no EOI. */
uint64_t lapic_spurious_count(void);

/* Raw register access for the timer code and tests: @reg is the xAPIC
 * offset (0x20 = ID ... 0x3e0 = divide configuration). */
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);

/* Registers (SDM Vol. 3A table 11-1); x2APIC MSR = 0x800 + offset / 16. */
#define LAPIC_REG_ID		0x020
#define LAPIC_REG_VERSION	0x030
#define LAPIC_REG_TPR		0x080
#define LAPIC_REG_EOI		0x0b0
#define LAPIC_REG_SVR		0x0f0
#define LAPIC_REG_ESR		0x280
#define LAPIC_ESR_ILLEGAL_REGISTER (1u << 7) /* figure 11-9 */
#define LAPIC_REG_ICR_LOW	0x300
#define LAPIC_REG_ICR_HIGH	0x310
#define LAPIC_REG_LVT_TIMER	0x320
#define LAPIC_REG_LVT_THERMAL	0x330
#define LAPIC_REG_LVT_PERF	0x340
#define LAPIC_REG_LVT_LINT0	0x350
#define LAPIC_REG_LVT_LINT1	0x360
#define LAPIC_REG_LVT_ERROR	0x370
#define LAPIC_REG_TIMER_INIT	0x380
#define LAPIC_REG_TIMER_COUNT	0x390
#define LAPIC_REG_TIMER_DIVIDE	0x3e0

/* LVT entry fields (SDM Vol. 3A figure 11-8). */
#define LAPIC_LVT_NMI		(4u << 8)	/* delivery mode NMI */
#define LAPIC_LVT_ACTIVE_LOW	(1u << 13)
#define LAPIC_LVT_LEVEL		(1u << 15)
#define LAPIC_LVT_MASKED	(1u << 16)
#define LAPIC_LVT_ONE_SHOT	(0u << 17)
#define LAPIC_LVT_PERIODIC	(1u << 17)
#define LAPIC_LVT_TSC_DEADLINE	(2u << 17)

/*
 * The timer (arch/x86_64/lapic_timer.c). Choose the tick for @hz: TSC
 * deadlines when the CPU has them (@tsc_hz, the calibrated TSC, must be
 * known), else periodic mode with the count rate measured against the
 * TSC. Returns the tick period in picoseconds, or 0 when no usable timer
 * was found (the caller keeps the PIT). Boot CPU, after lapic_init().
 */
uint64_t lapic_timer_setup(uint32_t hz, uint64_t tsc_hz);

/* Count-down rate (bus clock / divider) in Hz, 0 if not measured. */
uint64_t lapic_timer_count_hz(void);

/* Measure the count-down rate now against the TSC (@tsc_hz), with the
 * timer's LVT entry masked; for the calibration and its test. 0 when the
 * counter did not move. Leaves this CPU's timer stopped. */
uint64_t lapic_timer_measure_hz(uint64_t tsc_hz);

/* Start this CPU's count (masked, one-shot) for lapic_timer_setup() to
 * measure the rate over the boot's next steps instead of waiting; boot
 * CPU, after lapic_init(). */
void lapic_timer_window_open(void);

/* True when the tick comes from TSC deadlines rather than periodic mode. */
bool lapic_timer_uses_deadline(void);

/* How long lapic_timer_setup() took, in TSC cycles. */
uint64_t lapic_timer_setup_cycles(void);
