/*
 * project.h - where a project's files are, for the controller and the test
 * binary alike: the project root is the folder holding herd.ini (found here
 * or in a parent folder, as pytest finds its rootdir), and the cache lives
 * in it unless told otherwise. Both sides must agree, so that `./t --lf`
 * after `herd -n 4` reads what the controller wrote.
 */
#ifndef HERD_PROJECT_H
#define HERD_PROJECT_H

#include <stddef.h>

/* The path of herd.ini in the current folder or the nearest parent that
 * has one (malloc()ed), or NULL when there is none. */
char *hd_find_ini(void);

/*
 * The cache folder (malloc()ed): opt (--cache-dir, relative to the current
 * folder) if given, else ini_value (herd.ini's cache_dir, relative to
 * ini_dir), else .herd_cache in ini_dir (or here when ini_dir is NULL).
 * NULL with a one-line reason in err when the name is empty or names the
 * project's folder or the current one: the cache writes a README.md and a
 * .gitignore of its own, which must never land among the user's files.
 */
char *hd_cache_dir(const char *opt, const char *ini_value, const char *ini_dir,
		   char *err, size_t errlen);

#endif
