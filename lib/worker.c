/*
 * worker.c - the test binary as one of the controller's workers: it says
 * hello, lists its items, then runs the indices it is sent, in order, and
 * answers each with a result, all on its own socket (docs/protocol.md).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "proto.h"

struct worker {
	int fd;
	struct hd_dec dec;
	struct buf out;		/* encoded, not yet written */
	size_t *queue;		/* item indices to run, in order */
	size_t qhead, qlen, qcap;
	int stopping;
	struct hd_item *items;
	size_t nitems;
	struct hd_runner r;
};

static const char *const strategy_names[] = {
	"free", "serial", "isolated_free", "isolated_serial"
};

static NORETURN void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s (worker): ", hd_progname);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	_exit(3);
}

static void
flush_out(struct worker *w)
{
	if (w->out.len && hd_write_all(w->fd, w->out.data, w->out.len) < 0) {
		if (errno == EPIPE)
			_exit(0);	/* the controller is gone: nobody to report to */
		die("cannot write to the controller: %s", strerror(errno));
	}
	buf_reset(&w->out);
}

static void
send_items(struct worker *w)
{
	struct buf *b = &w->out;
	char tmp[32];
	size_t i;

	hd_enc_begin(b, "hello");
	hd_enc_fmt(b, "%d", HD_PROTO_VERSION);
	hd_enc_fmt(b, "pid=%ld", (long)getpid());
	hd_enc_str(b, "impl=libherd/" HERD_VERSION);
	hd_enc_end(b);
	for (i = 0; i < w->nitems; i++) {
		const struct hd_item *it = &w->items[i];
		const struct herd_test *t = it->t;

		hd_enc_begin(b, "item");
		hd_enc_str(b, it->id);
		hd_enc_fmt(b, "file=%s", it->file);
		hd_enc_fmt(b, "line=%d", t->line);
		hd_enc_fmt(b, "suite=%s", t->suite);
		hd_enc_fmt(b, "name=%s", it->name);
		if (t->marks && *t->marks)
			hd_enc_fmt(b, "marks=%s", t->marks);
		if (t->timeout > 0)
			hd_enc_fmt(b, "timeout=%g", t->timeout);
		if (t->skip)
			hd_enc_fmt(b, "skip=%s", t->skip);
		if (t->xfail)
			hd_enc_fmt(b, "xfail=%s", t->xfail);
		if (t->strict)
			hd_enc_str(b, "strict=1");
		if (t->signal)
			hd_enc_fmt(b, "signal=%d", t->signal);
		if (t->exit_code || t->expect_exit)
			hd_enc_fmt(b, "exit_code=%d", t->exit_code);
		if (t->fixtures && *t->fixtures)
			hd_enc_fmt(b, "fixtures=%s", t->fixtures);
		if (t->group && *t->group)
			hd_enc_fmt(b, "group=%s", t->group);
		if (t->strategy && (unsigned)t->strategy < LEN(strategy_names))
			hd_enc_fmt(b, "strategy=%s", strategy_names[t->strategy]);
		if (t->resources && *t->resources)
			hd_enc_fmt(b, "resources=%s", t->resources);
		if (t->exclusive)
			hd_enc_str(b, "exclusive=1");
		if (t->reruns)
			hd_enc_fmt(b, "reruns=%d", t->reruns);
		hd_enc_end(b);
		if (b->len > 65536)
			flush_out(w);
	}
	hd_enc_begin(b, "collected");
	hd_enc_fmt(b, "%zu", w->nitems);
	hd_enc_end(b);
	flush_out(w);
	(void)tmp;
}

static void
push(struct worker *w, size_t idx)
{
	if (w->qhead + w->qlen == w->qcap) {
		if (w->qhead) {
			memmove(w->queue, w->queue + w->qhead, w->qlen * sizeof(*w->queue));
			w->qhead = 0;
		} else {
			w->qcap = w->qcap ? w->qcap * 2 : 64;
			w->queue = xreallocarray(w->queue, w->qcap, sizeof(*w->queue));
		}
	}
	w->queue[w->qhead + w->qlen++] = idx;
}

static void
apply_config(struct worker *w, const struct hd_msg *m)
{
	const char *v;
	double d;

	if ((v = hd_msg_kv(m, 1, "isolation")))
		w->r.isolation = strcmp(v, "none") ? HD_ISO_FORK : HD_ISO_NONE;
	if ((v = hd_msg_kv(m, 1, "timeout")) && (d = hd_parse_seconds(v)) >= 0)
		w->r.timeout = d;
	if ((v = hd_msg_kv(m, 1, "grace")) && (d = hd_parse_seconds(v)) >= 0)
		w->r.grace = d;
	if ((v = hd_msg_kv(m, 1, "capture")))
		w->r.capture = strcmp(v, "0") != 0;
}

static void
handle(struct worker *w, const struct hd_msg *m)
{
	const char *type = m->f[0];
	size_t i, n;

	if (!strcmp(type, "run")) {
		for (i = 1; i < m->nf; i++) {
			if (hd_msg_size(m, i, &n) < 0 || n >= w->nitems)
				die("the controller sent a bad item index '%s'", m->f[i]);
			push(w, n);
		}
	} else if (!strcmp(type, "release")) {
		if (m->nf < 2 || hd_msg_size(m, 1, &n) < 0)
			die("the controller sent a bad release%s", "");
		/* The queue holds only unstarted items: the running one left it. */
		hd_enc_begin(&w->out, "released");
		while (n-- > 0 && w->qlen > 0) {
			w->qlen--;
			hd_enc_fmt(&w->out, "%zu", w->queue[w->qhead + w->qlen]);
		}
		hd_enc_end(&w->out);
		flush_out(w);
	} else if (!strcmp(type, "config")) {
		apply_config(w, m);
	} else if (!strcmp(type, "stop")) {
		w->stopping = 1;
		w->qlen = 0;
	} else {
		die("the controller sent an unknown message '%s'", type);
	}
}

/* Reads what the controller sent; blocks only when asked to. */
static void
receive(struct worker *w, int block)
{
	char tmp[65536], err[128];
	struct hd_msg *m;
	ssize_t n;
	int r;

	for (;;) {
		struct pollfd p = { w->fd, POLLIN, 0 };

		if (!block && poll(&p, 1, 0) <= 0)
			return;
		n = read(w->fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->stopping = 1;	/* EOF: the controller wants us gone */
			w->qlen = 0;
			return;
		}
		hd_dec_feed(&w->dec, tmp, (size_t)n);
		while ((r = hd_dec_next(&w->dec, &m, err, sizeof(err))) > 0)
			handle(w, m);
		if (r < 0)
			die("garbage from the controller: %s", err);
		if (block)
			return;
	}
}

/* While a forked test runs: answer release and stop at once. */
static void
on_input(void *arg)
{
	receive(arg, 0);
}

static void
send_result(struct worker *w, size_t idx, const struct hd_result *res)
{
	struct buf *b = &w->out;

	hd_enc_begin(b, "result");
	hd_enc_fmt(b, "%zu", idx);
	hd_enc_str(b, hd_outcome_name(res->outcome));
	hd_enc_fmt(b, "%.6f", res->duration);
	hd_enc_mem(b, res->msg.data ? res->msg.data : "", res->msg.len);
	hd_enc_mem(b, res->out.data ? res->out.data : "", res->out.len);
	hd_enc_end(b);
	/*
	 * Written at once: were it held back and the worker then died, a passed
	 * item would be blamed for the crash. One write per item is cheap.
	 */
	flush_out(w);
}

static void
finish(struct worker *w)
{
	hd_runner_finish(&w->r);
	if (w->r.warnings.len) {
		hd_enc_begin(&w->out, "warning");
		hd_enc_mem(&w->out, w->r.warnings.data, w->r.warnings.len);
		hd_enc_end(&w->out);
	}
	hd_enc_begin(&w->out, "bye");
	hd_enc_end(&w->out);
	flush_out(w);
}

int
hd_worker_main(int fd, int capfd)
{
	struct worker w;
	struct hd_result res = { HD_NONE, 0, BUF_INIT, BUF_INIT };
	const struct hd_item *prev = NULL;

	memset(&w, 0, sizeof(w));
	w.fd = fd;
	hd_cloexec(fd);
	hd_dec_init(&w.dec);
	hd_runner_init(&w.r);
	if (capfd >= 0) {
		close(w.r.capfd);
		hd_cloexec(capfd);
		w.r.capfd = capfd;
	}
	w.r.protofd = fd;
	w.r.input_fd = fd;
	w.r.on_input = on_input;
	w.r.input_arg = &w;
	hd_collect(&w.items, &w.nitems);
	send_items(&w);
	while (!w.stopping || w.qlen) {
		const struct hd_item *it;
		size_t idx;

		if (!w.qlen) {
			receive(&w, 1);
			continue;
		}
		receive(&w, 0);
		hd_runner_poll_signals(&w.r);
		if (w.r.interrupted)
			break;
		if (!w.qlen)
			continue;
		idx = w.queue[w.qhead];
		it = &w.items[idx];
		w.qhead++, w.qlen--;
		/* Suite fixtures come down when the stream moves to another suite. */
		if (prev && (strcmp(prev->file, it->file) || strcmp(prev->t->suite, it->t->suite)))
			hd_runner_suite_done(&w.r, prev);
		hd_run_item(&w.r, it, &res);
		prev = it;
		send_result(&w, idx, &res);
		if (w.r.interrupted)
			break;
	}
	finish(&w);
	buf_clear(&res.msg);
	buf_clear(&res.out);
	buf_clear(&w.out);
	hd_dec_free(&w.dec);
	free(w.queue);
	hd_runner_free(&w.r);
	return 0;
}
