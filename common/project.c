/* project.c - see project.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project.h"
#include "util.h"

char *
hd_find_ini(void)
{
	char dir[4096], *p;

	if (!getcwd(dir, sizeof(dir) - 16))
		return NULL;
	for (;;) {
		char *path = xasprintf("%s/herd.ini", strcmp(dir, "/") ? dir : "");

		if (access(path, F_OK) == 0)
			return path;
		free(path);
		if (!strcmp(dir, "/") || !(p = strrchr(dir, '/')))
			return NULL;
		if (p == dir)
			p[1] = '\0';
		else
			*p = '\0';
	}
}

static int
same_file(const struct stat *a, const char *path)
{
	struct stat b;

	return path && stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

char *
hd_cache_dir(const char *opt, const char *ini_value, const char *ini_dir,
	     char *err, size_t errlen)
{
	const char *d = opt ? opt : ini_value ? ini_value : ".herd_cache";
	const char *what = opt ? "--cache-dir" : "cache_dir in herd.ini";
	struct stat st;
	char *dir;

	if (!*d) {
		snprintf(err, errlen, "%s is empty: name a folder of its own for the cache", what);
		return NULL;
	}
	if (d[0] != '/' && !opt && ini_dir)
		dir = xasprintf("%s/%s", ini_dir, d);
	else
		dir = xstrdup(d);
	if (stat(dir, &st) == 0 && (same_file(&st, ".") || same_file(&st, ini_dir))) {
		snprintf(err, errlen, "%s names the project's own folder (%.80s): name a folder "
			 "of its own for the cache", what, d);
		free(dir);
		return NULL;
	}
	return dir;
}
