/*
 * fakedb.c - see fakedb.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakedb.h"

/* A name, key or value that would break the file format. */
static int
bad_text(const char *s, int slash_too)
{
	return !s || strpbrk(s, slash_too ? "\t\n/" : "\t\n") != NULL;
}

static int
table_path(char *path, size_t size, const char *dir, const char *table)
{
	if (bad_text(table, 1) || !*table) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)snprintf(path, size, "%s/%s.tbl", dir, table) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
fakedb_create(char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(dir, size, "%s/fakedb-XXXXXX", tmp) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!mkdtemp(dir))
		return -1;
	return 0;
}

int
fakedb_destroy(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			unlink(path);
	closedir(d);
	return rmdir(dir);
}

int
fakedb_insert(const char *dir, const char *table, const char *key, const char *value)
{
	char path[4096], *line;
	int fd, n, r = 0;

	if (table_path(path, sizeof(path), dir, table) < 0)
		return -1;
	if (bad_text(key, 0) || bad_text(value, 0)) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(NULL, 0, "%s\t%s\n", key, value);
	if (n < 0 || !(line = malloc((size_t)n + 1)))
		return -1;
	snprintf(line, (size_t)n + 1, "%s\t%s\n", key, value);
	/* One write on an O_APPEND descriptor: concurrent inserts never interleave. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		r = -1;
	if (fd >= 0)
		close(fd);
	free(line);
	return r;
}

/* Calls fn for each row of the table; a missing table has none. */
static int
each_row(const char *dir, const char *table,
	 void (*fn)(void *arg, const char *key, const char *value), void *arg)
{
	char path[4096], *line = NULL, *tab;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (table_path(path, sizeof(path), dir, table) < 0)
		return -1;
	if (!(f = fopen(path, "r")))
		return errno == ENOENT ? 0 : -1;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if ((tab = strchr(line, '\t'))) {
			*tab = '\0';
			fn(arg, line, tab + 1);
		}
	}
	free(line);
	fclose(f);
	return 0;
}

struct lookup {
	const char *key;
	char *value;
};

static void
lookup_row(void *arg, const char *key, const char *value)
{
	struct lookup *l = arg;

	if (!strcmp(key, l->key)) {
		free(l->value);
		l->value = strdup(value);
	}
}

char *
fakedb_lookup(const char *dir, const char *table, const char *key)
{
	struct lookup l = { key, NULL };

	if (each_row(dir, table, lookup_row, &l) < 0)
		return NULL;
	if (!l.value)
		errno = ENOENT;
	return l.value;
}

struct count {
	const char *prefix;
	long n;
};

static void
count_row(void *arg, const char *key, const char *value)
{
	struct count *c = arg;

	(void)value;
	if (!strncmp(key, c->prefix, strlen(c->prefix)))
		c->n++;
}

long
fakedb_count(const char *dir, const char *table, const char *prefix)
{
	struct count c = { prefix, 0 };

	if (each_row(dir, table, count_row, &c) < 0)
		return -1;
	return c.n;
}

struct keep {
	const char *prefix;
	FILE *out;
	long removed;
	int err;
};

static void
keep_row(void *arg, const char *key, const char *value)
{
	struct keep *k = arg;

	if (!strncmp(key, k->prefix, strlen(k->prefix)))
		k->removed++;
	else if (fprintf(k->out, "%s\t%s\n", key, value) < 0)
		k->err = 1;
}

long
fakedb_delete(const char *dir, const char *table, const char *prefix)
{
	char path[4096], tmp[4200];
	struct keep k = { prefix, NULL, 0, 0 };
	int fd;

	if (table_path(path, sizeof(path), dir, table) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	if (!(k.out = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	/* Read, filter, write, rename: a row inserted meanwhile is lost. */
	if (each_row(dir, table, keep_row, &k) < 0)
		k.err = 1;
	if (fclose(k.out) != 0)
		k.err = 1;
	if (k.err || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return k.removed;
}

int
fakedb_schema(const char *dir)
{
	char *v = fakedb_lookup(dir, "_schema", "version");
	int version = v ? atoi(v) : 0;

	free(v);
	return version;
}

int
fakedb_migrate(const char *dir, int from, int to)
{
	char v[32];

	if (fakedb_schema(dir) != from) {
		errno = EAGAIN;
		return -1;
	}
	snprintf(v, sizeof(v), "%d", to);
	return fakedb_insert(dir, "_schema", "version", v);
}
