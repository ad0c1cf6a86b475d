/*
 * plugin.h - the controller's side of plugins (include/herd_plugin.h is the
 * plugin's): loading them, and calling each hook in every plugin that has it,
 * in pluggy's order: tryfirst ones, then the rest from the last registered to
 * the first, then trylast ones.
 *
 * A hook that fails ends the run: plug_failed() is set, the message was
 * printed, and the loop winds down as for -x; main() exits with 3. The calls
 * of the event loop cost one load and a branch when no plugin has the hook.
 */
#ifndef HERD_PLUGIN_INTERNAL_H
#define HERD_PLUGIN_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "herd_plugin.h"
#include "report.h"
#include "util.h"

struct ctl;
struct worker;
struct citem;

/* How many plugins implement each hook. */
extern unsigned char plug_nimpl[HERD_NHOOKS];
#define PLUG_WANTS(h) (plug_nimpl[h] != 0)

/*
 * Registers a built-in plugin under its name (terminal, junitxml, json, tap,
 * trace, html, github): loaded unless -p no:NAME. Call before plug_load.
 */
void plug_builtin(const struct herd_plugin *p);
/*
 * -p SPEC, in order (herd.ini's plugins first, then the command line's):
 * "no:NAME" blocks one, a path containing '/' or ending in .so is loaded as
 * it is, another NAME is looked up as NAME.so in $HERD_PLUGIN_PATH's folders,
 * then in the install's lib/herd/plugins/. Returns 0, or prints one line and
 * returns -1 (exit 4: no such plugin, not a plugin, another ABI).
 */
int plug_load(char *const *specs, size_t n);
/* Nonzero when NAME (a built-in or a loaded plugin) is switched on. */
int plug_enabled(const char *name);
/*
 * From a built-in's configure: it has nothing to do in this run (its option
 * is off), so no hook of it but unconfigure is called, and the event loop's
 * calls stay one load and a branch when no other plugin has the hook.
 */
void plug_idle(void);

/* Names herd keeps for itself: a plugin adding such an option or herd.ini key fails. */
void plug_reserve(int (*owns)(const char *name, int ini));
/* addoption: every plugin's options. Returns 0 or -1 (message printed). */
int plug_addoption(void);
/* Text for --help: one line per option plugins added. */
void plug_help(FILE *out);
/*
 * An option a plugin added, met on the command line: argv[*i] is it
 * ("--name" or "--name=value"); takes its value. 1 when it was one, 0 when
 * not, -1 when it lacks its value (message printed).
 */
int plug_cli_option(int argc, char **argv, int *i);
/* A herd.ini key a plugin added: 1 taken, 0 not one of theirs. */
int plug_ini_option(const char *key, const char *value);

/* The session: the ctl plugins see, set once the options are parsed. */
void plug_session(struct ctl *c, const char *rootdir);
/* The session plugins see (its ctl set to c if plug_session was not called). */
herd_session *plug_session_of(struct ctl *c);
/* The ctl behind a session (the built-in scheduler reads its options). */
struct ctl *plug_ctl(const herd_session *s);
/* Nonzero once a hook failed. */
int plug_failed(void);

int plug_configure(void);
int plug_sessionstart(void);
void plug_report_header(FILE *out);
/* Run order and selection: may drop items (their selected is cleared). */
int plug_collection_modifyitems(struct ctl *c);
/* -n auto: 1 with *n set when a plugin answered. */
int plug_auto_num_workers(int *n);
/* A plugin's scheduler, or NULL. */
const struct herd_scheduler *plug_make_scheduler(void);

void plug_setupnodes(struct ctl *c);
/*
 * configure_node: variables a plugin set for w's process are appended to
 * *env (NAME=value strings, malloc()ed, *nenv of them), the arguments it
 * added to *args (after argv[0], *nargs of them); the caller frees both.
 */
void plug_configure_node(struct ctl *c, struct worker *w, char ***env, size_t *nenv,
			 char ***args, size_t *nargs);
void plug_testnodeready(struct ctl *c, struct worker *w);
void plug_testnodedown(struct ctl *c, struct worker *w, const char *error);
void plug_node_collection_finished(struct ctl *c, struct worker *w);
/* 1 when a plugin put the crashed item back to run again. */
int plug_handlecrashitem(struct ctl *c, struct citem *it, struct worker *w,
			 const char *msg, double duration);
void plug_runtest_logstart(struct ctl *c, struct citem *it, struct worker *w);
/* One try of it ended with o (HD_* or the rerun flag). */
void plug_runtest_logreport(struct ctl *c, struct citem *it, int o, double duration,
			    const char *msg, size_t msglen, const char *out, size_t outlen,
			    const struct worker *w, int rerun);
void plug_event(struct ctl *c, enum herd_event_kind kind, const char *worker,
		const char *name, const char *detail);
void plug_terminal_summary(FILE *out);
/*
 * Reporters and plugins see the final reports, which reports builds when
 * one first asks (a run of a million items may need none); *status may change.
 */
int plug_sessionfinish(const struct hd_ritem *(*reports)(size_t *n), int *status);
void plug_unconfigure(void);

/* The built-in plugins. */
extern const struct herd_plugin plug_trace, plug_html, plug_github;

#endif
