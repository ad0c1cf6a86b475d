/*
 * report.h - outcomes and the reporters shared by the standalone runner and the
 * controller: the pytest-like terminal report and the JUnit XML file, so that a
 * binary run alone and a herd run print and write the same things.
 */
#ifndef HERD_REPORT_H
#define HERD_REPORT_H

#include <stdio.h>
#include <stddef.h>

enum hd_outcome {
	HD_NONE = 0,	/* not finished yet */
	HD_PASSED,
	HD_FAILED,
	HD_ERROR,	/* a fixture's setup or teardown failed */
	HD_SKIPPED,
	HD_XFAILED,
	HD_XPASSED,
	HD_CRASHED,	/* signal or unexpected exit: counts as failed */
	HD_TIMEOUT,	/* counts as failed */
	HD_FLAKY,	/* failed, then passed on a rerun */
	HD_NOTRUN,	/* interrupted or stopped by -x / --maxfail */
	HD_NOUTCOMES
};

/* "passed", "failed", ... as in the JSON report. */
const char *hd_outcome_name(enum hd_outcome o);
/* The outcome for a name, or HD_NONE. */
enum hd_outcome hd_outcome_parse(const char *name);
/* Nonzero for the outcomes that make the run fail. */
int hd_outcome_fails(enum hd_outcome o);

/* One earlier, failed try of an item that was rerun. */
struct hd_attempt {
	enum hd_outcome outcome;
	double duration;
	char *message;
	char *output;
	size_t outlen;
};

/* What a reporter knows of one item. Strings are borrowed. */
struct hd_ritem {
	const char *id;		/* node id */
	const char *file;
	int line;
	const char *suite;
	const char *name;	/* name with its [param] */
	enum hd_outcome outcome;
	double duration;	/* seconds */
	const char *message;	/* failure text, skip reason, crash description */
	const char *output;	/* captured stdout and stderr, may be NULL */
	size_t outlen;
	const char *worker;	/* "gw0", or NULL */
	int reruns;		/* how many times it was rerun */
	const struct hd_attempt *attempts;	/* the failed tries before the last */
	size_t nattempts;
	double start;		/* seconds from the run's start to its last try's */
	const void *item;	/* the controller's item, for plugins; may be NULL */
};

struct hd_counts {
	size_t n[HD_NOUTCOMES];
	size_t deselected;
};

/* The terminal reporter. */
struct hd_term {
	FILE *out;
	int verbose;		/* -v: one line per item */
	int quiet;		/* -q: no header, no progress file names */
	int color;
	size_t total;		/* items selected */
	size_t done;
	const char *curfile;	/* file whose progress line is open */
	size_t col;		/* characters on the open progress line */
	int durations;		/* --durations N; -1: off */
	double durations_min;
	double flushed;		/* when progress was last flushed */
	int live;		/* a terminal: a status may be shown */
	size_t status_len;	/* columns of status on the screen */
	struct hd_counts counts;
	/* Sections of plugins, after the short summary, before the closing line. */
	void (*summary_extra)(FILE *out);
	/* herd --pytest: sections before the short summary (pytest's warnings
	 * summary), and pytest's closing line: its order of counts, the
	 * warnings among them, and under -q no rule around it. */
	void (*summary_pre)(FILE *out);
	int pytest;
	size_t warnings;
	const char *stopped;	/* pytest's "stopping after N failures" line */
};

/* Decides colour: a terminal, NO_COLOR unset, TERM not "dumb". */
int hd_term_want_color(int fd);
void hd_term_init(struct hd_term *t, FILE *out);
/* "==== title ====" across the terminal's width, in ch, no colour. */
void hd_term_rule(FILE *out, int ch, const char *title);
/* The "test session starts" header; extra is a line of context (may be NULL). */
void hd_term_header(struct hd_term *t, const char *extra, size_t collected,
		    size_t deselected);
/* Shows text as the live status at the end of the progress line (terminals only). */
void hd_term_status(struct hd_term *t, const char *text);
/* Ends an open progress line where it stands, for a line of other output. */
void hd_term_break(struct hd_term *t);
/* Ends an open progress line with its percentage (before a banner). */
void hd_term_end_progress(struct hd_term *t);
/* One finished item: a progress character, or a line with -v. */
void hd_term_item(struct hd_term *t, const struct hd_ritem *it);
/*
 * Failures, the short summary and pytest's closing line over all n items (items
 * without an outcome are counted as not run). Returns pytest's exit status for
 * the run: 0, 1, 2 when interrupted, 5 when nothing ran.
 */
int hd_term_summary(struct hd_term *t, const struct hd_ritem *items, size_t n,
		    double elapsed, const char *interrupted);
/*
 * The same with t->counts counted already (the deselected too): then items
 * need hold no more than the failures and the flaky ones, in order, unless
 * t->durations asks for the slowest of all.
 */
int hd_term_summary_counted(struct hd_term *t, const struct hd_ritem *items, size_t n,
			    double elapsed, const char *interrupted);

/* Counts the outcomes of n items into c (c->deselected is left alone). */
void hd_count(struct hd_counts *c, const struct hd_ritem *items, size_t n);
/* The exit status pytest would give for these counts. */
int hd_exit_status(const struct hd_counts *c, int interrupted);
/* "2 failed, 10 passed, 1 skipped" into buf. */
void hd_counts_text(const struct hd_counts *c, char *buf, size_t size);

/*
 * The JUnit dialects, as pytest's junit_family. xunit2, the default, is valid
 * against the schema Jenkins' xunit plugin checks (junit-10.xsd); xunit1 adds
 * file and line attributes to each testcase, which GitLab reads.
 */
enum hd_junit_family { HD_JUNIT_XUNIT2, HD_JUNIT_XUNIT1 };

/* How a JUnit file is written: all zero (or a NULL pointer) is the default. */
struct hd_junit_opts {
	enum hd_junit_family family;
	const char *suite_name;		/* the <testsuite>'s name; NULL or "": "herd" */
	const char *const *props;	/* nprops name, value pairs: <properties> */
	size_t nprops;
};

/* "xunit2" or "xunit1" into *f: 0, or -1 for any other name. */
int hd_junit_family_parse(const char *s, enum hd_junit_family *f);

/*
 * Writes a JUnit XML file that Jenkins and GitLab read, through a temporary
 * name. Returns 0, or -1 with errno set.
 */
int hd_junit_write(const char *path, const struct hd_ritem *items, size_t n,
		   double elapsed, const struct hd_junit_opts *opts);

/* How much of a file's path a classname keeps: all but ".c" or ".py". */
size_t hd_junit_module_len(const char *file);

/* Appends s to buf escaped for XML text and attributes: control characters and
 * invalid UTF-8 become \xNN, the five specials entities. */
struct buf;
void hd_xml_escape(struct buf *b, const char *s, size_t n);

#endif
