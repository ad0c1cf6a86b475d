/* cli.c - see cli.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expr.h"
#include "quote.h"
#include "report.h"

void
hd_usage_error(const char *fmt, const char *arg)
{
	char q[HD_QUOTE_SIZE];

	fflush(stdout);
	fprintf(stderr, "%s: ", hd_progname);
	fprintf(stderr, fmt, hd_quote_str(q, arg));
	fprintf(stderr, " (see %s --help)\n", hd_progname);
	exit(4);
}

const char *
hd_opt_split(const char *arg, char *name, size_t size)
{
	const char *eq = NULL;

	if (arg[0] == '-' && arg[1] == '-' && (eq = strchr(arg, '=')))
		snprintf(name, size, "%.*s", (int)(eq - arg), arg);
	else
		snprintf(name, size, "%s", arg);
	return eq;
}

const char *
hd_opt_value(int argc, char **argv, int *i, const char *eq)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
		hd_usage_error("option '%s' needs a value", argv[*i]);
	return argv[++*i];
}

int
hd_opt_count(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000000000)
		hd_usage_error("invalid number for %s", opt);
	return (int)v;
}

double
hd_opt_seconds(const char *opt, const char *s)
{
	double d = hd_parse_seconds(s);

	if (d < 0)
		hd_usage_error("invalid number of seconds for %s", opt);
	return d;
}

int
hd_opt_color(const char *s)
{
	if (!strcmp(s, "yes"))
		return 1;
	if (!strcmp(s, "no"))
		return 0;
	if (strcmp(s, "auto"))
		hd_usage_error("--color takes yes, no or auto, not '%s'", s);
	return -1;
}

int
hd_opt_junit_family(const char *s)
{
	enum hd_junit_family f;

	if (hd_junit_family_parse(s, &f) < 0)
		hd_usage_error("--junit-family takes xunit2 or xunit1, not '%s'", s);
	return (int)f;
}

struct hd_expr *
hd_opt_expr(const char *opt, const char *s)
{
	char err[256], q[HD_QUOTE_SIZE];
	struct hd_expr *e;

	if (!s)
		return NULL;
	if (!(e = hd_expr_parse(s, err, sizeof(err)))) {
		fflush(stdout);
		fprintf(stderr, "%s: invalid %s expression '%s': %s\n", hd_progname, opt,
			hd_quote_str(q, s), err);
		exit(4);
	}
	return e;
}
