/* Unit tests of src/state.c: herd build's SQLite state, in a scratch folder. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <herd.h>

#include "scratch.h"
#include "state.h"
#include "util.h"

static void
put(const char *root, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", root, name);
	FILE *f = fopen(p, "w");

	REQUIRE_NOT_NULL(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* Sets a file's mtime to t seconds: touching without changing. */
static void
set_mtime(const char *root, const char *name, time_t t)
{
	char *p = xasprintf("%s/%s", root, name);
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	REQUIRE_EQ(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
}

static char *deps[] = { "in.txt" };
static char *prods[] = { "out.txt" };

TEST(state, never_ran_then_up_to_date)
{
	char *root = scratch_dir("state");
	struct buf warn = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	struct state *s;

	put(root, "in.txt", "a\n");
	put(root, "out.txt", "A\n");
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	CHECK_EQ(state_why(s, "t.c::clean", 7, deps, 1, prods, 1, &why), 1);
	CHECK_STR_EQ(why.data, "never ran");
	REQUIRE_EQ(state_record(s, "t.c::clean", 7, 0.5, deps, 1, prods, 1, &err), 0);
	buf_reset(&why);
	CHECK_EQ(state_why(s, "t.c::clean", 7, deps, 1, prods, 1, &why), 0);
	CHECK_DOUBLE_EQ(state_duration(s, "t.c::clean"), 0.5);
	/* The task's own state: its source or options changed. */
	buf_reset(&why);
	CHECK_EQ(state_why(s, "t.c::clean", 8, deps, 1, prods, 1, &why), 1);
	CHECK_STR_EQ(why.data, "task source changed");
	state_close(s);
	/* It survives a reopen. */
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	buf_reset(&why);
	CHECK_EQ(state_why(s, "t.c::clean", 7, deps, 1, prods, 1, &why), 0);
	state_close(s);
	CHECK_EQ(warn.len, 0);
	buf_clear(&warn), buf_clear(&err), buf_clear(&why);
	scratch_remove(root);
}

TEST(state, content_not_mtime)
{
	char *root = scratch_dir("state");
	struct buf warn = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	struct state *s;

	put(root, "in.txt", "a\n");
	put(root, "out.txt", "A\n");
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	REQUIRE_EQ(state_record(s, "x", 1, 0.1, deps, 1, prods, 1, &err), 0);
	/* Touched, same bytes: still up to date. */
	set_mtime(root, "in.txt", 1000000000);
	state_changed(s, "in.txt");
	CHECK_EQ(state_why(s, "x", 1, deps, 1, prods, 1, &why), 0);
	/* Other bytes of the same size, even with the old mtime put back. */
	put(root, "in.txt", "b\n");
	set_mtime(root, "in.txt", 1000000001);
	/* A file is looked at once a run: until it is said changed, as first seen. */
	CHECK_EQ(state_why(s, "x", 1, deps, 1, prods, 1, &why), 0);
	state_changed(s, "in.txt");
	CHECK_EQ(state_why(s, "x", 1, deps, 1, prods, 1, &why), 1);
	CHECK_STR_EQ(why.data, "in.txt changed");
	/* A product deleted. */
	put(root, "in.txt", "a\n");
	state_changed(s, "in.txt");
	buf_reset(&why);
	CHECK_EQ(state_why(s, "x", 1, deps, 1, prods, 1, &why), 0);
	{
		char *p = xasprintf("%s/out.txt", root);

		unlink(p);
		free(p);
	}
	state_changed(s, "out.txt");
	buf_reset(&why);
	CHECK_EQ(state_why(s, "x", 1, deps, 1, prods, 1, &why), 1);
	CHECK_STR_EQ(why.data, "product out.txt missing");
	state_close(s);
	buf_clear(&warn), buf_clear(&err), buf_clear(&why);
	scratch_remove(root);
}

/* A task's files are kept in its row (state.c, files_parse): each, with its
 * role and hash, comes back from a reopen; a change to any one of them, a
 * file the task did not have, or one moved from dependency to product, is
 * seen. */
TEST(state, files_of_a_task_survive_a_reopen)
{
	static char *ins[] = { "in.txt", "sub/b.txt", "c.txt" }, *outs[] = { "out.txt", "o2" };
	static char *moved[] = { "in.txt", "sub/b.txt" }, *moved_outs[] = { "out.txt", "o2", "c.txt" };
	static char *more[] = { "in.txt", "sub/b.txt", "c.txt", "d.txt" };
	char *root = scratch_dir("state"), *sub = xasprintf("%s/sub", root);
	struct buf warn = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	struct state *s;

	REQUIRE_EQ(mkdir(sub, 0777), 0);
	put(root, "in.txt", "a\n");
	put(root, "sub/b.txt", "b\n");
	put(root, "c.txt", "c\n");
	put(root, "d.txt", "d\n");
	put(root, "out.txt", "A\n");
	put(root, "o2", "");
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	REQUIRE_EQ(state_record(s, "t.c::x", 5, 0.1, ins, 3, outs, 2, &err), 0);
	CHECK_EQ(state_why(s, "t.c::x", 5, ins, 3, outs, 2, &why), 0);
	state_close(s);
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	CHECK_EQ(state_why(s, "t.c::x", 5, ins, 3, outs, 2, &why), 0);
	CHECK_EQ(state_why(s, "t.c::x", 5, moved, 2, moved_outs, 3, &why), 1);
	CHECK_STR_EQ(why.data, "c.txt is new to the task");
	buf_reset(&why);
	CHECK_EQ(state_why(s, "t.c::x", 5, more, 4, outs, 2, &why), 1);
	CHECK_STR_EQ(why.data, "d.txt is new to the task");
	put(root, "sub/b.txt", "B\n");
	state_changed(s, "sub/b.txt");
	buf_reset(&why);
	CHECK_EQ(state_why(s, "t.c::x", 5, ins, 3, outs, 2, &why), 1);
	CHECK_STR_EQ(why.data, "sub/b.txt changed");
	put(root, "sub/b.txt", "b\n");
	put(root, "o2", "now");
	state_changed(s, "sub/b.txt");
	state_changed(s, "o2");
	buf_reset(&why);
	CHECK_EQ(state_why(s, "t.c::x", 5, ins, 3, outs, 2, &why), 1);
	CHECK_STR_EQ(why.data, "o2 changed");
	state_close(s);
	CHECK_EQ(warn.len, 0);
	free(sub);
	buf_clear(&warn), buf_clear(&err), buf_clear(&why);
	scratch_remove(root);
}

TEST(state, failure_forgets_success)
{
	char *root = scratch_dir("state");
	struct buf warn = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	struct state *s;
	char *o;

	put(root, "in.txt", "a\n");
	put(root, "out.txt", "A\n");
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	REQUIRE_EQ(state_record(s, "x", 1, 0.1, deps, 1, prods, 1, &err), 0);
	REQUIRE_EQ(state_forget(s, "x"), 0);
	CHECK_EQ(state_why(s, "x", 1, deps, 1, prods, 1, &why), 1);
	CHECK_STR_EQ(why.data, "did not succeed last time");
	o = state_outcome(s, "x");
	CHECK_STR_EQ(o, "failed");
	free(o);
	state_close(s);
	buf_clear(&warn), buf_clear(&err), buf_clear(&why);
	scratch_remove(root);
}

TEST(state, foreign_file_is_a_warning_and_a_rebuild)
{
	char *root = scratch_dir("state"), *dir = xasprintf("%s/.herd", root);
	struct buf warn = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	struct state *s;

	REQUIRE_EQ(mkdir(dir, 0777), 0);
	put(root, ".herd/state.db", "this is not SQLite, just text of some length......\n");
	put(root, "in.txt", "a\n");
	put(root, "out.txt", "A\n");
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	REQUIRE_NOT_NULL(warn.data);
	CHECK_STR_CONTAINS(warn.data, "is not a herd state database, or is damaged");
	CHECK_EQ(state_why(s, "x", 1, deps, 1, prods, 1, &why), 1);
	CHECK_EQ(state_record(s, "x", 1, 0.1, deps, 1, prods, 1, &err), 0);
	state_close(s);
	free(dir);
	buf_clear(&warn), buf_clear(&err), buf_clear(&why);
	scratch_remove(root);
}

TEST(state, second_build_is_refused_or_waits)
{
	char *root = scratch_dir("state");
	struct buf warn = BUF_INIT, err = BUF_INIT;
	struct state *s, *t;
	int go[2], said[2], st = 0;
	char msg[256], c = 'g';
	size_t n = 0;
	ssize_t k;
	pid_t pid;

	/* The second build is a process forked before the first opens anything:
	 * SQLite's connections and the lock's open file do not cross a fork. */
	REQUIRE_EQ(pipe(go), 0);
	REQUIRE_EQ(pipe(said), 0);
	pid = fork();
	REQUIRE_GE(pid, 0);
	if (pid == 0) {
		struct buf e2 = BUF_INIT;
		struct state *u;

		close(go[1]);
		close(said[0]);
		dup2(said[1], 2);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		u = state_open(root, 1, &warn, &e2);
		_exit(u ? 0 : 1);
	}
	close(go[0]);
	close(said[1]);
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	t = state_open(root, 0, &warn, &err);
	CHECK_NULL(t);
	REQUIRE_NOT_NULL(err.data);
	CHECK_STR_CONTAINS(err.data, "another herd build holds");
	REQUIRE_EQ(write(go[1], &c, 1), 1);
	/* Blocks until the child has said it waits: it holds nothing yet. */
	while (n < sizeof(msg) - 1 && !memchr(msg, '\n', n) &&
	       (k = read(said[0], msg + n, sizeof(msg) - 1 - n)) > 0)
		n += (size_t)k;
	msg[n] = '\0';
	CHECK_STR_CONTAINS(msg, "another herd build runs in this project; waiting");
	state_close(s);
	REQUIRE_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(go[1]);
	close(said[0]);
	buf_clear(&warn), buf_clear(&err);
	scratch_remove(root);
}

/* Records n tasks "t0".."t(n-1)" in s, each with in.txt and out.txt. */
static void
record_many(struct state *s, int n)
{
	struct buf err = BUF_INIT;
	char id[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "t%d", i);
		REQUIRE_EQ(state_record(s, id, (uint64_t)i, 0.25, deps, 1, prods, 1, &err), 0);
	}
	buf_clear(&err);
}

TEST(state, killed_build_leaves_wal_that_the_next_reads)
{
	char *root = scratch_dir("state"), *wal;
	struct buf warn = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	struct state *s;
	int st = 0;
	pid_t pid;

	put(root, "in.txt", "a\n");
	put(root, "out.txt", "A\n");
	pid = fork();
	REQUIRE_GE(pid, 0);
	if (pid == 0) {
		/* A build killed after its records: nothing closes the database. */
		s = state_open(root, 0, &warn, &err);
		if (!s)
			_exit(1);
		record_many(s, 3);
		_exit(0);
	}
	REQUIRE_EQ(waitpid(pid, &st, 0), pid);
	REQUIRE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	wal = xasprintf("%s/.herd/state.db-wal", root);
	CHECK_EQ(access(wal, F_OK), 0);	/* the unclean close that makes open check the pages */
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	CHECK_EQ(warn.len, 0);
	CHECK_EQ(state_why(s, "t2", 2, deps, 1, prods, 1, &why), 0);
	CHECK_DOUBLE_EQ(state_duration(s, "t1"), 0.25);
	state_close(s);
	CHECK_NE(access(wal, F_OK), 0);	/* closed cleanly now */
	free(wal);
	buf_clear(&warn), buf_clear(&err), buf_clear(&why);
	scratch_remove(root);
}

TEST(state, damaged_table_pages_are_a_warning_and_a_rebuild)
{
	char *root = scratch_dir("state"), *path;
	struct buf warn = BUF_INIT, err = BUF_INIT, why = BUF_INIT;
	struct state *s;
	char junk[4096];
	struct stat sb;
	off_t at;
	int fd;

	put(root, "in.txt", "a\n");
	put(root, "out.txt", "A\n");
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	record_many(s, 300);
	state_close(s);
	/* The pages past the tables' first (the schema and meta's, memo's,
	 * task's and task_file's roots and indexes, pages 1 to 9) made garbage:
	 * the file still opens and says it is ours, the rows do not read. */
	path = xasprintf("%s/.herd/state.db", root);
	REQUIRE_EQ(stat(path, &sb), 0);
	REQUIRE_GT(sb.st_size, 12 * 4096);
	memset(junk, 0x5a, sizeof(junk));
	fd = open(path, O_WRONLY);
	REQUIRE_GE(fd, 0);
	for (at = 9 * 4096; at < sb.st_size; at += 4096)
		REQUIRE_EQ(pwrite(fd, junk, sizeof(junk), at), (ssize_t)sizeof(junk));
	close(fd);
	s = state_open(root, 0, &warn, &err);
	REQUIRE_NOT_NULL(s);
	REQUIRE_NOT_NULL(warn.data);
	CHECK_STR_CONTAINS(warn.data, "is not a herd state database, or is damaged");
	CHECK_EQ(state_why(s, "t1", 1, deps, 1, prods, 1, &why), 1);
	CHECK_STR_EQ(why.data, "never ran");
	CHECK_EQ(state_record(s, "t1", 1, 0.1, deps, 1, prods, 1, &err), 0);
	state_close(s);
	free(path);
	buf_clear(&warn), buf_clear(&err), buf_clear(&why);
	scratch_remove(root);
}

/* state_open_then's hook: what it finds there. */
static void
find_listing(struct state *s, void *cookie)
{
	struct binid id;
	size_t len = 0;
	char *data = state_listing(s, "/bin/t", &id, &len);

	if (data)
		buf_printf(cookie, "%s %zu %lld %llx;", data, len, id.ctime,
			   (unsigned long long)id.content);
	else
		buf_adds(cookie, "none;");
	free(data);
}

TEST(state, listing_kept_with_its_identity)
{
	char *root = scratch_dir("state");
	struct buf warn = BUF_INIT, err = BUF_INIT, seen = BUF_INIT;
	struct binid id = { .herd = "0.1.0 1 2.3", .dev = 1, .ino = 2, .size = 3, .mtime = 4,
			    .ctime = 5, .content = 0xabc };
	struct state *s;

	s = state_open_then(root, 0, find_listing, &seen, &warn, &err);
	REQUIRE_NOT_NULL(s);
	CHECK_STR_EQ(seen.data, "none;");	/* called once, before a list was kept */
	CHECK_EQ(state_listing_put(s, "/bin/t", &id, "item\tt.c::a\n", 12), 0);
	state_close(s);
	buf_reset(&seen);
	s = state_open_readonly_then(root, find_listing, &seen, &warn);
	REQUIRE_NOT_NULL(s);
	CHECK_STR_EQ(seen.data, "item\tt.c::a\n 12 5 abc;");
	state_close(s);
	buf_reset(&seen);
	s = state_open_then(root, 0, find_listing, &seen, &warn, &err);
	REQUIRE_NOT_NULL(s);
	CHECK_EQ(state_listing_drop(s, "/bin/t"), 0);
	state_close(s);
	buf_reset(&seen);
	s = state_open_then(root, 0, find_listing, &seen, &warn, &err);
	REQUIRE_NOT_NULL(s);
	CHECK_STR_EQ(seen.data, "none;");
	state_close(s);
	buf_clear(&warn), buf_clear(&err), buf_clear(&seen);
	scratch_remove(root);
}
