/*
 * arch/x86_64/vm.c - build the kernel's page tables and switch to them.
 * Intel SDM Vol. 3A, 4.5 (4-level paging), 4.6 (access rights: WP, NX,
 * SMEP, SMAP), 2.5 (CR4 bits).
 */
#include "arch/x86_64/vm.h"

#include "lib/align.h"
#include "lib/memmap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/exception.h"
#include "arch/x86_64/gdt.h"
#include "kernel/arch.h"
#include "kernel/frame.h"
#include "kernel/layout.h"
#include "kernel/memory.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"

#define CR4_UMIP (1ULL << 11)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)

static struct paging_tree kernel_tree;
static struct vm_features features;
static pte_t nx_bit;
static unsigned int phys_bits;

static paddr_t source_alloc(void *ctx)
{
	(void)ctx;
	return frame_alloc();
}

static void source_free(void *ctx, paddr_t frame)
{
	(void)ctx;
	frame_free(frame);
}

/* frame_alloc() zeroes every frame: the mapper need not again. */
static const struct paging_table_source kernel_source = {
	.alloc = source_alloc, .free = source_free, .zeroed = true,
};

/*
 * The pages of the image that stay unmapped, one below each stack. They are
 * registered with the exception code, which keeps the one list: map_section()
 * skips them, and a fault there is reported as that stack overflowing.
 */
static void register_guards(void)
{
	static const char *const ist_names[IST_COUNT] = {
		"the double-fault (IST1) stack", "the NMI (IST2) stack",
		"the machine-check (IST3) stack",
	};
	uintptr_t guard, bottom, top;

	exception_add_guard((uintptr_t)boot_stack_guard,
			    (uintptr_t)boot_stack_guard + PAGE_SIZE, "the kernel stack");
	for (int i = 0; i < IST_COUNT; i++) {
		gdt_ist_stack(i + 1, &guard, &bottom, &top);
		exception_add_guard(guard, bottom, ist_names[i]);
	}
}

static void map_or_die(vaddr_t va, paddr_t pa, enum page_size size, pte_t flags)
{
	/* The tree is not loaded yet: nothing to flush. */
	enum paging_error err = paging_ignore(paging_map(&kernel_tree, va, pa, size,
							 flags, &kernel_source));

	if (err)
		panic("cannot map %#llx to %#llx: %s", (unsigned long long)va,
		      (unsigned long long)pa, paging_error_name(err));
}

/* Map one section of the image page by page, skipping guard pages. */
static void map_section(const char *start, const char *end, pte_t flags)
{
	for (vaddr_t va = (vaddr_t)start; va < (vaddr_t)end; va += PAGE_SIZE) {
		if (!exception_guard_hit(va))
			map_or_die(va, va - KERNEL_VMA, PAGE_4K, flags);
	}
}

static void map_image(void)
{
	map_section(__text_start, __text_end, PTE_PRESENT);
	map_section(__rodata_start, __rodata_end, PTE_PRESENT | nx_bit);
	map_section(__data_start, __bss_end, PTE_PRESENT | PTE_WRITABLE | nx_bit);
}

/* The biggest page that starts at @pa and fits before @end. */
static enum page_size best_page(paddr_t pa, paddr_t end)
{
	static const enum page_size sizes[] = { PAGE_1G, PAGE_2M };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t bytes = page_size_bytes(sizes[i]);

		if (sizes[i] == PAGE_1G && !features.pages_1g)
			continue;
		if (!(pa & (bytes - 1)) && end - pa >= bytes)
			return sizes[i];
	}
	return PAGE_4K;
}

static void map_direct_range(paddr_t start, paddr_t end, pte_t flags)
{
	for (paddr_t pa = start; pa < end;) {
		enum page_size size = best_page(pa, end);

		map_or_die(PHYS_OFFSET + pa, pa, size, flags);
		pa += page_size_bytes(size);
	}
}

/*
 * The direct map covers the RAM of the memory map: usable, ACPI and kernel
 * regions (the kernel's read-only: writes to the image go through its own
 * mapping), rounded out to pages. Reserved ranges and holes stay unmapped.
 */
static void map_direct(void)
{
	size_t n;
	const struct memmap_region *r = memory_map(&n);
	paddr_t mapped_end = 0;	/* regions are sorted: all below is done */

	for (size_t i = 0; i < n; i++) {
		pte_t flags = PTE_PRESENT | nx_bit;
		paddr_t start = ALIGN_DOWN(r[i].start, PAGE_SIZE);
		paddr_t end = ALIGN_UP(r[i].end, PAGE_SIZE);

		if (r[i].type == MEMMAP_RESERVED || r[i].type == MEMMAP_BAD)
			continue;
		if (r[i].type != MEMMAP_KERNEL)
			flags |= PTE_WRITABLE;
		/* A page shared with an earlier region is mapped already. */
		if (start < mapped_end)
			start = mapped_end;
		if (end > DIRECT_MAP_MAX)
			end = DIRECT_MAP_MAX;
		if (start < end) {
			map_direct_range(start, end, flags);
			mapped_end = end;
		}
	}
}

/*
 * Every address space copies the kernel half's PML4 entries when it is made
 * (arch/x86_64/uspace.c), so a kernel mapping added later shows in all of
 * them only if its PML4 entry existed already. Give each region of
 * kernel/layout.h that grows after boot its PDPTs now; the mapper never
 * frees them (paging_free_empty_tables()). The direct map and the image are
 * complete before any address space exists.
 */
static const struct {
	vaddr_t start;
	uint64_t size;
} growing_regions[] = {
	{ HEAP_START, HEAP_MAX },
	{ THREAD_STACKS_START, THREAD_STACKS_MAX },
	{ KTEST_SCRATCH, 1ULL << 39 },
	{ DEVICE_MAP_START, DEVICE_MAP_MAX },
};

static void share_kernel_half(void)
{
	pte_t *pml4 = phys_to_virt(kernel_tree.pml4);

	for (size_t i = 0; i < ARRAY_SIZE(growing_regions); i++) {
		vaddr_t end = growing_regions[i].start + growing_regions[i].size;

		for (vaddr_t va = growing_regions[i].start; va < end;
		     va += 1ULL << PT_LEVEL_SHIFT(3)) {
			pte_t *e = &pml4[PT_INDEX(va, 3)];
			paddr_t pdpt;

			if (pte_present(*e))
				continue;
			pdpt = frame_alloc();
			if (!pdpt)
				panic("no frame for the kernel's PDPT at %#llx",
				      (unsigned long long)va);
			*e = pdpt | PTE_PRESENT | PTE_WRITABLE;
		}
	}
}

static void detect_features(void)
{
	const struct cpu_features *cpu = cpu_features();

	phys_bits = cpu->phys_bits;
	features.nx = cpu->nx;
	features.pages_1g = cpu->pages_1g;
	features.smep = cpu->smep;
	features.smap = cpu->smap;
	features.umip = cpu->umip;
	nx_bit = features.nx ? PTE_NX : 0;
}

static void enable_protections(void)
{
	uint64_t cr4 = read_cr4();

	if (features.smep)
		cr4 |= CR4_SMEP;
	if (features.smap)
		cr4 |= CR4_SMAP;
	if (features.umip)
		cr4 |= CR4_UMIP;
	write_cr4(cr4);
}

void vm_init(void)
{
	paddr_t pml4;

	detect_features();
	register_guards();
	/* Until the switch, tables are reached through the boot direct map
	 * (frame_alloc() makes sure they lie below its 4 GiB). */
	pml4 = frame_alloc();
	if (!pml4)
		panic("no frame for the kernel's PML4");
	kernel_tree = (struct paging_tree){ pml4, PHYS_OFFSET };
	map_image();
	map_direct();
	share_kernel_half();
	enable_protections();
	write_cr3(pml4);
	frame_direct_map_ready();
}

const struct paging_tree *vm_kernel_tree(void)
{
	return &kernel_tree;
}

const struct paging_table_source *vm_table_source(void)
{
	return &kernel_source;
}

pte_t vm_nx(void)
{
	return nx_bit;
}

const struct vm_features *vm_features(void)
{
	return &features;
}

static bool frame_used(void *ctx, paddr_t frame)
{
	(void)ctx;
	return pmm_is_allocated(frame_pmm(), frame);
}

static void report_violation(void *ctx, const struct paging_violation *v)
{
	(void)ctx;
	kprintf("page-table audit: %s at %#llx (level %d entry %#llx)\n",
		paging_problem_name(v->problem), (unsigned long long)v->va,
		v->level, (unsigned long long)v->entry);
}

unsigned int vm_audit(void)
{
	struct paging_audit a = {
		.maxphyaddr = phys_bits,
		.nx_enabled = features.nx,
		.check_wx = features.nx,
		.is_frame_used = frame_used,
		.report = report_violation,
	};

	return paging_audit(&kernel_tree, &a);
}
