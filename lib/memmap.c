/*
 * lib/memmap.c - memory map parsing and normalization; see lib/memmap.h.
 * Tag layouts: Multiboot2 spec 2.0 §3.6 ("Memory map", "EFI memory map");
 * descriptor layout and types: UEFI 2.10 §7.2, EFI_MEMORY_DESCRIPTOR.
 */
#include "lib/memmap.h"

#include <stdbool.h>

#include "lib/errno.h"

/*
 * Both tags share one header, then an array of fixed-stride entries:
 *
 *   u32 type        6 (memory map) or 17 (EFI memory map)
 *   u32 size        whole tag, header included, padding excluded
 *   u32 entry_size  stride; newer loaders may append fields
 *   u32 version
 *   entries ...
 */
#define MB2_TAG_MMAP		6
#define MB2_TAG_EFI_MMAP	17
#define MB2_TAG_HEADER_SIZE	16

/* Multiboot2 entry: u64 base_addr, u64 length, u32 type, u32 reserved. */
#define MB2_ENTRY_MIN_SIZE	24

/* EFI_MEMORY_DESCRIPTOR: u32 Type, u32 padding, u64 PhysicalStart,
 * u64 VirtualStart, u64 NumberOfPages, u64 Attribute. */
#define EFI_DESC_MIN_SIZE	40
#define EFI_PAGE_SIZE		4096ULL

/* Little-endian loads; the tag may sit at any alignment. */
static uint32_t load_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_u64(const uint8_t *p)
{
	return (uint64_t)load_u32(p) | (uint64_t)load_u32(p + 4) << 32;
}

enum memmap_type memmap_type_from_mb2(uint32_t mb2_type)
{
	switch (mb2_type) {
	case 1: return MEMMAP_USABLE;
	case 3: return MEMMAP_ACPI_RECLAIMABLE;
	case 4: return MEMMAP_ACPI_NVS;
	case 5: return MEMMAP_BAD;
	default: return MEMMAP_RESERVED;
	}
}

/* UEFI 2.10 §7.2, "Memory Type Usage after ExitBootServices()". */
enum memmap_type memmap_type_from_efi(uint32_t efi_type)
{
	switch (efi_type) {
	case 1:		/* EfiLoaderCode */
	case 2:		/* EfiLoaderData */
	case 3:		/* EfiBootServicesCode */
	case 4:		/* EfiBootServicesData */
	case 7:		/* EfiConventionalMemory */
		return MEMMAP_USABLE;
	case 8:		/* EfiUnusableMemory: errors were detected */
		return MEMMAP_BAD;
	case 9:		/* EfiACPIReclaimMemory */
		return MEMMAP_ACPI_RECLAIMABLE;
	case 10:	/* EfiACPIMemoryNVS */
		return MEMMAP_ACPI_NVS;
	default:	/* runtime services, MMIO, PAL, persistent, ... */
		return MEMMAP_RESERVED;
	}
}

static const char *const type_names[MEMMAP_NR_TYPES] = {
	[MEMMAP_USABLE] = "usable",
	[MEMMAP_ACPI_RECLAIMABLE] = "ACPI reclaimable",
	[MEMMAP_KERNEL] = "kernel",
	[MEMMAP_ACPI_NVS] = "ACPI NVS",
	[MEMMAP_BAD] = "bad",
	[MEMMAP_RESERVED] = "reserved",
};

const char *memmap_type_name(enum memmap_type type)
{
	if ((unsigned int)type >= MEMMAP_NR_TYPES)
		return "unknown";
	return type_names[type];
}

/* A validated run of fixed-stride entries inside a tag. */
struct entry_table {
	const uint8_t *first;
	size_t stride;
	size_t count;
};

/* Check a tag's header and that its entries fit exactly inside it. */
static int read_table(const void *tag, size_t avail, uint32_t want_type,
		      size_t min_stride, struct entry_table *t)
{
	const uint8_t *p = tag;
	uint32_t size;
	size_t body;

	if (!p)
		return -EINVAL;
	if (avail < MB2_TAG_HEADER_SIZE || load_u32(p) != want_type)
		return -EBADMSG;
	size = load_u32(p + 4);
	t->stride = load_u32(p + 8);
	if (size < MB2_TAG_HEADER_SIZE || size > avail ||
	    t->stride < min_stride)
		return -EBADMSG;
	body = size - MB2_TAG_HEADER_SIZE;
	/* A partial entry means a truncated or corrupt tag. */
	if (body % t->stride != 0)
		return -EBADMSG;
	t->first = p + MB2_TAG_HEADER_SIZE;
	t->count = body / t->stride;
	return 0;
}

static struct memmap_entry decode_mb2(const uint8_t *e)
{
	return (struct memmap_entry){
		.base = load_u64(e),
		.length = load_u64(e + 8),
		.type = memmap_type_from_mb2(load_u32(e + 16)),
	};
}

static struct memmap_entry decode_efi(const uint8_t *e)
{
	uint64_t pages = load_u64(e + 24);
	/* Saturate: normalization clips to the address width anyway. */
	uint64_t length = pages > UINT64_MAX / EFI_PAGE_SIZE ?
			  UINT64_MAX : pages * EFI_PAGE_SIZE;

	return (struct memmap_entry){
		.base = load_u64(e + 8),
		.length = length,
		.type = memmap_type_from_efi(load_u32(e)),
	};
}

static int parse_tag(const void *tag, size_t avail, uint32_t want_type,
		     size_t min_stride,
		     struct memmap_entry (*decode)(const uint8_t *),
		     struct memmap_entry *out, size_t cap, size_t *count)
{
	struct entry_table t;
	int err;

	*count = 0;
	err = read_table(tag, avail, want_type, min_stride, &t);
	if (err)
		return err;
	*count = t.count;
	if (t.count > cap)
		return -ENOSPC;
	for (size_t i = 0; i < t.count; i++)
		out[i] = decode(t.first + i * t.stride);
	return 0;
}

int memmap_parse_mb2(const void *tag, size_t avail,
		     struct memmap_entry *out, size_t cap, size_t *count)
{
	return parse_tag(tag, avail, MB2_TAG_MMAP, MB2_ENTRY_MIN_SIZE,
			 decode_mb2, out, cap, count);
}

int memmap_parse_mb2_efi(const void *tag, size_t avail,
			 struct memmap_entry *out, size_t cap, size_t *count)
{
	return parse_tag(tag, avail, MB2_TAG_EFI_MMAP, EFI_DESC_MIN_SIZE,
			 decode_efi, out, cap, count);
}

/* --- Normalization ---------------------------------------------------- */

/* An input already clipped to [0, limit); limit = 2^phys_bits. */
struct span {
	uint64_t start;
	uint64_t end;
	enum memmap_type type;
};

static enum memmap_type sane_type(enum memmap_type type)
{
	return (unsigned int)type < MEMMAP_NR_TYPES ? type : MEMMAP_RESERVED;
}

/* Input @i: firmware entries first, then claimed ranges. Returns false
 * when the input is empty or lies wholly above the limit. */
static bool input_span(const struct memmap_input *in, size_t i,
		       uint64_t limit, struct span *s)
{
	if (i < in->nr_entries) {
		const struct memmap_entry *e = &in->entries[i];

		if (e->base >= limit)
			return false;
		s->start = e->base;
		/* Compare lengths: base + length may wrap past 2^64. */
		s->end = e->length > limit - e->base ? limit
						     : e->base + e->length;
		s->type = sane_type(e->type);
	} else {
		const struct memmap_range *r = &in->claimed[i - in->nr_entries];

		s->start = r->start;
		s->end = r->end < limit ? r->end : limit;
		s->type = MEMMAP_KERNEL;
	}
	return s->start < s->end;
}

/* What the inputs say at address x, and where that may next change. */
struct probe {
	bool covered;
	enum memmap_type type;	/* most restrictive input covering x */
	uint64_t next;		/* least input boundary above x, or limit */
};

static struct probe probe_at(const struct memmap_input *in, uint64_t limit,
			     uint64_t x)
{
	struct probe p = { .covered = false, .type = MEMMAP_USABLE,
			   .next = limit };
	size_t n = in->nr_entries + in->nr_claimed;
	struct span s;

	for (size_t i = 0; i < n; i++) {
		if (!input_span(in, i, limit, &s))
			continue;
		if (s.start > x && s.start < p.next)
			p.next = s.start;
		if (s.end > x && s.end < p.next)
			p.next = s.end;
		if (s.start <= x && x < s.end) {
			if (!p.covered || s.type > p.type)
				p.type = s.type;
			p.covered = true;
		}
	}
	return p;
}

/* Collects regions; the last one stays open in @run so that touching
 * pieces of one type can still merge into it. */
struct emitter {
	struct memmap_region *out;
	size_t cap;
	size_t count;		/* regions finished, even those past cap */
	struct memmap_region run;	/* open region; empty if start == end */
};

static uint64_t page_down(uint64_t x)
{
	return x & ~(MEMMAP_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t x)
{
	return page_down(x + MEMMAP_PAGE_SIZE - 1);
}

static void finish_run(struct emitter *em)
{
	struct memmap_region r = em->run;

	if (r.type == MEMMAP_USABLE) {
		r.start = page_up(r.start);
		/* Frame 0: real-mode IVT and BDA, and a physical address
		 * that would look like NULL to the frame allocator. */
		if (r.start < MEMMAP_PAGE_SIZE)
			r.start = MEMMAP_PAGE_SIZE;
		r.end = page_down(r.end);
	}
	if (r.start >= r.end)
		return;
	if (em->count < em->cap)
		em->out[em->count] = r;
	em->count++;
}

static void emit(struct emitter *em, uint64_t start, uint64_t end,
		 enum memmap_type type)
{
	if (em->run.start < em->run.end && em->run.end == start &&
	    em->run.type == type) {
		em->run.end = end;
		return;
	}
	finish_run(em);
	em->run = (struct memmap_region){ start, end, type };
}

static bool input_valid(const struct memmap_input *in)
{
	return in && in->phys_bits >= MEMMAP_MIN_PHYS_BITS &&
	       in->phys_bits <= MEMMAP_MAX_PHYS_BITS &&
	       (in->entries || in->nr_entries == 0) &&
	       (in->claimed || in->nr_claimed == 0);
}

/*
 * Sweep upward from 0, one elementary interval at a time: between two
 * consecutive input boundaries the set of covering inputs is constant,
 * so one probe gives the interval's type. Each probe scans every input,
 * and the sweep stops at most 2n + 1 times: O(n^2), without sorting or
 * scratch space.
 */
int memmap_normalize(const struct memmap_input *in,
		     struct memmap_region *out, size_t cap, size_t *count)
{
	struct emitter em = { .out = out, .cap = cap };
	uint64_t limit;
	struct probe p;

	*count = 0;
	if (!input_valid(in) || (!out && cap != 0))
		return -EINVAL;
	limit = 1ULL << in->phys_bits;
	for (uint64_t x = 0; x < limit; x = p.next) {
		p = probe_at(in, limit, x);
		if (p.covered)
			emit(&em, x, p.next, p.type);
	}
	finish_run(&em);
	*count = em.count;
	return em.count > cap ? -ENOSPC : 0;
}

uint64_t memmap_total_bytes(const struct memmap_region *regions, size_t n,
			    enum memmap_type type)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		if (regions[i].type == type)
			total += regions[i].end - regions[i].start;
	}
	return total;
}
