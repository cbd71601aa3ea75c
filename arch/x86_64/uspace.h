/*
 * arch/x86_64/uspace.h - the x86_64 view of a user address space
 * (kernel/uspace.h), for arch code and tests that look at its tables.
 */
#pragma once

#include "arch/x86_64/paging.h"
#include "kernel/uspace.h"

/* The space's page-table tree (its PML4 and the direct map offset). */
const struct paging_tree *uspace_tree(const struct uspace *s);

/* Where the space's page tables come from (they are counted and freed
 * with it), for tests that map through paging_map() directly. */
const struct paging_table_source *uspace_table_source(const struct uspace *s);
