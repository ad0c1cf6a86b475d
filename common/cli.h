/*
 * cli.h - the small pieces of command-line handling that the test binary and
 * the controller share, so that both parse options and report misuse alike:
 * "prog: what is wrong (see prog --help)" and exit status 4.
 */
#ifndef HERD_CLI_H
#define HERD_CLI_H

#include "util.h"

/* Prints "prog: " fmt (with one %s for arg, quoted by hd_quote: at most
 * HD_QUOTE_MAX characters of it) " (see prog --help)" and exits 4. */
NORETURN void hd_usage_error(const char *fmt, const char *arg);
/*
 * Splits argv[i] into its name (into name, size bytes) and, for "--opt=value",
 * a pointer to the '=' (else NULL).
 */
const char *hd_opt_split(const char *arg, char *name, size_t size);
/* The value of an option given as "--opt value" or "--opt=value" (eq from hd_opt_split). */
const char *hd_opt_value(int argc, char **argv, int *i, const char *eq);
/* A count from 0 to 10^9, or a usage error naming opt. */
int hd_opt_count(const char *opt, const char *s);
/* Seconds, 0 or more, or a usage error naming opt. */
double hd_opt_seconds(const char *opt, const char *s);
struct hd_expr;
/* A -k or -m expression, NULL for none; a usage error naming its fault otherwise. */
struct hd_expr *hd_opt_expr(const char *opt, const char *s);
/* --color yes|no|auto: 1, 0, -1; a usage error otherwise. */
int hd_opt_color(const char *s);
/* --junit-family xunit2|xunit1: an enum hd_junit_family; a usage error otherwise. */
int hd_opt_junit_family(const char *s);

#endif
