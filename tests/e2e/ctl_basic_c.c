/*
 * ctl_basic_c.c - a second test binary for ctl_basic.sh: five passing items.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

static const int five[5];

TEST_P(c, item, five)
{
	e2e_log("runs.log", "%s %s %ld %ld\n", herd_test_id(), herd_worker_id(),
		(long)getpid(), (long)getppid());
}
