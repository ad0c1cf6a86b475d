/*
 * report.c - outcomes and the pytest-like terminal report.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

static const char *const names[HD_NOUTCOMES] = {
	[HD_NONE] = "none", [HD_PASSED] = "passed", [HD_FAILED] = "failed",
	[HD_ERROR] = "error", [HD_SKIPPED] = "skipped", [HD_XFAILED] = "xfailed",
	[HD_XPASSED] = "xpassed", [HD_CRASHED] = "crashed", [HD_TIMEOUT] = "timeout",
	[HD_FLAKY] = "flaky", [HD_NOTRUN] = "not-run",
};

/* The word in -v lines and the short summary. */
static const char *const words[HD_NOUTCOMES] = {
	[HD_NONE] = "NOTRUN", [HD_PASSED] = "PASSED", [HD_FAILED] = "FAILED",
	[HD_ERROR] = "ERROR", [HD_SKIPPED] = "SKIPPED", [HD_XFAILED] = "XFAIL",
	[HD_XPASSED] = "XPASS", [HD_CRASHED] = "CRASHED", [HD_TIMEOUT] = "TIMEOUT",
	[HD_FLAKY] = "FLAKY", [HD_NOTRUN] = "NOTRUN",
};

static const char progress_char[HD_NOUTCOMES] = {
	[HD_NONE] = '-', [HD_PASSED] = '.', [HD_FAILED] = 'F', [HD_ERROR] = 'E',
	[HD_SKIPPED] = 's', [HD_XFAILED] = 'x', [HD_XPASSED] = 'X',
	[HD_CRASHED] = 'C', [HD_TIMEOUT] = 'T', [HD_FLAKY] = 'R', [HD_NOTRUN] = '-',
};

enum { RED = 1, GREEN, YELLOW };

const char *
hd_outcome_name(enum hd_outcome o)
{
	return (unsigned)o < HD_NOUTCOMES ? names[o] : "none";
}

enum hd_outcome
hd_outcome_parse(const char *name)
{
	int i;

	for (i = 1; i < HD_NOUTCOMES; i++)
		if (!strcmp(names[i], name))
			return (enum hd_outcome)i;
	return HD_NONE;
}

int
hd_outcome_fails(enum hd_outcome o)
{
	return o == HD_FAILED || o == HD_ERROR || o == HD_CRASHED || o == HD_TIMEOUT;
}

static int
outcome_color(enum hd_outcome o)
{
	switch (o) {
	case HD_PASSED: return GREEN;
	case HD_SKIPPED: case HD_XFAILED: case HD_XPASSED: case HD_FLAKY:
	case HD_NOTRUN: case HD_NONE: return YELLOW;
	default: return RED;
	}
}

int
hd_term_want_color(int fd)
{
	const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");

	if (nc && *nc)
		return 0;
	return isatty(fd) && !(term && !strcmp(term, "dumb"));
}

/*
 * pytest's width (Python's shutil.get_terminal_size): COLUMNS when it is a
 * positive number, else the terminal's, else 80; under 40 is taken as 80.
 * Asked once: the report is not redrawn when the window changes.
 */
static size_t
term_width(FILE *out)
{
	static size_t width;
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	char *end;
	long n = c ? strtol(c, &end, 10) : 0;

	if (width)
		return width;
	if (!c || !*c || *end || n <= 0 || n > 100000)
		n = isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
	width = n >= 40 ? (size_t)n : 80;
	return width;
}

/*
 * The columns s[0..len) takes: one a UTF-8 character (pytest counts East
 * Asian wide ones as two and combining ones as none; herd does not tell).
 */
static size_t
columns(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* How many bytes of s[0..len) fill at most cols columns, in whole characters. */
static size_t
fit_columns(const char *s, size_t len, size_t cols)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == cols)
			break;
	return i;
}

static void
color_on(struct hd_term *t, int c)
{
	if (t->color && c)
		fprintf(t->out, "\033[%sm", c == RED ? "31" : c == GREEN ? "32" : "33");
}

static void
color_off(struct hd_term *t, int c)
{
	if (t->color && c)
		fputs("\033[0m", t->out);
}

/* "==== title ====" across the width. */
static void
rule(struct hd_term *t, char ch, const char *title, int c)
{
	size_t w = term_width(t->out), n = title ? strlen(title) + 2 : 0, left, i;

	left = n + 2 < w ? (w - n) / 2 : 1;
	color_on(t, c);
	for (i = 0; i < left; i++)
		fputc(ch, t->out);
	if (title)
		fprintf(t->out, " %s ", title);
	for (i = left + n; i < w || i == left + n; i++)
		fputc(ch, t->out);
	color_off(t, c);
	fputc('\n', t->out);
}

void
hd_term_rule(FILE *out, int ch, const char *title)
{
	struct hd_term t;

	memset(&t, 0, sizeof(t));
	t.out = out;
	rule(&t, (char)ch, title, 0);
}

void
hd_term_init(struct hd_term *t, FILE *out)
{
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->durations = -1;
	t->durations_min = 0.005;
}

void
hd_term_header(struct hd_term *t, const char *extra, size_t collected, size_t deselected)
{
	t->total = collected - deselected;
	t->counts.deselected = deselected;
	if (t->quiet)
		return;
	rule(t, '=', "test session starts", 0);
	if (extra)
		fprintf(t->out, "%s\n", extra);
	fprintf(t->out, "collected %zu item%s", collected, collected == 1 ? "" : "s");
	if (deselected)
		fprintf(t->out, " / %zu deselected / %zu selected", deselected, t->total);
	fputs("\n\n", t->out);
	fflush(t->out);
}

static void
close_progress_line(struct hd_term *t)
{
	size_t w = term_width(t->out), pct = t->total ? t->done * 100 / t->total : 100;

	if (!t->col)
		return;
	while (t->col < w - 7) {
		fputc(' ', t->out);
		t->col++;
	}
	fprintf(t->out, "[%3zu%%]\n", pct);
	t->col = 0;
}

static const char *
first_line(const char *s, size_t *len)
{
	const char *nl;

	if (!s) {
		*len = 0;
		return "";
	}
	nl = strchr(s, '\n');
	*len = nl ? (size_t)(nl - s) : strlen(s);
	return s;
}

/* Takes the live status off the screen, so that output can follow. */
static void
status_clear(struct hd_term *t)
{
	if (!t->status_len)
		return;
	fprintf(t->out, "\033[%zuD\033[K", t->status_len);
	t->status_len = 0;
}

void
hd_term_status(struct hd_term *t, const char *text)
{
	size_t w = term_width(t->out), room, n = strlen(text);

	if (!t->live || t->verbose)
		return;
	status_clear(t);
	/* On the open progress line, after its characters, within the width. */
	room = t->col + 9 < w ? w - t->col - 9 : 0;
	if (room < 12)
		return;
	if (n > room)
		n = room;
	fprintf(t->out, "\033[2m %.*s\033[0m", (int)(n - 1), text);
	t->status_len = n;
	fflush(t->out);
}

void
hd_term_break(struct hd_term *t)
{
	status_clear(t);
	if (t->col)
		fputc('\n', t->out);
	t->col = 0;
}

void
hd_term_end_progress(struct hd_term *t)
{
	status_clear(t);
	close_progress_line(t);
	fflush(t->out);
}

void
hd_term_item(struct hd_term *t, const struct hd_ritem *it)
{
	size_t w = term_width(t->out);
	int c = outcome_color(it->outcome);

	status_clear(t);
	t->done++;
	if (t->verbose) {
		if (it->worker)
			fprintf(t->out, "[%s] ", it->worker);
		fprintf(t->out, "[%3zu%%] ", t->total ? t->done * 100 / t->total : 100);
		color_on(t, c);
		fputs(words[it->outcome], t->out);
		color_off(t, c);
		fprintf(t->out, " %s", it->id);
		if (it->message && (it->outcome == HD_SKIPPED || it->outcome == HD_XFAILED ||
				    it->outcome == HD_XPASSED)) {
			size_t len;
			const char *m = first_line(it->message, &len);

			fprintf(t->out, " (%.*s)", (int)len, m);
		}
		fputc('\n', t->out);
		fflush(t->out);
		return;
	}
	if (!t->curfile || strcmp(t->curfile, it->file) || t->col >= w - 7) {
		int same = t->curfile && !strcmp(t->curfile, it->file);

		close_progress_line(t);
		t->curfile = it->file;
		if (!same && !t->quiet) {
			fprintf(t->out, "%s ", it->file);
			t->col = strlen(it->file) + 1;
		}
	}
	color_on(t, c);
	fputc(progress_char[it->outcome], t->out);
	color_off(t, c);
	t->col++;
	if (t->done == t->total)
		close_progress_line(t);
	/* A flush per item costs a write per item: a few per second suffice. */
	if (hd_now() - t->flushed > 0.1) {
		fflush(t->out);
		t->flushed = hd_now();
	}
}

void
hd_count(struct hd_counts *c, const struct hd_ritem *items, size_t n)
{
	size_t i;

	memset(c->n, 0, sizeof(c->n));
	for (i = 0; i < n; i++)
		c->n[items[i].outcome == HD_NONE ? HD_NOTRUN : items[i].outcome]++;
}

int
hd_exit_status(const struct hd_counts *c, int interrupted)
{
	size_t ran = 0;
	int i;

	if (interrupted)
		return 2;
	if (c->n[HD_FAILED] || c->n[HD_ERROR] || c->n[HD_CRASHED] || c->n[HD_TIMEOUT])
		return 1;
	for (i = 1; i < HD_NOUTCOMES; i++)
		if (i != HD_NOTRUN)
			ran += c->n[i];
	return ran ? 0 : 5;
}

void
hd_counts_text(const struct hd_counts *c, char *buf, size_t size)
{
	static const struct { enum hd_outcome o; const char *one, *many; } order[] = {
		{ HD_FAILED, "failed", "failed" }, { HD_CRASHED, "crashed", "crashed" },
		{ HD_TIMEOUT, "timeout", "timeout" }, { HD_ERROR, "error", "errors" },
		{ HD_PASSED, "passed", "passed" }, { HD_FLAKY, "flaky", "flaky" },
		{ HD_SKIPPED, "skipped", "skipped" }, { HD_XFAILED, "xfailed", "xfailed" },
		{ HD_XPASSED, "xpassed", "xpassed" }, { HD_NOTRUN, "not run", "not run" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < LEN(order) && len < size; i++) {
		size_t k = c->n[order[i].o];

		if (k)
			len += (size_t)snprintf(buf + len, size - len, "%s%zu %s",
						len ? ", " : "", k, k == 1 ? order[i].one : order[i].many);
	}
	if (c->deselected && len < size)
		len += (size_t)snprintf(buf + len, size - len, "%s%zu deselected",
					len ? ", " : "", c->deselected);
	if (!len)
		snprintf(buf, size, "no tests ran");
}

/*
 * The counts as pytest's closing line gives them: its outcomes in its order
 * (failed, passed, skipped, deselected, xfailed, xpassed, warnings, errors),
 * then herd's own, which pytest has not.
 */
static void
pytest_counts_text(const struct hd_counts *c, size_t warnings, char *buf, size_t size)
{
	static const struct { int o; const char *one, *many; } order[] = {
		{ HD_FAILED, "failed", "failed" }, { HD_PASSED, "passed", "passed" },
		{ HD_SKIPPED, "skipped", "skipped" }, { -1, "deselected", "deselected" },
		{ HD_XFAILED, "xfailed", "xfailed" }, { HD_XPASSED, "xpassed", "xpassed" },
		{ -2, "warning", "warnings" }, { HD_ERROR, "error", "errors" },
		{ HD_CRASHED, "crashed", "crashed" }, { HD_TIMEOUT, "timeout", "timeout" },
		{ HD_FLAKY, "flaky", "flaky" }, { HD_NOTRUN, "not run", "not run" },
	};
	size_t i, k, len = 0;

	buf[0] = '\0';
	for (i = 0; i < LEN(order) && len < size; i++) {
		k = order[i].o == -1 ? c->deselected : order[i].o == -2 ? warnings : c->n[order[i].o];
		if (k)
			len += (size_t)snprintf(buf + len, size - len, "%s%zu %s",
						len ? ", " : "", k, k == 1 ? order[i].one : order[i].many);
	}
	if (!len)
		snprintf(buf, size, "no tests ran");
}

static void
failure_section(struct hd_term *t, const struct hd_ritem *items, size_t n, int errors)
{
	size_t i, shown = 0;
	char title[4096];

	for (i = 0; i < n; i++) {
		const struct hd_ritem *it = &items[i];
		int is_err = it->outcome == HD_ERROR;

		if (!hd_outcome_fails(it->outcome) || is_err != errors)
			continue;
		if (!shown++)
			rule(t, '=', errors ? "ERRORS" : "FAILURES", RED);
		snprintf(title, sizeof(title), "%s%s", errors ? "ERROR at " : "", it->id);
		rule(t, '_', title, RED);
		if (it->worker)
			fprintf(t->out, "[%s] ", it->worker);
		if (it->message && *it->message) {
			fputs(it->message, t->out);
			if (it->message[strlen(it->message) - 1] != '\n')
				fputc('\n', t->out);
		}
		if (it->outlen) {
			rule(t, '-', "Captured output", 0);
			fwrite(it->output, 1, it->outlen, t->out);
			if (it->output[it->outlen - 1] != '\n')
				fputc('\n', t->out);
		}
	}
}

static int
cmp_duration(const void *a, const void *b)
{
	const struct hd_ritem *x = *(const struct hd_ritem *const *)a;
	const struct hd_ritem *y = *(const struct hd_ritem *const *)b;

	return x->duration < y->duration ? 1 : x->duration > y->duration ? -1 : 0;
}

static void
durations(struct hd_term *t, const struct hd_ritem *items, size_t n)
{
	const struct hd_ritem **v;
	size_t i, k = 0, show;
	char title[64];

	if (t->durations < 0)
		return;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		if (items[i].outcome != HD_NONE && items[i].outcome != HD_NOTRUN)
			v[k++] = &items[i];
	qsort(v, k, sizeof(*v), cmp_duration);
	show = t->durations == 0 || (size_t)t->durations > k ? k : (size_t)t->durations;
	snprintf(title, sizeof(title), t->durations ? "slowest %d durations" : "slowest durations",
		 t->durations);
	rule(t, '=', title, 0);
	for (i = 0; i < show; i++) {
		if (t->durations && v[i]->duration < t->durations_min && !t->verbose) {
			fprintf(t->out, "\n(%zu durations < %gs hidden.  Use -vv to show these durations.)\n",
				k - i, t->durations_min);
			break;
		}
		fprintf(t->out, "%.2fs %s\n", v[i]->duration, v[i]->id);
	}
	free(v);
}

/*
 * A line of the short summary, "FAILED id - message", as pytest's: the
 * message's first line, cut with "..." to end within the terminal's width,
 * or left out when not even " - ..." fits; whole on a CI machine (CI or
 * BUILD_NUMBER set) and with -vv, where pytest 8 keeps it whole too.
 */
static void
summary_line(struct hd_term *t, const struct hd_ritem *it)
{
	static const char sep[] = " - ", dots[] = "...";
	const char *word = words[it->outcome], *cut = "";
	size_t len, used, width = term_width(t->out);
	const char *m = first_line(it->message, &len);
	int c = outcome_color(it->outcome);

	used = strlen(word) + 1 + columns(it->id, strlen(it->id)) + strlen(sep);
	if (len && t->verbose < 2 && !getenv("CI") && !getenv("BUILD_NUMBER") &&
	    used + columns(m, len) > width) {
		if (used + strlen(dots) > width) {
			len = 0;
		} else {
			len = fit_columns(m, len, width - used - strlen(dots));
			cut = dots;
		}
	}
	color_on(t, c);
	fputs(word, t->out);
	color_off(t, c);
	if (len || *cut)
		fprintf(t->out, " %s%s%.*s%s\n", it->id, sep, (int)len, m, cut);
	else
		fprintf(t->out, " %s\n", it->id);
}

int
hd_term_summary(struct hd_term *t, const struct hd_ritem *items, size_t n,
		double elapsed, const char *interrupted)
{
	hd_count(&t->counts, items, n);
	return hd_term_summary_counted(t, items, n, elapsed, interrupted);
}

int
hd_term_summary_counted(struct hd_term *t, const struct hd_ritem *items, size_t n,
			double elapsed, const char *interrupted)
{
	size_t i, fails;
	char text[512], line[640];
	int c, col, pass;

	status_clear(t);
	close_progress_line(t);
	failure_section(t, items, n, 1);
	failure_section(t, items, n, 0);
	durations(t, items, n);
	if (t->summary_pre)
		t->summary_pre(t->out);
	fails = 0;
	for (i = 0; i < n; i++)
		fails += hd_outcome_fails(items[i].outcome) || items[i].outcome == HD_FLAKY;
	if (fails) {
		rule(t, '=', "short test summary info", 0);
		/* pytest's order (its -r letters f, then E): failures, then errors. */
		for (pass = 0; pass <= t->pytest; pass++)
			for (i = 0; i < n; i++) {
				const struct hd_ritem *it = &items[i];

				if ((hd_outcome_fails(it->outcome) || it->outcome == HD_FLAKY) &&
				    (!t->pytest || (it->outcome == HD_ERROR) == pass))
					summary_line(t, it);
			}
	}
	if (t->summary_extra)
		t->summary_extra(t->out);
	if (interrupted) {
		snprintf(line, sizeof(line), "Interrupted: %s", interrupted);
		rule(t, '!', line, RED);
	} else if (t->stopped) {
		rule(t, '!', t->stopped, RED);
	}
	if (t->pytest)
		pytest_counts_text(&t->counts, t->warnings, text, sizeof(text));
	else
		hd_counts_text(&t->counts, text, sizeof(text));
	snprintf(line, sizeof(line), "%s in %.2fs", text, elapsed);
	c = hd_exit_status(&t->counts, interrupted != NULL);
	/* pytest's colours: yellow for warnings on a run that passed. */
	col = c == 0 && !(t->pytest && t->warnings) ? GREEN : c == 0 || c == 5 ? YELLOW : RED;
	if (t->pytest && t->quiet) {
		color_on(t, col);
		fputs(line, t->out);
		color_off(t, col);
		fputc('\n', t->out);
	} else {
		rule(t, '=', line, col);
	}
	fflush(t->out);
	return c;
}
