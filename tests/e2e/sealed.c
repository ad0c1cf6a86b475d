/*
 * sealed.c - the collection is read-only once made (lib/registry.c): the
 * items and their ids sit in a shared read-only mapping, which fork() does
 * not copy, and so do the program's relocated records when there are many.
 * A test writing through herd_test_id() dies of SIGSEGV, its own crash, and
 * the ids the other tests and the reports see stay whole. Run by sealed.sh;
 * built with -DSEALED_BIG it has a large RELRO segment and 5,000 items.
 */
#define _GNU_SOURCE
#include <herd.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "tests/e2e/sealed.c"

TEST(seal, before)
{
	CHECK_STR_EQ(herd_test_id(), SRC "::seal::before");
}

TEST(seal, writes_id)
{
	char *id = (char *)(uintptr_t)herd_test_id();

	id[0] = 'X';
	CHECK(0, "the write into the collection went through");
}

TEST(seal, after)
{
	CHECK_STR_EQ(herd_test_id(), SRC "::seal::after");
}

/* The permissions ("r--s") of the mapping holding addr; "" when none does. */
static void
perms_of(uintptr_t addr, char out[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[512], perms[8];

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && addr >= lo && addr < hi) {
			memcpy(out, perms, 4);
			out[4] = '\0';
			break;
		}
	fclose(f);
}

TEST(maps, ids_shared)
{
	char p[5];

	perms_of((uintptr_t)herd_test_id(), p);
	CHECK_STR_EQ(p, "r--s", "the ids' mapping");
}

static int
first_relro(struct dl_phdr_info *info, size_t size, void *arg)
{
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO)
			*(uintptr_t *)arg = (uintptr_t)info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
	return 1;
}

/* SEALED_RELRO=s: the program's RELRO is shared; =p: left private. */
TEST(maps, relro)
{
	const char *want = getenv("SEALED_RELRO");
	uintptr_t at = 0;
	char p[5];

	REQUIRE(want != NULL, "SEALED_RELRO is set");
	dl_iterate_phdr(first_relro, &at);
	REQUIRE(at != 0, "the program has a RELRO segment");
	/* Its first whole page: the loader protects only those. */
	perms_of((at + 4095) / 4096 * 4096, p);
	CHECK_EQ(p[3], want[0], "the RELRO mapping is %s", p);
}

#ifdef SEALED_BIG
/* 64 Ki pointers, relocated at start-up: 512 KiB of RELRO. */
#define S1 "x"
#define S4 S1, S1, S1, S1
#define S16 S4, S4, S4, S4
#define S64 S16, S16, S16, S16
#define S256 S64, S64, S64, S64
#define S1K S256, S256, S256, S256
#define S4K S1K, S1K, S1K, S1K
#define S16K S4K, S4K, S4K, S4K
static const char *const big_relro[] = { S16K, S16K, S16K, S16K };

static int grid[5000];

/* Sets each element to its index: the ids must say the same. */
__attribute__((constructor)) static void
grid_fill(void)
{
	size_t i;

	for (i = 0; i < sizeof(grid) / sizeof(grid[0]); i++)
		grid[i] = (int)i;
}

TEST_P(grid, cell, grid)
{
	char want[64];
	int n = *(const int *)herd_param();

	snprintf(want, sizeof(want), "::grid::cell[%d]", n);
	CHECK_STR_ENDS_WITH(herd_test_id(), want);
	CHECK_STR_EQ(big_relro[n * 13], "x");
}
#endif
