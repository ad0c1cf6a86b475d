/*
 * scratch.h - scratch folders for the unit tests that touch the file system.
 */
#ifndef HERD_TEST_SCRATCH_H
#define HERD_TEST_SCRATCH_H

/* A new folder $TMPDIR/herd-TAG-XXXXXX (malloc()ed path); the test stops if it cannot. */
char *scratch_dir(const char *tag);
/* Removes dir and everything below it, then frees the path. */
void scratch_remove(char *dir);

#endif
