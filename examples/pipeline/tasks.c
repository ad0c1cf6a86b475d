/*
 * examples/pipeline/tasks.c - a small data pipeline written with TASK:
 *
 *	data/sites.csv  -> generate -> bld/raw.csv
 *	data/limits.txt -> clean    -> bld/clean.csv
 *	                   stats    -> bld/stats.csv
 *	plot.gp         -> plot     -> bld/plot.txt
 *	                   report   -> bld/report.md
 *
 * Each task reads the files it names in .depends_on and writes the ones in
 * .produces; `herd build` orders them by those files and runs only what is
 * out of date. herd_depends_on(i) and herd_produces(i) give absolute paths,
 * so the tasks do not care about their working directory.
 *
 * Every task also appends its name to the file $PIPELINE_LOG when that is
 * set: tests/e2e/pipeline.sh reads it to see which tasks really ran.
 */
#define _POSIX_C_SOURCE 200809L	/* O_CLOEXEC */

#include <herd.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SITES 16
#define READINGS 48		/* a reading an hour for two days */
#define PI 3.14159265358979

struct site {
	char name[32];
	double mean, spread;	/* generate's parameters */
	int n;			/* stats: readings kept, their mean, min, max */
	double sum, min, max;
};

/* One line into $PIPELINE_LOG, in one write: tasks may run side by side. */
static void log_run(const char *task)
{
	const char *path = getenv("PIPELINE_LOG");
	char line[64];
	int fd, n;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	REQUIRE(fd >= 0);
	n = snprintf(line, sizeof line, "%s\n", task);
	CHECK_EQ(write(fd, line, (size_t)n), n);
	close(fd);
}

static FILE *open_dep(size_t i)
{
	FILE *f = fopen(herd_depends_on(i), "r");

	REQUIRE(f != NULL);
	return f;
}

/* Opens product i for writing, making its folders first. */
static FILE *open_product(size_t i)
{
	const char *path = herd_produces(i);
	char dir[4096];
	char *slash;
	FILE *f;

	REQUIRE(path != NULL);
	REQUIRE(strlen(path) < sizeof dir);
	strcpy(dir, path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		REQUIRE(mkdir(dir, 0755) == 0 || errno == EEXIST);
		*slash = '/';
	}
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	return f;
}

static void close_product(FILE *f)
{
	REQUIRE(fclose(f) == 0);
}

/* Reads the "site,mean,spread" rows after the header line; returns how many. */
static int read_sites(FILE *f, struct site *sites)
{
	char line[256];
	int n = 0;

	REQUIRE(fgets(line, sizeof line, f) != NULL);	/* the header */
	while (fgets(line, sizeof line, f)) {
		struct site *s = &sites[n];

		REQUIRE(n < MAX_SITES);
		memset(s, 0, sizeof *s);
		REQUIRE(sscanf(line, "%31[^,],%lf,%lf", s->name, &s->mean, &s->spread) == 3);
		n++;
	}
	return n;
}

/* A small linear congruential generator: the same data on every machine. */
static double uniform(unsigned long *seed)
{
	*seed = (*seed * 6364136223846793005UL + 1442695040888963407UL) & 0xffffffffffffUL;
	return (double)(*seed >> 16) / 4294967296.0;
}

/*
 * Simulated sensor readings: a daily cycle around each site's mean with
 * some noise, a missing value (NA) now and then, and a failed sensor
 * (-999) now and then, which is what clean is for.
 */
TASK(generate, .depends_on = "data/sites.csv", .produces = "bld/raw.csv")
{
	struct site sites[MAX_SITES];
	FILE *in = open_dep(0), *out = open_product(0);
	int n = read_sites(in, sites), i, h;
	unsigned long seed = 42;

	log_run("generate");
	fprintf(out, "site,hour,celsius\n");
	for (i = 0; i < n; i++) {
		for (h = 0; h < READINGS; h++) {
			double noise = uniform(&seed) - 0.5;
			double t = sites[i].mean + sites[i].spread * sin(2 * PI * (h - 9) / 24.0) +
				   2 * noise;

			if (uniform(&seed) < 0.05)
				fprintf(out, "%s,%d,NA\n", sites[i].name, h);
			else if (uniform(&seed) < 0.03)
				fprintf(out, "%s,%d,-999\n", sites[i].name, h);
			else
				fprintf(out, "%s,%d,%.1f\n", sites[i].name, h, t);
		}
	}
	fclose(in);
	close_product(out);
}

/* Reads "min X" and "max Y" from data/limits.txt; # starts a comment. */
static void read_limits(FILE *f, double *min, double *max)
{
	char line[256];
	int seen = 0;

	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "min %lf", min) == 1)
			seen |= 1;
		else if (sscanf(line, "max %lf", max) == 1)
			seen |= 2;
	}
	REQUIRE_EQ(seen, 3);
}

/* Keeps the readings that are present and plausible. */
TASK(clean, .depends_on = "bld/raw.csv data/limits.txt", .produces = "bld/clean.csv")
{
	FILE *in = open_dep(0), *limits = open_dep(1), *out = open_product(0);
	char line[256], site[32];
	double min, max, t;
	int hour;

	log_run("clean");
	read_limits(limits, &min, &max);
	fclose(limits);
	REQUIRE(fgets(line, sizeof line, in) != NULL);
	fputs(line, out);
	while (fgets(line, sizeof line, in)) {
		if (sscanf(line, "%31[^,],%d,%lf", site, &hour, &t) == 3 && t >= min && t <= max)
			fputs(line, out);
	}
	fclose(in);
	close_product(out);
}

static struct site *find_site(struct site *sites, int *n, const char *name)
{
	int i;

	for (i = 0; i < *n; i++) {
		if (strcmp(sites[i].name, name) == 0)
			return &sites[i];
	}
	REQUIRE(*n < MAX_SITES);
	memset(&sites[*n], 0, sizeof sites[*n]);
	snprintf(sites[*n].name, sizeof sites[*n].name, "%s", name);
	return &sites[(*n)++];
}

/* Per site: the readings kept, their mean, minimum and maximum. */
TASK(stats, .depends_on = "bld/clean.csv", .produces = "bld/stats.csv")
{
	struct site sites[MAX_SITES];
	FILE *in = open_dep(0), *out = open_product(0);
	char line[256], name[32];
	double t;
	int n = 0, hour, i;

	log_run("stats");
	REQUIRE(fgets(line, sizeof line, in) != NULL);
	while (fgets(line, sizeof line, in)) {
		struct site *s;

		REQUIRE(sscanf(line, "%31[^,],%d,%lf", name, &hour, &t) == 3);
		s = find_site(sites, &n, name);
		if (s->n == 0 || t < s->min)
			s->min = t;
		if (s->n == 0 || t > s->max)
			s->max = t;
		s->sum += t;
		s->n++;
	}
	fprintf(out, "site,readings,mean,min,max\n");
	for (i = 0; i < n; i++)
		fprintf(out, "%s,%d,%.2f,%.1f,%.1f\n", sites[i].name, sites[i].n,
			sites[i].sum / sites[i].n, sites[i].min, sites[i].max);
	fclose(in);
	close_product(out);
}

/* Without gnuplot: the same chart as bars of '#', one site a line. */
static void plot_text(FILE *in, FILE *out)
{
	char line[256], name[32];
	double mean;
	int n, i;

	fprintf(out, "Mean temperature by site (deg C)\n\n");
	REQUIRE(fgets(line, sizeof line, in) != NULL);
	while (fgets(line, sizeof line, in)) {
		REQUIRE(sscanf(line, "%31[^,],%d,%lf", name, &n, &mean) == 3);
		fprintf(out, "%-10s %6.2f |", name, mean);
		for (i = 0; i < (int)(mean * 2 + 0.5); i++)
			fputc('#', out);
		fputc('\n', out);
	}
}

/*
 * The chart, by gnuplot when it is installed (plot.gp, its text terminal),
 * else by plot_text. gnuplot is not in .depends_on: installing it changes
 * the chart only at the next change of the data (or herd build --force).
 */
TASK(plot, .depends_on = "bld/stats.csv plot.gp", .produces = "bld/plot.txt")
{
	char cmd[8192];

	log_run("plot");
	if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
		FILE *out = open_product(0);	/* makes bld/ */

		close_product(out);
		snprintf(cmd, sizeof cmd, "gnuplot -e \"stats='%s'; out='%s'\" '%s'",
			 herd_depends_on(0), herd_produces(0), herd_depends_on(1));
		REQUIRE_EQ(system(cmd), 0);
	} else {
		FILE *in = open_dep(0), *out = open_product(0);

		plot_text(in, out);
		fclose(in);
		close_product(out);
	}
}

static int count_lines(size_t dep)
{
	FILE *f = open_dep(dep);
	int c, n = 0;

	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void copy_file(FILE *in, FILE *out)
{
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		REQUIRE_EQ(fwrite(buf, 1, n, out), n);
}

/* Everything above in one Markdown page. */
TASK(report, .depends_on = "bld/raw.csv bld/clean.csv bld/stats.csv bld/plot.txt",
     .produces = "bld/report.md")
{
	int raw = count_lines(0) - 1, kept = count_lines(1) - 1;
	FILE *stats_in = open_dep(2), *chart = open_dep(3), *out = open_product(0);
	char line[256], name[32];
	double mean, min, max;
	int n;

	log_run("report");
	fprintf(out, "# Temperature report\n\n");
	fprintf(out, "%d readings, %d kept, %d dropped (missing or implausible).\n\n",
		raw, kept, raw - kept);
	fprintf(out, "| site | readings | mean | min | max |\n|---|---:|---:|---:|---:|\n");
	REQUIRE(fgets(line, sizeof line, stats_in) != NULL);
	while (fgets(line, sizeof line, stats_in)) {
		REQUIRE(sscanf(line, "%31[^,],%d,%lf,%lf,%lf", name, &n, &mean, &min, &max) == 5);
		fprintf(out, "| %s | %d | %.2f | %.1f | %.1f |\n", name, n, mean, min, max);
	}
	fprintf(out, "\n```\n");
	copy_file(chart, out);
	fprintf(out, "```\n");
	fclose(stats_in);
	fclose(chart);
	close_product(out);
}
