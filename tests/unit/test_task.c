/* Unit tests of lib/task.c: a task's path lists as the wire carries them. */
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "internal.h"

/* The list as hd_path_list writes it, or "!" and why. */
static const char *
list(const char *in, const char *id)
{
	static struct buf out = BUF_INIT, err = BUF_INIT;

	buf_reset(&err);
	if (hd_path_list(in, id, &out, &err) < 0) {
		buf_reset(&out);
		buf_printf(&out, "!%s", err.data);
	}
	return out.data ? out.data : "";
}

TEST(task_list, blanks_become_one_space)
{
	CHECK_STR_EQ(list("a.csv", NULL), "a.csv");
	CHECK_STR_EQ(list("  data/raw.csv\t\tsrc/x.c\n bld/y ", NULL), "data/raw.csv src/x.c bld/y");
	CHECK_STR_EQ(list("", NULL), "");
	CHECK_STR_EQ(list(" \t\n", NULL), "");
	CHECK_STR_EQ(list(NULL, NULL), "");
}

TEST(task_list, id_replaced_everywhere)
{
	CHECK_STR_EQ(list("bld/{id}/fit-{id}.txt log/{id}", "cubic"), "bld/cubic/fit-cubic.txt log/cubic");
	CHECK_STR_EQ(list("plain.txt", "cubic"), "plain.txt");
	CHECK_STR_EQ(list("{id}", "0"), "0");
	/* Only {id} is a hole: other braces are the path's. */
	CHECK_STR_EQ(list("{x}/{i}d{id", "0"), "{x}/{i}d{id");
}

TEST(task_list, id_without_params_refused)
{
	CHECK_STR_EQ(list("ok.txt out-{id}.csv", NULL),
		     "!'out-{id}.csv': {id} stands for a TASK_P's param id, and this task has no params");
}

TEST(task_list, whitespace_in_a_path_refused)
{
	static const char why[] = ": a path cannot hold whitespace (the list is split at blanks)";

	CHECK_STR_STARTS_WITH(list("a \"my file.csv\" b", NULL), "!'\"my file.csv\"'");
	CHECK_STR_ENDS_WITH(list("a \"my file.csv\" b", NULL), why);
	CHECK_STR_STARTS_WITH(list("'my\tdata.csv'", NULL), "!''my\tdata.csv''");
	CHECK_STR_STARTS_WITH(list("\"unclosed and more", NULL), "!'\"unclosed and more'");
	CHECK_STR_STARTS_WITH(list("x my\\ file.csv y", NULL), "!'my\\ file.csv'");
	CHECK_STR_STARTS_WITH(list("a\r.csv", NULL), "!'a\\r.csv'");
	CHECK_STR_STARTS_WITH(list("a\v.csv b\f", NULL), "!'a\\v.csv'");
	/* Quotes and backslashes inside one word hold no whitespace: kept. */
	CHECK_STR_EQ(list("\"q.csv\" o'brien.csv a\\b end\\", NULL), "\"q.csv\" o'brien.csv a\\b end\\");
}

static const char *
abspath(const char *dir, const char *path)
{
	static char *last;

	free(last);
	return last = hd_task_abspath(dir, path, strlen(path));
}

TEST(task_path, under_the_root)
{
	CHECK_STR_EQ(abspath("/proj", "bld/x.csv"), "/proj/bld/x.csv");
	CHECK_STR_EQ(abspath("/", "bld/x.csv"), "/bld/x.csv");
	CHECK_STR_EQ(abspath("/proj", "/etc/x"), "/etc/x");
	CHECK_STR_EQ(hd_task_abspath("/proj", "a.csv b.csv", 5), "/proj/a.csv");
}
