/*
 * reliab.c - the suite of tests/e2e/reliab.sh: a few quick items whose
 * behaviour the script steers through files in $E2E_DIR.
 *
 * With -DRELIAB_SECOND it is a second binary built from the same source (so
 * its node ids repeat the first one's), with -DRELIAB_DUP_PARAM a TEST_P whose
 * param ids repeat.
 */
#include <herd.h>
#include <poll.h>

#include "e2e.h"

/* Waits (in bounded steps, up to 60 s) until $E2E_DIR/name exists. */
static int
wait_for(const char *name)
{
	char path[4096];
	const char *dir = getenv("E2E_DIR");
	int i;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	for (i = 0; i < 6000; i++) {
		if (access(path, F_OK) == 0)
			return 1;
		poll(NULL, 0, 10);
	}
	return 0;
}

TEST(r, one) { e2e_log("count", "%d\n", herd_worker_count()); }
TEST(r, two) { e2e_log("count", "%d\n", herd_worker_count()); }
TEST(r, three) { e2e_log("count", "%d\n", herd_worker_count()); }
TEST(r, four) { e2e_log("count", "%d\n", herd_worker_count()); }

/* Fails when $E2E_DIR/fail-NAME exists; waits for go-NAME first if asked. */
TEST(r, steered)
{
	char name[256];
	const char *tag = getenv("RELIAB_TAG");

	if (!tag)
		return;
	snprintf(name, sizeof name, "wait-%s", tag);
	if (getenv("RELIAB_WAIT")) {
		e2e_log(name, "waiting\n");
		snprintf(name, sizeof name, "go-%s", tag);
		CHECK(wait_for(name));
	}
	CHECK(getenv("RELIAB_FAIL") == NULL);
}

#ifdef RELIAB_DUP_PARAM
static const int vals[] = { 1, 2, 3 };
static void
same_id(char *buf, size_t size, const void *p)
{
	(void)p;
	snprintf(buf, size, "x");
}
TEST_P(r, dup, vals, .param_id = same_id) { CHECK(herd_param() != NULL); }
#endif
