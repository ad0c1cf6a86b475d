/*
 * remote_lib.c - a shared library of remote_faults.sh's own
 * (libherdremotedep.so), which remote_lib_user.c links against: the far side
 * it runs on is given an environment where the loader cannot find it.
 */
int remote_dep_answer(void);

int remote_dep_answer(void)
{
	return 42;
}
