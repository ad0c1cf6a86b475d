/*
 * chdir.c - a test that opens a data file by a relative path, as ported
 * suites do, for chdir.sh: inputs/where.txt says which folder it was found
 * in, and the test passes when that is the folder $CHDIR_WANT names.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include "e2e.h"

TEST(cwd, reads_inputs)
{
	const char *want = getenv("CHDIR_WANT");
	char where[64] = "";
	FILE *f = fopen("inputs/where.txt", "r");

	REQUIRE(f != NULL, "inputs/where.txt cannot be opened here");
	REQUIRE(fgets(where, sizeof(where), f) != NULL);
	fclose(f);
	where[strcspn(where, "\n")] = '\0';
	printf("found inputs/where.txt in %s\n", where);
	REQUIRE(want != NULL);
	CHECK_STR_EQ(where, want);
}
