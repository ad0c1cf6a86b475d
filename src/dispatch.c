/*
 * dispatch.c - the protocol (docs/protocol.md): what a worker says, and what
 * it is sent. Messages to a worker are queued in its write buffer and
 * flushed by the poll round; what it says is decoded and handled in order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listing.h"
#include "loop.h"
#include "plugin.h"

#define LINE_PIECE 65536	/* longest piece of a worker's line held back */

void
worker_send(struct worker *w, const char *type, const char *arg)
{
	hd_enc_begin(&w->wbuf, type);
	if (arg)
		hd_enc_str(&w->wbuf, arg);
	hd_enc_end(&w->wbuf);
}

static void
q_push(struct worker *w, struct citem *it)
{
	if (w->qhead + w->qlen == w->qcap) {
		if (w->qhead) {
			memmove(w->q, w->q + w->qhead, w->qlen * sizeof(*w->q));
			w->qhead = 0;
		} else {
			w->qcap = w->qcap ? w->qcap * 2 : 64;
			w->q = xreallocarray(w->q, w->qcap, sizeof(*w->q));
		}
	}
	w->q[w->qhead + w->qlen++] = it;
}

/* The item at the head of w's queue starts now (as far as we can tell). */
static void
start_head(struct ctl *c, struct worker *w)
{
	struct citem *it = worker_head(w);

	if (!it)
		return;
	it->started = w->started;
	if (PLUG_WANTS(HERD_HOOK_RUNTEST_LOGSTART))
		plug_runtest_logstart(c, it, w);
}

void
worker_send_run(struct ctl *c, struct worker *w, struct citem **v, size_t n)
{
	size_t i;

	if (!n)
		return;
	if (!w->qlen) {
		w->started = hd_now();
		w->deadline = 0;
	}
	w->fed = 1;
	cpu_mark(w);
	hd_enc_begin(&w->wbuf, HD_MSG_RUN);
	for (i = 0; i < n; i++) {
		hd_enc_uint(&w->wbuf, NULL, v[i]->idx);
		v[i]->queued = 1;
		if (v[i]->res && !v[i]->checking)
			v[i]->res->ntally = 0;	/* a try that ends without a result has none */
		q_push(w, v[i]);
	}
	hd_enc_end(&w->wbuf);
	w->state = W_RUNNING;
	if (PLUG_WANTS(HERD_HOOK_EVENT)) {
		char what[48];

		snprintf(what, sizeof(what), "%zu item%s", n, n == 1 ? "" : "s");
		plug_event(c, HERD_EV_SCHEDULE, w->name, v[0]->id, what);
	}
	if (w->qlen == n)
		start_head(c, w);
}

void
reply(struct worker *w, const char *type, const char *a, const char *b, size_t blen)
{
	hd_enc_begin(&w->wbuf, type);
	if (a)
		hd_enc_str(&w->wbuf, a);
	if (b)
		hd_enc_mem(&w->wbuf, b, blen);
	hd_enc_end(&w->wbuf);
}

void
flush_writes(struct worker *w)
{
	ssize_t n;

	if (w->host) {
		host_worker_flush(w);
		return;
	}
	while (w->wbuf.len) {
		n = write(w->sock, w->wbuf.data, w->wbuf.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				buf_reset(&w->wbuf);	/* dead: its death says the rest */
			return;
		}
		memmove(w->wbuf.data, w->wbuf.data + n, w->wbuf.len - (size_t)n);
		w->wbuf.len -= (size_t)n;
	}
}

void
protocol_error(struct worker *w, const char *why)
{
	if (!w->garbage)
		w->garbage = xstrdup(why);
	worker_kill(w);
}

struct citem *
worker_head(const struct worker *w)
{
	return w->qlen ? w->q[w->qhead] : NULL;
}

void
worker_pop(struct worker *w)
{
	w->qhead++;
	w->qlen--;
	w->started = hd_now();
}

void
promote(struct ctl *c, struct worker *w)
{
	hd_enc_begin(&w->wbuf, HD_MSG_CONFIG);
	hd_enc_str(&w->wbuf, c->isolation_none ? "isolation=none" : "isolation=fork");
	hd_enc_fmt(&w->wbuf, "timeout=%g", c->timeout);
	hd_enc_fmt(&w->wbuf, "grace=%g", c->grace);
	hd_enc_str(&w->wbuf, c->capture ? "capture=1" : "capture=0");
	if (c->alone)
		hd_enc_str(&w->wbuf, "again=1");	/* the isolation check's items, reported already */
	if (c->maxfail && w->holds)
		hd_enc_str(&w->wbuf, "hold=1");	/* -x: nothing starts after a failure unseen */
	hd_enc_end(&w->wbuf);
	w->collect_only = 0;
	w->bin->workers++;
	if (PLUG_WANTS(HERD_HOOK_TESTNODEREADY))
		plug_testnodeready(c, w);
}

/*
 * A result's tally= (docs/protocol.md): what pytest's closing line counts the
 * item as when that is more than its outcome, kept for herd --pytest's. Each
 * try's result says it anew; a name herd has no outcome for is left out.
 */
static void
note_tally(struct citem *it, const struct hd_msg *m)
{
	unsigned char t[sizeof(it->res->tally)];
	char name[16];
	const char *p;
	size_t i, len, n = 0;
	enum hd_outcome o;

	for (i = 6; i < m->nf; i++) {
		if (strncmp(m->f[i], "tally=", 6))
			continue;
		for (p = m->f[i] + 6; *p && n < sizeof(t); p += len + (p[len] == ',')) {
			len = strcspn(p, ",");
			if (len >= sizeof(name))
				continue;
			memcpy(name, p, len);
			name[len] = '\0';
			if ((o = hd_outcome_parse(name)) != HD_NONE)
				t[n++] = (unsigned char)o;
		}
	}
	if (!n && !it->res)
		return;
	memcpy(citem_res(it)->tally, t, n);
	it->res->ntally = (unsigned char)n;
}

/*
 * A worker told hold=1 waits after a failure for the word to go on: stop, if
 * it made the run stop (-x, --maxfail), else an empty run (docs/protocol.md).
 * A run that stopped otherwise sends stop to every worker anyway.
 */
static void
answer_hold(struct ctl *c, struct worker *w)
{
	if (c->stopping)
		worker_stop(w);
	else if (w->state == W_RUNNING)
		worker_send(w, HD_MSG_RUN, NULL);
}

static void
handle_result(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	struct citem *it = worker_head(w);
	enum hd_outcome o;
	size_t idx;
	double d;
	char *held;

	if (m->nf < 6 || hd_msg_size(m, 1, &idx) < 0 || !it || it->idx != idx ||
	    (o = hd_outcome_parse(m->f[2])) == HD_NONE) {
		protocol_error(w, "a result for an item it was not running");
		return;
	}
	d = hd_parse_seconds(m->f[3]);
	if (!it->checking)	/* the isolation check's run changes no count */
		note_tally(it, m);
	worker_pop(w);
	held = after_item(c, w, it);
	if (held) {
		struct buf msg = BUF_INIT;

		buf_add(&msg, m->f[4], m->len[4]);
		buf_adds(&msg, held);
		finish_item(c, it, o, d < 0 ? 0 : d, msg.data, msg.len, m->f[5], m->len[5], w);
		buf_clear(&msg);
		free(held);
	} else {
		finish_item(c, it, o, d < 0 ? 0 : d, m->f[4], m->len[4], m->f[5], m->len[5], w);
	}
	/* The next one starts after this one's report: plugins see them in order. */
	start_head(c, w);
	if (c->maxfail && w->holds && hd_outcome_fails(o) && !w->dying)
		answer_hold(c, w);
}

static void
handle_released(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	char *named = xcalloc(w->qlen + 1, 1);
	struct citem **back = xcalloc(m->nf, sizeof(*back));
	size_t i, k, n = 0, kept = 0, idx;

	w->releasing = 0;
	/*
	 * The worker names unstarted items, in any order (libherd names its
	 * last first, herd_pytest its first first). Our copy of its queue may
	 * have grown since it answered (items sent after the release), or have
	 * one item more in front (a result still on its way): find each named
	 * item wherever it stands, then take them out in the queue's order, so
	 * that whoever runs them next runs them in the order they were dealt.
	 */
	for (i = 1; i < m->nf; i++) {
		if (hd_msg_size(m, i, &idx) < 0)
			k = w->qlen;
		else
			for (k = w->qlen; k-- > 0 && w->q[w->qhead + k]->idx != idx;)
				;
		if (k >= w->qlen || named[k]) {
			protocol_error(w, "released items it did not hold");
			break;
		}
		named[k] = 1;
	}
	for (k = 0; k < w->qlen; k++) {
		struct citem *it = w->q[w->qhead + k];

		if (named[k])
			back[n++] = it;
		else
			w->q[w->qhead + kept++] = it;
	}
	w->qlen = kept;
	free(named);
	/* The scheduler passes them on to the worker that asked for them. */
	ctl_sched_give_back(c, w, back, n);
	free(back);
}

/* The pid a hello names (pid=), which runs the items; 0 if none. */
static pid_t
hello_pid(const struct hd_msg *m)
{
	size_t i;

	for (i = 2; i < m->nf; i++)
		if (!strncmp(m->f[i], "pid=", 4))
			return (pid_t)atol(m->f[i] + 4);
	return 0;
}

static void
handle(struct ctl *c, struct worker *w, const struct hd_msg *m)
{
	const char *type = m->f[0], *v;
	int r;

	if (w->state == W_HELLO) {
		if (strcmp(type, HD_MSG_HELLO) || m->nf < 2) {
			protocol_error(w, "it did not start with hello");
			return;
		}
		if (strcmp(m->f[1], HD_PROTO_VERSION_STR)) {
			protocol_error(w, "it speaks another protocol version");
			return;
		}
		if (!w->bin->collected)
			listing_hello(w->bin->listing, m);
		w->runner = hello_pid(m);
		v = hd_msg_kv(m, 2, "hold");	/* it can wait after a failure (config's hold) */
		w->holds = v && !strcmp(v, "1");
		w->state = W_COLLECTING;
		return;
	}
	if (!strcmp(type, HD_MSG_ITEM) && w->state == W_COLLECTING) {
		r = add_collected(c, w, m);
		if (r > 0)
			collection_diff(c, w, m);
		else if (r < 0)
			protocol_error(w, "an item without an id");
	} else if (!strcmp(type, HD_MSG_COLLECTED) && w->state == W_COLLECTING) {
		collected(c, w, m);
	} else if (!strcmp(type, HD_MSG_RESULT) && (w->state == W_RUNNING || w->state == W_STOPPING)) {
		handle_result(c, w, m);
	} else if (!strcmp(type, HD_MSG_FIXTURE) && w->state == W_COLLECTING) {
		if (m->nf > 1 && !w->bin->collected) {
			gfix_add(c, m->f[1], w->bin);
			listing_keep(w->bin->listing, m);
		}
	} else if (serve(c, w, m)) {
		/* a request of a test or of a fixture, answered */
	} else if (!strcmp(type, HD_MSG_RELEASED)) {
		handle_released(c, w, m);
	} else if (!strcmp(type, HD_MSG_WARNING)) {
		fprintf(stderr, "[%s] warning: %.*s", w->name, (int)m->len[1], m->nf > 1 ? m->f[1] : "");
	} else if (!strcmp(type, HD_MSG_BYE)) {
		w->state = W_STOPPING;
		w->said_bye = 1;
	} else {
		char why[128];

		snprintf(why, sizeof(why), "an unexpected message '%.40s'", type);
		protocol_error(w, why);
	}
}

void
feed_sock(struct ctl *c, struct worker *w, const void *p, size_t n)
{
	struct hd_msg *m;
	char err[160];
	int r;

	hd_dec_feed(&w->dec, p, n);
	while (!w->garbage && !c->aborted && (r = hd_dec_next(&w->dec, &m, err, sizeof(err))) != 0) {
		if (r < 0) {
			protocol_error(w, err);
			break;
		}
		handle(c, w, m);
	}
}

void
read_sock(struct ctl *c, struct worker *w)
{
	char tmp[65536];
	ssize_t n;

	for (;;) {
		n = read(w->sock, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				close(w->sock);
				w->sock = -1;
			}
			return;
		}
		feed_sock(c, w, tmp, (size_t)n);
		if (w->garbage || c->aborted)
			return;
	}
}

/*
 * Stray output of a worker: shown a line at a time, prefixed by its name. A
 * line longer than LINE_PIECE is shown in pieces of that size, each on a
 * line of its own: what is held per worker stays bounded whatever it writes.
 */
void
feed_output(struct ctl *c, struct worker *w, struct buf *line, FILE *to, const void *p, size_t n)
{
	char *nl;

	buf_add(line, p, n);
	while ((nl = memchr(line->data, '\n', line->len))) {
		size_t k = (size_t)(nl - line->data) + 1;

		/* A line of its own, not the tail of the progress line. */
		if (to == c->term.out)
			hd_term_break(&c->term);
		fprintf(to, "[%s] %.*s", w->name, (int)k, line->data);
		memmove(line->data, line->data + k, line->len - k);
		line->len -= k;
		line->data[line->len] = '\0';
	}
	while (line->len >= LINE_PIECE) {
		if (to == c->term.out)
			hd_term_break(&c->term);
		fprintf(to, "[%s] %.*s\n", w->name, LINE_PIECE, line->data);
		memmove(line->data, line->data + LINE_PIECE, line->len - LINE_PIECE);
		line->len -= LINE_PIECE;
		line->data[line->len] = '\0';
	}
}

void
end_output(struct worker *w, struct buf *line, FILE *to)
{
	if (line->len)
		fprintf(to, "[%s] %s\n", w->name, line->data);
	buf_reset(line);
}

void
read_output(struct ctl *c, struct worker *w, int *fd, struct buf *line, FILE *to)
{
	char tmp[65536];
	ssize_t n;

	for (;;) {
		n = read(*fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				end_output(w, line, to);
				close(*fd);
				*fd = -1;
			}
			break;
		}
		feed_output(c, w, line, to, tmp, (size_t)n);
	}
	fflush(to);
}

/*
 * The results a dead worker held back (docs/protocol.md, section 5, Batched
 * results), taken as if they had come on the channel. Those before its
 * running item reached us on the channel already, just before it died.
 */
void
read_held(struct ctl *c, struct worker *w)
{
	struct hd_dec dec;
	struct hd_msg *m;
	uint64_t len = 0;
	char *data, err[160];
	size_t idx;
	int r, on = 0;

	if (w->resfd <= 2 || pread(w->resfd, &len, sizeof(len), 0) != (ssize_t)sizeof(len) ||
	    len == 0 || len > RESULTS_SIZE - RESULTS_HEADER)
		return;
	data = xmalloc((size_t)len);
	if (pread(w->resfd, data, (size_t)len, RESULTS_HEADER) != (ssize_t)len) {
		free(data);
		return;
	}
	hd_dec_init(&dec);
	hd_dec_feed(&dec, data, (size_t)len);
	while (!w->garbage && !c->aborted && (r = hd_dec_next(&dec, &m, err, sizeof(err))) != 0) {
		if (r < 0 || strcmp(m->f[0], HD_MSG_RESULT)) {
			protocol_error(w, r < 0 ? err : "a held-back message that is no result");
			break;
		}
		if (!on && worker_head(w) && m->nf > 1 && hd_msg_size(m, 1, &idx) == 0 &&
		    idx == worker_head(w)->idx)
			on = 1;
		if (on)
			handle(c, w, m);
	}
	hd_dec_free(&dec);
	free(data);
}
