/*
 * state.c - herd build's state in SQLite (src/state.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "state.h"

#define SCHEMA "herd-state-1"

/*
 * SQLite is loaded when a verb first opens the state, not when herd starts:
 * linked, its relocations cost every herd run about 1.1M instructions
 * (callgrind: an empty program linking it runs 1.31M, without it 0.19M),
 * most of what herd --version costs. State calls go through this table.
 */
#define SQ_FUNCS(X) X(bind_double) X(bind_int) X(bind_int64) X(bind_text) X(busy_timeout) \
	X(close) X(column_double) X(column_int) X(column_int64) X(column_text) X(errmsg)   \
	X(exec) X(finalize) X(open_v2) X(prepare_v2) X(reset) X(step)
#define SQ_FIELD(f) __typeof__(sqlite3_##f) *f;

static struct {
	SQ_FUNCS(SQ_FIELD)
} sq;

/* Loads libsqlite3 once; -1 with a line in err when it cannot. */
static int
sq_load(struct buf *err)
{
	static void *lib;
	const char *missing = NULL;

	if (lib)
		return 0;
	if (!(lib = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL))) {
		buf_printf(err, "cannot load SQLite for the state (libsqlite3.so.0): %s", dlerror());
		return -1;
	}
#define SQ_LOAD(f) \
	if (!missing && !(*(void **)&sq.f = dlsym(lib, "sqlite3_" #f))) \
		missing = "sqlite3_" #f;
	SQ_FUNCS(SQ_LOAD)
	if (missing) {
		buf_printf(err, "cannot load SQLite for the state: libsqlite3.so.0 lacks %s", missing);
		dlclose(lib);
		lib = NULL;
		return -1;
	}
	return 0;
}

/* A file's state as first seen this run (state_file_hash). */
struct seen {
	char *path;		/* NULL: an empty slot */
	int missing;		/* not a regular file */
	int stale;		/* a task that may change it finished since */
	uint64_t hash;
};

struct state {
	sqlite3 *db;
	char *root;
	int lockfd;
	int reading;		/* inside the read transaction (read_begin) */
	int writing;		/* inside state_record's */
	sqlite3_stmt *memo_get, *memo_put, *task_get, *file_get, *dur_get;
	sqlite3_stmt *rec_del, *rec_ins, *rec_task;	/* state_record's, made at its first */
	struct seen *seen;	/* open addressing, nseen < cap / 2 */
	size_t nseen, cap;
};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS memo(path TEXT PRIMARY KEY, mtime INTEGER, size INTEGER,"
	" hash TEXT);"
	"CREATE TABLE IF NOT EXISTS task(id TEXT PRIMARY KEY, state TEXT, duration REAL,"
	" outcome TEXT, done INTEGER);"
	"CREATE TABLE IF NOT EXISTS task_file(task TEXT, role INTEGER, path TEXT, hash TEXT,"
	" PRIMARY KEY(task, role, path));";

uint64_t
state_hash(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

/* Takes .herd/lock: another build in the project waits or is refused. */
static int
take_lock(struct state *s, int wait, struct buf *err)
{
	char *path = xasprintf("%s/.herd/lock", s->root);

	s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lockfd < 0) {
		buf_printf(err, "cannot open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || !wait) {
			buf_printf(err, "another herd build holds %s", path);
			free(path);
			return -1;
		}
		fprintf(stderr, "herd: another herd build runs in this project; waiting for it "
			"(.herd/lock)\n");
		fflush(stderr);
		while (flock(s->lockfd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				buf_printf(err, "cannot lock %s: %s", path, strerror(errno));
				free(path);
				return -1;
			}
		}
	}
	free(path);
	return 0;
}

/* Nonzero when db is ours: a herd state of this schema. */
static int
is_ours(sqlite3 *db)
{
	sqlite3_stmt *st;
	int ok = 0;

	if (sq.prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL))
		return 0;
	if (sq.step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sq.column_text(st, 0), SCHEMA);
	sq.finalize(st);
	/* A quick look at the pages too: a torn file reads as garbage here. */
	if (ok && sq.prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) == SQLITE_OK) {
		ok = sq.step(st) == SQLITE_ROW &&
		     !strcmp((const char *)sq.column_text(st, 0), "ok");
		sq.finalize(st);
	}
	return ok;
}

static int
is_empty(sqlite3 *db)
{
	sqlite3_stmt *st;
	int empty = 0;

	if (sq.prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL))
		return 0;
	if (sq.step(st) == SQLITE_ROW)
		empty = sq.column_int(st, 0) == 0;
	sq.finalize(st);
	return empty;
}

static sqlite3 *
open_db(const char *path)
{
	sqlite3 *db = NULL;

	if (sq.open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
		sq.close(db);
		return NULL;
	}
	sq.busy_timeout(db, 10000);
	return db;
}

#define DUR_SQL "SELECT duration FROM task WHERE id = ? AND duration IS NOT NULL"

static int
prepare(struct state *s, sqlite3_stmt **st, const char *sql)
{
	return sq.prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

struct state *
state_open(const char *root, int wait, struct buf *warn, struct buf *err)
{
	struct state *s = xcalloc(1, sizeof(*s));
	char *dir = xasprintf("%s/.herd", root), *path = xasprintf("%s/.herd/state.db", root);

	s->root = xstrdup(root);
	s->lockfd = -1;
	if (sq_load(err) < 0)
		goto fail;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		buf_printf(err, "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (take_lock(s, wait, err) < 0)
		goto fail;
	s->db = open_db(path);
	if (s->db && !is_empty(s->db) && !is_ours(s->db)) {
		char *bad = xasprintf("%s.bad", path);

		sq.close(s->db);
		buf_printf(warn, "herd: warning: %s is not a herd state database, or is damaged: "
			   "moved to %s; every task runs\n", ".herd/state.db", ".herd/state.db.bad");
		rename(path, bad);
		free(bad);
		bad = xasprintf("%s-wal", path);
		unlink(bad);
		free(bad);
		bad = xasprintf("%s-shm", path);
		unlink(bad);
		free(bad);
		s->db = open_db(path);
	}
	if (!s->db || sq.exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
				   NULL, NULL, NULL) ||
	    sq.exec(s->db, schema_sql, NULL, NULL, NULL) ||
	    sq.exec(s->db, "INSERT OR IGNORE INTO meta VALUES('schema', '" SCHEMA "')",
			 NULL, NULL, NULL) ||
	    prepare(s, &s->memo_get, "SELECT mtime, size, hash FROM memo WHERE path = ?") ||
	    prepare(s, &s->memo_put, "INSERT OR REPLACE INTO memo VALUES(?, ?, ?, ?)") ||
	    prepare(s, &s->task_get, "SELECT state, outcome FROM task WHERE id = ?") ||
	    prepare(s, &s->file_get, "SELECT role, path, hash FROM task_file WHERE task = ?") ||
	    prepare(s, &s->dur_get, DUR_SQL)) {
		buf_printf(err, "cannot open %s: %s", path, s->db ? sq.errmsg(s->db) : "no memory");
		goto fail;
	}
	free(dir);
	free(path);
	return s;
fail:
	free(dir);
	free(path);
	state_close(s);
	return NULL;
}

/*
 * A read-only connection that leaves no file behind: with no -wal file (the
 * last build closed cleanly) the database is opened immutable, which makes
 * no -shm either; else read-only, to see what the -wal holds.
 */
static sqlite3 *
open_db_readonly(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	struct buf uri = BUF_INIT;
	sqlite3 *db = NULL;
	const char *p;
	int immutable = access(wal, F_OK) < 0;

	free(wal);
	buf_adds(&uri, "file:");
	for (p = path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&uri, "%%%02X", (unsigned char)*p);
		else
			buf_addc(&uri, *p);
	buf_adds(&uri, immutable ? "?immutable=1" : "?mode=ro");
	if (sq.open_v2(uri.data, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL)) {
		sq.close(db);
		db = NULL;
	}
	buf_clear(&uri);
	return db;
}

struct state *
state_open_readonly(const char *root, struct buf *warn)
{
	struct state *s = xcalloc(1, sizeof(*s));
	char *path = xasprintf("%s/.herd/state.db", root);

	s->root = xstrdup(root);
	s->lockfd = -1;
	if (access(path, F_OK) < 0)
		goto fail;	/* no build yet: nothing to say */
	if (sq_load(warn) < 0) {
		buf_adds(warn, "\n");
		goto fail;
	}
	if (!(s->db = open_db_readonly(path)) || !is_ours(s->db) ||
	    prepare(s, &s->memo_get, "SELECT mtime, size, hash FROM memo WHERE path = ?") ||
	    prepare(s, &s->memo_put, "SELECT ?, ?, ?, ?") ||
	    prepare(s, &s->task_get, "SELECT state, outcome FROM task WHERE id = ?") ||
	    prepare(s, &s->file_get, "SELECT role, path, hash FROM task_file WHERE task = ?") ||
	    prepare(s, &s->dur_get, DUR_SQL)) {
		buf_printf(warn, "herd: warning: %s is not a herd state database, or is damaged: "
			   "taken as empty\n", ".herd/state.db");
		goto fail;
	}
	free(path);
	return s;
fail:
	free(path);
	state_close(s);
	return NULL;
}

static int
exec1(struct state *s, const char *sql)
{
	return sq.exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/*
 * The reads of a batch of decisions share one transaction: without it
 * SQLite takes and drops its locks for each statement, a dozen fcntl()s a
 * task. It lasts until state_release() or the next write of a task's
 * record, which has a transaction of its own; the memo rows written
 * inside it are a cache, lost harmlessly if the build is interrupted.
 */
static void
read_begin(struct state *s)
{
	if (!s->reading && !s->writing && s->lockfd >= 0)	/* read-only: one snapshot anyway */
		s->reading = !exec1(s, "BEGIN");
}

void
state_release(struct state *s)
{
	if (s && s->reading) {
		if (exec1(s, "COMMIT") < 0)
			exec1(s, "ROLLBACK");
		s->reading = 0;
	}
}

void
state_close(struct state *s)
{
	size_t i;

	if (!s)
		return;
	if (s->db) {	/* else SQLite may never have been loaded */
		state_release(s);
		sq.finalize(s->dur_get);
		sq.finalize(s->rec_del);
		sq.finalize(s->rec_ins);
		sq.finalize(s->rec_task);
		sq.finalize(s->memo_get);
		sq.finalize(s->memo_put);
		sq.finalize(s->task_get);
		sq.finalize(s->file_get);
		sq.close(s->db);
	}
	if (s->lockfd >= 0)
		close(s->lockfd);
	for (i = 0; i < s->cap; i++)
		free(s->seen[i].path);
	free(s->seen);
	free(s->root);
	free(s);
}

/* xxh3 of a file's bytes; -1 when it cannot be read. */
static int
hash_file(const char *path, uint64_t *out)
{
	XXH3_state_t *x = XXH3_createState();
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !x) {
		if (fd >= 0)
			close(fd);
		XXH3_freeState(x);
		return -1;
	}
	XXH3_64bits_reset(x);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		XXH3_64bits_update(x, buf, (size_t)n);
	close(fd);
	*out = XXH3_64bits_digest(x);
	XXH3_freeState(x);
	return n < 0 ? -1 : 0;
}

/* The slot of path in the files seen this run: its own, or the empty one for it. */
static struct seen *
seen_slot(struct state *s, const char *path)
{
	size_t i = (size_t)XXH3_64bits(path, strlen(path)) & (s->cap - 1);

	while (s->seen[i].path && strcmp(s->seen[i].path, path))
		i = (i + 1) & (s->cap - 1);
	return &s->seen[i];
}

static void
seen_grow(struct state *s)
{
	struct seen *old = s->seen;
	size_t i, n = s->cap;

	s->cap = n ? 2 * n : 1024;
	s->seen = xcalloc(s->cap, sizeof(*s->seen));
	for (i = 0; i < n; i++)
		if (old[i].path)
			*seen_slot(s, old[i].path) = old[i];
	free(old);
}

/* path's state from its stat() and the memo table, or hashing it: -1 when missing. */
static int
file_hash(struct state *s, const char *path, uint64_t *hash)
{
	char *full = xasprintf("%s/%s", s->root, path), hex[24];
	struct stat st;
	long long mtime;
	int r = -1;

	if (stat(full, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	read_begin(s);
	mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	sq.reset(s->memo_get);
	sq.bind_text(s->memo_get, 1, path, -1, SQLITE_STATIC);
	if (sq.step(s->memo_get) == SQLITE_ROW &&
	    sq.column_int64(s->memo_get, 0) == mtime &&
	    sq.column_int64(s->memo_get, 1) == (long long)st.st_size) {
		*hash = strtoull((const char *)sq.column_text(s->memo_get, 2), NULL, 16);
		r = 0;
		goto out;
	}
	sq.reset(s->memo_get);
	if (hash_file(full, hash) < 0)
		goto out;
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)*hash);
	sq.reset(s->memo_put);
	sq.bind_text(s->memo_put, 1, path, -1, SQLITE_STATIC);
	sq.bind_int64(s->memo_put, 2, mtime);
	sq.bind_int64(s->memo_put, 3, (long long)st.st_size);
	sq.bind_text(s->memo_put, 4, hex, -1, SQLITE_STATIC);
	sq.step(s->memo_put);
	r = 0;
out:
	sq.reset(s->memo_get);
	sq.reset(s->memo_put);
	free(full);
	return r;
}

/*
 * Each file is looked at once a run, however many tasks name it (a hub
 * below 99 tasks was stat()ed 100 times): a task that may change it says
 * so with state_changed().
 */
int
state_file_hash(struct state *s, const char *path, uint64_t *hash)
{
	struct seen *e;

	if (2 * (s->nseen + 1) > s->cap)
		seen_grow(s);
	e = seen_slot(s, path);
	if (!e->path) {
		e->path = xstrdup(path);
		s->nseen++;
		e->stale = 1;
	}
	if (e->stale) {
		e->missing = file_hash(s, path, &e->hash) < 0;
		e->stale = 0;
	}
	*hash = e->hash;
	return e->missing ? -1 : 0;
}

void
state_changed(struct state *s, const char *path)
{
	struct seen *e;

	if (s && s->cap && (e = seen_slot(s, path))->path)
		e->stale = 1;
}

/* The hash recorded for (role, path) of the task's last success, from its rows. */
struct rec {
	int role;
	char *path;
	uint64_t hash;
};

static struct rec *
records(struct state *s, const char *id, size_t *n)
{
	struct rec *v = NULL;
	size_t k = 0;

	sq.reset(s->file_get);
	sq.bind_text(s->file_get, 1, id, -1, SQLITE_STATIC);
	while (sq.step(s->file_get) == SQLITE_ROW) {
		v = xreallocarray(v, k + 1, sizeof(*v));
		v[k].role = sq.column_int(s->file_get, 0);
		v[k].path = xstrdup((const char *)sq.column_text(s->file_get, 1));
		v[k].hash = strtoull((const char *)sq.column_text(s->file_get, 2), NULL, 16);
		k++;
	}
	sq.reset(s->file_get);
	*n = k;
	return v;
}

static void
free_records(struct rec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* Is each path as it was recorded with role? Says what changed first. */
static int
files_changed(struct state *s, const struct rec *r, size_t nr, int role, char *const *p,
	      size_t np, struct buf *why)
{
	size_t i, k;
	uint64_t h;

	for (i = 0; i < np; i++) {
		int missing = state_file_hash(s, p[i], &h) < 0;

		if (missing) {
			buf_printf(why, role ? "product %s missing" : "%s missing", p[i]);
			return 1;
		}
		for (k = 0; k < nr && !(r[k].role == role && !strcmp(r[k].path, p[i])); k++)
			;
		if (k == nr) {
			buf_printf(why, "%s is new to the task", p[i]);
			return 1;
		}
		if (r[k].hash != h) {
			buf_printf(why, "%s changed", p[i]);
			return 1;
		}
	}
	return 0;
}

int
state_why(struct state *s, const char *id, uint64_t task_state, char *const *deps,
	  size_t ndeps, char *const *prods, size_t nprods, struct buf *why)
{
	char hex[24];
	struct rec *r;
	size_t nr;
	int changed, done;

	read_begin(s);
	sq.reset(s->task_get);
	sq.bind_text(s->task_get, 1, id, -1, SQLITE_STATIC);
	if (sq.step(s->task_get) != SQLITE_ROW || !sq.column_text(s->task_get, 0)) {
		sq.reset(s->task_get);
		buf_adds(why, "never ran");
		return 1;
	}
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)task_state);
	changed = strcmp((const char *)sq.column_text(s->task_get, 0), hex) != 0;
	done = sq.column_text(s->task_get, 1) &&
	       (!strcmp((const char *)sq.column_text(s->task_get, 1), "success") ||
		!strcmp((const char *)sq.column_text(s->task_get, 1), "persisted") ||
		!strcmp((const char *)sq.column_text(s->task_get, 1), "skipped unchanged"));
	sq.reset(s->task_get);
	if (!done) {
		buf_adds(why, "did not succeed last time");
		return 1;
	}
	if (changed) {
		buf_adds(why, "task source changed");
		return 1;
	}
	r = records(s, id, &nr);
	changed = files_changed(s, r, nr, 0, deps, ndeps, why) ||
		  files_changed(s, r, nr, 1, prods, nprods, why);
	free_records(r, nr);
	return changed;
}

static int
put_files(struct state *s, sqlite3_stmt *ins, const char *id, int role, char *const *p,
	  size_t n)
{
	size_t i;
	uint64_t h;
	char hex[24];

	for (i = 0; i < n; i++) {
		if (state_file_hash(s, p[i], &h) < 0)
			return -1;
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
		sq.reset(ins);
		sq.bind_text(ins, 1, id, -1, SQLITE_STATIC);
		sq.bind_int(ins, 2, role);
		sq.bind_text(ins, 3, p[i], -1, SQLITE_STATIC);
		sq.bind_text(ins, 4, hex, -1, SQLITE_TRANSIENT);
		if (sq.step(ins) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

int
state_record(struct state *s, const char *id, uint64_t task_state, double duration,
	     char *const *deps, size_t ndeps, char *const *prods, size_t nprods, struct buf *err)
{
	char hex[24];
	int ok;

	state_release(s);
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)task_state);
	ok = (s->rec_del ||
	      (!prepare(s, &s->rec_del, "DELETE FROM task_file WHERE task = ?") &&
	       !prepare(s, &s->rec_ins, "INSERT OR REPLACE INTO task_file VALUES(?, ?, ?, ?)") &&
	       !prepare(s, &s->rec_task, "INSERT OR REPLACE INTO task VALUES(?, ?, ?, "
				       "'success', strftime('%s','now'))"))) &&
	     !exec1(s, "BEGIN IMMEDIATE");
	s->writing = ok;
	if (ok) {
		sq.reset(s->rec_del);
		sq.bind_text(s->rec_del, 1, id, -1, SQLITE_STATIC);
		ok = sq.step(s->rec_del) == SQLITE_DONE &&
		     !put_files(s, s->rec_ins, id, 0, deps, ndeps) &&
		     !put_files(s, s->rec_ins, id, 1, prods, nprods);
	}
	if (ok) {
		sq.reset(s->rec_task);
		sq.bind_text(s->rec_task, 1, id, -1, SQLITE_STATIC);
		sq.bind_text(s->rec_task, 2, hex, -1, SQLITE_STATIC);
		sq.bind_double(s->rec_task, 3, duration);
		ok = sq.step(s->rec_task) == SQLITE_DONE;
	}
	sq.reset(s->rec_del);
	sq.reset(s->rec_ins);
	sq.reset(s->rec_task);
	s->writing = 0;
	if (ok)
		ok = !exec1(s, "COMMIT");
	if (!ok) {
		buf_printf(err, "cannot record %s in .herd/state.db: %s", id, sq.errmsg(s->db));
		exec1(s, "ROLLBACK");
	}
	return ok ? 0 : -1;
}

int
state_set_outcome(struct state *s, const char *id, const char *outcome)
{
	sqlite3_stmt *st;
	int ok;

	state_release(s);
	if (prepare(s, &st, "INSERT INTO task(id, outcome) VALUES(?, ?) "
			    "ON CONFLICT(id) DO UPDATE SET outcome = excluded.outcome"))
		return -1;
	sq.bind_text(st, 1, id, -1, SQLITE_STATIC);
	sq.bind_text(st, 2, outcome, -1, SQLITE_STATIC);
	ok = sq.step(st) == SQLITE_DONE;
	sq.finalize(st);
	return ok ? 0 : -1;
}

int
state_forget(struct state *s, const char *id)
{
	return state_set_outcome(s, id, "failed");
}

double
state_duration(struct state *s, const char *id)
{
	double d = -1;

	read_begin(s);
	sq.reset(s->dur_get);
	sq.bind_text(s->dur_get, 1, id, -1, SQLITE_STATIC);
	if (sq.step(s->dur_get) == SQLITE_ROW)
		d = sq.column_double(s->dur_get, 0);
	sq.reset(s->dur_get);
	return d;
}

char *
state_outcome(struct state *s, const char *id)
{
	sqlite3_stmt *st;
	char *o = NULL;

	read_begin(s);
	if (prepare(s, &st, "SELECT outcome FROM task WHERE id = ?"))
		return NULL;
	sq.bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sq.step(st) == SQLITE_ROW && sq.column_text(st, 0))
		o = xstrdup((const char *)sq.column_text(st, 0));
	sq.finalize(st);
	return o;
}
