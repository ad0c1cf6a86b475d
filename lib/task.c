/*
 * task.c - what libherd knows of tasks (herd build, docs/tasks.md): their
 * path lists, checked and with TASK_P's {id} filled in at collection, and
 * the paths a running task asks for, made absolute under the project root.
 * The graph, the state and the check of products are the controller's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* What splits a list: the blanks the controller splits it at. */
#define LIST_SEP " \t\n"

static char *root;	/* the project root, absolute, without a trailing '/' */

void
hd_task_root_init(void)
{
	const char *env = getenv("HERD_ROOTDIR");
	char *cwd;
	size_t len;

	if (root)
		return;
	cwd = getcwd(NULL, 0);
	if (env && *env == '/')
		root = xstrdup(env);
	else if (env && *env && strcmp(env, ".") && cwd)
		root = xasprintf("%s/%s", cwd, env);
	else
		root = xstrdup(cwd ? cwd : ".");	/* a working directory removed */
	free(cwd);
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		root[--len] = '\0';
}

/* Appends w (len bytes) with the whitespace that a list cannot split at made visible. */
static void
show_word(struct buf *b, const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		switch (w[i]) {
		case '\r': buf_adds(b, "\\r"); break;
		case '\v': buf_adds(b, "\\v"); break;
		case '\f': buf_adds(b, "\\f"); break;
		default: buf_addc(b, w[i]);
		}
}

/*
 * The length of the text from w that tries to put whitespace in one path,
 * or 0: a quoted path that spans words ("my file.csv"), a blank escaped
 * with a backslash (my\ file.csv), or whitespace the list is not split at.
 */
static size_t
whitespace_path(const char *w, size_t len)
{
	const char *end;

	if ((w[0] == '"' || w[0] == '\'') && (len == 1 || w[len - 1] != w[0]))
		return (end = strchr(w + 1, w[0])) ? (size_t)(end - w) + 1 : strlen(w);
	if (w[len - 1] == '\\' && w[len]) {
		end = w + len + strspn(w + len, LIST_SEP);
		return (size_t)(end - w) + strcspn(end, LIST_SEP);
	}
	return strcspn(w, "\r\v\f") < len ? len : 0;
}

/* Appends w with each {id} replaced by id; -1 when there is no id to put. */
static int
add_word(struct buf *out, const char *w, size_t len, const char *id)
{
	const char *end = w + len, *hole;

	while ((hole = memmem(w, (size_t)(end - w), "{id}", 4))) {
		if (!id)
			return -1;
		buf_add(out, w, (size_t)(hole - w));
		buf_adds(out, id);
		w = hole + 4;
	}
	buf_add(out, w, (size_t)(end - w));
	return 0;
}

int
hd_path_list(const char *list, const char *id, struct buf *out, struct buf *err)
{
	const char *p = list;
	size_t len, bad;

	buf_reset(out);
	while (p && *(p += strspn(p, LIST_SEP))) {
		len = strcspn(p, LIST_SEP);
		if ((bad = whitespace_path(p, len))) {
			buf_addc(err, '\'');
			show_word(err, p, bad);
			buf_adds(err, "': a path cannot hold whitespace (the list is split at blanks)");
			return -1;
		}
		if (out->len)
			buf_addc(out, ' ');
		if (add_word(out, p, len, id) < 0) {
			buf_printf(err, "'%.*s': {id} stands for a TASK_P's param id, and this "
				   "task has no params", (int)len, p);
			return -1;
		}
		p += len;
	}
	return 0;
}

/* ---- in the running task ---- */

/* The absolute paths of the item that asked last: made on the first call. */
static struct {
	const struct hd_item *item;
	char **path[2];		/* depends_on, produces */
	size_t n[2];
} resolved;

char *
hd_task_abspath(const char *dir, const char *path, size_t len)
{
	if (*path == '/')
		return xstrndup(path, len);
	return xasprintf("%s/%.*s", strcmp(dir, "/") ? dir : "", (int)len, path);
}

static void
resolve_list(const char *list, char ***pathp, size_t *np)
{
	const char *p = list;
	size_t len;

	while (p && *(p += strspn(p, " "))) {
		len = strcspn(p, " ");
		*pathp = xreallocarray(*pathp, *np + 1, sizeof(**pathp));
		(*pathp)[(*np)++] = hd_task_abspath(root, p, len);
		p += len;
	}
}

static void
resolve(const struct hd_item *it)
{
	size_t k, i;

	hd_task_root_init();
	for (k = 0; k < 2; k++) {
		for (i = 0; i < resolved.n[k]; i++)
			free(resolved.path[k][i]);
		free(resolved.path[k]);
		resolved.path[k] = NULL;
		resolved.n[k] = 0;
	}
	resolve_list(it->depends_on, &resolved.path[0], &resolved.n[0]);
	resolve_list(it->produces, &resolved.path[1], &resolved.n[1]);
	resolved.item = it;
}

static const char *
task_path(int which, size_t i)
{
	const struct hd_item *it = hd_ctx.item;

	if (!it || !it->task)
		return NULL;
	if (resolved.item != it)
		resolve(it);
	return i < resolved.n[which] ? resolved.path[which][i] : NULL;
}

/* mkdir -p of the folder path is in; -1 with errno set when it cannot be made. */
static int
make_parents(char *path)
{
	struct stat st;
	char *s = strrchr(path, '/');
	int err;

	/* Mostly it is there: one stat() in the task's process, not two a level. */
	if (s && s != path) {
		*s = '\0';
		err = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		*s = '/';
		if (err)
			return 0;
	}
	for (s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		err = 0;
		if (mkdir(path, 0777) < 0) {
			err = errno;	/* why it could not be made, should it not be there */
			if (stat(path, &st) == 0)
				err = S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
		}
		*s = '/';
		if (err) {
			errno = err;
			return -1;
		}
	}
	return 0;
}

void
hd_task_resolve(const struct hd_item *it)
{
	if (it->task && resolved.item != it)
		resolve(it);
}

int
hd_task_make_dirs(const struct hd_item *it)
{
	size_t i;
	char *dir;

	if (resolved.item != it)
		resolve(it);
	for (i = 0; i < resolved.n[1]; i++) {
		dir = xstrdup(resolved.path[1][i]);
		if (make_parents(dir) < 0) {
			herd_fail_at(0, it->t->file, it->t->line, "cannot make the folder of %s: %s",
				     resolved.path[1][i], strerror(errno));
			free(dir);
			return -1;
		}
		free(dir);
	}
	return 0;
}

const char *
herd_depends_on(size_t i)
{
	return task_path(0, i);
}

const char *
herd_produces(size_t i)
{
	return task_path(1, i);
}
