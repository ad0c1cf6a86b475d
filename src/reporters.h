/*
 * reporters.h - the end of a run: the terminal's summary, then the built-in
 * reporters (terminal, junitxml, json, tap), which are plugins like any other
 * (-p no:NAME switches one off), and every plugin's sessionfinish.
 *
 * The reporters read the run's items and counts from its struct ctl, and what
 * they need from the options from a struct report_settings that main fills.
 */
#ifndef HERD_REPORTERS_H
#define HERD_REPORTERS_H

#include "herd_plugin.h"
#include "report.h"

struct ctl;

#define REPORT_SHARD_PROPS 4	/* herd.shard, herd.shards, herd.selected, herd.collection */

struct report_settings {
	const char *junit;			/* --junit-xml FILE, or NULL */
	struct hd_junit_opts junit_opts;	/* --junit-family, junit_suite_name */
	const char *json;			/* --json FILE, or NULL */
	int flaky_fails;			/* --flaky-fails: a flaky item fails the run */
	int pytest;				/* --pytest: pytest's parts end the summary */
	const char *dist;			/* --dist's mode, a JUnit property */
	/* --shard: the JSON report's "meta" (a JSON object) and JUnit's
	 * properties (name, value pairs); NULL without --shard. */
	const char *shard_meta;
	const char *shard_props[2 * REPORT_SHARD_PROPS];
};

/*
 * The terminal's summary (unless --tap), then the reporters and every
 * plugin's sessionfinish, for the run c that took elapsed seconds. Returns
 * the run's exit status, which a reporter that cannot write makes 3.
 */
int report_run(struct ctl *c, const struct report_settings *rs, double elapsed);

/*
 * The end of herd build, whose table build.c printed: the reporters and
 * every plugin's sessionfinish, on the tasks' reports. Returns status, or 3
 * when a reporter cannot write.
 */
int report_build(struct ctl *c, const struct report_settings *rs, double elapsed, int status);

/* The built-in reporters, for plug_builtin. */
extern const struct herd_plugin plug_terminal, plug_junit, plug_json, plug_tap;

#endif
