/*
 * arch/x86_64/paging.c - the mapper and auditor of arch/x86_64/paging.h
 * (Intel SDM Vol. 3A §4.5). No inline assembly: tables are reached only
 * through paging_tree.phys_offset, and TLB work goes through
 * arch/x86_64/tlb.h, so this file also builds and runs on the host.
 *
 * Entries the CPU may read while we write them are stored with single
 * atomic 64-bit stores, and a new table is filled before its entry is
 * installed, so a walk never sees a half-built path.
 */
#include "arch/x86_64/paging.h"

#include "lib/string.h"
#include "arch/x86_64/tlb.h"

static pte_t *table_virt(const struct paging_tree *tree, paddr_t table)
{
	return (pte_t *)(uintptr_t)(table + tree->phys_offset);
}

static void pte_store(pte_t *slot, pte_t e)
{
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
}

/* Whether a present entry at @level points to a further table. PS in a
 * PML4 entry is reserved, not a leaf; the auditor reports it. */
static bool pte_is_table(pte_t e, int level)
{
	return pte_present(e) && level > 0 && (level == 3 || !(e & PTE_HUGE));
}

/* The frame of a leaf at @level; a huge leaf's PAT bit 12 is not part of it. */
static paddr_t leaf_frame(pte_t e, int level)
{
	return pte_addr(e) & ~(page_size_bytes((enum page_size)level) - 1);
}

static pte_t leaf_entry(paddr_t frame, pte_t flags, enum page_size size)
{
	return frame | flags | (size == PAGE_4K ? 0 : PTE_HUGE);
}

/* The first address covered by entry @i of a table at @level whose first
 * address is @base, sign-extended above bit 47. */
static vaddr_t entry_va(vaddr_t base, int level, unsigned int i)
{
	vaddr_t va = base + ((vaddr_t)i << PT_LEVEL_SHIFT(level));

	return (va & (1ULL << 47)) ? va | 0xffff000000000000ULL : va;
}

/*
 * Follow @va from the PML4 down to level @target, storing a pointer to the
 * entry read at each level in path[level]. Stops early at an entry that is
 * not a table (not present, or a huge leaf). Returns the level it stopped at.
 */
static int walk(const struct paging_tree *tree, vaddr_t va, int target,
		pte_t *path[PT_LEVELS])
{
	pte_t *table = table_virt(tree, tree->pml4);
	int level;

	for (level = PT_LEVELS - 1;; level--) {
		path[level] = &table[PT_INDEX(va, level)];
		if (level == target || !pte_is_table(*path[level], level))
			return level;
		table = table_virt(tree, pte_addr(*path[level]));
	}
}

/* --- Argument checks ---------------------------------------------------- */

static enum paging_error check_page(vaddr_t page, enum page_size size)
{
	if (!vaddr_is_canonical(page))
		return PAGING_ADDRESS_NOT_CANONICAL;
	if (page & (page_size_bytes(size) - 1))
		return PAGING_PAGE_NOT_ALIGNED;
	return PAGING_OK;
}

static enum paging_error check_frame(paddr_t frame, enum page_size size)
{
	if (frame & (page_size_bytes(size) - 1))
		return PAGING_FRAME_NOT_ALIGNED;
	if (frame & ~PTE_ADDR_MASK)
		return PAGING_FRAME_OUT_OF_RANGE;
	return PAGING_OK;
}

static enum paging_error check_flags(pte_t flags)
{
	if (!(flags & PTE_PRESENT) || (flags & ~PTE_LEAF_FLAGS_MASK))
		return PAGING_INVALID_FLAGS;
	return PAGING_OK;
}

static enum paging_error check_map_args(vaddr_t page, paddr_t frame,
					enum page_size size, pte_t flags)
{
	enum paging_error err = check_page(page, size);

	if (err == PAGING_OK)
		err = check_frame(frame, size);
	if (err == PAGING_OK)
		err = check_flags(flags);
	return err;
}

/*
 * Check a range and give its number of pages of @size in *count. The last
 * page must lie in the same half of the address space as the first.
 */
static enum paging_error check_range(struct page_range r, enum page_size size,
				     uint64_t *count)
{
	uint64_t step = page_size_bytes(size);
	vaddr_t last = r.end - step;
	enum paging_error err;

	*count = 0;
	if (page_range_is_empty(r))
		return PAGING_OK;
	err = check_page(r.start, size);
	if (err == PAGING_OK && (r.end & (step - 1)))
		err = PAGING_PAGE_NOT_ALIGNED;
	if (err == PAGING_OK && last < r.start)
		err = PAGING_INVALID_RANGE;
	if (err == PAGING_OK && (r.start >> 47) != (last >> 47))
		err = PAGING_ADDRESS_NOT_CANONICAL;
	if (err == PAGING_OK)
		*count = (last - r.start) / step + 1;
	return err;
}

/* --- Results ------------------------------------------------------------ */

/* A result naming @page, before anything changed: nothing to flush. */
static struct paging_result page_result(vaddr_t page, enum page_size size,
					paddr_t frame)
{
	return (struct paging_result){ PAGING_OK, size, { page, page }, page,
				       frame };
}

/* Mark the page of a one-page result as changed, if the call succeeded. */
static struct paging_result changed(struct paging_result r)
{
	if (r.err == PAGING_OK)
		r.flush.end = r.page + page_size_bytes(r.size);
	return r;
}

/* --- Mapping ------------------------------------------------------------ */

/*
 * Look at the entry where the walk for a leaf at @leaf stopped: PAGING_OK
 * if a new leaf (or table) may go there, else why not, with the frame in
 * the way in *frame.
 */
static enum paging_error check_slot(pte_t e, int level, int leaf,
				    paddr_t *frame)
{
	if (!pte_present(e))
		return PAGING_OK;
	if (pte_is_table(e, level))
		return PAGING_ENTRY_IS_TABLE;
	*frame = leaf_frame(e, level);
	return level > leaf ? PAGING_PARENT_ENTRY_HUGE_PAGE
			    : PAGING_PAGE_ALREADY_MAPPED;
}

/* Take frames for the tables of levels leaf .. top - 1 into tables[],
 * all or none. */
static bool alloc_tables(const struct paging_table_source *src,
			 paddr_t *tables, int leaf, int top)
{
	int t;

	for (t = leaf; t < top; t++) {
		tables[t] = src ? src->alloc(src->ctx) : 0;
		if (!tables[t])
			break;
	}
	if (t == top)
		return true;
	while (src && src->free && t-- > leaf)
		src->free(src->ctx, tables[t]);
	return false;
}

/*
 * Fill the new tables of levels leaf .. top - 1, each holding only the
 * entry on @page's path, with @e as the leaf. Returns the entry that links
 * them into the table of level @top.
 */
static pte_t build_tables(const struct paging_tree *tree, vaddr_t page,
			  const paddr_t *tables, int leaf, int top, pte_t e,
			  pte_t table_flags, bool zeroed)
{
	for (int t = leaf; t < top; t++) {
		pte_t *table = table_virt(tree, tables[t]);

		if (!zeroed)
			memset(table, 0, PAGE_SIZE);
		table[PT_INDEX(page, t)] = e;
		e = tables[t] | PTE_PRESENT | table_flags;
	}
	return e;
}

/* OR @table_flags into the existing table entries path[from .. 3]. */
static void grant_table_flags(pte_t *path[PT_LEVELS], int from,
			      pte_t table_flags)
{
	for (int level = from; level < PT_LEVELS; level++) {
		if ((*path[level] & table_flags) != table_flags)
			__atomic_fetch_or(path[level], table_flags, __ATOMIC_RELAXED);
	}
}

struct paging_result paging_map(const struct paging_tree *tree, vaddr_t page,
				paddr_t frame, enum page_size size, pte_t flags,
				const struct paging_table_source *src)
{
	struct paging_result r = page_result(page, size, frame);
	pte_t table_flags = flags & PTE_TABLE_FLAGS_MASK;
	pte_t *path[PT_LEVELS];
	paddr_t tables[PT_LEVELS];
	int level;

	r.err = check_map_args(page, frame, size, flags);
	if (r.err != PAGING_OK)
		return r;
	level = walk(tree, page, (int)size, path);
	r.err = check_slot(*path[level], level, (int)size, &r.frame);
	if (r.err != PAGING_OK)
		return r;
	if (!alloc_tables(src, tables, (int)size, level)) {
		r.err = PAGING_FRAME_ALLOCATION_FAILED;
		return r;
	}
	grant_table_flags(path, level + 1, table_flags);
	pte_store(path[level],
		  build_tables(tree, page, tables, (int)size, level,
			       leaf_entry(frame, flags, size), table_flags,
			       src && src->zeroed));
	return changed(r);
}

/* --- Existing leaves ---------------------------------------------------- */

/*
 * Find the leaf of @size at @page, filling path[] as walk() does.
 * PAGING_OK if path[size] is that leaf; else why not, with the frame of a
 * bigger page in the way in *frame.
 */
static enum paging_error find_leaf(const struct paging_tree *tree,
				   vaddr_t page, enum page_size size,
				   pte_t *path[PT_LEVELS], paddr_t *frame)
{
	enum paging_error err = check_page(page, size);
	int level;

	if (err != PAGING_OK)
		return err;
	level = walk(tree, page, (int)size, path);
	if (!pte_present(*path[level]))
		return PAGING_PAGE_NOT_MAPPED;
	if (pte_is_table(*path[level], level))
		return PAGING_ENTRY_IS_TABLE;
	*frame = leaf_frame(*path[level], level);
	return level > (int)size ? PAGING_PARENT_ENTRY_HUGE_PAGE : PAGING_OK;
}

struct paging_result paging_unmap(const struct paging_tree *tree,
				  vaddr_t page, enum page_size size)
{
	struct paging_result r = page_result(page, size, 0);
	pte_t *path[PT_LEVELS];

	r.err = find_leaf(tree, page, size, path, &r.frame);
	if (r.err == PAGING_OK)
		pte_store(path[size], 0);
	return changed(r);
}

struct paging_result paging_protect(const struct paging_tree *tree,
				    vaddr_t page, enum page_size size,
				    pte_t flags)
{
	struct paging_result r = page_result(page, size, 0);
	pte_t *path[PT_LEVELS];

	r.err = check_flags(flags);
	if (r.err == PAGING_OK)
		r.err = find_leaf(tree, page, size, path, &r.frame);
	if (r.err != PAGING_OK)
		return r;
	grant_table_flags(path, (int)size + 1, flags & PTE_TABLE_FLAGS_MASK);
	pte_store(path[size], leaf_entry(r.frame, flags, size));
	return changed(r);
}

struct paging_translation paging_translate(const struct paging_tree *tree,
					   vaddr_t va)
{
	struct paging_translation t = { PAGING_OK, 0, PAGE_4K, 0 };
	pte_t *path[PT_LEVELS];
	int level;
	pte_t e;

	if (!vaddr_is_canonical(va)) {
		t.err = PAGING_ADDRESS_NOT_CANONICAL;
		return t;
	}
	level = walk(tree, va, 0, path);
	e = *path[level];
	if (!pte_present(e)) {
		t.err = PAGING_PAGE_NOT_MAPPED;
		return t;
	}
	t.size = (enum page_size)level;
	t.phys = leaf_frame(e, level) | (va & (page_size_bytes(t.size) - 1));
	t.flags = e & ~PTE_ADDR_MASK;
	return t;
}

/* --- Ranges ------------------------------------------------------------- */

/* Clear the leaves of the first @count pages of @size from @start, which
 * the caller knows are mapped. */
static void clear_leaves(const struct paging_tree *tree, vaddr_t start,
			 uint64_t count, enum page_size size)
{
	uint64_t step = page_size_bytes(size);
	pte_t *path[PT_LEVELS];

	for (uint64_t i = 0; i < count; i++) {
		walk(tree, start + i * step, (int)size, path);
		pte_store(path[size], 0);
	}
}

/* Map @count pages of @size from @start to frames from @frame; stop at the
 * first failure, whose result is returned, with *done pages mapped. */
static struct paging_result map_pages(const struct paging_tree *tree,
				      vaddr_t start, paddr_t frame,
				      uint64_t count, enum page_size size,
				      pte_t flags,
				      const struct paging_table_source *src,
				      uint64_t *done)
{
	uint64_t step = page_size_bytes(size);
	struct paging_result one = page_result(start, size, frame);

	for (*done = 0; *done < count; ++*done) {
		one = paging_map(tree, start + *done * step, frame + *done * step,
				 size, flags, src);
		if (one.err != PAGING_OK)
			break;
	}
	return one;
}

struct paging_result paging_map_range(const struct paging_tree *tree,
				      struct page_range pages, paddr_t frame,
				      enum page_size size, pte_t flags,
				      const struct paging_table_source *src)
{
	struct paging_result r = page_result(pages.start, size, frame);
	uint64_t step = page_size_bytes(size);
	struct paging_result one;
	uint64_t count;
	uint64_t done;

	r.err = check_range(pages, size, &count);
	if (r.err == PAGING_OK && count &&
	    ((frame + (count - 1) * step) & ~PTE_ADDR_MASK))
		r.err = PAGING_FRAME_OUT_OF_RANGE;
	if (r.err != PAGING_OK)
		return r;
	one = map_pages(tree, pages.start, frame, count, size, flags, src, &done);
	if (one.err == PAGING_OK) {
		r.flush = pages;
		return r;
	}
	/* All or nothing: take back the pages mapped before the failure. */
	clear_leaves(tree, pages.start, done, size);
	r.flush.end = pages.start + done * step;
	r.err = one.err;
	r.page = one.page;
	r.frame = one.frame;
	return r;
}

struct paging_result paging_unmap_range(const struct paging_tree *tree,
					struct page_range pages,
					enum page_size size)
{
	struct paging_result r = page_result(pages.start, size, 0);
	uint64_t step = page_size_bytes(size);
	pte_t *path[PT_LEVELS];
	uint64_t count;

	r.err = check_range(pages, size, &count);
	for (uint64_t i = 0; r.err == PAGING_OK && i < count; i++) {
		r.page = pages.start + i * step;
		r.err = find_leaf(tree, r.page, size, path, &r.frame);
	}
	if (r.err != PAGING_OK)
		return r;
	clear_leaves(tree, pages.start, count, size);
	r.flush = pages;
	r.page = pages.start;
	r.frame = 0;
	return r;
}

/* Whether the span of an entry at @level starting at @va meets @pages
 * (non-empty, checked). */
static bool span_meets(struct page_range pages, vaddr_t va, int level)
{
	vaddr_t span_last = va + ((1ULL << PT_LEVEL_SHIFT(level)) - 1);

	return span_last >= pages.start && va <= pages.end - PAGE_SIZE;
}

static bool table_is_empty(const pte_t *table)
{
	for (int i = 0; i < PT_ENTRIES; i++) {
		if (table[i])
			return false;
	}
	return true;
}

/* The tables under the kernel half's PML4 entries are shared by every
 * address space (each copies those entries), so they stay even when empty. */
static bool is_shared_top(int level, vaddr_t va)
{
	return level == PT_LEVELS - 1 && (va >> 63);
}

/* Free the empty tables below @table (at @level, first address @base) that
 * serve @pages, deepest first. Returns how many. */
static unsigned int free_below(const struct paging_tree *tree, pte_t *table,
			       int level, vaddr_t base, struct page_range pages,
			       const struct paging_table_source *src)
{
	unsigned int freed = 0;

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		vaddr_t va = entry_va(base, level, i);
		pte_t e = table[i];
		pte_t *child;

		if (!pte_is_table(e, level) || !span_meets(pages, va, level))
			continue;
		child = table_virt(tree, pte_addr(e));
		freed += free_below(tree, child, level - 1, va, pages, src);
		if (!table_is_empty(child) || is_shared_top(level, va))
			continue;
		pte_store(&table[i], 0);
		/* The CPU may still cache the path through the table. */
		tlb_flush_page(va);
		src->free(src->ctx, pte_addr(e));
		freed++;
	}
	return freed;
}

unsigned int paging_free_empty_tables(const struct paging_tree *tree,
				      struct page_range pages,
				      const struct paging_table_source *src)
{
	uint64_t count;

	if (!src || !src->free ||
	    check_range(pages, PAGE_4K, &count) != PAGING_OK || count == 0)
		return 0;
	return free_below(tree, table_virt(tree, tree->pml4), PT_LEVELS - 1, 0,
			  pages, src);
}

/* --- Flush tokens ------------------------------------------------------- */

enum paging_error paging_flush(struct paging_result r)
{
	uint64_t step = page_size_bytes(r.size);
	uint64_t count = (r.flush.end - r.flush.start) / step;

	for (uint64_t i = 0; i < count; i++)
		tlb_flush_page(r.flush.start + i * step);
	return r.err;
}

enum paging_error paging_ignore(struct paging_result r)
{
	return r.err;
}

/* --- Auditor ------------------------------------------------------------ */

struct audit_walk {
	const struct paging_tree *tree;
	const struct paging_audit *a;
	unsigned int violations;
};

static void violation(struct audit_walk *w, vaddr_t va, int level, pte_t e,
		      enum paging_problem problem)
{
	struct paging_violation v = { va, level, e, problem };

	w->violations++;
	if (w->a->report)
		w->a->report(w->a->ctx, &v);
}

/* Bits that no present entry may have, table or leaf. */
static void audit_bits(struct audit_walk *w, vaddr_t va, int level, pte_t e)
{
	if (e & PTE_UNUSED_HIGH_MASK)
		violation(w, va, level, e, PAGING_UNUSED_BITS_SET);
	if ((e & PTE_NX) && !w->a->nx_enabled)
		violation(w, va, level, e, PAGING_NX_WITHOUT_NXE);
	if (e & pte_addr_reserved_mask(w->a->maxphyaddr))
		violation(w, va, level, e, PAGING_ADDRESS_ABOVE_MAXPHYADDR);
	if (level == 3 && (e & PTE_HUGE))
		violation(w, va, level, e, PAGING_HUGE_IN_PML4);
	if ((level == 1 || level == 2) && (e & PTE_HUGE) &&
	    (e & pte_huge_reserved_mask(level)))
		violation(w, va, level, e, PAGING_HUGE_ADDRESS_RESERVED);
}

/* @above: the AND of the ancestors' entries, except NX, which is ORed. */
static void audit_leaf(struct audit_walk *w, vaddr_t va, int level, pte_t e,
		       pte_t above)
{
	bool writable = (e & above & PTE_WRITABLE);
	bool exec = !((e | above) & PTE_NX);

	if ((e & PTE_USER) && !(above & PTE_USER))
		violation(w, va, level, e, PAGING_ANCESTOR_NOT_USER);
	if ((e & PTE_WRITABLE) && !(above & PTE_WRITABLE))
		violation(w, va, level, e, PAGING_ANCESTOR_NOT_WRITABLE);
	if (w->a->nx_enabled && w->a->check_wx && !(e & PTE_USER) && writable &&
	    exec)
		violation(w, va, level, e, PAGING_KERNEL_WRITABLE_EXEC);
}

static bool frame_is_free(const struct audit_walk *w, paddr_t frame)
{
	return w->a->is_frame_used && !w->a->is_frame_used(w->a->ctx, frame);
}

static void audit_table(struct audit_walk *w, paddr_t table, int level,
			vaddr_t base, pte_t above)
{
	const pte_t *entries = table_virt(w->tree, table);

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		vaddr_t va = entry_va(base, level, i);
		pte_t e = entries[i];
		pte_t next_above = (above & e & ~PTE_NX) | ((above | e) & PTE_NX);

		if (!pte_present(e))
			continue;
		audit_bits(w, va, level, e);
		if (!pte_is_table(e, level)) {
			audit_leaf(w, va, level, e, above);
			continue;
		}
		if (e & pte_addr_reserved_mask(w->a->maxphyaddr))
			continue;	/* reported above; not safe to enter */
		if (frame_is_free(w, pte_addr(e)))
			violation(w, va, level, e, PAGING_TABLE_FRAME_FREE);
		audit_table(w, pte_addr(e), level - 1, va, next_above);
	}
}

unsigned int paging_audit(const struct paging_tree *tree,
			  const struct paging_audit *a)
{
	struct audit_walk w = { tree, a, 0 };

	if (frame_is_free(&w, tree->pml4))
		violation(&w, 0, PT_LEVELS, tree->pml4, PAGING_TABLE_FRAME_FREE);
	audit_table(&w, tree->pml4, PT_LEVELS - 1, 0, ~PTE_NX);
	return w.violations;
}

/* --- Names -------------------------------------------------------------- */

static const char *const paging_error_names[] = {
	[PAGING_OK] = "ok",
	[PAGING_FRAME_ALLOCATION_FAILED] = "frame allocation failed",
	[PAGING_PAGE_ALREADY_MAPPED] = "page already mapped",
	[PAGING_PARENT_ENTRY_HUGE_PAGE] = "parent entry is a huge page",
	[PAGING_ENTRY_IS_TABLE] = "entry points to a page table",
	[PAGING_PAGE_NOT_MAPPED] = "page not mapped",
	[PAGING_PAGE_NOT_ALIGNED] = "page not aligned",
	[PAGING_FRAME_NOT_ALIGNED] = "frame not aligned",
	[PAGING_FRAME_OUT_OF_RANGE] = "frame beyond 52-bit physical space",
	[PAGING_ADDRESS_NOT_CANONICAL] = "address not canonical",
	[PAGING_INVALID_FLAGS] = "invalid flags",
	[PAGING_INVALID_RANGE] = "invalid range",
};

const char *paging_error_name(enum paging_error err)
{
	if ((unsigned int)err >=
	    sizeof(paging_error_names) / sizeof(paging_error_names[0]))
		return "unknown paging error";
	return paging_error_names[err];
}

static const char *const paging_problem_names[] = {
	[PAGING_ANCESTOR_NOT_USER] = "user page under a kernel-only table",
	[PAGING_ANCESTOR_NOT_WRITABLE] = "writable page under a read-only table",
	[PAGING_KERNEL_WRITABLE_EXEC] = "kernel page writable and executable",
	[PAGING_HUGE_IN_PML4] = "PS bit set in a PML4 entry",
	[PAGING_UNUSED_BITS_SET] = "bits 52..62 set",
	[PAGING_NX_WITHOUT_NXE] = "NX set but EFER.NXE is off",
	[PAGING_ADDRESS_ABOVE_MAXPHYADDR] = "address above MAXPHYADDR",
	[PAGING_HUGE_ADDRESS_RESERVED] = "huge page address has reserved low bits",
	[PAGING_TABLE_FRAME_FREE] = "page table in a free frame",
};

const char *paging_problem_name(enum paging_problem p)
{
	if ((unsigned int)p >=
	    sizeof(paging_problem_names) / sizeof(paging_problem_names[0]))
		return "unknown paging problem";
	return paging_problem_names[p];
}
