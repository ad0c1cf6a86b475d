/*
 * remote_lib_user.c - a test binary that needs remote_lib.c's shared
 * library (linked with -lherdremotedep, found through LD_LIBRARY_PATH).
 */
#include <herd.h>

int remote_dep_answer(void);

TEST(dep, answers)
{
	CHECK_EQ(remote_dep_answer(), 42);
}
