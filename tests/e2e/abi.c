/* abi.c - a test compiled against this herd.h, beside abi_old.c's. */
#include <herd.h>

TEST(now, one) { CHECK_EQ(1 + 1, 2); }
