/*
 * task_lib.c - tasks as libherd declares, lists and runs them (task_lib.sh):
 * a TASK with two path lists written with odd blanks, a TASK_P with and one
 * without .param_id, tests with and without .after. Each task prints the
 * paths herd_depends_on() and herd_produces() give it, one past the end
 * included, and leaves a file in $E2E_DIR saying it ran. Built with one of
 * BAD_QUOTE, BAD_ESCAPE, BAD_CR or BAD_ID it declares one task whose list
 * libherd must refuse.
 */
#include <herd.h>

#include "e2e.h"

struct model {
	const char *name;
	int degree;
};

static const struct model models[] = { { "line", 1 }, { "cubic", 3 } };
static const int shards[] = { 10, 20 };

static void
model_id(char *buf, size_t size, const void *p)
{
	snprintf(buf, size, "%s", ((const struct model *)p)->name);
}

/* Prints what get() gives up to its first NULL, shown as (null); 4 at most. */
static void
show_list(const char *what, const char *(*get)(size_t))
{
	const char *p = "";
	size_t i;

	for (i = 0; i < 4 && p; i++) {
		p = get(i);
		printf("%s%zu=%s\n", what, i, p ? p : "(null)");
	}
}

static void
show_paths(void)
{
	show_list("dep", herd_depends_on);
	show_list("prod", herd_produces);
	e2e_log("ran", "%s\n", herd_test_id());
}

TASK(clean, .depends_on = "data/raw.csv  src/clean.c\n", .produces = "bld/clean.csv\tbld/log.txt",
     .marks = "persist")
{
	show_paths();
}

TASK_P(fit, models, .depends_on = "bld/clean.csv", .produces = "bld/fit-{id}.txt",
       .after = "clean", .marks = "try_first", .param_id = model_id)
{
	const struct model *m = (const struct model *)herd_param();

	printf("degree=%d\n", m->degree);
	show_paths();
}

TASK_P(shard, shards, .produces = "bld/{id}/part-{id}.txt /dev/null")
{
	show_paths();
}

TASK(report, .after = "fit shard[1]")
{
	show_paths();
}

TEST(check, after_tasks, .after = "clean fit[line]")
{
	CHECK_NULL(herd_depends_on(0));
	CHECK_NULL(herd_produces(0));
	e2e_log("ran", "%s\n", herd_test_id());
}

TEST(check, plain)
{
	e2e_log("ran", "%s\n", herd_test_id());
}

#ifdef BAD_QUOTE
TASK(quoted, .produces = "bld/ok.csv \"bld/my file.csv\"") {}
#endif
#ifdef BAD_ESCAPE
TASK(escaped, .depends_on = "bld/my\\ file.csv bld/ok.csv") {}
#endif
#ifdef BAD_CR
TASK(carriage, .produces = "bld/a\r.csv") {}
#endif
#ifdef BAD_ID
TASK(no_params, .produces = "bld/out-{id}.csv") {}
#endif
