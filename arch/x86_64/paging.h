/*
 * arch/x86_64/paging.h - 4-level x86_64 page tables: entry layout, a mapper
 * that edits a tree of tables through a physical-to-virtual offset, and an
 * auditor that checks a tree (Intel SDM Vol. 3A §4.5, tables 4-14 to 4-20).
 *
 * Virtual address (48 bits, sign-extended to 64):
 *
 *   63     48 47    39 38    30 29    21 20    12 11         0
 *  +---------+--------+--------+--------+--------+------------+
 *  | sign    | PML4   | PDPT   | PD     | PT     | offset     |
 *  | ext.    | lvl 3  | lvl 2  | lvl 1  | lvl 0  |            |
 *  +---------+--------+--------+--------+--------+------------+
 *
 * Entry (pte_t, at every level):
 *
 *   63  62    52 51          12 11  9 8 7 6 5 4 3 2 1 0
 *  +--+--------+---------------+-----+-+-+-+-+-+-+-+-+-+
 *  |NX| unused | frame address | ign |G|S|D|A|C|T|U|W|P|
 *  +--+--------+---------------+-----+-+-+-+-+-+-+-+-+-+
 *
 * S is PS (a 2 MiB leaf at level 1, 1 GiB at level 2; reserved at level 3;
 * PAT at level 0). C is PCD, T is PWT. Bits 52..62 are ignored by the CPU
 * (59..62 are protection keys under CR4.PKE); Keel uses none of them and
 * keeps them zero.
 *
 * The calls: paging_map(), paging_unmap() and paging_protect() work on one
 * page of 4 KiB, 2 MiB or 1 GiB; paging_map_range() and paging_unmap_range()
 * on a page_range; paging_translate() reads; paging_free_empty_tables()
 * gives back tables that map nothing; paging_audit() checks a whole tree.
 *
 * Results and the TLB. Every call that changes an entry returns a struct
 * paging_result marked __must_check that doubles as a flush token: the
 * caller hands it to paging_flush() (invlpg on this CPU) or paging_ignore()
 * (tables not loaded, or a CR3 load follows). Both give back the error, so
 * the usual shape is
 *
 *	err = paging_flush(paging_map(&tree, page, frame, PAGE_4K,
 *				      PTE_PRESENT | PTE_WRITABLE, &src));
 *	if (err != PAGING_OK)
 *		return err;
 *
 * and a result dropped on the floor is a build error under -Werror. On an
 * error nothing changed (ranges: see struct paging_result) and flushing
 * does nothing. Other CPUs are not told; there is only one for now.
 *
 * The mapper keeps no state and takes no lock: the caller serialises
 * changes to one tree.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/types.h"

typedef uint64_t pte_t;

#define PTE_PRESENT	(1ULL << 0)
#define PTE_WRITABLE	(1ULL << 1)
#define PTE_USER	(1ULL << 2)
#define PTE_PWT		(1ULL << 3)	/* write-through */
#define PTE_PCD		(1ULL << 4)	/* cache disable */
#define PTE_ACCESSED	(1ULL << 5)
#define PTE_DIRTY	(1ULL << 6)	/* leaves only */
#define PTE_HUGE	(1ULL << 7)	/* PS: 2 MiB at level 1, 1 GiB at level 2 */
#define PTE_PAT		(1ULL << 7)	/* the same bit in a level-0 entry */
#define PTE_GLOBAL	(1ULL << 8)	/* leaves only; needs CR4.PGE */
#define PTE_NX		(1ULL << 63)	/* needs EFER.NXE, else reserved */
#define PTE_ADDR_MASK	0x000ffffffffff000ULL	/* bits 12..51 */

/* Bits 52..62: ignored by the CPU, kept zero by Keel (the auditor checks). */
#define PTE_UNUSED_HIGH_MASK	0x7ff0000000000000ULL

/* The flags a caller may ask for in a leaf, and in the tables above it. */
#define PTE_LEAF_FLAGS_MASK                                                  \
	(PTE_PRESENT | PTE_WRITABLE | PTE_USER | PTE_PWT | PTE_PCD |         \
	 PTE_ACCESSED | PTE_DIRTY | PTE_GLOBAL | PTE_NX)
#define PTE_TABLE_FLAGS_MASK	(PTE_PRESENT | PTE_WRITABLE | PTE_USER)

/* Level 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT. */
#define PT_LEVELS	4
#define PT_ENTRIES	512
#define PT_LEVEL_SHIFT(level)	(PAGE_SHIFT + 9 * (level))
#define PT_INDEX(va, level)	(((va) >> PT_LEVEL_SHIFT(level)) & 0x1ff)

static inline paddr_t pte_addr(pte_t e)
{
	return e & PTE_ADDR_MASK;
}

static inline bool pte_present(pte_t e)
{
	return e & PTE_PRESENT;
}

/* Address bits at or above a CPU's MAXPHYADDR (CPUID 0x80000008 EAX[7:0]). */
static inline uint64_t pte_addr_reserved_mask(unsigned int maxphyaddr)
{
	if (maxphyaddr >= 52)
		return 0;
	return PTE_ADDR_MASK & ~((1ULL << maxphyaddr) - 1);
}

/* Bits 13 up to the page size of a huge leaf at level 1 or 2: reserved
 * (bit 12 is that leaf's PAT bit). */
static inline uint64_t pte_huge_reserved_mask(int level)
{
	return ((1ULL << PT_LEVEL_SHIFT(level)) - 1) & ~0x1fffULL;
}

/* 48-bit canonical: bits 47..63 all equal. */
static inline bool vaddr_is_canonical(vaddr_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

/* The page sizes; each value is the level that holds such a leaf. */
enum page_size {
	PAGE_4K = 0,
	PAGE_2M = 1,
	PAGE_1G = 2,
};

static inline uint64_t page_size_bytes(enum page_size size)
{
	return 1ULL << PT_LEVEL_SHIFT((int)size);
}

/*
 * A half-open range of virtual pages [start, end), both page-aligned.
 * end is taken modulo 2^64, so a range that ends at the top of the address
 * space has end == 0; count and walk it with page_range_pages() and
 * page_range_page(), which never compare against end and so cannot
 * overflow. start == end is the empty range.
 */
struct page_range {
	vaddr_t start;
	vaddr_t end;
};

/* The range of @pages 4 KiB pages from @start (pages < 2^52). */
static inline struct page_range page_range_of(vaddr_t start, uint64_t pages)
{
	return (struct page_range){ start, start + (pages << PAGE_SHIFT) };
}

static inline uint64_t page_range_pages(struct page_range r)
{
	return (r.end - r.start) >> PAGE_SHIFT;
}

static inline bool page_range_is_empty(struct page_range r)
{
	return r.start == r.end;
}

/* The @i-th 4 KiB page of @r (i < page_range_pages(r)). */
static inline vaddr_t page_range_page(struct page_range r, uint64_t i)
{
	return r.start + (i << PAGE_SHIFT);
}

static inline bool page_range_contains(struct page_range r, vaddr_t va)
{
	return va - r.start < r.end - r.start;
}

/*
 * A tree of page tables, reached through a linear map of physical memory:
 * the table at physical address p is read and written at p + phys_offset
 * (the direct map in the kernel; a buffer's address in host tests).
 */
struct paging_tree {
	paddr_t pml4;
	uintptr_t phys_offset;
};

/*
 * Where new page tables come from. alloc returns a 4 KiB-aligned frame, not
 * necessarily zeroed (the mapper zeroes it unless @zeroed says alloc has),
 * or 0 when there is none (frame 0 is never handed out). free, which may be
 * NULL, takes back a frame alloc gave: the mapper calls it for tables it
 * allocated but could not use, and for page tables that
 * paging_free_empty_tables() releases.
 */
struct paging_table_source {
	paddr_t (*alloc)(void *ctx);
	void *ctx;
	void (*free)(void *ctx, paddr_t frame);
	bool zeroed;	/* every frame alloc returns is all zeros */
};

/* Why a call failed: one value per kind of failure. */
enum paging_error {
	PAGING_OK = 0,
	PAGING_FRAME_ALLOCATION_FAILED,	/* no frame for a missing page table */
	PAGING_PAGE_ALREADY_MAPPED,	/* .frame is the frame it maps */
	PAGING_PARENT_ENTRY_HUGE_PAGE,	/* a bigger page already covers it */
	PAGING_ENTRY_IS_TABLE,		/* a page table sits where a huge page would */
	PAGING_PAGE_NOT_MAPPED,
	PAGING_PAGE_NOT_ALIGNED,	/* to the page size asked for */
	PAGING_FRAME_NOT_ALIGNED,
	PAGING_FRAME_OUT_OF_RANGE,	/* beyond the 52-bit physical space */
	PAGING_ADDRESS_NOT_CANONICAL,
	PAGING_INVALID_FLAGS,		/* not PRESENT, or outside the masks above */
	PAGING_INVALID_RANGE,		/* end below start, or across the hole */
};

/* A short constant name for @err, e.g. "page already mapped". */
const char *paging_error_name(enum paging_error err);

/*
 * What a change did, and the token to flush it with; every call below that
 * edits entries returns one.
 *   err    PAGING_OK or why nothing (see flush) changed.
 *   size   the page size the call worked in.
 *   flush  the pages whose entries changed and may sit in a TLB, in steps
 *          of size: on success the page or range asked for; on an error
 *          empty, except for a range whose pages were mapped and then taken
 *          back while undoing.
 *   page   the page asked for; for a range, the page that failed (its start
 *          if the range itself is bad), or the first page on success.
 *   frame  the frame now mapped at page (paging_map: the one asked for;
 *          paging_map_range: the first), the frame that was mapped there
 *          (paging_unmap, paging_protect; 0 from paging_unmap_range), or,
 *          with PAGE_ALREADY_MAPPED or PARENT_ENTRY_HUGE_PAGE, the frame of
 *          the mapping in the way.
 */
struct paging_result {
	enum paging_error err;
	enum page_size size;
	struct page_range flush;
	vaddr_t page;
	paddr_t frame;
};

/* Invalidate every page of r.flush on this CPU (one invlpg per page of
 * r.size); return r.err. */
enum paging_error paging_flush(struct paging_result r) __must_check;

/* Drop the token without flushing (the tree is not loaded, or a CR3 load
 * follows); return r.err. */
enum paging_error paging_ignore(struct paging_result r) __must_check;

/*
 * Map the page of @size (PAGE_4K, PAGE_2M or PAGE_1G) at @page to @frame,
 * both aligned to it, with leaf @flags (must include PTE_PRESENT; any of
 * PTE_LEAF_FLAGS_MASK). Missing tables come from @src (may be NULL: then
 * only existing tables are used) and are zeroed here. Every table entry on
 * the path, new or existing, gains flags & PTE_TABLE_FLAGS_MASK, so a USER
 * or WRITABLE page is reachable as such; NX, PCD, PWT and GLOBAL are never
 * copied up. On any error the tree is unchanged.
 */
struct paging_result paging_map(const struct paging_tree *t, vaddr_t page,
				paddr_t frame, enum page_size size, pte_t flags,
				const struct paging_table_source *src)
	__must_check;

/*
 * Remove the leaf of @size at @page; .frame is the frame it mapped. The
 * tables above stay (see paging_free_empty_tables()).
 */
struct paging_result paging_unmap(const struct paging_tree *t, vaddr_t page,
				  enum page_size size) __must_check;

/*
 * Replace the flags of the leaf of @size at @page (same rules as
 * paging_map()), keeping its frame; the table entries above gain
 * flags & PTE_TABLE_FLAGS_MASK, so a page made USER is reachable as USER.
 */
struct paging_result paging_protect(const struct paging_tree *t, vaddr_t page,
				    enum page_size size, pte_t flags)
	__must_check;

/* What paging_translate() found for one address. */
struct paging_translation {
	enum paging_error err;	/* OK, PAGE_NOT_MAPPED or ADDRESS_NOT_CANONICAL */
	paddr_t phys;		/* the byte @va reaches, offset included */
	enum page_size size;	/* of the leaf that maps it */
	pte_t flags;		/* that leaf's bits outside PTE_ADDR_MASK */
};

/* Walk the tree for @va, stopping at a huge leaf at level 2 or 1. Reads
 * only; ancestors' flags are not folded in. */
struct paging_translation paging_translate(const struct paging_tree *t,
					   vaddr_t va);

/*
 * Map the pages of @pages, in steps of @size, to the frames from @frame on,
 * with paging_map() rules. start and end must be aligned to @size. All or
 * nothing as far as leaves go: on an error the pages mapped so far are
 * unmapped again (and named in .flush), but the tables created for them
 * stay, and so do flags granted to table entries.
 */
struct paging_result paging_map_range(const struct paging_tree *t,
				      struct page_range pages, paddr_t frame,
				      enum page_size size, pte_t flags,
				      const struct paging_table_source *src)
	__must_check;

/*
 * Unmap every page of @pages, each of which must be mapped as a page of
 * @size. All or nothing: the whole range is checked before the first
 * entry is cleared.
 */
struct paging_result paging_unmap_range(const struct paging_tree *t,
					struct page_range pages,
					enum page_size size) __must_check;

/*
 * Detach and give back to @src->free every page table below the PML4 that
 * maps nothing and serves an address of @pages (a table's entry in its
 * parent is cleared first, emptied parents follow). A freed table may still
 * sit in this CPU's paging-structure caches, so this flushes them (invlpg)
 * before it frees anything: call it only on the loaded tree, or on one no
 * CPU has loaded. The tables that PML4 entries of the kernel half (bit 63
 * set) point to are never freed: every address space shares them
 * (arch/x86_64/uspace.c copies those entries). Returns the number freed;
 * none if @src->free is NULL or @pages is empty or invalid.
 */
unsigned int paging_free_empty_tables(const struct paging_tree *t,
				      struct page_range pages,
				      const struct paging_table_source *src);

/* --- Auditor ------------------------------------------------------------ */

enum paging_problem {
	PAGING_ANCESTOR_NOT_USER,	/* USER leaf under a non-USER table */
	PAGING_ANCESTOR_NOT_WRITABLE,	/* WRITABLE leaf under a read-only table */
	PAGING_KERNEL_WRITABLE_EXEC,	/* kernel leaf, writable and not NX */
	PAGING_HUGE_IN_PML4,		/* PS set in a level-3 entry */
	PAGING_UNUSED_BITS_SET,		/* bits 52..62 */
	PAGING_NX_WITHOUT_NXE,		/* NX set but the CPU has it reserved */
	PAGING_ADDRESS_ABOVE_MAXPHYADDR,
	PAGING_HUGE_ADDRESS_RESERVED,	/* huge leaf: bits 13.. below its size */
	PAGING_TABLE_FRAME_FREE,	/* a table in a frame the allocator calls free */
};

/* A short constant description of @p, e.g. "page table in a free frame". */
const char *paging_problem_name(enum paging_problem p);

struct paging_violation {
	vaddr_t va;		/* first address the entry covers */
	int level;		/* of the entry (3 = PML4); 4: the PML4 itself */
	pte_t entry;
	enum paging_problem problem;
};

struct paging_audit {
	unsigned int maxphyaddr;	/* physical address bits of the CPU */
	bool nx_enabled;		/* EFER.NXE: else bit 63 is reserved */
	bool check_wx;			/* report W+X kernel leaves (needs nx_enabled) */
	/* May be NULL. Whether the frame allocator has @frame marked in use. */
	bool (*is_frame_used)(void *ctx, paddr_t frame);
	/* May be NULL. Called once per violation, in address order. */
	void (*report)(void *ctx, const struct paging_violation *v);
	void *ctx;
};

/*
 * Check every present entry of the tree under t->pml4 against the rules
 * listed in enum paging_problem; the PML4 and each table frame are also
 * checked with is_frame_used. Tables whose address is above MAXPHYADDR are
 * reported and not entered. Reads only. Returns the number of violations.
 */
unsigned int paging_audit(const struct paging_tree *t,
			  const struct paging_audit *a);
