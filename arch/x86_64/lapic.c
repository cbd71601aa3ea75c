/*
 * arch/x86_64/lapic.c - the local APIC (arch/x86_64/lapic.h): mode choice,
 * per-CPU set-up, EOI, IPIs, and the spurious and error interrupts.
 *
 * Intel SDM Vol. 3A chapter 11: §11.4 (xAPIC registers in memory), §11.12
 * (x2APIC: the same registers as MSRs 0x800 + offset / 16, a 64-bit ICR,
 * 32-bit ids), §11.5 (the local vector table), §11.6 (the ICR), §11.9
 * (spurious interrupts).
 */
#include "arch/x86_64/lapic.h"

#include <stddef.h>

#include "lib/align.h"
#include "lib/acpi.h"
#include "lib/errno.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/trap.h"
#include "kernel/acpi.h"
#include "kernel/arch.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/vmm.h"

/* IA32_APIC_BASE (SDM Vol. 3A figure 11-5). */
#define APIC_BASE_BSP		(1ULL << 8)
#define APIC_BASE_EXTD		(1ULL << 10)	/* x2APIC mode */
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_PAGE		0xfffffffffffff000ULL

#define SVR_ENABLE		(1u << 8)	/* APIC software enable */

/* Interrupt command register, low half (SDM Vol. 3A figure 11-12). */
#define ICR_FIXED		(0u << 8)
#define ICR_NMI			(4u << 8)
#define ICR_INIT		(5u << 8)
#define ICR_STARTUP		(6u << 8)
#define ICR_PENDING		(1u << 12)	/* xAPIC only: not yet sent */
#define ICR_ASSERT		(1u << 14)
#define ICR_LEVEL		(1u << 15)
#define ICR_ALL_BUT_SELF	(3u << 18)
#define ICR_XAPIC_DEST_SHIFT	24		/* in the high half */
#define ICR_SEND_SPINS		1000000		/* ~ms even under emulation */

#define XAPIC_ID_SHIFT		24
#define VERSION_MAX_LVT(v)	(((v) >> 16) & 0xff)
#define LVT_INDEX_PERF		4	/* entries that exist when MAX_LVT >= */
#define LVT_INDEX_THERMAL	5

enum lapic_mode { LAPIC_OFF, LAPIC_XAPIC, LAPIC_X2APIC };

static enum lapic_mode mode;
static volatile uint32_t *regs;	/* xAPIC: the mapped register page */
static uint64_t errors, spurious;
static uint32_t last_esr;

uint32_t lapic_read(uint32_t reg)
{
	if (mode == LAPIC_X2APIC)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + reg / 16);
	return regs ? regs[reg / 4] : 0;
}

void lapic_write(uint32_t reg, uint32_t value)
{
	if (mode == LAPIC_X2APIC)
		wrmsr(MSR_X2APIC_BASE + reg / 16, value);
	else if (regs)
		regs[reg / 4] = value;
}

bool apic_in_use(void)
{
	return mode != LAPIC_OFF;
}

bool lapic_x2apic(void)
{
	return mode == LAPIC_X2APIC;
}

volatile void *lapic_mmio(void)
{
	return regs;
}

uint32_t lapic_version(void)
{
	return lapic_read(LAPIC_REG_VERSION);
}

uint32_t lapic_id(void)
{
	switch (mode) {
	case LAPIC_X2APIC:
		return lapic_read(LAPIC_REG_ID);
	case LAPIC_XAPIC:
		return lapic_read(LAPIC_REG_ID) >> XAPIC_ID_SHIFT;
	default:
		/* The initial APIC id, CPUID leaf 1 EBX[31:24]. */
		return cpuid(1, 0).ebx >> 24;
	}
}

void lapic_eoi(void)
{
	/* x2APIC raises #GP for anything but 0 (SDM Vol. 3A §11.12.1.2). */
	lapic_write(LAPIC_REG_EOI, 0);
}

/* xAPIC: wait until the ICR has sent the previous IPI, a bounded time. */
static bool icr_idle(void)
{
	for (int i = 0; i < ICR_SEND_SPINS; i++) {
		if (!(regs[LAPIC_REG_ICR_LOW / 4] & ICR_PENDING))
			return true;
		pause();
	}
	return false;
}

static void icr_send(uint32_t dest, uint32_t low)
{
	uint64_t irqs = arch_irq_save();	/* high and low belong together */

	if (mode == LAPIC_X2APIC) {
		/* WRMSR to x2APIC registers does not wait for earlier stores
		 * (SDM Vol. 3A §11.12.3): the target must see them. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		wrmsr(MSR_X2APIC_BASE + LAPIC_REG_ICR_LOW / 16,
		      (uint64_t)dest << 32 | low);
	} else if (mode == LAPIC_XAPIC) {
		if (!icr_idle())
			kprintf("lapic: the ICR still sends an earlier IPI; "
				"sending %#x to APIC %u anyway\n", low, dest);
		regs[LAPIC_REG_ICR_HIGH / 4] = dest << ICR_XAPIC_DEST_SHIFT;
		regs[LAPIC_REG_ICR_LOW / 4] = low;
		if (!icr_idle())
			kprintf("lapic: IPI %#x to APIC %u not accepted\n",
				low, dest);
	}
	arch_irq_restore(irqs);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	icr_send(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void lapic_send_ipi_all_but_self(uint8_t vector)
{
	icr_send(0, ICR_FIXED | ICR_ASSERT | ICR_ALL_BUT_SELF | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
	icr_send(apic_id, ICR_NMI | ICR_ASSERT);
}

void lapic_send_init(uint32_t apic_id)
{
	icr_send(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	/* The de-assert that pre-Pentium 4 APICs need; x2APIC has none
	 * (SDM Vol. 3A §11.6.1, "INIT level de-assert"). */
	if (mode == LAPIC_XAPIC)
		icr_send(apic_id, ICR_INIT | ICR_LEVEL);
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	icr_send(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

/* Spurious interrupts are not in service: no EOI (SDM Vol. 3A §11.9). */
static void on_spurious(struct trap_frame *frame)
{
	(void)frame;
	spurious++;
}

/* Error status register bits (SDM Vol. 3A figure 11-9). */
static const char *const esr_names[] = {
	"send checksum", "receive checksum", "send accept", "receive accept",
	"redirectable IPI", "send illegal vector", "received illegal vector",
	"illegal register address",
};

/* The ESR latches new errors on a write (SDM Vol. 3A §11.5.3). */
static uint32_t esr_read(void)
{
	lapic_write(LAPIC_REG_ESR, 0);
	return lapic_read(LAPIC_REG_ESR);
}

static void on_error(struct trap_frame *frame)
{
	uint32_t esr = esr_read();

	(void)frame;
	errors++;
	last_esr = esr;
	kprintf("lapic: error interrupt on APIC %u, ESR %#x:", lapic_id(), esr);
	for (unsigned int bit = 0; bit < 8; bit++) {
		if (esr & (1u << bit))
			kprintf(" %s error", esr_names[bit]);
	}
	kprintf("%s\n", esr ? "" : " no error bit set");
	lapic_eoi();
}

uint64_t lapic_error_count(void)
{
	return errors;
}

uint32_t lapic_last_error(void)
{
	return last_esr;
}

uint64_t lapic_spurious_count(void)
{
	return spurious;
}

/* The LVT entry for a local APIC NMI entry of the MADT. */
static uint32_t lint_nmi_entry(const struct acpi_madt_lapic_nmi *n)
{
	uint32_t v = LAPIC_LVT_NMI;

	/* NMI delivery is always edge: the trigger bit applies to fixed
	 * delivery only (SDM Vol. 3A §11.5.1). */
	if (n->polarity == ACPI_POLARITY_LOW)
		v |= LAPIC_LVT_ACTIVE_LOW;
	return v;
}

/* This CPU's ACPI processor UID, which the MADT's NMI entries name. */
static bool uid_of(const struct acpi_madt *madt, uint32_t apic_id,
		   uint32_t *uid)
{
	for (unsigned int i = 0; i < madt->cpu_count; i++) {
		if (madt->cpus[i].apic_id == apic_id) {
			*uid = madt->cpus[i].uid;
			return true;
		}
	}
	return false;
}

/* LINT0 and LINT1 as the MADT's local APIC NMI entries for this CPU say;
 * a pin no entry names stays masked (the 8259 behind LINT0 is not used
 * once the IOAPIC delivers). */
static void program_lints(void)
{
	static const uint32_t reg[] = { LAPIC_REG_LVT_LINT0,
					LAPIC_REG_LVT_LINT1 };
	const struct acpi_madt *madt = acpi_madt();
	uint32_t lvt[] = { LAPIC_LVT_MASKED, LAPIC_LVT_MASKED };
	uint32_t uid = ACPI_UID_ALL;

	if (madt && !uid_of(madt, lapic_id(), &uid))
		uid = ACPI_UID_ALL;	/* only the entries for every CPU */
	for (unsigned int i = 0; madt && i < madt->lapic_nmi_count; i++) {
		const struct acpi_madt_lapic_nmi *n = &madt->lapic_nmis[i];

		if ((n->uid == ACPI_UID_ALL || n->uid == uid) &&
		    n->lint < ARRAY_SIZE(lvt))
			lvt[n->lint] = lint_nmi_entry(n);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(lvt); i++)
		lapic_write(reg[i], lvt[i]);
}

/* Enable the APIC globally, in x2APIC mode if chosen: xAPIC first, since
 * the modes change only in the order disabled, xAPIC, x2APIC (SDM Vol. 3A
 * §11.12.5, figure 11-27). */
static void enable_globally(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE)) {
		base |= APIC_BASE_ENABLE;
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	if (mode == LAPIC_X2APIC && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
}

void lapic_cpu_init(void)
{
	unsigned int max_lvt;

	if (mode == LAPIC_OFF)
		return;
	enable_globally();
	/* While software-disabled every LVT mask bit stays set (§11.4.7.2):
	 * enable first, then program the entries. */
	lapic_write(LAPIC_REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_REG_TPR, 0);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED | VEC_LAPIC_TIMER);
	max_lvt = VERSION_MAX_LVT(lapic_version());
	if (max_lvt >= LVT_INDEX_PERF)
		lapic_write(LAPIC_REG_LVT_PERF, LAPIC_LVT_MASKED);
	if (max_lvt >= LVT_INDEX_THERMAL)
		lapic_write(LAPIC_REG_LVT_THERMAL, LAPIC_LVT_MASKED);
	program_lints();
	lapic_write(LAPIC_REG_LVT_ERROR, VEC_LAPIC_ERROR);
	esr_read();		/* drop errors from before (the firmware's) */
	this_cpu()->apic_id = lapic_id();
}

/* The physical base the APIC decodes, from IA32_APIC_BASE. */
static uint64_t msr_base(void)
{
	uint64_t limit = 1ULL << cpu_features()->phys_bits;

	return rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_PAGE & (limit - 1);
}

int lapic_init(uint64_t phys, bool allow_x2apic)
{
	const struct cpu_features *f = cpu_features();
	uint64_t base = msr_base();

	if (!f->apic)
		return -ENOENT;
	if (phys && phys != base)
		kprintf("lapic: the MADT says %#llx, IA32_APIC_BASE %#llx; "
			"using the MSR's\n", (unsigned long long)phys,
			(unsigned long long)base);
	trap_set_handler(VEC_SPURIOUS, on_spurious);
	trap_set_handler(VEC_LAPIC_ERROR, on_error);
	/* A firmware that chose x2APIC is followed: leaving it takes a full
	 * disable, which loses the APIC's state (SDM Vol. 3A §11.12.5). */
	if ((rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD) ||
	    (allow_x2apic && f->x2apic)) {
		mode = LAPIC_X2APIC;
	} else {
		regs = vmm_map_device(base, LAPIC_MMIO_SIZE, VMM_NOCACHE);
		if (!regs)
			return -ENOMEM;
		mode = LAPIC_XAPIC;
	}
	lapic_cpu_init();
	return 0;
}
