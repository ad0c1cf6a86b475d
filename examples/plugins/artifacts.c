/*
 * artifacts - collects the files a test names in its output: a line
 * "ARTIFACT: path" (printed by the test, on stdout or stderr) has that file
 * copied into artifacts/<id>/ once the try ends, whatever its outcome, the
 * id made safe as a folder name (every byte but letters, digits, '.', '-'
 * and '_' becomes '_'). Relative paths are taken from herd's working
 * folder, where its workers run too (unless herd.ini's chdir says
 * otherwise). As pytask's plugins collect the products of tasks.
 * Shows: runtest_logreport (every try, with its output), an option with a
 * herd.ini key and a default (--artifacts-dir DIR, artifacts_dir = DIR),
 * and herd_warn for a file that is not there (a warning, not a failure).
 *
 *	herd -p build/plugins/artifacts.so build/tests
 *
 * Output is captured unless -s is given: under -s there is none to read.
 */
#define _GNU_SOURCE	/* asprintf, strndup */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <herd_plugin.h>

#define TAG "ARTIFACT: "

static int
addoption(herd_parser *p)
{
	static const struct herd_option o = {
		.name = "--artifacts-dir", .metavar = "DIR",
		.help = "where the files tests name (ARTIFACT: path) are copied",
		.ini = "artifacts_dir", .dflt = "artifacts",
	};

	return herd_addoption(p, &o);
}

/* mkdir -p: 0, or -1 with errno. */
static int
mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

/* Copies from to to: 0, or -1 with errno. */
static int
copy(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out, rc = 0;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n) {
			rc = -1;
			break;
		}
	}
	close(in);
	if (close(out) < 0)
		rc = -1;
	return rc;
}

/* DIR/<id, made a safe folder name>; malloc()ed. */
static char *
folder_of(const char *dir, const char *id)
{
	size_t len = strlen(dir), i;
	char *f = malloc(len + strlen(id) + 2);

	if (!f)
		return NULL;
	memcpy(f, dir, len);
	f[len++] = '/';
	for (i = 0; id[i]; i++) {
		char ch = id[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';

		f[len++] = ok ? ch : '_';
	}
	f[len] = '\0';
	return f;
}

/* Copies the file one ARTIFACT line names (path, len bytes) into folder. */
static int
collect(herd_session *s, const char *folder, const char *path, size_t len)
{
	char *from = strndup(path, len), *to;
	const char *base;

	if (!from)
		return -1;
	base = strrchr(from, '/') ? strrchr(from, '/') + 1 : from;
	if (!*base || asprintf(&to, "%s/%s", folder, base) < 0) {
		herd_warn(s, "'%s' names no file", from);
		free(from);
		return 0;
	}
	if (copy(from, to) < 0)
		herd_warn(s, "cannot copy %s to %s: %s", from, to, strerror(errno));
	free(to);
	free(from);
	return 0;
}

static int
runtest_logreport(herd_session *s, const struct herd_report *r)
{
	const char *p = r->output, *end = r->output + r->outlen, *nl;
	char *folder = NULL;
	int rc = 0;

	if (!p)
		return 0;
	for (; p < end && rc == 0; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if ((size_t)(nl - p) <= strlen(TAG) || memcmp(p, TAG, strlen(TAG)))
			continue;
		if (!folder) {
			folder = folder_of(herd_getoption(s, "--artifacts-dir"), r->id);
			if (!folder || mkdirs(folder) < 0) {
				herd_plugin_error(s, "cannot make %s: %s", folder ? folder : "a folder",
						  strerror(errno));
				rc = -1;
				break;
			}
		}
		rc = collect(s, folder, p + strlen(TAG), (size_t)(nl - p) - strlen(TAG));
	}
	free(folder);
	return rc;
}

HERD_PLUGIN("artifacts",
	    .addoption = addoption,
	    .runtest_logreport = runtest_logreport);
