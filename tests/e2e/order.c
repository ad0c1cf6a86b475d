/*
 * order.c - order dependence under --isolation none: order::pollute sets a
 * global that order::victim checks, so the victim fails after the polluter
 * in one process and passes alone; twenty innocent tests around them give
 * --bisect something to search. plain::broken fails however it runs.
 * crowd::victim, polluted by crowd::pollute, has sixty tests between them:
 * more than a report names. Run by order.sh.
 */
#include <herd.h>

#include "e2e.h"

static int polluted;

/* An innocent test: it records that it ran, and touches nothing. */
#define INNOCENT(n) TEST(order, n) { e2e_log("ran.log", "%s\n", #n); }

INNOCENT(a00)
INNOCENT(a01)
INNOCENT(a02)
INNOCENT(a03)
INNOCENT(a04)
INNOCENT(a05)
INNOCENT(a06)
INNOCENT(a07)
INNOCENT(a08)
INNOCENT(a09)

TEST(order, pollute)
{
	polluted = 1;
	e2e_log("ran.log", "pollute\n");
}

INNOCENT(b00)
INNOCENT(b01)
INNOCENT(b02)
INNOCENT(b03)
INNOCENT(b04)
INNOCENT(b05)
INNOCENT(b06)
INNOCENT(b07)
INNOCENT(b08)
INNOCENT(b09)

TEST(order, victim)
{
	e2e_log("ran.log", "victim %ld\n", (long)getpid());
	CHECK_EQ(polluted, 0, "a global left set by an earlier test");
}

TEST(plain, first)
{
}

TEST(plain, broken)
{
	e2e_log("ran.log", "broken %ld\n", (long)getpid());
	CHECK(0, "fails however it runs");
}

static int crowded;
static const int sixty[60];

TEST(crowd, pollute)
{
	crowded = 1;
}

TEST_P(crowd, filler, sixty)
{
}

TEST(crowd, victim)
{
	CHECK_EQ(crowded, 0, "a global left set by an earlier test");
}
