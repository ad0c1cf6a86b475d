/*
 * plugin_github.c - the built-in plugin "github": under GitHub Actions
 * (GITHUB_ACTIONS=true), every item that failed, errored, crashed or timed
 * out is also printed at the end of the run as a workflow command,
 *
 *	::error file=FILE,line=LINE,title=ID::first line of its message
 *
 * which GitHub shows on the line of the pull request's diff. -p no:github
 * turns it off. Written with the plugin API alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herd_plugin.h"
#include "plugin.h"

/*
 * GitHub's escaping: a message escapes %, CR and LF as %25, %0D, %0A; a
 * property's value also ':' and ',' (%3A, %2C), which would end it.
 */
static void
escape(FILE *out, const char *s, size_t n, int property)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' || c == '\r' || c == '\n' || (property && (c == ':' || c == ',')))
			fprintf(out, "%%%02X", c);
		else
			fputc(c, out);
	}
}

static int
annotated(enum herd_outcome o)
{
	return o == HERD_OUTCOME_FAILED || o == HERD_OUTCOME_ERROR ||
	       o == HERD_OUTCOME_CRASHED || o == HERD_OUTCOME_TIMEOUT;
}

static void
annotate(FILE *out, const struct herd_report *r)
{
	const char *m = r->message && *r->message ? r->message : herd_outcome_name(r->outcome);

	fputs("::error file=", out);
	escape(out, r->file ? r->file : "", r->file ? strlen(r->file) : 0, 1);
	if (r->line > 0)
		fprintf(out, ",line=%d", r->line);
	fputs(",title=", out);
	escape(out, r->id, strlen(r->id), 1);
	fputs("::", out);
	escape(out, m, strcspn(m, "\n"), 0);
	fputc('\n', out);
}

static int
github_sessionfinish(herd_session *s, int *status)
{
	const struct herd_report *r;
	const char *on = getenv("GITHUB_ACTIONS");
	size_t n, i;

	(void)status;
	if (!on || strcmp(on, "true"))
		return 0;
	r = herd_session_reports(s, &n);
	for (i = 0; i < n; i++)
		if (annotated(r[i].outcome))
			annotate(stdout, &r[i]);
	fflush(stdout);
	return 0;
}

const struct herd_plugin plug_github = {
	.abi = HERD_PLUGIN_ABI,
	.name = "github",
	.sessionfinish = github_sessionfinish,
};
