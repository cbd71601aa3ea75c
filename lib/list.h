/*
 * lib/list.h - an intrusive, circular, doubly linked list.
 *
 * A struct list_head is embedded in each element; the list's own head is a
 * struct list_head whose next and prev point at itself while it is empty.
 * list_entry() gets back from a link to the element that holds it. No
 * operation allocates or locks: the owner of a list serialises its changes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_insert(struct list_head *n, struct list_head *prev,
			       struct list_head *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

/* Put @n at the front of @h. */
static inline void list_add(struct list_head *h, struct list_head *n)
{
	list_insert(n, h, h->next);
}

/* Put @n at the end of @h. */
static inline void list_add_tail(struct list_head *h, struct list_head *n)
{
	list_insert(n, h->prev, h);
}

/* Take @n out of its list; it then links to itself (list_empty() is true
 * of it), so removing it twice is harmless. */
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/* The element of type @type whose @member is the link @ptr. */
#define list_entry(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* The first element of a non-empty list. */
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

/* Every element @pos of @h, in order; @pos may not be removed meanwhile. */
#define list_for_each_entry(pos, h, member)                                  \
	for (pos = list_entry((h)->next, typeof(*pos), member);              \
	     &pos->member != (h);                                            \
	     pos = list_entry(pos->member.next, typeof(*pos), member))

/* The same, where the loop may remove @pos (@tmp holds the next one). */
#define list_for_each_entry_safe(pos, tmp, h, member)                        \
	for (pos = list_entry((h)->next, typeof(*pos), member),              \
	     tmp = list_entry(pos->member.next, typeof(*pos), member);       \
	     &pos->member != (h);                                            \
	     pos = tmp, tmp = list_entry(tmp->member.next, typeof(*tmp), member))
