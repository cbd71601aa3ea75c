/*
 * kernel/acpi.c - the kernel's side of lib/acpi.c: where the RSDP is, how
 * a physical range becomes readable, and the decoded tables kept for the
 * interrupt, CPU and power code (kernel/acpi.h).
 */
#include "kernel/acpi.h"

#include "lib/align.h"
#include "lib/string.h"
#include "kernel/bootinfo.h"
#include "kernel/layout.h"
#include "kernel/memory.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "kernel/vmm.h"

/* ACPI 6.5, 5.2.5.1: where a BIOS leaves the RSDP, on a 16-byte boundary. */
#define BDA_EBDA_SEGMENT	0x40e	/* real-mode segment of the EBDA */
#define EBDA_SCAN_LEN		1024
#define BIOS_AREA_START		0xe0000
#define BIOS_AREA_END		0x100000
#define RSDP_ALIGN		16

/* Device windows already mapped (tables outside the direct map). */
#define MAX_WINDOWS		16
#define DUMP_BYTES_PER_LINE	32

static struct window {
	uint64_t start, end;	/* physical, page-aligned, [start, end) */
	const uint8_t *virt;
} windows[MAX_WINDOWS];
static unsigned int window_count;

static struct acpi_tables tables;
static bool have_tables;
static const char *rsdp_source;	/* "loader", "EBDA", "BIOS area" */
static const char *missing_reason;
static struct acpi_madt madt;
static struct acpi_fadt fadt;
static struct acpi_hpet hpet;
static struct acpi_mcfg mcfg;
static bool have_madt, have_fadt, have_hpet, have_mcfg;

/* Whether [@phys, @end) lies in RAM the direct map covers: regions of the
 * memory map that are neither reserved nor bad, back to back. */
static bool direct_mapped(uint64_t phys, uint64_t end)
{
	size_t n;
	const struct memmap_region *r = memory_map(&n);

	if (end > DIRECT_MAP_MAX)
		return false;
	for (size_t i = 0; i < n && phys < end; i++) {
		if (r[i].end <= phys)
			continue;
		if (r[i].start > phys || r[i].type == MEMMAP_RESERVED ||
		    r[i].type == MEMMAP_BAD)
			return false;
		phys = r[i].end;
	}
	return phys >= end;
}

static const void *window_find(uint64_t phys, uint64_t end)
{
	for (unsigned int i = 0; i < window_count; i++) {
		if (phys >= windows[i].start && end <= windows[i].end)
			return windows[i].virt + (phys - windows[i].start);
	}
	return NULL;
}

/* acpi_io.map: the direct map where it reaches, else a device mapping
 * (firmware often keeps its tables in reserved memory, and the BIOS area
 * below 1 MiB is reserved). Mappings are kept: tables are read later. */
static const void *map_phys(void *ctx, uint64_t phys, size_t len)
{
	uint64_t end = phys + len;
	uint64_t start_page = ALIGN_DOWN(phys, PAGE_SIZE);
	const uint8_t *v;

	(void)ctx;
	if (end < phys)
		return NULL;
	if (direct_mapped(phys, end))
		return phys_to_virt(phys);
	v = window_find(phys, end);
	if (v)
		return v;
	v = vmm_map_device(start_page, ALIGN_UP(end, PAGE_SIZE) - start_page, 0);
	if (!v)
		return NULL;
	if (window_count < MAX_WINDOWS)
		windows[window_count++] = (struct window){
			start_page, ALIGN_UP(end, PAGE_SIZE), v };
	return v + (phys - start_page);
}

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	kprintf("%s\n", msg);
}

static const struct acpi_io kernel_io = { map_phys, report, NULL };

/* A quiet copy for the RSDP scan: most candidates are not one. */
static const struct acpi_io quiet_io = { map_phys, NULL, NULL };

/* The first good RSDP on a 16-byte boundary in [@start, @end); *@room
 * receives how many bytes can be read there. */
static const uint8_t *scan_for_rsdp(uint64_t start, uint64_t end, size_t *room)
{
	const uint8_t *p = map_phys(NULL, start, end - start);

	if (!p)
		return NULL;
	for (uint64_t off = 0; off + ACPI_RSDP_V1_LEN <= end - start;
	     off += RSDP_ALIGN) {
		*room = (size_t)(end - start - off);
		if (acpi_rsdp_check(p + off, *room, &quiet_io) == 0)
			return p + off;
	}
	return NULL;
}

/* The RSDP and how many bytes of it can be read; NULL when none. */
static const void *find_rsdp(const struct boot_info *info, size_t *size)
{
	const uint16_t *ebda_seg;
	const uint8_t *p = NULL;
	uint64_t ebda;

	if (info->rsdp) {
		rsdp_source = "the loader";
		*size = info->rsdp_size;
		return info->rsdp;
	}
	/* Only a PC BIOS keeps it there; under UEFI only the loader's copy
	 * (from the EFI system table) is to be trusted. */
	if (info->efi) {
		missing_reason = "UEFI, and the loader passed no RSDP";
		return NULL;
	}
	ebda_seg = map_phys(NULL, BDA_EBDA_SEGMENT, sizeof(*ebda_seg));
	ebda = ebda_seg ? (uint64_t)*ebda_seg << 4 : 0;
	if (ebda >= 0x400 && ebda < BIOS_AREA_START) {
		p = scan_for_rsdp(ebda, ebda + EBDA_SCAN_LEN, size);
		rsdp_source = "the EBDA";
	}
	if (!p) {
		p = scan_for_rsdp(BIOS_AREA_START, BIOS_AREA_END, size);
		rsdp_source = "the BIOS area";
	}
	if (!p) {
		missing_reason = "no RSDP from the loader, the EBDA or 0xE0000-0xFFFFF";
		return NULL;
	}
	return p;
}

/* acpi=dump: each table in hex, for scripts/acpi-fixtures.py. */
static void dump_bytes(const char *what, uint64_t phys, const uint8_t *p,
		       size_t len)
{
	kprintf("acpi-dump: %s %#llx %zu\n", what, (unsigned long long)phys, len);
	for (size_t off = 0; off < len; off += DUMP_BYTES_PER_LINE) {
		kprintf("acpi-dump: ");
		for (size_t i = off; i < len && i < off + DUMP_BYTES_PER_LINE; i++)
			kprintf("%02x", p[i]);
		kprintf("\n");
	}
}

/* The RSDP (revision 2: its 36 bytes), the root table, then every table
 * kept; the RSDP's address is 0 when it is the loader's copy. */
static void dump_tables(const void *rsdp)
{
	const uint8_t *r = rsdp;
	const uint8_t *root = map_phys(NULL, tables.root_phys, ACPI_HEADER_LEN);
	uint32_t root_len = root ? root[4] | root[5] << 8 | root[6] << 16 |
				   (uint32_t)root[7] << 24 : 0;

	dump_bytes("RSDP", 0, r, r[15] >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN);
	root = map_phys(NULL, tables.root_phys, root_len);
	if (root)
		dump_bytes(tables.xsdt ? "XSDT" : "RSDT", tables.root_phys, root,
			   root_len);
	for (unsigned int i = 0; i < tables.count; i++)
		dump_bytes(tables.tables[i].sig, tables.tables[i].phys,
			   tables.tables[i].data, tables.tables[i].length);
	kprintf("acpi-dump: end\n");
}

static void decode_tables(void)
{
	const struct acpi_table *t;

	t = acpi_find(&tables, "APIC", 0);
	have_madt = t && acpi_parse_madt(t, &kernel_io, &madt) == 0;
	t = acpi_find(&tables, "FACP", 0);
	have_fadt = t && acpi_parse_fadt(t, &kernel_io, &fadt) == 0;
	t = acpi_find(&tables, "HPET", 0);
	have_hpet = t && acpi_parse_hpet(t, &kernel_io, &hpet) == 0;
	t = acpi_find(&tables, "MCFG", 0);
	have_mcfg = t && acpi_parse_mcfg(t, &kernel_io, &mcfg) == 0;
}

void acpi_init(const struct boot_info *info)
{
	const char *opt = options_text("acpi");
	const void *rsdp;
	size_t size = 0;

	if (opt && strcmp(opt, "off") == 0) {
		missing_reason = "acpi=off";
		return;
	}
	rsdp = find_rsdp(info, &size);
	if (!rsdp)
		return;
	if (acpi_scan(rsdp, size, &kernel_io, &tables)) {
		missing_reason = "the RSDP or its root table is unusable (see above)";
		return;
	}
	have_tables = true;
	decode_tables();
	if (opt && strcmp(opt, "dump") == 0)
		dump_tables(rsdp);
}

const struct acpi_madt *acpi_madt(void)
{
	return have_madt ? &madt : NULL;
}

const struct acpi_fadt *acpi_fadt(void)
{
	return have_fadt ? &fadt : NULL;
}

const struct acpi_hpet *acpi_hpet(void)
{
	return have_hpet ? &hpet : NULL;
}

const struct acpi_mcfg *acpi_mcfg(void)
{
	return have_mcfg ? &mcfg : NULL;
}

const struct acpi_tables *acpi_tables(void)
{
	return have_tables ? &tables : NULL;
}

const char *acpi_rsdp_source(void)
{
	return rsdp_source;
}

const char *acpi_missing_reason(void)
{
	return missing_reason ? missing_reason : "not looked for";
}
