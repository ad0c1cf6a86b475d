/*
 * pytest.h - pytest suites, herd --pytest (docs/pytest.md): the run's one
 * binary is python/herd-pytest-worker, which runs pytest in each worker.
 */
#ifndef HERD_PYTEST_H
#define HERD_PYTEST_H

#include <stddef.h>
#include <stdio.h>

struct ctl;
struct hd_counts;

/*
 * Instead of finding binaries: makes the launcher c's one binary, and hands
 * pytest the npaths paths, -k, -m and what follows "--" in args (the run's
 * whole command line, nargs of them); python is the interpreter. Sets
 * --isolation none unless args ask otherwise. A missing interpreter is a
 * usage error (exit 4). The run's private folder is removed at exit.
 */
void pytest_setup(struct ctl *c, const char *python, char **paths, size_t npaths, char **args,
		  size_t nargs);
/* After the collection: the status of a worker that could not start pytest
 * (its reason printed), or 0 when every worker did. */
int pytest_refused(void);
/* pytest's counts in k (counted by outcome), after the workers' tallies. */
void pytest_tally(const struct ctl *c, struct hd_counts *k);
/* The parts of pytest's summary herd's lacks, which the workers left. */
void pytest_summary(FILE *out, const struct ctl *c);
/* pytest's warnings summary, before the short summary; the workers' count
 * of warnings, for the closing line. */
void pytest_summary_warnings(FILE *out);
size_t pytest_warnings(void);

#endif
