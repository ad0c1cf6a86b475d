/*
 * dag.h - the task graph of herd build: tasks, the files they depend on and
 * produce, the order .after asks for; the checks that make it a DAG, the
 * selection of what -k/-m need upstream, and the critical path that orders
 * the run. Pure: no files are read here, no processes started.
 */
#ifndef HERD_DAG_H
#define HERD_DAG_H

#include <stddef.h>

#include "util.h"

/* What the collection says of one task. Strings are borrowed. */
struct dag_in {
	const char *id;		/* node id: file.c::name[param] */
	const char *name;	/* what .after names it by: name, or name[param] */
	const char *depends_on;	/* space-separated paths, relative to the project root */
	const char *produces;
	const char *after;	/* space-separated task names or ids */
	double est;		/* expected seconds; < 0 unknown */
	void *ref;		/* the caller's */
};

struct dag_task {
	const struct dag_in *in;
	char **deps;		/* normalised paths, in one block with their strings */
	size_t ndeps;
	char **prods;
	size_t nprods;
	size_t *up;		/* tasks that must finish first */
	size_t nup;
	size_t *down;		/* tasks that wait for this one */
	size_t ndown;
	double path;		/* seconds of the longest chain from its start to an end */
	int selected;
};

/* A product and the task that makes it. */
struct dag_product {
	const char *path;	/* NULL: an empty slot */
	size_t task;
};

struct dag {
	struct dag_task *t;
	size_t n;
	struct dag_product *products;	/* by path: open addressing, at most half full */
	size_t pcap;
};

/*
 * exists(path, cookie) says whether a dependency that no task produces is
 * there (paths are relative to the root). Builds the graph from n tasks;
 * returns 0, or -1 with one line per error in err (a cycle, printed; two
 * tasks producing one file; a dependency nobody makes that does not exist;
 * a path outside the project root; an unknown task in .after).
 */
int dag_build(struct dag *d, const struct dag_in *in, size_t n,
	      int (*exists)(const char *path, void *cookie), void *cookie, struct buf *err);
void dag_free(struct dag *d);

/* Each task's path: the longest expected chain from its start to an end,
 * from the tasks' est (a task of unknown est counts as the mean of the
 * known). Called after dag_build, once the est are known, and again when
 * they change. */
void dag_critical_paths(struct dag *d);

/*
 * A path as the graph keeps it: relative to the root, no "." or ".."
 * parts, no repeated or trailing '/'. NULL when it leaves the root or is
 * empty. malloc()ed.
 */
char *dag_path(const char *path);

/* Marks sel[i] != 0 tasks and every task they need, upstream. */
void dag_select(struct dag *d, const int *sel);

/* Does ref (a word of .after) name t: its id, its name (every instance of
 * a TASK_P), or name[param] (one instance)? */
int dag_names(const struct dag_task *t, const char *ref);

/* The index of a task by id, or (size_t)-1. */
size_t dag_find(const struct dag *d, const char *id);

/* Tasks in an order where each comes after what it needs, longest path first
 * among those ready together; out holds d->n indexes. */
void dag_topo(const struct dag *d, size_t *out);

#endif
