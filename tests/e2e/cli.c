/*
 * cli.c - two tests that log when they run, so cli.sh can tell that a usage
 * error ran nothing.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(cli, math, .marks = "fast")
{
	e2e_log("ran.log", "math\n");
}

TEST(cli, net, .marks = "slow")
{
	e2e_log("ran.log", "net\n");
}
