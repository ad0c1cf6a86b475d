/*
 * arena.c - the collection's memory. What the collection makes (the items,
 * their ids, the merged options) is not kept on the heap but in shared
 * anonymous mappings, made read-only once the collection is complete
 * (hd_registry_seal). fork() copies the page tables of a process's private
 * memory, page by page, but not those of a shared mapping without private
 * pages: the child faults in the few pages it reads. So a forked test does
 * not cost more in a binary of 20,000 tests than in one of 2,000, and a test
 * that writes there crashes at once.
 */
#include <link.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define CHUNK_MIN (256 * 1024)	/* bytes of the first mapping */

/* One shared mapping; the header sits at its start. */
struct chunk {
	struct chunk *next;
	size_t size, used;
};

static struct chunk *chunks;
static int sealed;

static size_t
page_size(void)
{
	static size_t ps;

	if (!ps) {
		long v = sysconf(_SC_PAGESIZE);

		ps = v > 0 ? (size_t)v : 4096;
	}
	return ps;
}

/* Each mapping twice the last (fewer mappings for fork to walk), or the request. */
static struct chunk *
chunk_new(size_t need)
{
	size_t ps = page_size(), size = need + sizeof(struct chunk);
	size_t grow = chunks ? 2 * chunks->size : CHUNK_MIN;
	struct chunk *c;
	int flags;
	void *p;

	/* A request of its own is filled at once: its pages come in one call. */
	flags = MAP_SHARED | MAP_ANONYMOUS | (size < grow ? 0 : MAP_POPULATE);
	size = size < grow ? grow : (size + ps - 1) / ps * ps;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		hd_fatal(3, "cannot map %zu bytes for the collection:", size);
	c = p;
	c->size = size;
	c->used = sizeof(*c);
	c->next = chunks;
	chunks = c;
	return c;
}

void *
hd_arena_alloc(size_t n)
{
	struct chunk *c = chunks;
	void *p;

	if (sealed)
		hd_fatal(3, "internal error: the collection grows after it was sealed");
	n = (n + 15) & ~(size_t)15;
	if (!c || c->size - c->used < n)
		c = chunk_new(n);
	p = (char *)c + c->used;
	c->used += n;
	return p;
}

void *
hd_arena_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		hd_fatal(3, "the collection is too large");
	return hd_arena_alloc(n * size);
}

char *
hd_arena_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(hd_arena_alloc(n), s, n);
}

/* The program's relocated read-only data, [0] to [1]; the first object is the program. */
static int
program_relro(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t *range = arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
			range[0] = (uintptr_t)info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			range[1] = range[0] + info->dlpi_phdr[i].p_memsz;
		}
	return 1;
}

/*
 * Copies n words. Not memcpy: AddressSanitizer would take the red zones
 * between the program's globals for overflows; volatile keeps the compiler
 * from making this loop a memcpy.
 */
__attribute__((no_sanitize_address)) static void
copy_words(uintptr_t *to, const volatile uintptr_t *from, size_t n)
{
	while (n--)
		*to++ = *from++;
}

/*
 * Every TEST's record holds pointers, so in a position-independent binary
 * the loader writes it at start-up: the records live in the program's
 * RELRO segment, in private pages that fork() copies (3.3 MB at 20,000
 * tests). The loader made those pages read-only, so a copy of them in a
 * shared mapping, moved over them, changes nothing but what fork() copies.
 * Only worth it for a large registry; not under valgrind, which would take
 * the unmapping for the program's unloading and drop its symbols.
 */
static void
share_relro(void)
{
	const char *preload = getenv("LD_PRELOAD");
	uintptr_t range[2] = { 0, 0 }, ps = page_size(), start, end;
	size_t len;
	void *p;

	if (preload && strstr(preload, "vgpreload"))
		return;
	dl_iterate_phdr(program_relro, range);
	/* The loader protects whole pages only: the same pages here. */
	start = range[0] / ps * ps;
	end = range[1] / ps * ps;
	if (end <= start || end - start < CHUNK_MIN)
		return;
	len = end - start;
	/* Populated: one call for all its pages, not a fault for each. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE,
		 -1, 0);
	if (p == MAP_FAILED)
		return;
	copy_words(p, (const volatile uintptr_t *)start, len / sizeof(uintptr_t));
	if (mprotect(p, len, PROT_READ) < 0 ||
	    mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)start) == MAP_FAILED)
		munmap(p, len);
}

void
hd_registry_seal(void)
{
	struct chunk *c;

	if (sealed)
		return;
	for (c = chunks; c; c = c->next)
		if (mprotect(c, c->size, PROT_READ) < 0)
			hd_fatal(3, "cannot make the collection read-only:");
	sealed = 1;
	share_relro();
#ifdef __GLIBC__
	/* What the collection freed (the registration's arrays) leaves the heap. */
	malloc_trim(0);
#endif
}
