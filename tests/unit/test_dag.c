/* Unit tests of src/dag.c: the task graph, with no file and no process. */
#include <stdlib.h>
#include <string.h>

#include <herd.h>

#include "dag.h"
#include "util.h"

/* Files that exist, for dependencies no task produces. */
static int
exists(const char *path, void *cookie)
{
	const char *const *v = cookie;

	for (; *v; v++)
		if (!strcmp(*v, path))
			return 1;
	return 0;
}

static const char *const sources[] = { "data/raw.csv", "src/plot.gp", NULL };

#define T(id, deps, prods, after) { id, id, deps, prods, after, -1, NULL }

TEST(dag_path, normalises)
{
	char *p;

	CHECK_STR_EQ(p = dag_path("a/./b//c/"), "a/b/c"), free(p);
	CHECK_STR_EQ(p = dag_path("./bld/../bld/x.csv"), "bld/x.csv"), free(p);
	CHECK_STR_EQ(p = dag_path("a/b/../../c"), "c"), free(p);
	CHECK_NULL(dag_path("../x"));
	CHECK_NULL(dag_path("a/../../x"));
	CHECK_NULL(dag_path("/etc/passwd"));
	CHECK_NULL(dag_path("."));
	CHECK_NULL(dag_path(""));
}

TEST(dag, diamond_orders_and_links)
{
	static const struct dag_in in[] = {
		T("report", "bld/stats.txt bld/plot.svg", "bld/report.md", ""),
		T("plot", "bld/clean.csv src/plot.gp", "bld/plot.svg", ""),
		T("stats", "bld/clean.csv", "bld/stats.txt", ""),
		T("clean", "data/raw.csv", "bld/clean.csv", ""),
	};
	struct dag d;
	struct buf err = BUF_INIT;
	size_t order[4], pos[4], i;

	REQUIRE_EQ(dag_build(&d, in, 4, exists, (void *)sources, &err), 0);
	CHECK_EQ(err.len, 0);
	CHECK_EQ(d.t[3].nup, 0);
	CHECK_EQ(d.t[3].ndown, 2);
	CHECK_EQ(d.t[0].nup, 2);
	dag_topo(&d, order);
	for (i = 0; i < 4; i++)
		pos[order[i]] = i;
	CHECK_LT(pos[3], pos[1]);
	CHECK_LT(pos[3], pos[2]);
	CHECK_LT(pos[1], pos[0]);
	CHECK_LT(pos[2], pos[0]);
	dag_free(&d);
	buf_clear(&err);
}

TEST(dag, paths_written_otherwise_are_one_file)
{
	/* Written as is where already normal, normalised where not: one file either way. */
	static const struct dag_in in[] = {
		T("use", "./bld//x.csv bld/sub/../y.csv", "out/use.txt", ""),
		T("make_x", "", "bld/x.csv", ""),
		T("make_y", "", "bld/./y.csv", ""),
		T("far", "", "bld/../../far.txt", ""),
	};
	struct dag d;
	struct buf err = BUF_INIT;

	CHECK_EQ(dag_build(&d, in, 4, exists, (void *)sources, &err), -1);
	REQUIRE_NOT_NULL(err.data);
	CHECK_STR_EQ(err.data, "far: product 'bld/../../far.txt' is outside the project root\n");
	CHECK_STR_EQ(d.t[0].deps[0], "bld/x.csv");
	CHECK_STR_EQ(d.t[0].deps[1], "bld/y.csv");
	CHECK_STR_EQ(d.t[2].prods[0], "bld/y.csv");
	CHECK_EQ(d.t[0].nup, 2);
	dag_free(&d);
	buf_clear(&err);
}

TEST(dag, longest_path_first)
{
	/* a (1 s) leads to a chain of 10 s; b (5 s) ends at once: a goes first. */
	static const struct dag_in in[] = {
		{ "b", "b", "", "out/b", "", 5, NULL },
		{ "a", "a", "", "out/a", "", 1, NULL },
		{ "a2", "a2", "out/a", "out/a2", "", 10, NULL },
	};
	struct dag d;
	struct buf err = BUF_INIT;
	size_t order[3];

	REQUIRE_EQ(dag_build(&d, in, 3, exists, (void *)sources, &err), 0);
	dag_critical_paths(&d);
	CHECK_DOUBLE_EQ(d.t[1].path, 11.0);
	CHECK_DOUBLE_EQ(d.t[0].path, 5.0);
	dag_topo(&d, order);
	CHECK_EQ(order[0], 1);	/* a: the start of the longest chain */
	CHECK_EQ(order[1], 2);	/* then a2, longer than b */
	CHECK_EQ(order[2], 0);
	dag_free(&d);
	buf_clear(&err);
}

TEST(dag, cycle_is_printed)
{
	static const struct dag_in in[] = {
		T("a", "x", "y", ""), T("b", "y", "z", ""), T("c", "z", "x", ""),
	};
	struct dag d;
	struct buf err = BUF_INIT;

	CHECK_EQ(dag_build(&d, in, 3, exists, (void *)sources, &err), -1);
	REQUIRE_NOT_NULL(err.data);
	CHECK_STR_CONTAINS(err.data, "the tasks form a cycle: ");
	CHECK_STR_CONTAINS(err.data, "a -> b -> c -> a");
	dag_free(&d);
	buf_clear(&err);
}

TEST(dag, after_cycle_and_self)
{
	static const struct dag_in in[] = {
		T("a", "", "", "b"), T("b", "", "", "a"), T("c", "", "", "c"),
	};
	struct dag d;
	struct buf err = BUF_INIT;

	CHECK_EQ(dag_build(&d, in, 3, exists, (void *)sources, &err), -1);
	REQUIRE_NOT_NULL(err.data);
	CHECK_STR_CONTAINS(err.data, "c: .after names the task itself");
	dag_free(&d);
	buf_clear(&err);
}

TEST(dag, errors_name_tasks_and_files)
{
	static const struct dag_in in[] = {
		T("one", "", "bld/x.csv", ""),
		T("two", "", "bld/x.csv", ""),
		T("plot", "bld/missing.csv", "bld/p.svg", ""),
		T("bad", "", "../outside.txt", "ghost"),
		T("own", "bld/own", "bld/own", ""),
	};
	struct dag d;
	struct buf err = BUF_INIT;

	CHECK_EQ(dag_build(&d, in, 5, exists, (void *)sources, &err), -1);
	REQUIRE_NOT_NULL(err.data);
	CHECK_STR_CONTAINS(err.data, "bld/x.csv: produced by two tasks, one and two\n");
	CHECK_STR_CONTAINS(err.data, "bld/missing.csv: no task produces it and it does not exist; "
				     "needed by plot\n");
	CHECK_STR_CONTAINS(err.data, "bad: product '../outside.txt' is outside the project root\n");
	CHECK_STR_CONTAINS(err.data, "bad: .after names 'ghost', which is no task\n");
	CHECK_STR_CONTAINS(err.data, "own: depends on bld/own, which it produces itself\n");
	dag_free(&d);
	buf_clear(&err);
}

TEST(dag, after_by_name_means_every_instance)
{
	static const struct dag_in in[] = {
		{ "a.c::fit[1]", "fit", "", "o1", "", -1, NULL },
		{ "a.c::fit[2]", "fit", "", "o2", "", -1, NULL },
		{ "a.c::report", "report", "", "", "fit", -1, NULL },
		{ "a.c::late", "late", "", "", "fit[2]", -1, NULL },
		{ "a.c::last", "last", "", "", "a.c::late", -1, NULL },
	};
	struct dag d;
	struct buf err = BUF_INIT;

	REQUIRE_EQ(dag_build(&d, in, 5, exists, (void *)sources, &err), 0);
	CHECK_EQ(d.t[2].nup, 2);
	REQUIRE_EQ(d.t[3].nup, 1);
	CHECK_EQ(d.t[3].up[0], 1);
	REQUIRE_EQ(d.t[4].nup, 1);
	CHECK_EQ(d.t[4].up[0], 3);
	dag_free(&d);
	buf_clear(&err);
}

TEST(dag, select_takes_upstream_only)
{
	static const struct dag_in in[] = {
		T("clean", "data/raw.csv", "bld/clean.csv", ""),
		T("stats", "bld/clean.csv", "bld/stats.txt", ""),
		T("plot", "bld/clean.csv", "bld/plot.svg", ""),
		T("report", "bld/stats.txt", "bld/report.md", "plot"),
	};
	struct dag d;
	struct buf err = BUF_INIT;
	int sel[4] = { 0, 1, 0, 0 };

	REQUIRE_EQ(dag_build(&d, in, 4, exists, (void *)sources, &err), 0);
	dag_select(&d, sel);
	CHECK_EQ(d.t[0].selected, 1);
	CHECK_EQ(d.t[1].selected, 1);
	CHECK_EQ(d.t[2].selected, 0);
	CHECK_EQ(d.t[3].selected, 0);
	sel[1] = 0, sel[3] = 1;
	dag_select(&d, sel);
	CHECK_EQ(d.t[0].selected + d.t[1].selected + d.t[2].selected + d.t[3].selected, 4);
	dag_free(&d);
	buf_clear(&err);
}
