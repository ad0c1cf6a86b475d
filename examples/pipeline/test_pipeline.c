/*
 * examples/pipeline/test_pipeline.c - tests whose fixture is a build
 * product. `.after = "clean"` makes herd run the clean task (and what it
 * needs upstream) before the test whenever it is out of date, so the test
 * can read bld/clean.csv; herd.ini's chdir = rootdir makes the project root
 * the test's working directory.
 */
#define _POSIX_C_SOURCE 200809L

#include <herd.h>

#include <stdio.h>
#include <string.h>

/* Reads "min X" and "max Y" from data/limits.txt. */
static void limits(double *min, double *max)
{
	FILE *f = fopen("data/limits.txt", "r");
	char line[256];
	int seen = 0;

	REQUIRE(f != NULL);
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "min %lf", min) == 1)
			seen |= 1;
		else if (sscanf(line, "max %lf", max) == 1)
			seen |= 2;
	}
	fclose(f);
	REQUIRE_EQ(seen, 3);
}

TEST(clean, keeps_only_plausible_readings, .after = "clean")
{
	FILE *f = fopen("bld/clean.csv", "r");
	char line[256], site[32];
	double min, max, t;
	int hour, rows = 0;

	REQUIRE(f != NULL);
	limits(&min, &max);
	REQUIRE(fgets(line, sizeof line, f) != NULL);
	CHECK_STR_EQ(line, "site,hour,celsius\n");
	while (fgets(line, sizeof line, f)) {
		REQUIRE_EQ(sscanf(line, "%31[^,],%d,%lf", site, &hour, &t), 3);
		CHECK(t >= min && t <= max);
		rows++;
	}
	fclose(f);
	CHECK_GT(rows, 0);
}
