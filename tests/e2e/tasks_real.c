/*
 * tasks_real.c - a small pipeline written with libherd's TASK macros, for
 * tasks_real.sh: herd build runs it on real TASK binaries (the other
 * tasks_*.sh scripts describe their graphs to a fake worker). Each task logs
 * its id to $E2E_DIR/ran when it runs.
 */
#include <stdio.h>
#include <sys/stat.h>

#include <herd.h>

#include "e2e.h"

/* Copies from to to, upper-cased when upper; the parent folder is made. */
static void
copy(const char *from, const char *to, int upper)
{
	char dir[4096], *slash;
	FILE *in, *out;
	int ch;

	snprintf(dir, sizeof(dir), "%s", to);
	if ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
		mkdir(dir, 0777);
	}
	in = fopen(from, "r");
	REQUIRE_NOT_NULL(in);
	out = fopen(to, "a");
	REQUIRE_NOT_NULL(out);
	while ((ch = getc(in)) != EOF)
		putc(upper && ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch, out);
	fclose(in);
	REQUIRE_EQ(fclose(out), 0);
}

TASK(gen, .depends_on = "data/in.txt", .produces = "bld/gen.txt")
{
	remove(herd_produces(0));
	copy(herd_depends_on(0), herd_produces(0), 1);
	e2e_log("ran", "%s\n", herd_test_id());
}

static const char *const parts[] = { "a", "b" };

static void
part_id(char *buf, size_t size, const void *p)
{
	snprintf(buf, size, "%s", *(const char *const *)p);
}

TASK_P(part, parts, .depends_on = "bld/gen.txt", .produces = "bld/part-{id}.txt",
       .param_id = part_id)
{
	remove(herd_produces(0));
	copy(herd_depends_on(0), herd_produces(0), 0);
	e2e_log("ran", "%s\n", herd_test_id());
}

/* After every instance of part, by name alone: no file is declared between. */
TASK(join, .after = "part", .produces = "bld/join.txt")
{
	char path[4096];

	remove(herd_produces(0));
	snprintf(path, sizeof(path), "%s/bld/part-a.txt", getenv("HERD_ROOTDIR"));
	copy(path, herd_produces(0), 0);
	snprintf(path, sizeof(path), "%s/bld/part-b.txt", getenv("HERD_ROOTDIR"));
	copy(path, herd_produces(0), 0);
	e2e_log("ran", "%s\n", herd_test_id());
}

TEST(check, joined, .after = "join")
{
	FILE *f = fopen("bld/join.txt", "r");
	char line[64] = "";

	REQUIRE_NOT_NULL(f);
	CHECK_NOT_NULL(fgets(line, sizeof(line), f));
	fclose(f);
	CHECK_STR_EQ(line, "HELLO\n");
	e2e_log("ran", "%s\n", herd_test_id());
}
