/*
 * remote_faults.c - the tests remote_faults.sh runs on hosts that fail: a
 * cut connection, a killed relay, a silent host. A test knows it runs on the
 * far side when E2E_FAR is set (the script starts the far side's transport
 * under `env E2E_FAR=1`).
 *
 * Each quick item logs "RAN <worker> far|near <worker pid>" to "ran.log":
 * the script checks which worker ran what, and that the far side's workers
 * are gone after the run. With E2E_GATE set, a near item first waits
 * (bounded) until a far item has started, so that the far host has run
 * something before the local worker can drain the queue. With
 * E2E_FAR_BLOCK=N, the far side's items after the N-th block (bounded): a
 * connection cut after N results then always finds the next one running.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "e2e.h"

static int far_side(void)
{
	return getenv("E2E_FAR") != NULL;
}

/* e2e_log's folder: E2E_DIR, or the working directory. */
static void in_dir(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("E2E_DIR");

	snprintf(buf, size, "%s/%s", dir ? dir : ".", name);
}

/* Polls for a file, up to `seconds`; true when it is there. */
static int wait_file(const char *name, int seconds)
{
	char path[4096];
	struct stat st;
	int i;

	in_dir(path, sizeof path, name);
	for (i = 0; i < seconds * 100; i++) {
		if (stat(path, &st) == 0)
			return 1;
		e2e_nap_ms(10);
	}
	return 0;
}

static void gate(void)
{
	if (!getenv("E2E_GATE"))
		return;
	if (far_side())
		e2e_log("far-started", "%s\n", herd_worker_id());
	else
		REQUIRE(wait_file("far-started", 60), "no far item started within 60 s");
}

/* The far items after the E2E_FAR_BLOCK-th wait for a file nobody writes. */
static void far_block(void)
{
	const char *limit = getenv("E2E_FAR_BLOCK");
	char name[64], path[4096];
	int k, fd = -1;

	if (!limit || !far_side())
		return;
	for (k = 1; fd < 0 && k < 1000; k++) {	/* claims the next number */
		snprintf(name, sizeof name, "far-claim.%d", k);
		in_dir(path, sizeof path, name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd >= 0)
		close(fd);
	if (k - 1 > atoi(limit))
		REQUIRE(wait_file("never", 60), "still blocked after 60 s");
}

static const int range[60] = { 0 };

TEST_P(quick, item, range)
{
	gate();
	far_block();
	e2e_log("ran.log", "RAN %s %s %ld\n", herd_worker_id(), far_side() ? "far" : "near",
		(long)getppid());
}

/*
 * On the far side: records "<test pid> <worker pid>" in far-ready.pid, then
 * waits for a file nobody writes (bounded: it fails after 60 s). Near: passes.
 */
TEST(block, far)
{
	if (!far_side())
		return;
	e2e_log("far-ready.pid", "%ld %ld\n", (long)getpid(), (long)getppid());
	CHECK(wait_file("never", 60), "still blocked after 60 s");
}
