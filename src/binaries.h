/*
 * binaries.h - finding the test binaries: the paths given, the folders
 * walked for executables linked with libherd, and where each one's workers
 * start (--chdir).
 */
#ifndef HERD_BINARIES_H
#define HERD_BINARIES_H

#include <stddef.h>
#include <sys/stat.h>

struct ctl;

/* --chdir: where the workers of a binary start. */
enum workdir { WD_INVOCATION, WD_BINARY, WD_ROOTDIR };

/*
 * Adds to c->bins each of the n paths: a herd test binary, or a folder
 * walked (in name order, hidden folders skipped) for the ones it holds. A
 * path that is missing, special, not executable or not linked with libherd
 * is a usage error: one line, then exit 4. A file named twice runs once.
 */
void binaries_find(struct ctl *c, char **paths, size_t n);
/* Adds path, whose stat is st, unless the same file was added before. */
void binaries_add(struct ctl *c, const char *path, const struct stat *st);
/*
 * --chdir: each binary's workers start in its folder or in rootdir (the
 * project root; the current folder when NULL), as CTest's
 * WORKING_DIRECTORY, so its path is made absolute to stay valid there.
 */
void binaries_set_workdirs(struct ctl *c, enum workdir where, const char *rootdir);

#endif
