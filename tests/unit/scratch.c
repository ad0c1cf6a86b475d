/* scratch.c - see scratch.h. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <herd.h>

#include "scratch.h"
#include "util.h"

char *
scratch_dir(const char *tag)
{
	const char *t = getenv("TMPDIR");
	char *dir = xasprintf("%s/herd-%s-XXXXXX", t && *t ? t : "/tmp", tag);

	REQUIRE_NOT_NULL(mkdtemp(dir));
	return dir;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void
scratch_remove(char *dir)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}
