/*
 * arch/x86_64/gdt.c - build and load Keel's GDT and TSS, one of each per
 * CPU: a TSS holds one CPU's RSP0 and IST stacks, and loading it marks its
 * descriptor busy, so no two CPUs can share one (SDM Vol. 3A, 7.2.2).
 */
#include "arch/x86_64/gdt.h"

#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "kernel/percpu.h"

/* 160 bytes a CPU, so kept for every possible CPU in .bss (10 KiB); the
 * stacks, 40 KiB a CPU, come from the frame allocator instead
 * (arch/x86_64/cpu_stacks.c). */
static uint64_t gdts[MAX_CPUS][GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss tsses[MAX_CPUS] __attribute__((aligned(16)));

/* IST stacks, each with a page below it that the kernel's page tables leave
 * unmapped (arch/x86_64/vm.c), so an overflow faults. */
#define IST_GUARD_SIZE 4096
static uint8_t ist_stacks[IST_COUNT][IST_GUARD_SIZE + IST_STACK_SIZE]
	__attribute__((aligned(4096)));

uint64_t gdt_segment(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	uint64_t d = 0;

	d |= (uint64_t)(limit & 0xffff);
	d |= (uint64_t)(base & 0xffffff) << 16;
	d |= (uint64_t)access << 40;
	d |= (uint64_t)((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)(flags & 0xf) << 52;
	d |= (uint64_t)((base >> 24) & 0xff) << 56;
	return d;
}

void gdt_tss_descriptor(uint64_t base, uint32_t limit, uint64_t out[2])
{
	out[0] = gdt_segment((uint32_t)base, limit,
			     GDT_ACCESS_PRESENT | GDT_ACCESS_TSS_AVAIL, 0);
	out[1] = base >> 32;	/* bits 63:32 of the base; the rest reserved */
}

#define SEG (GDT_ACCESS_PRESENT | GDT_ACCESS_SEGMENT | GDT_ACCESS_RW | \
	     GDT_ACCESS_ACCESSED)

/* The segments in GDT order; the TSS follows in the last two slots. */
static const struct {
	uint16_t selector;
	uint8_t access;
	uint8_t flags;
} segments[] = {
	{ GDT_KERNEL_CODE, SEG | GDT_ACCESS_CODE,
		GDT_FLAG_GRANULARITY | GDT_FLAG_LONG },
	{ GDT_KERNEL_DATA, SEG, GDT_FLAG_GRANULARITY | GDT_FLAG_DB32 },
	{ GDT_USER_DATA, SEG | GDT_ACCESS_DPL3,
		GDT_FLAG_GRANULARITY | GDT_FLAG_DB32 },
	{ GDT_USER_CODE, SEG | GDT_ACCESS_DPL3 | GDT_ACCESS_CODE,
		GDT_FLAG_GRANULARITY | GDT_FLAG_LONG },
};
#undef SEG

static void setup_tss(struct tss *tss, const uint64_t ist_top[IST_COUNT])
{
	memset(tss, 0, sizeof(*tss));
	for (int i = 0; i < IST_COUNT; i++)
		tss->ist[i] = ist_top[i];
	tss->iomap_base = sizeof(*tss);
}

/* Build CPU @index's GDT and TSS and load them on this CPU. */
static void load_cpu_tables(unsigned int index,
			    const uint64_t ist_top[IST_COUNT])
{
	uint64_t *gdt = gdts[index];
	struct tss *tss = &tsses[index];

	gdt[0] = 0;
	for (size_t i = 0; i < sizeof(segments) / sizeof(segments[0]); i++)
		gdt[segments[i].selector >> 3] = gdt_segment(0, 0xfffff,
			segments[i].access, segments[i].flags);
	setup_tss(tss, ist_top);
	gdt_tss_descriptor((uint64_t)(uintptr_t)tss, sizeof(*tss) - 1,
			   &gdt[GDT_TSS >> 3]);

	lgdt(gdt, GDT_ENTRIES * sizeof(uint64_t) - 1);
	reload_segments(GDT_KERNEL_CODE, GDT_KERNEL_DATA);
	ltr(GDT_TSS);
}

void gdt_init(void)
{
	uint64_t ist_top[IST_COUNT];

	for (int i = 0; i < IST_COUNT; i++)
		ist_top[i] = (uint64_t)(uintptr_t)(ist_stacks[i] +
			     IST_GUARD_SIZE + IST_STACK_SIZE);
	load_cpu_tables(0, ist_top);
}

void gdt_init_ap(unsigned int index, const uint64_t ist_top[IST_COUNT])
{
	load_cpu_tables(index, ist_top);
}

void gdt_set_kernel_stack(uint64_t rsp0)
{
	tsses[this_cpu_index()].rsp[0] = rsp0;
}

uint64_t gdt_kernel_stack(void)
{
	return tsses[this_cpu_index()].rsp[0];
}

void gdt_ist_stack(int ist, uintptr_t *guard, uintptr_t *bottom, uintptr_t *top)
{
	*guard = (uintptr_t)ist_stacks[ist - 1];
	*bottom = *guard + IST_GUARD_SIZE;
	*top = *bottom + IST_STACK_SIZE;
}

const uint64_t *gdt_table(void)
{
	return gdts[this_cpu_index()];
}
