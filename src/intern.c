/*
 * intern.c - the controller's string and record pool. A million items of one
 * binary share a handful of file names, suites and declarations; each one was
 * a malloc'd copy of its own, with 16 bytes of malloc's bookkeeping on top.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "intern.h"
#include "util.h"

#define CHUNK (64 * 1024)	/* bytes a chunk holds, its link aside */
#define ALIGN 8			/* enough for the records interned: pointers and doubles */

/* Room for len bytes at the given alignment, from the current chunk or a new one. */
static char *
room(struct intern *t, size_t len, size_t align)
{
	size_t at = (t->used + align - 1) & ~(align - 1);
	char *c;

	if (!t->chunk || at + len > t->size) {
		size_t size = len > CHUNK ? len : CHUNK;

		/* The link first, then the bytes, aligned as malloc aligns. */
		c = xmalloc(ALIGN + size);
		memcpy(c, &t->chunk, sizeof(t->chunk));
		t->chunk = c;
		t->used = ALIGN;
		t->size = ALIGN + size;
		at = ALIGN;
	}
	t->used = at + len;
	return t->chunk + at;
}

char *
intern_keep(struct intern *t, const char *s, size_t len)
{
	char *p = room(t, len + 1, 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *
intern_room(struct intern *t, size_t len)
{
	return room(t, len ? len : 1, ALIGN);
}

static void
grow(struct intern *t)
{
	struct intern_slot *old = t->tab;
	size_t oldcap = t->cap, i, j;

	t->cap = t->cap ? t->cap * 2 : 64;
	t->tab = xcalloc(t->cap, sizeof(*t->tab));
	for (i = 0; i < oldcap; i++) {
		if (!old[i].p)
			continue;
		for (j = old[i].hash & (t->cap - 1); t->tab[j].p; j = (j + 1) & (t->cap - 1))
			;
		t->tab[j] = old[i];
	}
	free(old);
}

const void *
intern(struct intern *t, const void *p, size_t len)
{
	/* xxh3, not FNV-1a a byte at a time: collecting 10,000 tasks interns
	 * 70,000 strings and declarations, and FNV was a tenth of it. */
	uint32_t h = (uint32_t)XXH3_64bits(p, len);
	size_t j;
	void *copy;

	if (len > UINT32_MAX)
		hd_fatal(HD_EXIT_INTERNAL, "intern: %zu bytes is too long", len);
	/* At most half full: probes stay short. */
	if (2 * (t->n + 1) > t->cap)
		grow(t);
	for (j = h & (t->cap - 1); t->tab[j].p; j = (j + 1) & (t->cap - 1))
		if (t->tab[j].hash == h && t->tab[j].len == len && !memcmp(t->tab[j].p, p, len))
			return t->tab[j].p;
	copy = room(t, len ? len : 1, ALIGN);
	memcpy(copy, p, len);
	t->tab[j].p = copy;
	t->tab[j].len = (uint32_t)len;
	t->tab[j].hash = h;
	t->n++;
	return copy;
}

const char *
intern_str(struct intern *t, const char *s)
{
	return s ? intern(t, s, strlen(s) + 1) : NULL;
}

void
intern_clear(struct intern *t)
{
	while (t->chunk) {
		char *next;

		memcpy(&next, t->chunk, sizeof(next));
		free(t->chunk);
		t->chunk = next;
	}
	free(t->tab);
	memset(t, 0, sizeof(*t));
}
