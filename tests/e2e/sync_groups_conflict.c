/*
 * sync_groups_conflict.c - one group declared with two strategies, for
 * sync_groups.sh: the binary must refuse to list or run anything.
 */
#include <herd.h>

TEST(cf, plain) { CHECK(1); }
TEST(cf, first, .group = "cf", .strategy = HERD_SERIAL) { CHECK(1); }
TEST(cf, quiet, .group = "cf") { CHECK(1); }
TEST(cf, second, .group = "cf", .strategy = HERD_ISOLATED_FREE) { CHECK(1); }
