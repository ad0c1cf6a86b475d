/*
 * build.c - herd build, and the graph every task verb starts from (src/build.h,
 * docs/tasks.md; the verbs that only show or tidy are in verbs.c).
 *
 * A build is the ordinary run with another scheduler (sched_dag.c): the
 * collected tasks make the graph (dag.c); a task is decided when everything
 * it needs upstream has finished, so that a task whose inputs came out the
 * same as before is still skipped (its state is compared then, not at the
 * start); what runs goes to the worker pool like a test, and its result
 * comes back here (build_task_done) to be checked and recorded in
 * .herd/state.db (state.c), one transaction per task.
 */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "build.h"
#include "expr.h"
#include "listing.h"
#include "loop.h"
#include "plugin.h"
#include "state.h"

static const char *const outcome_names[T_NOUTCOMES] = {
	[T_PENDING] = "not run", [T_RUNNING] = "not run", [T_SUCCESS] = "success",
	[T_FAILED] = "failed", [T_SKIPPED] = "skipped", [T_UNCHANGED] = "skipped unchanged",
	[T_ANCESTOR_FAILED] = "skipped ancestor failed", [T_PERSISTED] = "persisted",
	[T_WOULD] = "would execute", [T_NOTRUN] = "not run",
};

/* The summary's words, in its order. */
static const struct {
	enum task_outcome o;
	const char *word;
} summary_order[] = {
	{ T_FAILED, "failed" }, { T_SUCCESS, "succeeded" }, { T_WOULD, "would execute" },
	{ T_PERSISTED, "persisted" }, { T_UNCHANGED, "skipped unchanged" },
	{ T_SKIPPED, "skipped" }, { T_ANCESTOR_FAILED, "skipped ancestor failed" },
	{ T_NOTRUN, "not run" },
};

/* ---- the tasks and their graph ---- */

/* root/path exists (dag_build asks for dependencies no task makes). */
static int
exists_under(const char *path, void *root)
{
	char *full = xasprintf("%s/%s", (const char *)root, path);
	int ok = access(full, F_OK) == 0;

	free(full);
	return ok;
}

/* What .after names a task by: its name without [param]. */
static char *
base_name(const char *name)
{
	return xstrndup(name, strcspn(name, "["));
}

static int
has_mark(const struct citem *it, const char *mark)
{
	return it->decl->marks && hd_match_words(mark, strlen(mark), (void *)it->decl->marks);
}

/* Every task collected; sel[i]: task i was selected (-k, -m, plugins). */
static size_t
gather(struct build *b, int **sel)
{
	struct ctl *c = b->c;
	size_t i, j, n = 0;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			n += c->bins[i].items[j].decl->task;
	b->in = xcalloc(n + 1, sizeof(*b->in));
	b->t = xcalloc(n + 1, sizeof(*b->t));
	*sel = xcalloc(n + 1, sizeof(**sel));
	n = 0;
	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++) {
			struct citem *it = &c->bins[i].items[j];
			const struct cdecl *d = it->decl;

			if (!d->task)
				continue;
			b->in[n].id = it->id;
			b->in[n].name = base_name(it->name);
			b->in[n].depends_on = d->depends_on;
			b->in[n].produces = d->produces;
			b->in[n].after = d->after;
			b->in[n].est = -1;	/* estimate() reads it */
			b->in[n].ref = it;
			b->t[n].it = it;
			b->t[n].persist = has_mark(it, "persist");
			b->t[n].try_first = has_mark(it, "try_first");
			b->t[n].try_last = has_mark(it, "try_last");
			b->t[n].skip = has_mark(it, "skip") || d->skip;
			(*sel)[n] = it->selected;
			n++;
		}
	return n;
}

/* Builds the graph; the DAG errors are said, one line each. -1 on an error. */
static int
make_graph(struct build *b, size_t n)
{
	struct buf err = BUF_INIT;
	char *line, *next;

	if (dag_build(&b->d, b->in, n, exists_under, b->c->rootdir, &err) == 0)
		return 0;
	for (line = err.data; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		fprintf(stderr, "herd: %s\n", line);
		if (!next)
			break;
	}
	buf_clear(&err);
	return -1;
}

/* The tasks are in collection order (gather): by binary, then by item, so
 * that a binary search finds an item's task, with no index to sort. */
size_t
build_index(const struct build *b, const struct citem *it)
{
	size_t lo = 0, hi = b->d.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct citem *m = b->t[mid].it;

		if (m == it)
			return mid;
		if (m->bin < it->bin || (m->bin == it->bin && m->idx < it->idx))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

/* Task i leaves the tasks its binary's worker waits for. */
static void
leaves(struct build *b, size_t i)
{
	b->left[b->t[i].it->bin - b->c->bins]--;
}

static void
build_free(struct build *b)
{
	size_t i;

	for (i = 0; i < b->d.n; i++) {
		free((char *)b->in[i].name);
		free(b->t[i].why);
		free(b->t[i].failure);
		free(b->t[i].before);
	}
	dag_free(&b->d);
	free(b->in);
	free(b->t);
	free(b->ready);
	free(b->arrive);
	free(b->left);
	free(b->src);
	buf_clear(&b->scratch);
	state_close(b->st);
	memset(b, 0, sizeof(*b));
}

/* ---- a task's own state ---- */

/* The text of a task's source file: from the project root, else from herd's cwd. */
static char *
source_text(const struct build *b, const struct citem *it, size_t *len)
{
	char *path = xasprintf("%s/%s", b->c->rootdir, it->decl->file), *text;

	text = it->decl->file[0] == '/' ? NULL : hd_read_file(path, len);
	free(path);
	if (!text)
		text = hd_read_file(it->decl->file, len);
	return text;
}

/*
 * The task's state: its source file's text (or, when herd cannot find the
 * file, its binary's bytes) and its options. Editing any function in the
 * file reruns the file's tasks: herd sees C sources, not functions.
 */
/* The hash of it's source file (or binary), each read once a run. */
static uint64_t
source_hash(struct build *b, const struct citem *it)
{
	char *text;
	size_t len = 0, k;
	uint64_t h = 0;

	for (k = 0; k < b->nsrc; k++)
		if (b->src[k].file == it->decl->file && b->src[k].bin == it->bin)
			return b->src[k].hash;
	if (!(text = source_text(b, it, &len)))
		text = hd_read_file(it->bin->path, &len);
	if (text)
		h = state_hash(text, len);
	free(text);
	b->src = xreallocarray(b->src, b->nsrc + 1, sizeof(*b->src));
	b->src[b->nsrc].file = it->decl->file;
	b->src[b->nsrc].bin = it->bin;
	b->src[b->nsrc++].hash = h;
	return h;
}

/* s, then a line feed: a field of task_state's text. */
static void
add_line(struct buf *s, const char *field)
{
	buf_adds(s, field ? field : "");
	buf_addc(s, '\n');
}

/*
 * The hash of the lines "%016llx" (the source's hash), the file, the
 * options and "%g" (the timeout), put together by hand: through
 * buf_printf they cost a tenth of a no-op rebuild.
 */
static uint64_t
task_state(struct build *b, const struct citem *it)
{
	const struct cdecl *d = it->decl;
	uint64_t src = source_hash(b, it), h;
	struct buf *s = &b->scratch;
	char num[32];
	int k;

	for (k = 0; k < 16; k++)
		num[k] = "0123456789abcdef"[src >> (60 - 4 * k) & 0xf];
	num[16] = '\0';
	buf_reset(s);
	add_line(s, num);
	add_line(s, d->file);
	add_line(s, d->depends_on);
	add_line(s, d->produces);
	add_line(s, d->after);
	add_line(s, d->marks);
	if (d->timeout == 0)
		add_line(s, "0");	/* as %g says it, without its cost */
	else {
		snprintf(num, sizeof(num), "%g", d->timeout);
		add_line(s, num);
	}
	h = state_hash(s->data, s->len);
	return h;
}

/* ---- deciding, and finishing what does not run ---- */

static enum hd_outcome
hd_of(enum task_outcome o)
{
	switch (o) {
	case T_SUCCESS:
		return HD_PASSED;
	case T_FAILED:
		return HD_FAILED;
	case T_NOTRUN:
	case T_PENDING:
	case T_RUNNING:
		return HD_NOTRUN;
	default:
		return HD_SKIPPED;
	}
}

static void finish_below(struct build *b, size_t i, enum task_outcome o, const char *why);

/* The tasks below i may go on: each whose upstream is now all done arrives. */
static void
release_below(struct build *b, size_t i)
{
	size_t k;

	for (k = 0; k < b->d.t[i].ndown; k++) {
		size_t j = b->d.t[i].down[k];

		if (b->d.t[j].selected && b->t[j].outcome == T_PENDING && !--b->t[j].waiting)
			build_arrive(b, j);
	}
}

/* Task i ends with o without running (msg says why, for the plugins). */
static void
finish_unrun(struct build *b, size_t i, enum task_outcome o, const char *msg)
{
	struct btask *t = &b->t[i];

	if (t->outcome == T_PENDING)
		leaves(b, i);
	t->outcome = o;
	if (b->c->sched)
		b->c->unsent--;	/* the scheduler was given it and will not send it */
	finish_item(b->c, t->it, hd_of(o), 0, msg, strlen(msg), NULL, 0, NULL);
	if (o == T_UNCHANGED || o == T_PERSISTED)
		release_below(b, i);
	else
		finish_below(b, i, o == T_SKIPPED ? T_SKIPPED : T_ANCESTOR_FAILED, t->it->id);
}

/* Every pending task below i ends as o: a skip or a failure above it. */
static void
finish_below(struct build *b, size_t i, enum task_outcome o, const char *id)
{
	size_t k;

	for (k = 0; k < b->d.t[i].ndown; k++) {
		size_t j = b->d.t[i].down[k];
		char *msg;

		if (!b->d.t[j].selected || b->t[j].outcome != T_PENDING)
			continue;
		msg = xasprintf(o == T_SKIPPED ? "skipped: %s above it was skipped" :
				"skipped ancestor failed: %s", id);
		finish_unrun(b, j, o, msg);
		free(msg);
	}
}

/* Each product of i exists. */
static int
products_exist(const struct build *b, size_t i)
{
	size_t k;

	for (k = 0; k < b->d.t[i].nprods; k++)
		if (!exists_under(b->d.t[i].prods[k], b->c->rootdir))
			return 0;
	return 1;
}

/* Whether task i must run, and why (malloc()ed into *why). */
static int
must_run(struct build *b, size_t i, char **why)
{
	const struct dag_task *d = &b->d.t[i];
	struct buf w = BUF_INIT;
	int run;

	b->t[i].state = task_state(b, b->t[i].it);
	if (b->o->force) {
		*why = xstrdup("--force");
		return 1;
	}
	if (!b->st) {
		*why = xstrdup("never ran");
		return 1;
	}
	run = state_why(b->st, d->in->id, b->t[i].state, d->deps, d->ndeps, d->prods, d->nprods,
			&w);
	*why = run ? buf_detach(&w, NULL) : NULL;
	buf_clear(&w);
	return run;
}

/* Records a persisted task's files as they are now. */
static void
persist(struct build *b, size_t i)
{
	const struct dag_task *d = &b->d.t[i];
	struct buf err = BUF_INIT;

	if (state_record(b->st, d->in->id, b->t[i].state, 0, d->deps, d->ndeps, d->prods,
			 d->nprods, &err) < 0 ||
	    state_set_outcome(b->st, d->in->id, "persisted") < 0)
		buf_printf(&b->c->warnings, "herd: warning: %s\n", err.data ? err.data : d->in->id);
	buf_clear(&err);
}

/* Task i's upstream is done: it runs, or ends now. */
static void
decide(struct build *b, size_t i)
{
	struct btask *t = &b->t[i];
	char *why = NULL;
	int run;

	if (t->skip) {
		finish_unrun(b, i, T_SKIPPED, t->it->decl->skip ? t->it->decl->skip : "skip");
		return;
	}
	run = must_run(b, i, &why);
	if (t->persist && products_exist(b, i) && !b->o->force) {
		if (run && b->st && !b->o->dry_run)
			persist(b, i);
		free(why);
		finish_unrun(b, i, run ? T_PERSISTED : T_UNCHANGED, run ? "persisted" : "unchanged");
		return;
	}
	if (!run) {
		finish_unrun(b, i, T_UNCHANGED, "unchanged");
		return;
	}
	t->why = why;
	build_ready(b, i);
}

void
build_arrive(struct build *b, size_t i)
{
	b->arrive = xreallocarray(b->arrive, b->narrive + 1, sizeof(*b->arrive));
	b->arrive[b->narrive++] = i;
}

/* Decides each task arrived; their reads share one transaction, ended
 * before herd waits for the workers. */
void
build_settle(struct build *b)
{
	while (b->narrive && !b->c->stopping && !b->c->interrupted)
		decide(b, b->arrive[--b->narrive]);
	state_release(b->st);
}

/*
 * Each task's expected duration from the state (when there is one), then
 * the critical paths the scheduler orders the ready tasks by (sched_dag.c):
 * once, when the first task must run. A no-op rebuild never needs them
 * (a lookup of each task in the state, and the paths, were a twentieth of
 * its instructions after the state was read).
 */
static void
estimate(struct build *b)
{
	size_t i;

	if (b->st)
		for (i = 0; i < b->d.n; i++)
			b->in[i].est = state_duration(b->st, b->in[i].id);
	dag_critical_paths(&b->d);
	b->estimated = 1;
}

void
build_ready(struct build *b, size_t i)
{
	if (b->t[i].ready)
		return;
	if (!b->estimated)
		estimate(b);
	b->ready = xreallocarray(b->ready, b->nready + 1, sizeof(*b->ready));
	b->ready[b->nready++] = i;
	b->t[i].ready = 1;
}

/* ---- what comes back from a task that ran ---- */

void
build_sent(struct build *b, size_t i)
{
	const struct dag_task *d = &b->d.t[i];
	size_t k;

	if (b->t[i].outcome == T_PENDING)	/* else sent again: stolen, or a rerun */
		leaves(b, i);
	b->t[i].outcome = T_RUNNING;
	free(b->t[i].before);
	b->t[i].before = xcalloc(d->nprods + 1, sizeof(*b->t[i].before));
	for (k = 0; k < d->nprods; k++) {
		char *full = xasprintf("%s/%s", b->c->rootdir, d->prods[k]);

		if (stat(full, &b->t[i].before[k]) < 0)
			b->t[i].before[k].st_ino = 0;	/* missing */
		free(full);
	}
}

/* The first product of i it did not create or update, or NULL. */
static const char *
not_produced(const struct build *b, size_t i)
{
	const struct dag_task *d = &b->d.t[i];
	const struct stat *was;
	struct stat now;
	size_t k;

	for (k = 0; k < d->nprods; k++) {
		char *full = xasprintf("%s/%s", b->c->rootdir, d->prods[k]);
		int gone = stat(full, &now) < 0;

		free(full);
		was = &b->t[i].before[k];
		if (gone || (was->st_ino && was->st_ino == now.st_ino && was->st_size == now.st_size &&
			     was->st_mtim.tv_sec == now.st_mtim.tv_sec &&
			     was->st_mtim.tv_nsec == now.st_mtim.tv_nsec &&
			     was->st_ctim.tv_sec == now.st_ctim.tv_sec &&
			     was->st_ctim.tv_nsec == now.st_ctim.tv_nsec))
			return d->prods[k];
	}
	return NULL;
}

void
build_task_done(struct ctl *c, struct citem *it, enum hd_outcome *o, double duration,
		const char **msg, size_t *msglen)
{
	struct build *b = c->build;
	size_t i = build_index(b, it);
	struct btask *t;
	const struct dag_task *d;
	const char *missing;
	struct buf err = BUF_INIT;
	size_t k;

	if (i == (size_t)-1 || b->t[i].outcome != T_RUNNING)
		return;
	t = &b->t[i];
	d = &b->d.t[i];
	for (k = 0; k < d->nprods; k++)
		state_changed(b->st, d->prods[k]);
	if ((*o == HD_PASSED || *o == HD_FLAKY) && (missing = not_produced(b, i))) {
		t->failure = xasprintf("did not produce %s", missing);
		*o = HD_FAILED;
		*msg = t->failure;
		*msglen = strlen(t->failure);
	}
	if (*o == HD_PASSED || *o == HD_FLAKY) {
		t->outcome = T_SUCCESS;
		if (state_record(b->st, d->in->id, t->state, duration, d->deps, d->ndeps, d->prods,
				 d->nprods, &err) < 0)
			buf_printf(&c->warnings, "herd: warning: %s\n", err.data);
		buf_clear(&err);
		release_below(b, i);
	} else if (*o == HD_SKIPPED) {
		t->outcome = T_SKIPPED;
		finish_below(b, i, T_SKIPPED, d->in->id);
	} else if (*o == HD_NOTRUN) {
		t->outcome = T_NOTRUN;
	} else {
		t->outcome = T_FAILED;
		state_forget(b->st, d->in->id);
		finish_below(b, i, T_ANCESTOR_FAILED, d->in->id);
	}
}

/* ---- herd build ---- */

static double
run_seconds(const struct ctl *c)
{
	return hd_now() - c->t0;
}

/* The failed tasks' messages and output, as pytest's FAILURES. */
static void
print_failures(const struct build *b)
{
	size_t i;

	for (i = 0; i < b->d.n; i++) {
		const struct citem *it = b->t[i].it;

		if (b->t[i].outcome != T_FAILED)
			continue;
		printf("\n____ %s ____\n", it->id);
		if (citem_message(it))
			printf("%s%s", citem_message(it),
			       citem_message(it)[strlen(citem_message(it)) - 1] == '\n' ? "" : "\n");
		if (it->res && it->res->output && it->res->outlen) {
			printf("---- captured output ----\n");
			fwrite(it->res->output, 1, it->res->outlen, stdout);
			if (it->res->output[it->res->outlen - 1] != '\n')
				putchar('\n');
		}
	}
}

/* s, then blanks up to width columns: a row of the table (printf's "%-*s"
 * was most of the table's cost, a row a task). */
static void
put_padded(const char *s, size_t width)
{
	static const char blanks[64] = "                                                               ";
	size_t len = strlen(s), n;

	fwrite(s, 1, len, stdout);
	for (; len < width; len += n) {
		n = width - len < sizeof(blanks) ? width - len : sizeof(blanks);
		fwrite(blanks, 1, n, stdout);
	}
}

/* The table of tasks and outcomes, and the summary line; returns the exit status. */
static int
print_table(const struct build *b, double elapsed)
{
	size_t counts[T_NOUTCOMES] = { 0 }, i, w = 4, k;
	const char *sep = "";
	int status;

	for (i = 0; i < b->d.n; i++)
		if (b->d.t[i].selected && strlen(b->t[i].it->id) > w)
			w = strlen(b->t[i].it->id);
	if (b->c->nselected)
		printf("\n%-*s  %s\n", (int)w, "Task", "Outcome");
	for (i = 0; i < b->d.n; i++) {
		const struct btask *t = &b->t[i];
		enum task_outcome o = t->outcome == T_RUNNING || t->outcome == T_PENDING ? T_NOTRUN :
				      t->outcome;

		if (!b->d.t[i].selected)
			continue;
		counts[o]++;
		put_padded(t->it->id, w + 2);
		fputs(outcome_names[o], stdout);
		if (b->o->explain && t->why)
			printf("  (%s)", t->why);
		putchar('\n');
	}
	printf("\n==== ");
	for (k = 0; k < sizeof(summary_order) / sizeof(*summary_order); k++)
		if (counts[summary_order[k].o]) {
			printf("%s%zu %s", sep, counts[summary_order[k].o], summary_order[k].word);
			sep = ", ";
		}
	if (!*sep)
		printf("no tasks");
	printf("%s in %.2fs ====\n", b->c->interrupted ? " (interrupted)" : "", elapsed);
	status = b->c->interrupted ? HD_EXIT_INTERRUPTED :
		 counts[T_FAILED] || b->c->aborted ? HD_EXIT_FAILED : HD_EXIT_OK;
	if (b->c->aborted)
		status = HD_EXIT_INTERNAL;
	return status;
}

/* --dry-run: what would run, in order, nothing run or written. */
static void
dry_run(struct build *b)
{
	size_t *order = xcalloc(b->d.n + 1, sizeof(*order)), k, u;

	dag_topo(&b->d, order);
	for (k = 0; k < b->d.n; k++) {
		size_t i = order[k];
		struct btask *t = &b->t[i];
		const char *above = NULL;

		if (!b->d.t[i].selected || t->outcome != T_PENDING)
			continue;
		for (u = 0; u < b->d.t[i].nup; u++)
			if (b->t[b->d.t[i].up[u]].outcome == T_WOULD)
				above = b->d.t[b->d.t[i].up[u]].in->id;
		if (above && !t->skip && !t->persist) {
			t->outcome = T_WOULD;
			t->why = xasprintf("%s above it would execute", above);
			continue;
		}
		decide(b, i);
		if (t->ready)
			t->outcome = T_WOULD;
	}
	free(order);
}

/* The tasks selected, and what each waits for; the roots arrive. */
static size_t
start_tasks(struct build *b)
{
	size_t i, k, n = 0;

	b->left = xcalloc(b->c->nbins + 1, sizeof(*b->left));
	for (i = 0; i < b->d.n; i++) {
		b->t[i].it->selected = b->d.t[i].selected;
		if (!b->d.t[i].selected)
			continue;
		b->left[b->t[i].it->bin - b->c->bins]++;
		n++;
		for (k = 0; k < b->d.t[i].nup; k++)
			b->t[i].waiting += b->d.t[b->d.t[i].up[k]].selected;
	}
	for (i = b->d.n; i-- > 0;)
		if (b->d.t[i].selected && !b->t[i].waiting)
			build_arrive(b, i);
	return n;
}

/*
 * The state of a build is opened, and its tables read, on a thread of its
 * own while the workers list the binaries (state_open reads the whole state:
 * a third of a no-op rebuild's instructions, on the other core). Before it
 * reads the tables, the thread looks up each binary's cached list
 * (listing.c), which the main thread replays meanwhile: a binary that did
 * not change needs no worker to list it. The thread blocks every signal, so
 * that they still reach the loop's ppoll (loop.c).
 */
static struct {
	pthread_t thread;
	int started;
	const char *root;
	int dry_run;
	struct state *st;
	struct buf warn, err;
	char **paths;		/* the binaries whose lists are looked up ... */
	struct listing **found;	/* ... and what was found for each */
	size_t n;
	int looked;		/* found is final */
	pthread_mutex_t mu;
	pthread_cond_t cv;
} early = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void
looked(void)
{
	pthread_mutex_lock(&early.mu);
	early.looked = 1;
	pthread_cond_broadcast(&early.cv);
	pthread_mutex_unlock(&early.mu);
}

/* The state's hook, before its tables are read: the binaries' lists. */
static void
look_up(struct state *st, void *cookie)
{
	size_t i;

	(void)cookie;
	for (i = 0; i < early.n; i++)
		early.found[i] = listing_lookup(st, early.paths[i]);
	looked();
}

static void *
open_early(void *arg)
{
	state_hook *hook = early.n ? look_up : NULL;

	(void)arg;
	early.st = early.dry_run ? state_open_readonly_then(early.root, hook, NULL, &early.warn) :
		   state_open_then(early.root, 1, hook, NULL, &early.warn, &early.err);
	looked();	/* in case the hook never ran: no state, or none to open */
	return NULL;
}

/* Binaries whose lists may come from the cache: in a build, unless a
 * plugin gives workers arguments or variables (configure_node), which
 * may change what they list. */
static void
want_lists(const struct ctl *c)
{
	size_t i;

	if (PLUG_WANTS(HERD_HOOK_CONFIGURE_NODE))
		return;
	early.n = c->nbins;
	early.paths = xcalloc(c->nbins + 1, sizeof(*early.paths));
	early.found = xcalloc(c->nbins + 1, sizeof(*early.found));
	for (i = 0; i < c->nbins; i++)
		early.paths[i] = xstrdup(c->bins[i].path);
}

/*
 * A build's heap: malloc's top grown in one step, by HEAP_PAD, and that
 * region given transparent huge pages. A no-op rebuild of 10,000 tasks
 * touches some 20 MB of heap; in 4 KiB pages that was 5,000 page faults,
 * about half its time (a fault costs 13-36 us on a VM). Untouched, the
 * region costs nothing; each 2 MiB page touched is resident whole.
 * One arena: the state's thread allocates from the same region.
 */
#define HEAP_PAD (64 << 20)
#define HUGE_PAGE (2 << 20)

static void
heap_for_build(void)
{
	char *old = sbrk(0), *end, *lo, *hi;
	void *held[8];
	size_t n = 0;

	mallopt(M_ARENA_MAX, 1);
	mallopt(M_TOP_PAD, HEAP_PAD);
	/* The big tables too (the tasks, the graph, the state's): mmap()ed
	 * apart, they were faulted in 4 KiB at a time. */
	mallopt(M_MMAP_THRESHOLD, HEAP_PAD / 2);
	/* Blocks below the mmap threshold, until malloc has had to extend
	 * its top: it then asks for HEAP_PAD more at once. */
	while (n < 8 && sbrk(0) == old)
		held[n++] = malloc(64 << 10);
	while (n)
		free(held[--n]);
	end = sbrk(0);
	lo = (char *)(((uintptr_t)old + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	hi = (char *)((uintptr_t)end & ~(uintptr_t)(HUGE_PAGE - 1));
	if (hi > lo)
		madvise(lo, (size_t)(hi - lo), MADV_HUGEPAGE);
}

void
build_open_early(const struct ctl *c, const struct verb_opts *o)
{
	sigset_t all, old;

	if (o->verb != VERB_BUILD || early.started)
		return;
	heap_for_build();
	early.root = c->rootdir;
	early.dry_run = o->dry_run;
	want_lists(c);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	early.started = pthread_create(&early.thread, NULL, open_early, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!early.started)
		early.n = 0;	/* opened later, in open_state: too late to list from */
}

int
build_collect(struct ctl *c)
{
	size_t i;

	if (early.n) {
		pthread_mutex_lock(&early.mu);
		while (!early.looked)
			pthread_cond_wait(&early.cv, &early.mu);
		pthread_mutex_unlock(&early.mu);
		for (i = 0; i < c->nbins; i++)
			listing_apply(c, &c->bins[i], early.found[i], !early.dry_run);
	}
	return ctl_collect(c);
}

/* Opens the state (or takes the one build_open_early opened): for a dry run
 * only to read, and not at all when there is none. */
static int
open_state(struct build *b)
{
	if (early.started) {
		pthread_join(early.thread, NULL);
		early.started = 0;
	} else {
		early.root = b->c->rootdir;
		early.dry_run = b->o->dry_run;
		open_early(NULL);
	}
	b->st = early.st;
	early.st = NULL;
	if (early.warn.len)
		fputs(early.warn.data, stderr);
	buf_clear(&early.warn);
	if (!b->st && !b->o->dry_run) {
		fprintf(stderr, "herd: %s\n", early.err.data);
		buf_clear(&early.err);
		return -1;
	}
	buf_clear(&early.err);
	return 0;
}

/* The graph of the collected tasks, the selection taken upstream; -1: a
 * DAG error, said. */
static int
setup(struct build *b)
{
	int *sel;
	size_t n = gather(b, &sel);

	if (make_graph(b, n) < 0) {
		free(sel);
		return -1;
	}
	dag_select(&b->d, sel);
	free(sel);
	return 0;
}

static int
verb_build(struct build *b)
{
	struct ctl *c = b->c;
	size_t i;
	int status;

	c->nselected = start_tasks(b);
	c->silent = 1;	/* the table says what became of each task */
	printf("herd build -- %d worker%s, isolation %s\ncollected %zu task%s", c->nslots,
	       c->nslots == 1 ? "" : "s", c->isolation_none ? "none" : "fork", b->d.n,
	       b->d.n == 1 ? "" : "s");
	if (c->nselected < b->d.n)
		printf(" (%zu deselected)", b->d.n - c->nselected);
	printf("\n");
	fflush(stdout);
	if (b->o->dry_run) {
		ctl_stop_all(c);
		dry_run(b);
	} else {
		c->build = b;
		ctl_run(c);
		c->build = NULL;
		for (i = 0; i < b->d.n; i++)
			if (b->t[i].outcome == T_RUNNING)
				b->t[i].outcome = T_NOTRUN;
	}
	print_failures(b);
	status = print_table(b, run_seconds(c));
	if (c->warnings.len) {
		fputs(c->warnings.data, stdout);
		if (status == HD_EXIT_OK)
			status = HD_EXIT_FAILED;
	}
	return status;
}

/* ---- the verbs ---- */

int
verb_main(struct ctl *c, const struct verb_opts *o)
{
	/* Not freed: herd exits next, and what it holds stays reachable to the
	 * end, as main.c's run state does (freeing a no-op rebuild's 10,000
	 * tasks was a twelfth of its instructions). */
	static struct build b;
	struct buf warn = BUF_INIT;
	int status, r;

	b.c = c;
	b.o = o;
	if (o->verb == VERB_DAG || o->verb == VERB_PROFILE) {
		b.st = state_open_readonly(c->rootdir, &warn);
		fputs(warn.data ? warn.data : "", stderr);
		buf_clear(&warn);
	}
	/* herd build's state is still being read, on its own thread: the graph
	 * is made meanwhile, and learns the durations after. */
	r = setup(&b);
	if (o->verb == VERB_BUILD && open_state(&b) < 0) {
		ctl_stop_all(c);
		return HD_EXIT_INTERNAL;
	}
	if (r < 0) {
		ctl_stop_all(c);
		state_close_exiting(b.st);
		return HD_EXIT_INTERNAL;
	}
	if (o->verb != VERB_BUILD || o->dry_run)
		ctl_stop_all(c);
	switch (o->verb) {
	case VERB_BUILD:
		status = verb_build(&b);
		break;
	case VERB_COLLECT:
		status = verb_collect(&b);
		break;
	case VERB_DAG:
		status = verb_dag(&b);
		break;
	case VERB_PROFILE:
		status = verb_profile(&b);
		break;
	case VERB_CLEAN:
		status = verb_clean(&b);
		break;
	default:
		status = HD_EXIT_INTERNAL;
	}
	if (o->verb == VERB_BUILD && !o->dry_run)
		listing_save(c, b.st);
	state_close_exiting(b.st);	/* its last transaction ends; SQLite checkpoints */
	return status;
}

/* ---- a test run's .after ---- */

/* The tests whose tasks did not succeed, finished as skipped when the run starts. */
static struct {
	struct citem **v;
	char **why;
	size_t n;
} blocked;

static int
wants_tasks(const struct citem *it)
{
	return !it->decl->task && it->selected && it->decl->after && *it->decl->after;
}

/* The i-th word of list into w (len bytes at most); 0 past the end. */
static int
nth_word(const char *list, size_t i, char *w, size_t size)
{
	size_t len;

	for (;;) {
		list += strspn(list, " \t");
		len = strcspn(list, " \t");
		if (!len)
			return 0;
		if (!i--)
			break;
		list += len;
	}
	snprintf(w, size, "%.*s", (int)len, list);
	return 1;
}

/* Marks in sel the tasks the test names; -1 (said) when a word names none. */
static int
select_for(struct build *b, const struct citem *test, int *sel)
{
	char w[512];
	size_t k, i;
	int found, r = 0;

	for (k = 0; nth_word(test->decl->after, k, w, sizeof(w)); k++) {
		for (found = 0, i = 0; i < b->d.n; i++)
			if (dag_names(&b->d.t[i], w))
				found = sel[i] = 1;
		if (!found) {
			fprintf(stderr, "herd: %s: .after names '%s', which is no task\n", test->id, w);
			r = -1;
		}
	}
	return r;
}

/* The first task the test names that did not succeed, said into why; 0 if none. */
static int
blocked_by(const struct build *b, const struct citem *test, char **why)
{
	char w[512];
	size_t k, i;

	for (k = 0; nth_word(test->decl->after, k, w, sizeof(w)); k++)
		for (i = 0; i < b->d.n; i++) {
			enum task_outcome o = b->t[i].outcome;

			if (!dag_names(&b->d.t[i], w) || o == T_SUCCESS || o == T_UNCHANGED ||
			    o == T_PERSISTED)
				continue;
			*why = xasprintf("needs task %s, which %s", b->d.t[i].in->id,
					 o == T_FAILED ? "failed" :
					 o == T_ANCESTOR_FAILED ? "was skipped: a task above it failed" :
					 o == T_SKIPPED ? "was skipped" : "did not run");
			return 1;
		}
	return 0;
}

/* The tasks of a test run: they run first as a build, silently but for the
 * table, while the tests wait deselected. */
static void
run_tasks(struct build *b)
{
	struct ctl *c = b->c;
	struct citem **tests = NULL;
	size_t ntests = 0, saved = c->nselected, i, j;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if (c->bins[i].items[j].selected) {
				tests = xreallocarray(tests, ntests + 1, sizeof(*tests));
				tests[ntests++] = &c->bins[i].items[j];
				c->bins[i].items[j].selected = 0;
			}
	c->nselected = start_tasks(b);
	printf("herd: %zu task%s the tests need\n", c->nselected, c->nselected == 1 ? "" : "s");
	c->build = b;
	c->silent = 1;
	ctl_run(c);
	c->build = NULL;
	c->silent = 0;
	print_failures(b);
	print_table(b, run_seconds(c));
	printf("\n");
	for (i = 0; i < b->d.n; i++)
		b->t[i].it->selected = 0;
	for (i = 0; i < ntests; i++)
		tests[i]->selected = 1;
	free(tests);
	c->nselected = saved;
	c->ndone = c->failures = 0;
}

int
build_for_tests(struct ctl *c)
{
	static const struct verb_opts plain;
	struct citem **tests = NULL;
	size_t ntests = 0, i, j, n;
	struct build b;
	int *sel, status = HD_EXIT_OK;
	char *why;

	for (i = 0; i < c->nbins; i++)
		for (j = 0; j < c->bins[i].n; j++)
			if (wants_tasks(&c->bins[i].items[j])) {
				tests = xreallocarray(tests, ntests + 1, sizeof(*tests));
				tests[ntests++] = &c->bins[i].items[j];
			}
	if (!ntests)
		return HD_EXIT_OK;
	memset(&b, 0, sizeof(b));
	b.c = c;
	b.o = &plain;
	if (open_state(&b) < 0) {
		free(tests);
		return HD_EXIT_INTERNAL;
	}
	n = gather(&b, &sel);
	memset(sel, 0, (n + 1) * sizeof(*sel));
	if (make_graph(&b, n) < 0)
		status = HD_EXIT_INTERNAL;
	for (i = 0; i < ntests && !status; i++)
		if (select_for(&b, tests[i], sel) < 0)
			status = HD_EXIT_INTERNAL;
	if (!status) {
		dag_select(&b.d, sel);
		run_tasks(&b);
		status = c->interrupted ? HD_EXIT_INTERRUPTED : c->aborted ? HD_EXIT_INTERNAL : 0;
	}
	for (i = 0; i < ntests && !status; i++)
		if (blocked_by(&b, tests[i], &why)) {
			blocked.v = xreallocarray(blocked.v, blocked.n + 1, sizeof(*blocked.v));
			blocked.why = xreallocarray(blocked.why, blocked.n + 1, sizeof(*blocked.why));
			blocked.v[blocked.n] = tests[i];
			blocked.why[blocked.n++] = why;
			buf_printf(&c->warnings, "herd: %s skipped: %s\n", tests[i]->id, why);
		}
	free(sel);
	free(tests);
	build_free(&b);
	return status;
}

void
build_tests_blocked(struct ctl *c)
{
	size_t k;

	for (k = 0; k < blocked.n; k++) {
		finish_item(c, blocked.v[k], HD_SKIPPED, 0, blocked.why[k], strlen(blocked.why[k]),
			    NULL, 0, NULL);
		free(blocked.why[k]);
	}
	free(blocked.v);
	free(blocked.why);
	memset(&blocked, 0, sizeof(blocked));
}

