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

#include "intern.h"
#include "state.h"

/*
 * The layout, in meta's row 'schema'. herd-state-1 kept a row of task_file
 * per file of a task (three a task in a fan-out: half the rows a no-op
 * rebuild read); herd-state-2 keeps them in the task's row (task.files, see
 * files_parse). A herd-state-1 file is migrated when opened to write, and
 * read as it is when opened only to read.
 */
#define SCHEMA "herd-state-2"
#define SCHEMA_1 "herd-state-1"

/*
 * SQLite is loaded when a verb first opens the state, not when herd starts:
 * linked, its relocations cost every herd run about 1.1M instructions
 * (callgrind: an empty program linking it runs 1.31M, without it 0.19M),
 * most of what herd --version costs. State calls go through this table.
 */
#define SQ_FUNCS(X) X(bind_blob) X(bind_double) X(bind_int) X(bind_int64) X(bind_text) \
	X(busy_timeout) X(close) X(column_blob) X(column_bytes) X(column_double) X(column_int) \
	X(column_int64) X(column_text) X(errcode) X(errmsg) X(exec) X(finalize) X(open_v2) \
	X(prepare_v2) X(reset) X(step)
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

/* A file's state as first seen this run (state_file_hash), and its memo row. */
struct seen {
	char *path;		/* NULL: an empty slot */
	int missing;		/* not a regular file */
	int stale;		/* not looked at yet, or a task that may change it finished */
	int memo;		/* mtime and size are the memo's: hash is theirs */
	long long mtime, size;
	uint64_t hash;
};

/* A file of a task's last success: a line of its files. */
struct rec {
	int role;		/* 0 a dependency, 1 a product */
	const char *path;
	uint64_t hash;
};

/* What the state holds of a task: its task row. */
struct prior {
	const char *id;		/* NULL: an empty slot */
	int has_state;		/* it succeeded (or persisted) once: state is set */
	uint64_t state;
	const char *outcome;	/* its last, or NULL */
	double duration;	/* of its last success, or -1 */
	struct rec *files;
	size_t nfiles;
};

/*
 * The tables are read into memory when the state is opened, one scan each,
 * and written through: a decision costs no query (two queries a task were
 * half of a no-op rebuild's instructions).
 */
struct state {
	sqlite3 *db;
	int schema;		/* 2, or 1: a herd-state-1 file opened only to read */
	char *root;
	int rootfd;		/* files are looked at from it: no root/path strings made */
	int lockfd;
	int reading;		/* inside the read transaction (read_begin) */
	state_hook *before_load;	/* state_open_then's, called once */
	void *cookie;
	int writing;		/* inside state_record's */
	sqlite3_stmt *memo_put;
	sqlite3_stmt *rec_task;	/* state_record's, made at its first */
	struct intern pool;	/* the strings and files read or recorded: no malloc each */
	struct seen *seen;	/* the memo and the files seen: open addressing, nseen < cap / 2 */
	size_t nseen, cap;
	struct prior *prior;	/* the tasks, by id: open addressing, nprior < pcap / 2 */
	size_t nprior, pcap;
};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS memo(path TEXT PRIMARY KEY, mtime INTEGER, size INTEGER,"
	" hash TEXT);"
	"CREATE TABLE IF NOT EXISTS task(id TEXT PRIMARY KEY, state TEXT, duration REAL,"
	" outcome TEXT, done INTEGER, files TEXT);"
	"CREATE TABLE IF NOT EXISTS listing(binary TEXT PRIMARY KEY, herd TEXT, dev INTEGER,"
	" ino INTEGER, size INTEGER, mtime INTEGER, ctime INTEGER, content TEXT, sum TEXT,"
	" data BLOB);";

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

/*
 * The layout of db when it is ours, a herd state: 2 (SCHEMA) or 1
 * (SCHEMA_1); else 0. Its pages are checked only when the last connection
 * did not close cleanly (its -wal file is still there: a crash or a power
 * cut), where a torn page could be; the scans of every table that opening
 * does (load) find the rest.
 */
static int
schema_of(sqlite3 *db, int unclean)
{
	sqlite3_stmt *st;
	const char *v;
	int ok = 0;

	if (sq.prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL))
		return 0;
	if (sq.step(st) == SQLITE_ROW && (v = (const char *)sq.column_text(st, 0)))
		ok = !strcmp(v, SCHEMA) ? 2 : !strcmp(v, SCHEMA_1);
	sq.finalize(st);
	if (ok && unclean && sq.prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) == SQLITE_OK) {
		if (sq.step(st) != SQLITE_ROW || strcmp((const char *)sq.column_text(st, 0), "ok"))
			ok = 0;
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

static int
prepare(struct state *s, sqlite3_stmt **st, const char *sql)
{
	return sq.prepare_v2(s->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : -1;
}

/* The last error of s->db says the file is damaged (not mere I/O or memory). */
static int
is_damaged(struct state *s)
{
	int code = sq.errcode(s->db) & 0xff;

	return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

/* ---- the files seen, and the memo ---- */

/* The slot of path in the files seen this run: its own, or the empty one for it. */
static struct seen *
seen_slot(struct state *s, const char *path)
{
	size_t i = (size_t)XXH3_64bits(path, strlen(path)) & (s->cap - 1);

	while (s->seen[i].path && strcmp(s->seen[i].path, path))
		i = (i + 1) & (s->cap - 1);
	return &s->seen[i];
}

/* The smallest table, a power of two from 1024, that holds n entries at
 * most half full. */
static size_t
table_size(size_t n)
{
	size_t cap = 1024;

	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

/* Room for n files seen, in one growth. */
static void
seen_reserve(struct state *s, size_t n)
{
	struct seen *old = s->seen;
	size_t i, was = s->cap;

	if (table_size(n) <= was)
		return;
	s->cap = table_size(n);
	s->seen = xcalloc(s->cap, sizeof(*s->seen));
	for (i = 0; i < was; i++)
		if (old[i].path)
			*seen_slot(s, old[i].path) = old[i];
	free(old);
}

/* path's entry in seen, made (not looked at yet) if it has none. */
static struct seen *
seen_add(struct state *s, const char *path)
{
	struct seen *e;

	if (2 * (s->nseen + 1) > s->cap)
		seen_reserve(s, 2 * (s->nseen + 1));
	e = seen_slot(s, path);
	if (!e->path) {
		e->path = intern_keep(&s->pool, path, strlen(path));
		e->stale = 1;
		s->nseen++;
	}
	return e;
}

/* ---- the tasks ---- */

/* The slot of id among the tasks: its own, or the empty one for it. */
static struct prior *
prior_slot(const struct state *s, const char *id)
{
	size_t i = (size_t)XXH3_64bits(id, strlen(id)) & (s->pcap - 1);

	while (s->prior[i].id && strcmp(s->prior[i].id, id))
		i = (i + 1) & (s->pcap - 1);
	return &s->prior[i];
}

/* What the state holds of id, or NULL. */
static struct prior *
prior_find(const struct state *s, const char *id)
{
	struct prior *p;

	if (!s->pcap)
		return NULL;
	p = prior_slot(s, id);
	return p->id ? p : NULL;
}

/* Room for n tasks, in one growth. */
static void
prior_reserve(struct state *s, size_t n)
{
	struct prior *old = s->prior;
	size_t i, was = s->pcap;

	if (table_size(n) <= was)
		return;
	s->pcap = table_size(n);
	s->prior = xcalloc(s->pcap, sizeof(*s->prior));
	for (i = 0; i < was; i++)
		if (old[i].id)
			*prior_slot(s, old[i].id) = old[i];
	free(old);
}

/* id's entry, made empty (never ran) if it has none. */
static struct prior *
prior_add(struct state *s, const char *id)
{
	struct prior *p;

	if (2 * (s->nprior + 1) > s->pcap)
		prior_reserve(s, 2 * (s->nprior + 1));
	p = prior_slot(s, id);
	if (!p->id) {
		p->id = intern_keep(&s->pool, id, strlen(id));
		p->duration = -1;
		s->nprior++;
	}
	return p;
}

static void
set_outcome(struct state *s, struct prior *p, const char *outcome)
{
	p->outcome = intern_str(&s->pool, outcome);
}

/* Forgets what was loaded: the memo and the tasks. */
static void
unload(struct state *s)
{
	intern_clear(&s->pool);
	free(s->seen);
	free(s->prior);
	s->seen = NULL;
	s->prior = NULL;
	s->nseen = s->cap = s->nprior = s->pcap = 0;
}

/* ---- opening: each table read in one scan ---- */

/* A hash as the tables write it, 16 hex digits (strtoull costs 400
 * instructions a call here, a tenth of a no-op's scan). */
static uint64_t
hex64(const unsigned char *text)
{
	uint64_t h = 0;

	for (; text && *text; text++)
		h = h << 4 | (uint64_t)(*text <= '9' ? *text - '0' : (*text | 0x20) - 'a' + 10);
	return h;
}

/*
 * A task's files, as task.files keeps them: a line a file, "R HASH PATH",
 * R the role (0 a dependency, 1 a product) and HASH its content's, 16 hex
 * digits; a path holds no blank (docs/tasks.md, Paths). One text a task
 * where herd-state-1 had a row a file: SQLite's step per row was most of
 * reading the state.
 */
#define FILE_LINE_MIN 20	/* "0 " HASH " " and a path of one byte */

/* The files of text (len bytes, in the form above) into p, kept in the
 * pool; a line that is not in that form is left out, so that its file is
 * "new to the task" and the task runs. */
static void
files_parse(struct state *s, struct prior *p, const char *text, size_t len)
{
	char *copy, *line, *end;
	size_t n = 0, k;

	p->files = NULL;
	p->nfiles = 0;
	if (!text || !len)
		return;
	for (k = 0; k < len; k++)
		n += text[k] == '\n';
	p->files = intern_room(&s->pool, (n + 1) * sizeof(*p->files));
	copy = intern_keep(&s->pool, text, len);
	for (line = copy; line < copy + len; line = end + 1) {
		struct rec *r = &p->files[p->nfiles];
		char hash[17];

		if (!(end = memchr(line, '\n', (size_t)(copy + len - line))))
			end = copy + len;
		*end = '\0';
		if (end - line < FILE_LINE_MIN || (line[0] != '0' && line[0] != '1') ||
		    line[1] != ' ' || line[18] != ' ')
			continue;
		memcpy(hash, line + 2, 16);
		hash[16] = '\0';
		r->role = line[0] - '0';
		r->hash = hex64((const unsigned char *)hash);
		r->path = line + 19;
		p->nfiles++;
	}
}

/* One line of files_parse's text. */
static void
files_add(struct buf *text, int role, uint64_t hash, const char *path)
{
	buf_printf(text, "%d %016llx %s\n", role, (unsigned long long)hash, path);
}

/* Runs sql, calling row(s, st) for each row; -1 when a step fails. */
static int
scan(struct state *s, const char *sql, void (*row)(struct state *, sqlite3_stmt *))
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, &st, sql))
		return -1;
	while ((rc = sq.step(st)) == SQLITE_ROW)
		row(s, st);
	sq.finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A memoised file looked at as it is loaded: herd build loads the state on
 * a thread of its own while the main one makes the graph, so the stat() of
 * every file (a quarter of a no-op rebuild) is off the main thread. One as
 * the memo has it needs no other look (look() would find the same); any
 * other is left for look(), which hashes it only if a task asks.
 */
/* A file's modification time as the memo keeps it: nanoseconds. */
static long long
mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static void
prelook(struct state *s, struct seen *e)
{
	struct stat st;

	if (fstatat(s->rootfd, e->path, &st, 0) == 0 && S_ISREG(st.st_mode) &&
	    mtime_ns(&st) == e->mtime &&
	    (long long)st.st_size == e->size)
		e->stale = e->missing = 0;
}

static void
memo_row(struct state *s, sqlite3_stmt *st)
{
	struct seen *e = seen_add(s, (const char *)sq.column_text(st, 0));

	e->memo = 1;
	e->mtime = sq.column_int64(st, 1);
	e->size = sq.column_int64(st, 2);
	e->hash = hex64(sq.column_text(st, 3));
	prelook(s, e);
}

static void
task_row(struct state *s, sqlite3_stmt *st)
{
	struct prior *p = prior_add(s, (const char *)sq.column_text(st, 0));

	p->has_state = sq.column_text(st, 1) != NULL;
	p->state = hex64(sq.column_text(st, 1));
	set_outcome(s, p, (const char *)sq.column_text(st, 2));
	p->duration = sq.column_double(st, 3);
	files_parse(s, p, (const char *)sq.column_text(st, 4), (size_t)sq.column_bytes(st, 4));
}

/* The task rows with their files, as SCHEMA has them; and as SCHEMA_1 had
 * them, in a row of task_file each, put in SCHEMA's form. */
#define TASK_COLUMNS "SELECT id, state, outcome, ifnull(duration, -1), "
static const char task_scan[] = TASK_COLUMNS "files FROM task";
#define FILES_1 "(SELECT group_concat(role || ' ' || hash || ' ' || path, char(10))" \
	" FROM task_file WHERE task_file.task = task.id)"
static const char task_scan_1[] = TASK_COLUMNS FILES_1 " FROM task";

/*
 * A herd-state-1 file in SCHEMA's layout, in one transaction: the files of
 * each task are its rows of task_file, as task_scan_1 reads them. Nothing
 * is lost: every task is decided as it would have been.
 */
static const char migrate_1[] =
	"BEGIN IMMEDIATE;"
	"ALTER TABLE task ADD COLUMN files TEXT;"
	"UPDATE task SET files = " FILES_1 ";"
	"DROP TABLE task_file;"
	"UPDATE meta SET value = '" SCHEMA "' WHERE key = 'schema';"
	"COMMIT;";

static void read_begin(struct state *s);

/* The rows of a table, or 0. */
static size_t
rows(struct state *s, const char *count_sql)
{
	sqlite3_stmt *st;
	sqlite3_int64 n = 0;

	if (prepare(s, &st, count_sql))
		return 0;
	if (sq.step(st) == SQLITE_ROW)
		n = sq.column_int64(st, 0);
	sq.finalize(st);
	return n > 0 ? (size_t)n : 0;
}

/* The memo and the tasks into memory, in the read transaction; -1 on an
 * error. The hook of state_open_then goes first. */
static int
load(struct state *s)
{
	state_hook *hook = s->before_load;

	s->before_load = NULL;
	if (hook)
		hook(s, s->cookie);
	read_begin(s);
	/* Counted first, the tables grow once (a growth is a rehash and a
	 * cleared array: a tenth of reading the state, growing by doubling). */
	seen_reserve(s, rows(s, "SELECT count(*) FROM memo"));
	prior_reserve(s, rows(s, "SELECT count(*) FROM task"));
	return scan(s, "SELECT path, mtime, size, hash FROM memo", memo_row) ||
	       scan(s, s->schema == 1 ? task_scan_1 : task_scan, task_row) ? -1 : 0;
}

/*
 * A connection is used by one thread at a time (herd build's opens it on a
 * thread of its own, which the main thread joins before it uses it): it
 * needs none of SQLite's mutexes, which cost a tenth of reading the state.
 */
#define OPEN_FLAGS SQLITE_OPEN_NOMUTEX

static sqlite3 *
open_db(const char *path)
{
	sqlite3 *db = NULL;

	if (sq.open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | OPEN_FLAGS, NULL)) {
		sq.close(db);
		return NULL;
	}
	sq.busy_timeout(db, 10000);
	return db;
}

static void
close_db(struct state *s)
{
	if (s->db) {	/* else SQLite may never have been loaded */
		state_release(s);
		sq.finalize(s->rec_task);
		sq.finalize(s->memo_put);
		sq.close(s->db);
	}
	s->db = NULL;
	s->rec_task = s->memo_put = NULL;
}

/* Closes s->db and forgets what it held. */
static void
detach(struct state *s)
{
	close_db(s);
	unload(s);
}

/*
 * WAL, see state.h. The file is read through a memory map: reading the
 * tables at open was a thousand pread()s of one page each.
 */
static const char pragmas[] =
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;";

/* Opens and loads the state at path: 0; 1 when the file is not ours or is
 * damaged; -1 on another error (said in err). */
static int
attach(struct state *s, const char *path, struct buf *err)
{
	char *wal = xasprintf("%s-wal", path);
	int unclean = access(wal, F_OK) == 0, r = 0;

	free(wal);
	if (!(s->db = open_db(path)))
		r = -1;
	else if (!(s->schema = is_empty(s->db) ? 2 : schema_of(s->db, unclean)))
		return 1;
	else if (sq.exec(s->db, pragmas, NULL, NULL, NULL) ||
		 (s->schema == 1 && sq.exec(s->db, migrate_1, NULL, NULL, NULL)) ||
		 (s->schema = 2, sq.exec(s->db, schema_sql, NULL, NULL, NULL)) ||
		 sq.exec(s->db, "INSERT OR IGNORE INTO meta VALUES('schema', '" SCHEMA "')",
			 NULL, NULL, NULL) ||
		 prepare(s, &s->memo_put, "INSERT OR REPLACE INTO memo VALUES(?, ?, ?, ?)") ||
		 load(s) < 0)
		r = is_damaged(s) ? 1 : -1;
	if (r < 0)
		buf_printf(err, "cannot open %s: %s", path, s->db ? sq.errmsg(s->db) : "no memory");
	return r;
}

/* A damaged or foreign state.db, moved aside. */
static void
move_aside(const char *path, struct buf *warn)
{
	char *bad = xasprintf("%s.bad", path);

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
}

struct state *
state_open(const char *root, int wait, struct buf *warn, struct buf *err)
{
	return state_open_then(root, wait, NULL, NULL, warn, err);
}

struct state *
state_open_then(const char *root, int wait, state_hook *before_load, void *cookie,
		struct buf *warn, struct buf *err)
{
	struct state *s = xcalloc(1, sizeof(*s));
	char *dir = xasprintf("%s/.herd", root), *path = xasprintf("%s/.herd/state.db", root);
	int r;

	s->root = xstrdup(root);
	s->lockfd = s->rootfd = -1;
	s->before_load = before_load;
	s->cookie = cookie;
	if ((s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		buf_printf(err, "cannot open %s: %s", root, strerror(errno));
		goto fail;
	}
	if (sq_load(err) < 0)
		goto fail;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		buf_printf(err, "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (take_lock(s, wait, err) < 0)
		goto fail;
	if ((r = attach(s, path, err)) == 1) {
		detach(s);
		move_aside(path, warn);
		r = attach(s, path, err) ? -1 : 0;
	}
	if (r < 0)
		goto fail;
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
	if (sq.open_v2(uri.data, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | OPEN_FLAGS, NULL)) {
		sq.close(db);
		db = NULL;
	}
	buf_clear(&uri);
	return db;
}

struct state *
state_open_readonly(const char *root, struct buf *warn)
{
	return state_open_readonly_then(root, NULL, NULL, warn);
}

struct state *
state_open_readonly_then(const char *root, state_hook *before_load, void *cookie,
			 struct buf *warn)
{
	struct state *s = xcalloc(1, sizeof(*s));
	char *path = xasprintf("%s/.herd/state.db", root), *wal = xasprintf("%s-wal", path);

	s->root = xstrdup(root);
	s->lockfd = s->rootfd = -1;
	s->before_load = before_load;
	s->cookie = cookie;
	if (access(path, F_OK) < 0 ||
	    (s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto fail;	/* no build yet: nothing to say */
	if (sq_load(warn) < 0) {
		buf_adds(warn, "\n");
		goto fail;
	}
	if (!(s->db = open_db_readonly(path)) ||
	    !(s->schema = schema_of(s->db, access(wal, F_OK) == 0)) ||
	    prepare(s, &s->memo_put, "SELECT ?, ?, ?, ?") || load(s) < 0) {
		buf_printf(warn, "herd: warning: %s is not a herd state database, or is damaged: "
			   "taken as empty\n", ".herd/state.db");
		goto fail;
	}
	free(wal);
	free(path);
	return s;
fail:
	free(wal);
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

/* The database and the lock closed: the build's end, as far as the files go. */
static void
close_files(struct state *s)
{
	close_db(s);
	if (s->lockfd >= 0)
		close(s->lockfd);
	if (s->rootfd >= 0)
		close(s->rootfd);
	s->lockfd = s->rootfd = -1;
}

void
state_close(struct state *s)
{
	if (!s)
		return;
	close_files(s);
	unload(s);
	free(s->root);
	free(s);
}

void
state_close_exiting(struct state *s)
{
	if (s)
		close_files(s);
}

/* xxh3 of a file's bytes; -1 when it cannot be read. */
static int
hash_file(int dirfd, const char *path, uint64_t *out)
{
	XXH3_state_t *x = XXH3_createState();
	char buf[65536];
	ssize_t n;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

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

/* Looks at e's file: from its stat() and the memo, or hashing it (and
 * memoising the hash); -1 when it is missing. */
static int
look(struct state *s, struct seen *e)
{
	char hex[24];
	struct stat st;
	long long mtime;
	uint64_t h;

	if (fstatat(s->rootfd, e->path, &st, 0) < 0 || !S_ISREG(st.st_mode))
		return -1;
	mtime = mtime_ns(&st);
	if (e->memo && e->mtime == mtime && e->size == (long long)st.st_size)
		return 0;
	if (hash_file(s->rootfd, e->path, &h) < 0)
		return -1;
	e->memo = 1;
	e->mtime = mtime;
	e->size = (long long)st.st_size;
	e->hash = h;
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)h);
	read_begin(s);
	sq.reset(s->memo_put);
	sq.bind_text(s->memo_put, 1, e->path, -1, SQLITE_STATIC);
	sq.bind_int64(s->memo_put, 2, mtime);
	sq.bind_int64(s->memo_put, 3, e->size);
	sq.bind_text(s->memo_put, 4, hex, -1, SQLITE_STATIC);
	sq.step(s->memo_put);
	sq.reset(s->memo_put);
	return 0;
}

/*
 * Each file is looked at once a run, however many tasks name it (a hub
 * below 99 tasks was stat()ed 100 times): a task that may change it says
 * so with state_changed().
 */
int
state_file_hash(struct state *s, const char *path, uint64_t *hash)
{
	struct seen *e = seen_add(s, path);

	if (e->stale) {
		e->missing = look(s, e) < 0;
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

/* The record of (role, path) among p's files, or NULL. The files come in the
 * order they were recorded, which is the task's: the search starts after
 * the last found (*at), so a task's check is linear, not quadratic. */
static const struct rec *
find_rec(const struct prior *p, int role, const char *path, size_t *at)
{
	size_t k, i;

	for (k = 0; k < p->nfiles; k++) {
		i = (*at + k) % p->nfiles;
		if (p->files[i].role == role && !strcmp(p->files[i].path, path)) {
			*at = i + 1;
			return &p->files[i];
		}
	}
	return NULL;
}

/* Is each path as it was recorded with role? Says what changed first. */
static int
files_changed(struct state *s, const struct prior *p, int role, char *const *paths,
	      size_t n, struct buf *why)
{
	const struct rec *r;
	size_t i, at = 0;
	uint64_t h;

	for (i = 0; i < n; i++) {
		if (state_file_hash(s, paths[i], &h) < 0) {
			buf_printf(why, role ? "product %s missing" : "%s missing", paths[i]);
			return 1;
		}
		if (!(r = find_rec(p, role, paths[i], &at))) {
			buf_printf(why, "%s is new to the task", paths[i]);
			return 1;
		}
		if (r->hash != h) {
			buf_printf(why, "%s changed", paths[i]);
			return 1;
		}
	}
	return 0;
}

int
state_why(struct state *s, const char *id, uint64_t task_state, char *const *deps,
	  size_t ndeps, char *const *prods, size_t nprods, struct buf *why)
{
	const struct prior *p = prior_find(s, id);

	if (!p || !p->has_state) {
		buf_adds(why, "never ran");
		return 1;
	}
	if (!p->outcome || (strcmp(p->outcome, "success") && strcmp(p->outcome, "persisted") &&
			    strcmp(p->outcome, "skipped unchanged"))) {
		buf_adds(why, "did not succeed last time");
		return 1;
	}
	if (p->state != task_state) {
		buf_adds(why, "task source changed");
		return 1;
	}
	return files_changed(s, p, 0, deps, ndeps, why) ||
	       files_changed(s, p, 1, prods, nprods, why);
}

/* The lines of paths' files with role into text, as they are now; -1 when
 * one is missing. */
static int
files_now(struct state *s, int role, char *const *paths, size_t n, struct buf *text)
{
	size_t i;
	uint64_t h;

	for (i = 0; i < n; i++) {
		if (state_file_hash(s, paths[i], &h) < 0)
			return -1;
		files_add(text, role, h, paths[i]);
	}
	return 0;
}

int
state_record(struct state *s, const char *id, uint64_t task_state, double duration,
	     char *const *deps, size_t ndeps, char *const *prods, size_t nprods, struct buf *err)
{
	struct prior *p = prior_add(s, id);
	struct buf files = BUF_INIT;
	char hex[24];
	int ok;

	state_release(s);
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)task_state);
	ok = (s->rec_task ||
	      !prepare(s, &s->rec_task, "INSERT OR REPLACE INTO task(id, state, duration, outcome,"
				       " done, files) VALUES(?, ?, ?, 'success',"
				       " strftime('%s','now'), ?)")) &&
	     !exec1(s, "BEGIN IMMEDIATE");
	/* Within it, the memo rows of the files hashed now. */
	s->writing = ok;
	if (ok)
		ok = !files_now(s, 0, deps, ndeps, &files) && !files_now(s, 1, prods, nprods, &files);
	if (ok) {
		sq.reset(s->rec_task);
		sq.bind_text(s->rec_task, 1, id, -1, SQLITE_STATIC);
		sq.bind_text(s->rec_task, 2, hex, -1, SQLITE_STATIC);
		sq.bind_double(s->rec_task, 3, duration);
		sq.bind_text(s->rec_task, 4, files.data ? files.data : "", (int)files.len,
			     SQLITE_STATIC);
		ok = sq.step(s->rec_task) == SQLITE_DONE;
		sq.reset(s->rec_task);
	}
	s->writing = 0;
	if (ok)
		ok = !exec1(s, "COMMIT");
	if (!ok) {
		buf_printf(err, "cannot record %s in .herd/state.db: %s", id, sq.errmsg(s->db));
		exec1(s, "ROLLBACK");
		p->has_state = 0;	/* what the file holds now is unknown: it reruns */
		buf_clear(&files);
		return -1;
	}
	/* What is kept is what was written, read as a load reads it. */
	files_parse(s, p, files.data, files.len);
	buf_clear(&files);
	p->has_state = 1;
	p->state = task_state;
	p->duration = duration;
	set_outcome(s, p, "success");
	return 0;
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
	if (ok)
		set_outcome(s, prior_add(s, id), outcome);
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
	const struct prior *p = prior_find(s, id);

	return p ? p->duration : -1;
}

char *
state_outcome(struct state *s, const char *id)
{
	const struct prior *p = prior_find(s, id);

	return p && p->outcome ? xstrdup(p->outcome) : NULL;
}

/* ---- the cached listings of test binaries (src/listing.c) ---- */

/* A hash as the tables write it. */
static void
hex_of(uint64_t h, char hex[24])
{
	snprintf(hex, 24, "%016llx", (unsigned long long)h);
}

char *
state_listing(struct state *s, const char *binary, struct binid *id, size_t *len)
{
	sqlite3_stmt *st;
	char *data = NULL;
	const void *blob;
	const char *herd;
	int n;

	if (prepare(s, &st, "SELECT herd, dev, ino, size, mtime, ctime, content, sum, data "
			    "FROM listing WHERE binary = ?"))
		return NULL;
	sq.bind_text(st, 1, binary, -1, SQLITE_STATIC);
	if (sq.step(st) == SQLITE_ROW && (herd = (const char *)sq.column_text(st, 0)) &&
	    (blob = sq.column_blob(st, 8)) && (n = sq.column_bytes(st, 8)) > 0 &&
	    state_hash(blob, (size_t)n) == hex64(sq.column_text(st, 7))) {
		snprintf(id->herd, sizeof(id->herd), "%s", herd);
		id->dev = sq.column_int64(st, 1);
		id->ino = sq.column_int64(st, 2);
		id->size = sq.column_int64(st, 3);
		id->mtime = sq.column_int64(st, 4);
		id->ctime = sq.column_int64(st, 5);
		id->content = hex64(sq.column_text(st, 6));
		data = xmalloc((size_t)n + 1);
		memcpy(data, blob, (size_t)n);
		data[n] = '\0';
		*len = (size_t)n;
	}
	sq.finalize(st);
	return data;
}

int
state_listing_put(struct state *s, const char *binary, const struct binid *id,
		  const void *data, size_t len)
{
	sqlite3_stmt *st;
	char content[24], sum[24];
	int ok;

	state_release(s);
	if (prepare(s, &st, "INSERT OR REPLACE INTO listing VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
		return -1;
	hex_of(id->content, content);
	hex_of(state_hash(data, len), sum);
	sq.bind_text(st, 1, binary, -1, SQLITE_STATIC);
	sq.bind_text(st, 2, id->herd, -1, SQLITE_STATIC);
	sq.bind_int64(st, 3, id->dev);
	sq.bind_int64(st, 4, id->ino);
	sq.bind_int64(st, 5, id->size);
	sq.bind_int64(st, 6, id->mtime);
	sq.bind_int64(st, 7, id->ctime);
	sq.bind_text(st, 8, content, -1, SQLITE_STATIC);
	sq.bind_text(st, 9, sum, -1, SQLITE_STATIC);
	sq.bind_blob(st, 10, data, (int)len, SQLITE_STATIC);
	ok = sq.step(st) == SQLITE_DONE;
	sq.finalize(st);
	return ok ? 0 : -1;
}

int
state_listing_drop(struct state *s, const char *binary)
{
	sqlite3_stmt *st;
	int ok;

	state_release(s);
	if (prepare(s, &st, "DELETE FROM listing WHERE binary = ?"))
		return -1;
	sq.bind_text(st, 1, binary, -1, SQLITE_STATIC);
	ok = sq.step(st) == SQLITE_DONE;
	sq.finalize(st);
	return ok ? 0 : -1;
}
