/*
 * arch/x86_64/cpuid.c - read the CPU's features once (arch/x86_64/cpuid.h).
 * Leaves and bits: Intel SDM Vol. 2A, "CPUID"; AMD APM Vol. 3, appendix E.
 */
#include "arch/x86_64/cpuid.h"

#include "lib/string.h"
#include "arch/x86_64/cpu.h"

#define CPUID_VENDOR		0x0
#define CPUID_FEATURES		0x1
#define CPUID_EXTENDED		0x7
#define CPUID_TSC_CRYSTAL	0x15	/* EBX/EAX: TSC/crystal, ECX: Hz */
#define CPUID_FREQUENCY		0x16	/* EAX[15:0]: base MHz */
#define CPUID_HV_MAX		0x40000000
#define CPUID_HV_TIMING		0x40000010	/* EAX: TSC kHz */
#define CPUID_EXT_MAX		0x80000000
#define CPUID_EXT_FEATURES	0x80000001
#define CPUID_EXT_POWER		0x80000007
#define CPUID_EXT_ADDR_SIZES	0x80000008

#define CPUID1_ECX_HYPERVISOR	(1u << 31)
#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID1_EDX_APIC		(1u << 9)
#define CPUID7_EBX_SMEP		(1u << 7)
#define CPUID7_EBX_SMAP		(1u << 20)
#define CPUID7_ECX_UMIP		(1u << 2)
#define CPUID_EXT_EDX_NX	(1u << 20)
#define CPUID_EXT_EDX_1G	(1u << 26)
#define CPUID_POWER_EDX_INVTSC	(1u << 8)

/* Without leaf 80000008h the SDM says to assume 36 physical bits. */
#define DEFAULT_PHYS_BITS	36
#define DEFAULT_VIRT_BITS	48

static struct cpu_features features;
static bool probed;

static void read_vendor(void)
{
	struct cpuid_regs r = cpuid(CPUID_VENDOR, 0);

	features.max_leaf = r.eax;
	memcpy(features.vendor, &r.ebx, 4);
	memcpy(features.vendor + 4, &r.edx, 4);
	memcpy(features.vendor + 8, &r.ecx, 4);
	features.vendor[12] = '\0';
}

/* The TSC's rate, where the CPU or the hypervisor names it. */
static void read_tsc_rate(void)
{
	struct cpuid_regs r;

	if (features.hypervisor &&
	    cpuid(CPUID_HV_MAX, 0).eax >= CPUID_HV_TIMING)
		features.tsc_hz_hypervisor =
			(uint64_t)cpuid(CPUID_HV_TIMING, 0).eax * 1000;
	if (features.max_leaf >= CPUID_TSC_CRYSTAL) {
		r = cpuid(CPUID_TSC_CRYSTAL, 0);
		/* ECX is 0 on CPUs that leave the crystal unnamed. */
		if (r.eax && r.ebx && r.ecx)
			features.tsc_hz_crystal = (uint64_t)r.ecx * r.ebx / r.eax;
	}
	if (features.max_leaf >= CPUID_FREQUENCY)
		features.base_hz =
			(uint64_t)(cpuid(CPUID_FREQUENCY, 0).eax & 0xffff) *
			1000000;
}

static void read_standard(void)
{
	struct cpuid_regs r = cpuid(CPUID_FEATURES, 0);

	features.hypervisor = r.ecx & CPUID1_ECX_HYPERVISOR;
	features.apic = r.edx & CPUID1_EDX_APIC;
	features.x2apic = r.ecx & CPUID1_ECX_X2APIC;
	features.tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;
	read_tsc_rate();
	if (features.max_leaf < CPUID_EXTENDED)
		return;
	r = cpuid(CPUID_EXTENDED, 0);
	features.smep = r.ebx & CPUID7_EBX_SMEP;
	features.smap = r.ebx & CPUID7_EBX_SMAP;
	features.umip = r.ecx & CPUID7_ECX_UMIP;
}

static void read_extended(void)
{
	struct cpuid_regs r;

	features.max_ext_leaf = cpuid(CPUID_EXT_MAX, 0).eax;
	features.phys_bits = DEFAULT_PHYS_BITS;
	features.virt_bits = DEFAULT_VIRT_BITS;
	/* The boot stub checked that 0x80000001 exists (long mode). */
	r = cpuid(CPUID_EXT_FEATURES, 0);
	features.nx = r.edx & CPUID_EXT_EDX_NX;
	features.pages_1g = r.edx & CPUID_EXT_EDX_1G;
	if (features.max_ext_leaf >= CPUID_EXT_POWER)
		features.invariant_tsc =
			cpuid(CPUID_EXT_POWER, 0).edx & CPUID_POWER_EDX_INVTSC;
	if (features.max_ext_leaf >= CPUID_EXT_ADDR_SIZES) {
		r = cpuid(CPUID_EXT_ADDR_SIZES, 0);
		features.phys_bits = r.eax & 0xff;
		features.virt_bits = (r.eax >> 8) & 0xff;
	}
}

void cpuid_probe(void)
{
	if (probed)
		return;
	read_vendor();
	read_standard();
	read_extended();
	probed = true;
}

const struct cpu_features *cpu_features(void)
{
	return &features;
}
