/*
 * faults_calm.c - the fault matrix's second binary (faults.sh): plain
 * passing items in two suites and a group, so that the scoped modes have
 * another file, other scopes and another group to hand out beside the
 * misbehaving ones, and a worker a crash replaced has calm work left. None
 * of them may time out, however loaded the machine: each has a limit of 30 s.
 */
#include <herd.h>

static const int four[4];

TEST_P(pass_calm, one, four, .timeout = 30)
{
	CHECK(1);
}

TEST_P(pass_grouped, two, four, .group = "g2", .timeout = 30)
{
	CHECK(1);
}

TEST(fail_calm, plain, .timeout = 30)
{
	CHECK_EQ(1 + 1, 3);
}
