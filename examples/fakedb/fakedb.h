/*
 * fakedb.h - a pretend database for the fakedb example: a directory of
 * tables, each table a text file of "key<TAB>value" lines. Inserts append one
 * line with a single write(2), so several processes may insert at once; a
 * delete rewrites the table and must not race with other writers of it.
 *
 *	char dir[4096];
 *
 *	if (fakedb_create(dir, sizeof(dir)) < 0)
 *		return -1;
 *	fakedb_insert(dir, "users", "ada", "ada@example.org");
 *	char *mail = fakedb_lookup(dir, "users", "ada");
 *	...
 *	free(mail);
 *	fakedb_destroy(dir);
 *
 * Functions that can fail return -1 (or NULL) with errno set. Table names,
 * keys and values hold no tab, newline or '/' (EINVAL). It is good enough to
 * show how a test suite shares one expensive resource, and nothing more.
 */
#ifndef FAKEDB_H
#define FAKEDB_H

#include <stddef.h>

/* Makes a new, empty database under $TMPDIR (else /tmp); its path into dir. */
int fakedb_create(char *dir, size_t size);

/* Removes the database and every table in it. */
int fakedb_destroy(const char *dir);

/* Adds a row; a later row with the same key hides the earlier ones. */
int fakedb_insert(const char *dir, const char *table, const char *key, const char *value);

/* The latest value of key, malloc()ed, or NULL (errno ENOENT when absent). */
char *fakedb_lookup(const char *dir, const char *table, const char *key);

/* The number of rows whose key starts with prefix ("" for all); a missing table has 0. */
long fakedb_count(const char *dir, const char *table, const char *prefix);

/* Removes the rows whose key starts with prefix; returns how many went. */
long fakedb_delete(const char *dir, const char *table, const char *prefix);

/* The schema version: 0 in a new database. */
int fakedb_schema(const char *dir);

/* Moves the schema from version from to version to; -1 (EAGAIN) if it is not at from. */
int fakedb_migrate(const char *dir, int from, int to);

#endif
