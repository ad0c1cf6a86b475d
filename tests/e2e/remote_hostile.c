/*
 * remote_hostile.c - ids, messages, output and board values made of what a
 * shell would execute. Each payload, pasted into a shell command line bare,
 * in single quotes or in double quotes, creates a canary file:
 * $E2E_CANARY.<kind>, or herd-canary.<kind> in the shell's working
 * directory where E2E_CANARY is unset. An id cannot hold a blank (libherd
 * writes '_' for it), so the payloads use ${IFS} instead. remote_ssh.sh
 * runs them on remote workers and checks that no canary ever appears.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "e2e.h"

#define CANARY(kind) "touch${IFS}${E2E_CANARY:-herd-canary}." kind

static const char *const payloads[] = {
	";" CANARY("semi") ";",
	"$(" CANARY("dollar") ")",
	"`" CANARY("back") "`",
	"';" CANARY("squote") ";'",
	"\";" CANARY("dquote") ";\"",
	"|" CANARY("pipe"),
	"\n" CANARY("newline") "\n",
};

static void payload_id(char *buf, size_t size, const void *p)
{
	snprintf(buf, size, "%s", *(const char *const *)p);
}

static const char *payload(void)
{
	return *(const char *const *)herd_param();
}

TEST_P(hostile, passes, payloads, .param_id = payload_id) { CHECK(payload() != NULL); }

/* Prints the payload and fails with it in the message. */
TEST_P(hostile, fails, payloads, .param_id = payload_id)
{
	printf("printed: %s\n", payload());
	CHECK_STR_EQ(payload(), "something else");
}

/* The payload goes through the board and comes back whole. */
TEST_P(hostile, board, payloads, .param_id = payload_id)
{
	char key[32], *back;

	snprintf(key, sizeof key, "k%ld", (long)getpid());
	herd_board_set(key, payload());
	back = herd_board_get(key);
	REQUIRE_NOT_NULL(back);
	CHECK_STR_EQ(back, payload());
	free(back);
}

/* Records the working directory: the far side's is //chdir=. */
TEST(hostile, where)
{
	char cwd[4096];

	REQUIRE(getcwd(cwd, sizeof cwd) != NULL);
	e2e_log("cwd.log", "%s %s\n", getenv("E2E_SSH") ? "far" : "near", cwd);
}
