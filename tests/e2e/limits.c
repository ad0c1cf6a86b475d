/*
 * limits.c - tests for limits.sh: two that log when they run, so the script
 * can tell that a rejected input ran nothing, and one failure with a message
 * full of markup, so that the JUnit reports merged there have something to
 * escape.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(lim, one)
{
	e2e_log("ran.log", "one\n");
}

TEST(lim, two, .marks = "slow")
{
	e2e_log("ran.log", "two\n");
}

TEST(lim, markup)
{
	CHECK_STR_EQ("<testcase a=\"b\">&amp;]]>", "");
}
