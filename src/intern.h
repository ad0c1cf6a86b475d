/*
 * intern.h - one copy of each distinct string or record the controller keeps
 * per item (a file name, a suite, marks, an item's declaration), and room for
 * the strings each item has alone (its id). Everything lives in large chunks
 * until intern_clear: no allocation, and no malloc header, per item.
 */
#ifndef HERD_INTERN_H
#define HERD_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct intern_slot {
	const void *p;		/* NULL: empty */
	uint32_t len;
	uint32_t hash;
};

struct intern {
	struct intern_slot *tab;	/* open addressing, a power of two */
	size_t cap, n;
	char *chunk;		/* the chunk being filled, linked through its first word */
	size_t used, size;
};

#define INTERN_INIT { NULL, 0, 0, NULL, 0, 0 }

/*
 * The one copy of the len bytes at p, aligned for any record: equal bytes
 * give the same pointer, so records of interned strings compare with memcmp
 * (zero their padding). Valid until intern_clear.
 */
const void *intern(struct intern *t, const void *p, size_t len);
/* The one copy of string s (NUL included); NULL stays NULL. */
const char *intern_str(struct intern *t, const char *s);
/* An unshared, NUL-terminated copy of len bytes at s, packed with no alignment. */
char *intern_keep(struct intern *t, const char *s, size_t len);
/* Room for len bytes of the caller's, unshared, aligned for any record. */
void *intern_room(struct intern *t, size_t len);
/* Frees every copy: the pointers handed out are no longer valid. */
void intern_clear(struct intern *t);

#endif
