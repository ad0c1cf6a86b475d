/*
 * trace.c - a run worth drawing, for trace.sh and html.sh. Built twice:
 * with -DSIDE_A (the binary "trace_a") and without (the binary "trace_b");
 * under -n 2 each worker runs one binary, so the lock test of each side runs
 * at the same time as the other's.
 *
 *	lock::hold (A)	takes lock L, waits until B is blocked asking for it,
 *			then releases it: B's wait is one lock-wait slice
 *	lock::want (B)	says it is about to ask, then takes L
 *	fix::uses (A)	needs the global fixture gfix: one setup slice
 *	rerun::flaky (A) fails, then passes on its rerun: two tries
 *	rerun::never (A) fails on every try
 *	crash::once (B)	kills its worker (--isolation none) the first time and
 *			passes on its rerun: a crash and a restart instant
 *	msg::hostile (B) fails with markup, quotes, control bytes and invalid
 *			UTF-8 in its message and output
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <herd.h>

#include "e2e.h"

static int
exists(const char *name)
{
	char path[4096];
	struct stat st;
	const char *dir = getenv("E2E_DIR");

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	return stat(path, &st) == 0;
}

/* Waits, bounded (20 s), for a file another test writes. */
static int
wait_file(const char *name)
{
	int i;

	for (i = 0; i < 20000 && !exists(name); i++)
		e2e_nap_ms(1);
	return exists(name);
}

/* Nonzero once the process whose pid is in file name sleeps. */
static int
sleeping(const char *name)
{
	char path[4096], buf[512], *p;
	const char *dir = getenv("E2E_DIR");
	FILE *f;
	long pid = 0;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	if (!(f = fopen(path, "r")))
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (!pid || !(f = fopen(path, "r")))
		return 0;
	p = fgets(buf, sizeof buf, f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' && p[2] == 'S';
}

#ifdef SIDE_A

TEST(lock, hold)
{
	int i;

	herd_lock("L");
	e2e_log("a_locked", "1\n");
	REQUIRE(wait_file("b_wants"), "lock::want never said it was about to ask");
	/* Once B sleeps, its request is written; a round trip of ours through
	 * the controller after that means the controller has read it too. */
	for (i = 0; i < 20000 && !sleeping("b_wants"); i++)
		e2e_nap_ms(1);
	free(herd_board_get("sync"));
	free(herd_board_get("sync"));
	herd_unlock("L");
}

static void
gfix_setup(void)
{
	e2e_log("gfix", "setup\n");
}

FIXTURE(gfix, .scope = HERD_SCOPE_GLOBAL, .setup = gfix_setup);

TEST(fix, uses, .fixtures = "gfix")
{
	CHECK(1);
}

TEST(rerun, flaky)
{
	if (!exists("flaky_once")) {
		e2e_log("flaky_once", "1\n");
		CHECK(0, "first try fails");
	}
}

TEST(rerun, never)
{
	CHECK(0, "fails on every try");
}

TEST(pass, a1) { CHECK(1); }
TEST(pass, a2) { CHECK(1); }

#else

TEST(lock, want)
{
	REQUIRE(wait_file("a_locked"), "lock::hold never took the lock");
	e2e_log("b_wants", "%ld\n", (long)getpid());
	herd_lock("L");
	herd_unlock("L");
}

TEST(crash, once)
{
	if (!exists("crashed_once")) {
		e2e_log("crashed_once", "1\n");
		e2e_segfault();
	}
}

TEST(msg, hostile)
{
	printf("out: </script><b>bold</b> & \"q\" 'a' \x01\x7f \xff\xfe end\n");
	CHECK(0, "boom </script><i>x</i> & \"quoted\" 'single' \x02 \xc3\x28 %%25 a,b:c");
}

TEST(pass, b1) { CHECK(1); }
TEST(pass, b2) { CHECK(1); }

#endif
