/*
 * cpu.c - whether the workers leave a CPU for one more.
 *
 * -n N is the most workers a run has. herd --pytest starts those beyond the
 * CPUs only while the workers that run leave CPU time unused: quick tests
 * that compute keep every CPU busy, and a worker more would only share them
 * and pay its start; tests that sleep or wait for I/O leave the CPUs idle,
 * and each worker more runs its share meanwhile (docs/pytest.md).
 *
 * What a worker wants is read from /proc/PID/schedstat: the time its process
 * ran plus the time it waited on a run queue. Waiting for a CPU counts as
 * wanting one, so a machine loaded by others does not make busy workers look
 * idle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"

#define CPU_WINDOW 0.05	/* seconds of a worker's items before its demand is judged */

/* Seconds pid has run or waited to run; -1 when unknown (not Linux, gone). */
static double
cpu_wanted(pid_t pid)
{
	char path[64], *text;
	unsigned long long ran, waited;
	double secs = -1;

	snprintf(path, sizeof(path), "/proc/%ld/schedstat", (long)pid);
	if (!(text = hd_read_file(path, NULL)))
		return -1;
	if (sscanf(text, "%llu %llu", &ran, &waited) == 2)
		secs = (double)(ran + waited) / 1e9;
	free(text);
	return secs;
}

/*
 * Whether pid is runnable now: running, or waiting for a CPU. schedstat
 * counts a wait only once it is over, so a worker kept waiting at the end of
 * a window (a machine loaded by others) looks idle by its figures alone.
 */
static int
cpu_runnable(pid_t pid)
{
	char path[64], *text, *p;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (!(text = hd_read_file(path, NULL)))
		return 0;
	/* "pid (comm) S ...": comm may hold anything, so from the last ')'. */
	if ((p = strrchr(text, ')')) && p[1] == ' ')
		r = p[2] == 'R';
	free(text);
	return r;
}

void
cpu_mark(struct worker *w)
{
	if (w->bin->cpu_gated && w->runner > 0 && !w->host && w->cpu_since <= 0) {
		w->cpu_since = hd_now();
		w->cpu_at_since = cpu_wanted(w->runner);
		w->cpu_demand = 1;
	}
}

/*
 * The CPUs w wanted over its last CPU_WINDOW or more of items, from 0 (its
 * tests sleep) to about 1 (they compute); 1 until known. Its start is left
 * out: the first window begins at its first item.
 */
static double
cpu_demand(struct worker *w, double now)
{
	double cpu;

	if (w->runner <= 0 || w->host || w->cpu_since <= 0 || w->cpu_at_since < 0)
		return 1;
	if (now - w->cpu_since >= CPU_WINDOW && (cpu = cpu_wanted(w->runner)) >= 0) {
		w->cpu_demand = (cpu - w->cpu_at_since) / (now - w->cpu_since);
		w->cpu_demand = w->cpu_demand < 0 ? 0 : w->cpu_demand > 1 ? 1 : w->cpu_demand;
		if (w->cpu_demand < 1 && cpu_runnable(w->runner))
			w->cpu_demand = 1;
		w->cpu_since = now;
		w->cpu_at_since = cpu;
	}
	return w->cpu_demand;
}

int
cpu_to_spare(struct ctl *c, double *recheck)
{
	double now = hd_now(), wanted = 0;
	int i, running = 0;

	for (i = 0; i < c->nslots; i++) {
		struct worker *w = &c->w[i];

		if (!worker_alive(w) || slot_host(c, i))
			continue;	/* a remote worker runs on another machine's CPUs */
		running++;
		wanted += w->state == W_RUNNING ? cpu_demand(w, now) : 1;
	}
	/* One more, wanting what the others want on average, must fit too. */
	if (running < c->ncpus || wanted + wanted / running <= (double)c->ncpus)
		return 1;
	if (!*recheck || now + CPU_WINDOW < *recheck)
		*recheck = now + CPU_WINDOW;	/* what they want changes as their items do */
	return 0;
}
