/*
 * verbs.c - the task verbs that show or tidy rather than run (src/build.h,
 * docs/tasks.md): their command line, herd markers, and herd collect, dag,
 * profile and clean over the graph build.c sets up.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build.h"
#include "state.h"

extern char **environ;

static const struct {
	const char *name, *meaning;
} markers[] = {
	{ "skip", "skip the task, and every task below it" },
	{ "skip_unchanged", "skip the task when its files and code did not change (the default)" },
	{ "persist", "when its products exist, never run it again: take their state as it is" },
	{ "try_first", "start the task before the others that are ready" },
	{ "try_last", "start the task after the others that are ready" },
};

/* ---- the command line ---- */

enum verb
verb_of(const char *arg)
{
	static const char *const names[] = { [VERB_BUILD] = "build", [VERB_CLEAN] = "clean",
		[VERB_COLLECT] = "collect", [VERB_DAG] = "dag", [VERB_MARKERS] = "markers",
		[VERB_PROFILE] = "profile" };
	size_t i;

	for (i = 1; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(arg, names[i]))
			return (enum verb)i;
	return VERB_NONE;
}

/* The value of option name at v[*i] (--x=V or --x V), or NULL when it is not that option. */
static const char *
opt_value(char **v, size_t n, size_t *i, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(v[*i], name, len))
		return NULL;
	if (v[*i][len] == '=')
		return v[*i] + len + 1;
	if (v[*i][len])
		return NULL;
	if (*i + 1 >= n) {
		fprintf(stderr, "herd: %s needs a value\n", name);
		exit(HD_EXIT_USAGE);
	}
	return v[++*i];
}

static void
check_choice(const char *opt, const char *val, const char *const *ok)
{
	size_t i;

	for (i = 0; ok[i]; i++)
		if (!strcmp(val, ok[i]))
			return;
	fprintf(stderr, "herd: %s: '%s' is not one of", opt, val);
	for (i = 0; ok[i]; i++)
		fprintf(stderr, "%s %s", i ? "," : "", ok[i]);
	fputc('\n', stderr);
	exit(HD_EXIT_USAGE);
}

void
verb_args(struct verb_opts *o, char **v, size_t *n)
{
	static const char *const modes[] = { "dry-run", "force", "interactive", NULL };
	static const char *const formats[] = { "csv", "json", NULL };
	static const char *const dirs[] = { "TB", "LR", "BT", "RL", NULL };
	size_t i, k = 0;
	const char *val;

	for (i = 0; i < *n; i++) {
		int b = o->verb == VERB_BUILD, d = o->verb == VERB_DAG;

		if (!strcmp(v[i], "--")) {
			while (i < *n)
				v[k++] = v[i++];
			break;
		}
		if (b && !strcmp(v[i], "--dry-run"))
			o->dry_run = 1;
		else if (b && !strcmp(v[i], "--force"))
			o->force = 1;
		else if (b && !strcmp(v[i], "--explain"))
			o->explain = 1;
		else if (o->verb == VERB_COLLECT && !strcmp(v[i], "--nodes"))
			o->nodes = 1;
		else if (d && (val = opt_value(v, *n, &i, "-o")))
			o->out = val;
		else if (d && (val = opt_value(v, *n, &i, "--output-path")))
			o->out = val;
		else if (d && (val = opt_value(v, *n, &i, "--rankdir")))
			check_choice("--rankdir", o->rankdir = val, dirs);
		else if (o->verb == VERB_PROFILE && (val = opt_value(v, *n, &i, "--export")))
			check_choice("--export", o->export_fmt = val, formats);
		else if (o->verb == VERB_CLEAN && (val = opt_value(v, *n, &i, "--mode")))
			check_choice("--mode", o->clean_mode = val, modes);
		else if (o->verb == VERB_CLEAN && (val = opt_value(v, *n, &i, "--exclude"))) {
			o->exclude = xreallocarray(o->exclude, o->nexclude + 1, sizeof(*o->exclude));
			o->exclude[o->nexclude++] = (char *)val;
		} else
			v[k++] = v[i];
	}
	*n = k;
}

int
verb_markers(void)
{
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(*markers); i++)
		printf("%-15s %s\n", markers[i].name, markers[i].meaning);
	return HD_EXIT_OK;
}

/* ---- herd collect ---- */

static void
print_paths(const char *label, char *const *v, size_t n)
{
	size_t k;

	if (!n)
		return;
	printf("    %-11s", label);
	for (k = 0; k < n; k++)
		printf(" %s", v[k]);
	putchar('\n');
}

int
verb_collect(struct build *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->d.n; i++) {
		const struct dag_task *d = &b->d.t[i];
		const struct cdecl *decl = b->t[i].it->decl;

		if (!d->selected)
			continue;
		n++;
		printf("%s\n", d->in->id);
		if (!b->o->nodes)
			continue;
		print_paths("depends on:", d->deps, d->ndeps);
		print_paths("produces:", d->prods, d->nprods);
		if (decl->after && *decl->after)
			printf("    %-11s %s\n", "after:", decl->after);
		if (decl->marks && *decl->marks)
			printf("    %-11s %s\n", "marks:", decl->marks);
	}
	printf("\ncollected %zu task%s\n", n, n == 1 ? "" : "s");
	return HD_EXIT_OK;
}

/* ---- herd dag ---- */

/* s as a DOT string, quoted. */
static void
dot_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', f);
		putc(*s, f);
	}
	putc('"', f);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fill colour of a task by its last outcome. */
static const char *
colour_of(const struct build *b, size_t i)
{
	char *last = b->st ? state_outcome(b->st, b->d.t[i].in->id) : NULL;
	const char *colour = "lightgrey";

	if (last && (!strcmp(last, "success") || !strcmp(last, "persisted")))
		colour = "palegreen";
	else if (last && !strcmp(last, "failed"))
		colour = "salmon";
	free(last);
	return colour;
}

/* Whether a file links u to i (else .after does, drawn dashed). */
static int
linked_by_file(const struct dag *d, size_t u, size_t i)
{
	size_t p, k;

	for (p = 0; p < d->t[u].nprods; p++)
		for (k = 0; k < d->t[i].ndeps; k++)
			if (!strcmp(d->t[u].prods[p], d->t[i].deps[k]))
				return 1;
	return 0;
}

static void
write_dot(const struct build *b, FILE *f)
{
	const struct dag *d = &b->d;
	char **files = NULL;
	size_t nfiles = 0, i, k;

	fprintf(f, "digraph herd {\n\trankdir=%s;\n\tnode [fontname=\"Helvetica\"];\n",
		b->o->rankdir ? b->o->rankdir : "TB");
	for (i = 0; i < d->n; i++) {
		if (!d->t[i].selected)
			continue;
		putc('\t', f);
		dot_str(f, d->t[i].in->id);
		fprintf(f, " [shape=box, style=filled, fillcolor=%s];\n", colour_of(b, i));
		files = xreallocarray(files, nfiles + d->t[i].ndeps + d->t[i].nprods + 1,
				      sizeof(*files));
		for (k = 0; k < d->t[i].ndeps; k++)
			files[nfiles++] = d->t[i].deps[k];
		for (k = 0; k < d->t[i].nprods; k++)
			files[nfiles++] = d->t[i].prods[k];
	}
	if (nfiles)
		qsort(files, nfiles, sizeof(*files), cmp_str);
	for (k = 0; k < nfiles; k++)
		if (!k || strcmp(files[k], files[k - 1])) {
			putc('\t', f);
			dot_str(f, files[k]);
			fprintf(f, " [shape=note];\n");
		}
	free(files);
	for (i = 0; i < d->n; i++) {
		if (!d->t[i].selected)
			continue;
		for (k = 0; k < d->t[i].ndeps; k++) {
			putc('\t', f);
			dot_str(f, d->t[i].deps[k]);
			fputs(" -> ", f);
			dot_str(f, d->t[i].in->id);
			fputs(";\n", f);
		}
		for (k = 0; k < d->t[i].nprods; k++) {
			putc('\t', f);
			dot_str(f, d->t[i].in->id);
			fputs(" -> ", f);
			dot_str(f, d->t[i].prods[k]);
			fputs(";\n", f);
		}
		for (k = 0; k < d->t[i].nup; k++)
			if (!linked_by_file(d, d->t[i].up[k], i)) {
				putc('\t', f);
				dot_str(f, d->t[d->t[i].up[k]].in->id);
				fputs(" -> ", f);
				dot_str(f, d->t[i].in->id);
				fputs(" [style=dashed];\n", f);
			}
	}
	fputs("}\n", f);
}

/* Whether prog is an executable on PATH. */
static int
on_path(const char *prog)
{
	const char *p = getenv("PATH");

	while (p && *p) {
		size_t len = strcspn(p, ":");
		char *full = xasprintf("%.*s/%s", (int)len, len ? p : ".", prog);
		int ok = access(full, X_OK) == 0;

		free(full);
		if (ok)
			return 1;
		p += len + (p[len] == ':');
	}
	return 0;
}

/* Runs argv (searched on PATH), waits; its exit status, or -1. */
static int
run_wait(char *const argv[])
{
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ))
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
verb_dag(struct build *b)
{
	const char *out = b->o->out, *ext = out ? strrchr(out, '.') : NULL;
	char *tmp, fmt[16];
	FILE *f;
	int r;

	if (!out) {
		write_dot(b, stdout);
		return HD_EXIT_OK;
	}
	if (!ext || (strcmp(ext, ".dot") && strcmp(ext, ".svg") && strcmp(ext, ".png") &&
		     strcmp(ext, ".pdf"))) {
		fprintf(stderr, "herd: %s: the extension names the format: .dot, .svg, .png or .pdf\n",
			out);
		return HD_EXIT_USAGE;
	}
	if (strcmp(ext, ".dot") && !on_path("dot")) {
		fprintf(stderr, "herd: %s needs Graphviz's dot, which is not installed (Debian: "
			"apt-get install graphviz); -o %.*s.dot writes the graph without it\n", out,
			(int)(ext - out), out);
		return HD_EXIT_INTERNAL;
	}
	tmp = xasprintf("%s.tmp%ld.dot", out, (long)getpid());
	if (!(f = fopen(tmp, "w"))) {
		fprintf(stderr, "herd: cannot write %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return HD_EXIT_INTERNAL;
	}
	write_dot(b, f);
	r = fclose(f);
	if (!r && !strcmp(ext, ".dot")) {
		r = rename(tmp, out);
	} else if (!r) {
		char *argv[] = { "dot", fmt, "-o", (char *)out, tmp, NULL };

		snprintf(fmt, sizeof(fmt), "-T%s", ext + 1);
		r = run_wait(argv) == 0 ? 0 : -1;
		unlink(tmp);
	}
	if (r) {
		fprintf(stderr, "herd: cannot write %s\n", out);
		unlink(tmp);
	}
	free(tmp);
	return r ? HD_EXIT_INTERNAL : HD_EXIT_OK;
}

/* ---- herd profile ---- */

/* The bytes of i's products that exist. */
static long long
product_bytes(const struct build *b, size_t i)
{
	long long sum = 0;
	size_t k;

	for (k = 0; k < b->d.t[i].nprods; k++) {
		char *full = xasprintf("%s/%s", b->c->rootdir, b->d.t[i].prods[k]);
		struct stat st;

		if (stat(full, &st) == 0)
			sum += (long long)st.st_size;
		free(full);
	}
	return sum;
}

static void
json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			putc(*s, f);
	}
	putc('"', f);
}

/* profile.csv or profile.json in the current folder, as pytask writes them. */
static int
export_profile(const struct build *b, const char *fmt)
{
	char *name = xasprintf("profile.%s", fmt);
	FILE *f = fopen(name, "w");
	const char *sep = "";
	size_t i;

	if (!f) {
		fprintf(stderr, "herd: cannot write %s: %s\n", name, strerror(errno));
		free(name);
		return HD_EXIT_INTERNAL;
	}
	fputs(!strcmp(fmt, "csv") ? "id,duration,size\n" : "[", f);
	for (i = 0; i < b->d.n; i++) {
		double dur = b->st ? state_duration(b->st, b->d.t[i].in->id) : -1;

		if (!b->d.t[i].selected)
			continue;
		if (!strcmp(fmt, "csv")) {
			fprintf(f, "\"%s\",", b->d.t[i].in->id);
			if (dur >= 0)
				fprintf(f, "%.3f", dur);
			fprintf(f, ",%lld\n", product_bytes(b, i));
		} else {
			fprintf(f, "%s\n{\"id\": ", sep);
			json_str(f, b->d.t[i].in->id);
			if (dur >= 0)
				fprintf(f, ", \"duration\": %.3f", dur);
			else
				fprintf(f, ", \"duration\": null");
			fprintf(f, ", \"size\": %lld}", product_bytes(b, i));
			sep = ",";
		}
	}
	if (strcmp(fmt, "csv"))
		fputs("\n]\n", f);
	if (fclose(f)) {
		fprintf(stderr, "herd: cannot write %s: %s\n", name, strerror(errno));
		free(name);
		return HD_EXIT_INTERNAL;
	}
	printf("herd: wrote %s\n", name);
	free(name);
	return HD_EXIT_OK;
}

int
verb_profile(struct build *b)
{
	size_t i, w = 4;

	if (b->o->export_fmt)
		return export_profile(b, b->o->export_fmt);
	for (i = 0; i < b->d.n; i++)
		if (b->d.t[i].selected && strlen(b->d.t[i].in->id) > w)
			w = strlen(b->d.t[i].in->id);
	printf("%-*s  %12s  %16s\n", (int)w, "Task", "Duration (s)", "Size of products");
	for (i = 0; i < b->d.n; i++) {
		double dur = b->st ? state_duration(b->st, b->d.t[i].in->id) : -1;
		char d[32];

		if (!b->d.t[i].selected)
			continue;
		if (dur >= 0)
			snprintf(d, sizeof(d), "%.3f", dur);
		else
			snprintf(d, sizeof(d), "-");
		printf("%-*s  %12s  %14lld B\n", (int)w, b->d.t[i].in->id, d, product_bytes(b, i));
	}
	return HD_EXIT_OK;
}

/* ---- herd clean ---- */

struct names {
	char **v;
	size_t n;
};

static void
names_add(struct names *s, char *path)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = path;
}

static int
names_has(const struct names *s, const char *path)
{
	return s->n && bsearch(&path, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
}

static void
names_free(struct names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* path (absolute or relative to herd's cwd) relative to the root, or NULL outside it. */
static char *
under_root(const char *root, const char *path)
{
	char *abs = realpath(path, NULL), *rel = NULL;
	size_t len = strlen(root);

	if (abs && !strncmp(abs, root, len) && abs[len] == '/')
		rel = xstrdup(abs + len + 1);
	free(abs);
	return rel;
}

/* What herd knows in the project: the tasks' files and sources, the binaries. */
static void
known_files(const struct build *b, struct names *known)
{
	const struct ctl *c = b->c;
	size_t i, k;
	char *p;

	for (i = 0; i < b->d.n; i++) {
		for (k = 0; k < b->d.t[i].ndeps; k++)
			names_add(known, xstrdup(b->d.t[i].deps[k]));
		for (k = 0; k < b->d.t[i].nprods; k++)
			names_add(known, xstrdup(b->d.t[i].prods[k]));
	}
	for (i = 0; i < c->nbins; i++) {
		if ((p = under_root(c->rootdir, c->bins[i].path)))
			names_add(known, p);
		for (k = 0; k < c->bins[i].n; k++)
			if ((p = dag_path(c->bins[i].items[k].decl->file)))
				names_add(known, p);
	}
	names_add(known, xstrdup("herd.ini"));
}

/* The files git tracks in the project, when it is a git work tree. */
static void
tracked_files(const char *root, struct names *tracked)
{
	char *argv[] = { "git", "-C", (char *)root, "ls-files", "-z", NULL };
	posix_spawn_file_actions_t fa;
	struct buf out = BUF_INIT;
	char chunk[8192], *p;
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	if (!on_path("git") || pipe(fds) < 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "git", &fa, NULL, argv, environ))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while (pid > 0 && ((n = read(fds[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			buf_add(&out, chunk, (size_t)n);
	close(fds[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(st) && !WEXITSTATUS(st))
		for (p = out.data; p && p < out.data + out.len; p += strlen(p) + 1)
			names_add(tracked, xstrdup(p));
	buf_clear(&out);
}

static int
excluded(const struct verb_opts *o, const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	size_t i;

	for (i = 0; i < o->nexclude; i++)
		if (!fnmatch(o->exclude[i], rel, 0) || !fnmatch(o->exclude[i], base, 0))
			return 1;
	return 0;
}

/* The files under root/rel that are unknown, untracked and not excluded. Hidden
 * files and folders (.git, .herd, ...) are never candidates. */
static void
unknown_files(const struct build *b, const struct names *known, const struct names *tracked,
	      const char *rel, struct names *out, int depth)
{
	char *dir = *rel ? xasprintf("%s/%s", b->c->rootdir, rel) : xstrdup(b->c->rootdir);
	struct names here = { NULL, 0 };
	struct dirent *de;
	struct stat st;
	size_t i;
	DIR *d;

	if (depth > 32 || !(d = opendir(dir))) {
		free(dir);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			names_add(&here, *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name));
	closedir(d);
	if (here.n)
		qsort(here.v, here.n, sizeof(*here.v), cmp_str);
	for (i = 0; i < here.n; i++) {
		char *full = xasprintf("%s/%s", b->c->rootdir, here.v[i]);

		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			unknown_files(b, known, tracked, here.v[i], out, depth + 1);
		else if (!names_has(known, here.v[i]) && !names_has(tracked, here.v[i]) &&
			 !excluded(b->o, here.v[i]))
			names_add(out, xstrdup(here.v[i]));
		free(full);
	}
	names_free(&here);
	free(dir);
}

/* Interactive: y or yes removes; anything else, and the end of stdin, keeps. */
static int
confirm(const char *rel)
{
	char line[64];

	printf("Remove %s? [y/N] ", rel);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin)) {
		putchar('\n');
		return 0;
	}
	return !strcmp(line, "y\n") || !strcmp(line, "yes\n") || !strcmp(line, "Y\n");
}

int
verb_clean(struct build *b)
{
	const char *mode = b->o->clean_mode ? b->o->clean_mode : "dry-run";
	struct names known = { NULL, 0 }, tracked = { NULL, 0 }, out = { NULL, 0 };
	size_t i, removed = 0;
	int status = HD_EXIT_OK;

	known_files(b, &known);
	tracked_files(b->c->rootdir, &tracked);
	if (known.n)
		qsort(known.v, known.n, sizeof(*known.v), cmp_str);
	if (tracked.n)
		qsort(tracked.v, tracked.n, sizeof(*tracked.v), cmp_str);
	unknown_files(b, &known, &tracked, "", &out, 0);
	for (i = 0; i < out.n; i++) {
		char *full = xasprintf("%s/%s", b->c->rootdir, out.v[i]);

		if (!strcmp(mode, "dry-run")) {
			printf("Would remove %s\n", out.v[i]);
		} else if (!strcmp(mode, "force") || confirm(out.v[i])) {
			if (unlink(full) == 0) {
				printf("Removed %s\n", out.v[i]);
				removed++;
			} else {
				fprintf(stderr, "herd: cannot remove %s: %s\n", out.v[i], strerror(errno));
				status = HD_EXIT_FAILED;
			}
		}
		free(full);
	}
	if (!out.n)
		printf("herd clean: no file to remove\n");
	else if (!strcmp(mode, "dry-run"))
		printf("\n%zu file%s would be removed (--mode force removes them)\n", out.n,
		       out.n == 1 ? "" : "s");
	else
		printf("\n%zu file%s removed\n", removed, removed == 1 ? "" : "s");
	names_free(&known);
	names_free(&tracked);
	names_free(&out);
	return status;
}
