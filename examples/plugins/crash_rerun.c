/*
 * crash_rerun - an item whose crash took its worker down runs once more,
 * on another worker when there is one; the crashed try is reported as
 * "rerun" (pytest-xdist's handlecrashitem with sched.mark_test_pending).
 * Shows: handlecrashitem and herd_item_rerun(), keeping state across hooks
 * (the ids already given their second chance: once only), and a section of
 * the terminal summary.
 *
 *	herd -p build/plugins/crash_rerun.so --isolation none -n 2 build/tests
 *
 * Under --isolation fork a crash stays in the item's own child: the worker
 * lives on, the item is reported crashed and handlecrashitem is not called.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <herd_plugin.h>

static char **rerun;	/* ids put back once; malloc()ed copies */
static size_t nrerun;

static int
seen(const char *id)
{
	size_t i;

	for (i = 0; i < nrerun; i++)
		if (!strcmp(rerun[i], id))
			return 1;
	return 0;
}

static int
handlecrashitem(herd_session *s, herd_item *item, const struct herd_report *r)
{
	char **v, *id;

	(void)r;
	if (seen(herd_item_id(item)))
		return 0;	/* its second crash is final */
	v = realloc(rerun, (nrerun + 1) * sizeof(*v));
	id = strdup(herd_item_id(item));
	if (!v || !id) {
		free(id);
		herd_plugin_error(s, "out of memory");
		return -1;
	}
	rerun = v;
	rerun[nrerun++] = id;
	return herd_item_rerun(s, item) < 0 ? -1 : 0;
}

static int
terminal_summary(herd_session *s, FILE *out)
{
	size_t i;

	if (!nrerun)
		return 0;
	herd_write_sep(s, out, '-', "crash_rerun");
	for (i = 0; i < nrerun; i++)
		fprintf(out, "crash_rerun: ran %s again after it crashed its worker\n", rerun[i]);
	return 0;
}

static int
unconfigure(herd_session *s)
{
	size_t i;

	(void)s;
	for (i = 0; i < nrerun; i++)
		free(rerun[i]);
	free(rerun);
	rerun = NULL;
	nrerun = 0;
	return 0;
}

HERD_PLUGIN("crash_rerun",
	    .handlecrashitem = handlecrashitem,
	    .terminal_summary = terminal_summary,
	    .unconfigure = unconfigure);
