/*
 * tx.c - the --tx specs, in xdist's syntax: [N*]popen, [N*]ssh=[user@]host[:port]
 * and [N*]cmd=COMMAND, the last two followed by //chdir=DIR and //herd=PATH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "tx.h"

/* N* in front (a '*' before any '='): the count, and where the rest starts; NULL if bad. */
static const char *
tx_count(const char *s, int *count)
{
	const char *star = strchr(s, '*'), *eq = strchr(s, '='), *p;
	long n = 0;

	*count = 1;
	if (!star || (eq && eq < star))
		return s;
	for (p = s; p < star; p++) {
		if (*p < '0' || *p > '9')
			return NULL;
		n = n * 10 + (*p - '0');
		if (n > TX_MAX_COUNT)
			return NULL;
	}
	if (n < 1)
		return NULL;
	*count = (int)n;
	return star + 1;
}

/* One //key=value option of t. */
static int
tx_option(struct tx_spec *t, const char *opt, size_t n, char *err, size_t errlen)
{
	char **to = NULL;
	size_t k = 0;

	if (n > 6 && !strncmp(opt, "chdir=", 6))
		to = &t->chdir, k = 6;
	else if (n > 5 && !strncmp(opt, "herd=", 5))
		to = &t->herd, k = 5;
	if (!to) {
		snprintf(err, errlen, "unknown or empty option '//%.*s' (chdir=DIR, herd=PATH)",
			 (int)(n > 40 ? 40 : n), opt);
		return -1;
	}
	free(*to);
	*to = xstrndup(opt + k, n - k);
	return 0;
}

/* The options from 'from' on ("//a=b//c=d"). */
static int
tx_options(struct tx_spec *t, const char *from, char *err, size_t errlen)
{
	while (from && *from) {
		const char *next = strstr(from + 2, "//");
		size_t n = next ? (size_t)(next - from - 2) : strlen(from + 2);

		if (tx_option(t, from + 2, n, err, errlen) < 0)
			return -1;
		from = next;
	}
	return 0;
}

/* Where a cmd's options start: its first "//chdir=" or "//herd=" (a command may hold "//"). */
static const char *
cmd_options(const char *s)
{
	const char *a = strstr(s, "//chdir="), *b = strstr(s, "//herd=");

	return !a ? b : !b ? a : a < b ? a : b;
}

/* [user@]host[:port], from s to end. */
static int
tx_ssh(struct tx_spec *t, const char *s, const char *end, char *err, size_t errlen)
{
	const char *at = memchr(s, '@', (size_t)(end - s)), *colon, *p;

	if (at) {
		if (at == s) {
			snprintf(err, errlen, "an empty user before '@'");
			return -1;
		}
		t->user = xstrndup(s, (size_t)(at - s));
		s = at + 1;
	}
	colon = memchr(s, ':', (size_t)(end - s));
	if ((colon ? colon : end) == s) {
		snprintf(err, errlen, "no host");
		return -1;
	}
	t->host = xstrndup(s, (size_t)((colon ? colon : end) - s));
	/* ssh would take it for an option. */
	if (t->host[0] == '-' || (t->user && t->user[0] == '-')) {
		snprintf(err, errlen, "a host or user may not start with '-'");
		return -1;
	}
	if (colon) {
		long port = 0;

		for (p = colon + 1; p < end && *p >= '0' && *p <= '9' && port <= 65535; p++)
			port = port * 10 + (*p - '0');
		if (p != end || p == colon + 1 || port < 1 || port > 65535) {
			snprintf(err, errlen, "bad port '%.*s'", (int)(end - colon - 1), colon + 1);
			return -1;
		}
		t->port = (int)port;
	}
	return 0;
}

static void
tx_label(struct tx_spec *t)
{
	if (t->kind == TX_POPEN)
		t->label = xstrdup("local");
	else if (t->kind == TX_SSH)
		t->label = t->port ? xasprintf("%s:%d", t->host, t->port) : xstrdup(t->host);
	else
		t->label = xstrdup(t->command);
}

int
tx_parse(const char *s, struct tx_spec *t, char *err, size_t errlen)
{
	const char *rest, *opts, *end;

	memset(t, 0, sizeof(*t));
	if (!(rest = tx_count(s, &t->count))) {
		snprintf(err, errlen, "bad worker count (N* takes 1 to %d)", TX_MAX_COUNT);
		return -1;
	}
	if (!strcmp(rest, "popen")) {
		t->kind = TX_POPEN;
	} else if (!strncmp(rest, "ssh=", 4)) {
		t->kind = TX_SSH;
		rest += 4;
		opts = strstr(rest, "//");
		end = opts ? opts : rest + strlen(rest);
		if (tx_ssh(t, rest, end, err, errlen) < 0 || tx_options(t, opts, err, errlen) < 0)
			goto bad;
	} else if (!strncmp(rest, "cmd=", 4)) {
		t->kind = TX_CMD;
		rest += 4;
		opts = cmd_options(rest);
		end = opts ? opts : rest + strlen(rest);
		while (end > rest && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		while (rest < end && (*rest == ' ' || *rest == '\t'))
			rest++;
		if (end == rest) {
			snprintf(err, errlen, "empty command");
			goto bad;
		}
		t->command = xstrndup(rest, (size_t)(end - rest));
		if (tx_options(t, opts, err, errlen) < 0)
			goto bad;
	} else {
		snprintf(err, errlen, "unknown transport (popen, ssh=HOST, cmd=COMMAND)");
		return -1;
	}
	tx_label(t);
	return 0;
bad:
	tx_spec_free(t);
	return -1;
}

void
tx_spec_free(struct tx_spec *t)
{
	free(t->user);
	free(t->host);
	free(t->command);
	free(t->chdir);
	free(t->herd);
	free(t->label);
	memset(t, 0, sizeof(*t));
}

void
sh_quote(struct buf *b, const char *word)
{
	buf_addc(b, '\'');
	for (; *word; word++) {
		if (*word == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *word);
	}
	buf_addc(b, '\'');
}

char *
tx_script(const struct tx_spec *t)
{
	struct buf b = BUF_INIT;

	if (t->chdir) {
		buf_adds(&b, "cd ");
		sh_quote(&b, t->chdir);
		buf_adds(&b, " && ");
	}
	buf_adds(&b, "exec ");
	sh_quote(&b, t->herd ? t->herd : "herd");
	buf_adds(&b, " --remote-worker");
	return buf_detach(&b, NULL);
}

/* Appends s to the NULL-terminated v of *n strings. */
static char **
push(char **v, size_t *n, char *s)
{
	v = xreallocarray(v, *n + 2, sizeof(*v));
	v[(*n)++] = s;
	v[*n] = NULL;
	return v;
}

char **
tx_argv(const struct tx_spec *t, const char *ssh_cmd, char *err, size_t errlen)
{
	char **v = NULL;
	size_t n = 0;

	if (hd_split_args(t->kind == TX_SSH ? ssh_cmd : t->command, &v, &n, err, errlen) < 0)
		return NULL;
	if (!n) {
		snprintf(err, errlen, "empty command");
		hd_args_free(v);
		return NULL;
	}
	if (t->kind == TX_SSH) {
		/* No terminal, never a question: a host that wants a password is unreachable. */
		v = push(v, &n, xstrdup("-T"));
		v = push(v, &n, xstrdup("-o"));
		v = push(v, &n, xstrdup("BatchMode=yes"));
		if (t->port) {
			v = push(v, &n, xstrdup("-p"));
			v = push(v, &n, xasprintf("%d", t->port));
		}
		if (t->user) {
			v = push(v, &n, xstrdup("-l"));
			v = push(v, &n, xstrdup(t->user));
		}
		v = push(v, &n, xstrdup("--"));
		v = push(v, &n, xstrdup(t->host));
	}
	return push(v, &n, tx_script(t));
}
