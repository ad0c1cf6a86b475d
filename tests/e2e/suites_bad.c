/*
 * suites_bad.c - declarations that suites.sh expects the binary to refuse at
 * start-up, one per -D: BAD_SUITE_FIXTURE, BAD_TEST_FIXTURE, BAD_TWICE (with
 * suites.c, whose SUITE(twice) says otherwise), BAD_GLOBAL. Without any it
 * repeats suites.c's SUITE(twice) exactly, which is allowed.
 */
#include <herd.h>

#if defined(BAD_SUITE_FIXTURE)
SUITE(badsuite, .fixtures = "plain nosuch");
TEST(badsuite, t) { }
#elif defined(BAD_TEST_FIXTURE)
TEST(badtest, t, .fixtures = "plain misspelt") { }
#elif defined(BAD_TWICE)
SUITE(twice, .marks = "other");
#elif defined(BAD_GLOBAL)
static const int two[] = { 1, 2 };
FIXTURE(gparam, .scope = HERD_SCOPE_GLOBAL, .params = HERD_PARAMS(two));
#else
SUITE(twice, .marks = "twin");
TEST(twice, elsewhere) { }
#endif
