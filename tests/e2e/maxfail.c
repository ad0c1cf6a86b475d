/* maxfail.c - passes, failures and a crash in a known order, for -x and
 * --maxfail in select.sh. */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(mf, p1) { e2e_log("mf.log", "p1\n"); }
TEST(mf, f1) { e2e_log("mf.log", "f1\n"); CHECK(0); }
TEST(mf, p2) { e2e_log("mf.log", "p2\n"); }
TEST(mf, f2) { e2e_log("mf.log", "f2\n"); CHECK(0); }
TEST(mf, p3) { e2e_log("mf.log", "p3\n"); }
TEST(mf, c3) { e2e_log("mf.log", "c3\n"); abort(); }
TEST(mf, p4) { e2e_log("mf.log", "p4\n"); }
