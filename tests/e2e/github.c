/*
 * github.c - outcomes for github.sh. The script compiles it under a file
 * name holding ',', ':' and '%' (a #line directive), which GitHub's
 * annotation properties must escape.
 */
#include <stdlib.h>

#include <herd.h>

TEST(hostile, fail)
{
	FAIL("first\r%%25 line, with: specials\nsecond line");
}

TEST(plain, fails) { CHECK_EQ(1 + 1, 3); }
TEST(plain, crashes) { abort(); }
TEST(plain, passes) { CHECK(1); }
TEST(plain, skipped) { herd_skip("not here"); }
TEST(plain, known, .xfail = "a known bug") { CHECK(0); }
