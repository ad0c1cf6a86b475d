/* empty.c - a test binary without a single test; run by outcomes.sh. */
typedef int e2e_no_tests_here;
