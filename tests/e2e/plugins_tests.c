/*
 * plugins_tests.c - the items tests/e2e/plugins.sh runs under its plugins:
 * plain ones (run order, deselection), one that records the environment
 * configure_node gave its worker, two that crash their worker (once, and
 * every time), two that name artifacts, and two whose ids say priority and
 * critical, defined last. Items that matter log "id worker pid" to
 * $E2E_DIR/runs.log when they run.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <herd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e.h"

static void
note(void)
{
	e2e_log("runs.log", "%s %s %ld\n", herd_test_id(), herd_worker_id(), (long)getpid());
}

TEST(plain, one) { note(); }
TEST(plain, two) { note(); }
TEST(plain, drop_three) { note(); }
TEST(plain, four) { note(); }
TEST(plain, fails) { note(); CHECK(0, "fails on purpose"); }

/* Its variable and its process's arguments after argv[0] (from /proc). */
TEST(env, node)
{
	const char *v = getenv("PROBE_NODE");
	char cmd[4096], args[4096] = "";
	size_t n = 0, i, at;
	int fd = open("/proc/self/cmdline", O_RDONLY);

	REQUIRE_GE(fd, 0);
	for (ssize_t k; n < sizeof(cmd) - 1 && (k = read(fd, cmd + n, sizeof(cmd) - 1 - n)) > 0;)
		n += (size_t)k;
	close(fd);
	at = strnlen(cmd, n) + 1;	/* past argv[0] */
	for (i = at; i < n; i++)
		args[i - at] = cmd[i] ? cmd[i] : ',';
	if (n > at)
		args[n - at - 1] = '\0';	/* the last NUL */
	e2e_log("node_env", "%s %s args=%s\n", herd_worker_id(), v ? v : "unset", args);
}

/* Crashes the first time it runs in this folder, passes after. */
TEST(crash, once)
{
	char path[4096];
	int fd;

	note();
	snprintf(path, sizeof(path), "%s/crashed_once", getenv("E2E_DIR"));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd >= 0) {
		close(fd);
		e2e_segfault();
	}
}

TEST(crash, always)
{
	note();
	e2e_segfault();
}

/* Writes a file and names it, as a test that leaves a log or a core would. */
static void
artifact(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	REQUIRE(f != NULL);
	fprintf(f, "%s\n", text);
	fclose(f);
	printf("some output\nARTIFACT: %s\nmore output\n", name);
}

TEST(art, passes)
{
	artifact("art_pass.txt", "from art::passes");
}

TEST(art, fails)
{
	mkdir("sub", 0777);
	artifact("sub/art_fail.txt", "from art::fails");
	artifact("art_err.txt", "named on stderr");
	fflush(stdout);
	fprintf(stderr, "ARTIFACT: art_err.txt\n");
	CHECK(0, "fails after naming its artifacts");
}

TEST(zz, late_critical) { note(); }
TEST(zz, ordinary) { note(); }
TEST(zz, priority_late) { note(); }
