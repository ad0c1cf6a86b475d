/*
 * ctl_sched.c - how the controller deals items out. The two "pair" tests each
 * mark that they started, then wait (at most 60 s, polling: a loaded machine
 * may start the second worker late) for the other's mark: both pass only if
 * they run at the same time, on two workers. The "quick" tests are filler;
 * "talk" prints a line for -s.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static int
wait_for(const char *other)
{
	char path[4096];
	int i;

	snprintf(path, sizeof(path), "%s/%s", getenv("E2E_DIR"), other);
	for (i = 0; i < 6000; i++) {
		if (access(path, F_OK) == 0)
			return 1;
		e2e_nap_ms(10);
	}
	return 0;
}

TEST(pair, a) { e2e_log("started-a", "a\n"); CHECK(wait_for("started-b"), "b never ran alongside"); }
TEST(pair, b) { e2e_log("started-b", "b\n"); CHECK(wait_for("started-a"), "a never ran alongside"); }
TEST(quick, q1) { }
TEST(quick, q2) { }
TEST(quick, q3) { }
TEST(quick, q4) { }
TEST(talk, hello) { printf("hello-from-a-test\n"); }
