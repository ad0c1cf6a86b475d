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
#include <sys/mman.h>
#include <sys/stat.h>
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
	int asking;		/* this process waits for a reply */
	struct buf reply;	/* ... and here it is */
	int replied;
	/*
	 * An item runs (fixtures, test, result): a global fixture's teardown
	 * asked for meanwhile waits in due until it ends. Run at once it would
	 * share the item's record and capture file (the forked child's shared
	 * memory, or the in-process test's own) and corrupt its outcome.
	 */
	int busy;
	char **due;
	size_t ndue;
	struct hd_item *items;
	size_t nitems;
	struct hd_runner r;
	/*
	 * Batched results (docs/protocol.md, section 5): with isolation=none the
	 * results held back in out are mirrored here, in the controller's file,
	 * so that it can tell which item was running should this process die.
	 */
	unsigned char *batch;	/* the mapping; NULL: each result is sent at once */
	size_t batchcap;	/* bytes of messages it can hold */
	size_t held;		/* results held back, all of them in out */
	double held_since;	/* when the oldest of them ended */
	double held_timeout;	/* their items' timeout key */
	size_t low;		/* a queue shorter than this sends them (batch_before) */
	double next_poll;	/* in-process items: the socket is polled from then */
	/*
	 * config's hold=1 (-x, --maxfail): after a failure nothing starts until
	 * the controller has said to go on (an empty run) or to stop; owed is
	 * the failures it has not answered yet.
	 */
	size_t owed;
};

#define BATCH_HEADER 64		/* the length, then messages from this offset */
#define BATCH_AGE 0.05		/* seconds a result may be held back */
/*
 * Between in-process items the controller's socket is polled at most this
 * often (seconds): a poll() an item was a fifth of an empty test's cost, and
 * what the controller sends meanwhile (more items, a release, a stop) can
 * wait that long. An empty queue reads at once.
 */
#define POLL_EVERY 0.001

static NORETURN void
die(const char *fmt, const char *arg)
{
	hd_runner_settle();	/* fd 2 may point at the capture file */
	fprintf(stderr, "%s (worker): ", hd_progname);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	_exit(3);
}

static void
flush_out(struct worker *w)
{
	if (w->out.len && hd_write_all(w->fd, w->out.data, w->out.len) < 0) {
		if (errno == EPIPE || errno == ECONNRESET)
			hd_runner_orphaned();	/* the controller is gone */
		die("cannot write to the controller: %s", strerror(errno));
	}
	buf_reset(&w->out);
	if (w->held) {
		/* Sent: the controller must not take them again from the file. */
		__atomic_store_n((uint64_t *)(void *)w->batch, (uint64_t)0, __ATOMIC_RELEASE);
		w->held = 0;
	}
}

/* Maps the controller's file for held-back results, if it gave one. */
static void
batch_open(struct worker *w)
{
	const char *v = getenv("HERD_RESULTS_FD");
	struct stat st;
	void *p;
	int fd;

	if (!v || !*v)
		return;
	fd = atoi(v);
	unsetenv("HERD_RESULTS_FD");	/* not the tests' business */
	if (fd < 0)
		return;
	/* Mapped, the fd is needed no more: no test process inherits it. */
	if (fstat(fd, &st) == 0 && st.st_size >= 4096 &&
	    (p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, 0)) != MAP_FAILED) {
		w->batch = p;
		w->batchcap = (size_t)st.st_size - BATCH_HEADER;
		__atomic_store_n((uint64_t *)p, (uint64_t)0, __ATOMIC_RELEASE);
	}
	close(fd);
}

/*
 * Before item it starts: held-back results go out now if they are old, or if
 * their items' timeout differs from its (the controller times the running
 * item from the previous result it got, under that result's successor's
 * limit), or if the queue runs low: down to a quarter of what it held after
 * the last run message, then again before the last item. The controller
 * sends more as results come: it does so while those run, and the worker
 * does not wait for its round trip between two batches.
 */
static void
batch_before(struct worker *w, const struct hd_item *it)
{
	if (w->held && (w->qlen < w->low || it->t->timeout != w->held_timeout ||
			hd_now() - w->held_since > BATCH_AGE)) {
		flush_out(w);
		w->low = 1;
	}
}

/* FNV-1a 64 over each id and a LF, in order: docs/protocol.md, collected. */
static uint64_t
list_hash(const struct worker *w)
{
	uint64_t h = HD_FNV_BASIS;
	size_t i;

	for (i = 0; i < w->nitems; i++)
		h = hd_list_hash_add(h, w->items[i].id);
	return h;
}

static void
send_items(struct worker *w)
{
	struct buf *b = &w->out;
	char hash[24];
	const char *known = getenv("HERD_COLLECT_HASH");
	size_t i;
	int same;

	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)list_hash(w));
	/* The controller has this binary's list: the hash stands for it if it matches. */
	same = known && !strcmp(known, hash);
	unsetenv("HERD_COLLECT_HASH");	/* not the tests' business */
	hd_enc_begin(b, HD_MSG_HELLO);
	hd_enc_fmt(b, "%d", HD_PROTO_VERSION);
	hd_enc_fmt(b, "pid=%ld", (long)getpid());
	hd_enc_str(b, "impl=libherd/" HERD_VERSION);
	hd_enc_str(b, "hold=1");	/* it can wait after a failure (config's hold) */
	if (hd_registry_outside())
		hd_enc_str(b, "outside=1");
	hd_enc_end(b);
	for (i = 0; i < w->nitems && !same; i++) {
		const struct hd_item *it = &w->items[i];
		const struct herd_test *t = it->t;

		hd_enc_begin(b, HD_MSG_ITEM);
		hd_enc_str(b, it->id);
		hd_enc_kv(b, "file", it->file);
		if (t->line >= 0)
			hd_enc_uint(b, "line", (unsigned long long)t->line);
		else
			hd_enc_fmt(b, "line=%d", t->line);
		if (*t->suite)
			hd_enc_kv(b, "suite", t->suite);
		hd_enc_kv(b, "name", it->name);
		if (it->task)
			hd_enc_str(b, "kind=task");
		if (it->depends_on)
			hd_enc_kv(b, "depends_on", it->depends_on);
		if (it->produces)
			hd_enc_kv(b, "produces", it->produces);
		if (it->after)
			hd_enc_kv(b, "after", it->after);
		if (t->marks && *t->marks)
			hd_enc_kv(b, "marks", t->marks);
		if (t->timeout > 0)
			hd_enc_fmt(b, "timeout=%g", t->timeout);
		if (t->skip)
			hd_enc_kv(b, "skip", t->skip);
		if (t->xfail)
			hd_enc_kv(b, "xfail", t->xfail);
		if (t->strict)
			hd_enc_str(b, "strict=1");
		if (t->signal)
			hd_enc_fmt(b, "signal=%d", t->signal);
		if (t->exit_code || t->expect_exit)
			hd_enc_fmt(b, "exit_code=%d", t->exit_code);
		if (t->fixtures && *t->fixtures)
			hd_enc_kv(b, "fixtures", t->fixtures);
		if (it->group)
			hd_enc_kv(b, "group", it->group);
		if (it->strategy)
			hd_enc_kv(b, "strategy", hd_strategy_name(it->strategy));
		if (t->resources && *t->resources)
			hd_enc_kv(b, "resources", t->resources);
		if (t->exclusive)
			hd_enc_str(b, "exclusive=1");
		if (t->reruns)
			hd_enc_fmt(b, "reruns=%d", t->reruns);
		if (it->fxparam)
			hd_enc_kv(b, "fxparam", it->fxparam);
		if (it->wxparam)
			hd_enc_kv(b, "wxparam", it->wxparam);
		hd_enc_end(b);
		if (b->len > 65536)
			flush_out(w);
	}
	for (i = 0; i < hd_fixture_count() && !same; i++)
		if (hd_fixture_at(i)->scope == HERD_SCOPE_GLOBAL) {
			hd_enc_begin(b, HD_MSG_FIXTURE);
			hd_enc_str(b, hd_fixture_at(i)->name);
			hd_enc_str(b, "scope=global");
			hd_enc_end(b);
		}
	hd_enc_begin(b, HD_MSG_COLLECTED);
	hd_enc_uint(b, NULL, w->nitems);
	hd_enc_kv(b, "hash", hash);
	hd_enc_end(b);
	flush_out(w);
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

/* The controller's answers to requests of tests and of fixtures. */
static int
is_reply(const char *type)
{
	static const char *const replies[] = { HD_MSG_OK, HD_MSG_LOCKED, HD_MSG_FAIL, HD_MSG_BOARD,
					       HD_MSG_TRAIL, HD_MSG_FIXTURE };
	size_t i;

	for (i = 0; i < LEN(replies); i++)
		if (!strcmp(type, replies[i]))
			return 1;
	return 0;
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
	if ((v = hd_msg_kv(m, 1, "hold")))
		w->r.hold = !strcmp(v, "1");
	hd_spare_drop(&w->r);	/* prepared for the old settings */
}

/* Runs the global teardowns the controller asked for, in order, each answered. */
static void
global_teardowns(struct worker *w)
{
	struct buf why = BUF_INIT;
	size_t i;

	for (i = 0; i < w->ndue; i++) {
		int bad = hd_runner_global_teardown(&w->r, w->due[i], &why);

		hd_enc_begin(&w->out, HD_MSG_FIXTURE_TORN);
		hd_enc_str(&w->out, w->due[i]);
		hd_enc_str(&w->out, bad ? "failed" : "ok");
		hd_enc_mem(&w->out, why.data ? why.data : "", why.len);
		hd_enc_end(&w->out);
		flush_out(w);
		buf_reset(&why);
		free(w->due[i]);
	}
	w->ndue = 0;
	buf_clear(&why);
}

static void
handle(struct worker *w, const struct hd_msg *m)
{
	const struct hd_item *it;
	const char *type = m->f[0];
	size_t i, n;

	if (!strcmp(type, HD_MSG_RUN)) {
		/* None: the word to go on after a failure (hold). */
		if (m->nf == 1 && w->owed)
			w->owed--;
		for (i = 1; i < m->nf; i++) {
			if (hd_msg_size(m, i, &n) < 0 || n >= w->nitems)
				die("the controller sent a bad item index '%s'", m->f[i]);
			push(w, n);
		}
		w->low = w->qlen / 4 > 1 ? w->qlen / 4 : 1;
	} else if (!strcmp(type, HD_MSG_RELEASE)) {
		if (m->nf < 2 || hd_msg_size(m, 1, &n) < 0)
			die("the controller sent a bad release%s", "");
		/*
		 * The queue holds only unstarted items: the running one left it.
		 * One handed to the spare comes back last, if it has not started
		 * and the one before runs still (once that is reported, the
		 * controller takes the handed one to be running).
		 */
		hd_enc_begin(&w->out, HD_MSG_RELEASED);
		for (; n > 0 && w->qlen > 0; n--) {
			w->qlen--;
			hd_enc_uint(&w->out, NULL, w->queue[w->qhead + w->qlen]);
		}
		if (n > 0 && w->busy && (it = hd_spare_unhand(&w->r)) != NULL)
			hd_enc_uint(&w->out, NULL, it->index);
		hd_enc_end(&w->out);
		flush_out(w);
	} else if (!strcmp(type, HD_MSG_CONFIG)) {
		apply_config(w, m);
	} else if (!strcmp(type, HD_MSG_STOP)) {
		w->stopping = 1;
		w->qlen = 0;
		hd_spare_unhand(&w->r);
	} else if (is_reply(type)) {
		/* Replies come in the order of requests: a test's come first. */
		if (w->asking && !w->replied && !w->r.chan_stale && !w->r.chan_waiting) {
			buf_reset(&w->reply);
			hd_enc_begin(&w->reply, type);
			for (i = 1; i < m->nf; i++)
				hd_enc_mem(&w->reply, m->f[i], m->len[i]);
			hd_enc_end(&w->reply);
			w->replied = 1;
		} else {
			hd_chan_reply(&w->r, m);
		}
	} else if (!strcmp(type, HD_MSG_FIXTURE_TEARDOWN) && m->nf > 1) {
		w->due = xreallocarray(w->due, w->ndue + 1, sizeof(*w->due));
		w->due[w->ndue++] = xstrdup(m->f[1]);
		/* An item handed ahead may have started: it runs as it was forked. */
		if (!w->busy && !w->r.armed)
			global_teardowns(w);
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
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			/*
			 * The controller closes a worker's socket only once the
			 * worker is dead, so EOF means the controller is: nobody
			 * will read a result. The running test goes, and we go,
			 * rather than poll a hung-up socket until the test ends.
			 */
			hd_runner_orphaned();
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

/* What the controller sent meanwhile, if anything; see POLL_EVERY. */
static void
poll_controller(struct worker *w)
{
	if (w->r.isolation == HD_ISO_NONE && hd_now() < w->next_poll)
		return;
	receive(w, 0);
	if (w->r.isolation == HD_ISO_NONE)
		w->next_poll = hd_now() + POLL_EVERY;
}

/* A forked test's request, passed on as it came. */
static void
forward(void *arg, const struct hd_msg *m)
{
	struct worker *w = arg;
	size_t i;

	hd_enc_begin(&w->out, m->f[0]);
	for (i = 1; i < m->nf; i++)
		hd_enc_mem(&w->out, m->f[i], m->len[i]);
	hd_enc_end(&w->out);
	flush_out(w);
}

/* A request from this process: sent, then the channel is read until the reply. */
static void
ask(void *arg, const struct buf *req, struct buf *reply)
{
	struct worker *w = arg;

	buf_add(&w->out, req->data, req->len);
	flush_out(w);
	w->asking = 1;
	w->replied = 0;
	/* Other messages (run, release, stop) are handled as they come; EOF exits. */
	while (!w->replied)
		receive(w, 1);
	w->asking = 0;
	buf_reset(reply);
	buf_add(reply, w->reply.data, w->reply.len);
}

/*
 * The runner's next(): the queue's head, taken off it to be handed to the
 * spare ahead, if it may run right after running with nothing done here
 * in between; else NULL. A global teardown due waits for the queue's next
 * item, which this would start unseen.
 */
static const struct hd_item *
next_ready(void *arg, const struct hd_item *running)
{
	struct worker *w = arg;
	const struct hd_item *it;

	if (!w->qlen || w->ndue || w->stopping)
		return NULL;
	it = &w->items[w->queue[w->qhead]];
	if (it->t->skip || hd_item_serial(it) || !hd_fixtures_ready(&w->r, running, it))
		return NULL;
	w->qhead++, w->qlen--;
	return it;
}

/* While a forked test runs: answer release and stop at once. */
static void
on_input(void *arg)
{
	struct worker *w = arg;

	receive(w, 0);
	w->r.prefork = w->qlen > 0;	/* more came, or went back */
}

static void
encode_result(struct buf *b, size_t idx, const struct hd_result *res)
{
	hd_enc_begin(b, HD_MSG_RESULT);
	hd_enc_uint(b, NULL, idx);
	hd_enc_str(b, hd_outcome_name(res->outcome));
	hd_enc_seconds(b, res->duration);
	hd_enc_mem(b, res->msg.data ? res->msg.data : "", res->msg.len);
	hd_enc_mem(b, res->out.data ? res->out.data : "", res->out.len);
	hd_enc_end(b);
}

/*
 * The runner's keep(), in a forked item's child that ran to its end while
 * the next waits handed ahead: its result, appended to the controller's file
 * before the next child may start (the turn), so that the controller finds
 * it should that child kill this worker before it has sent the result. Appends follow the turns: only one
 * child at a time appends; the ticket of the last one is kept beside the
 * length, so that forget_kept() empties the file only of results it sent.
 */
static void
keep_result(void *arg, const struct hd_item *it, uint32_t ticket, const struct hd_result *res)
{
	struct worker *w = arg;
	uint64_t *head = (uint64_t *)(void *)w->batch;
	struct buf b = BUF_INIT;
	uint64_t len;

	encode_result(&b, it->index, res);
	len = __atomic_load_n(&head[0], __ATOMIC_ACQUIRE);
	if (len + b.len <= w->batchcap) {
		memcpy(w->batch + BATCH_HEADER + len, b.data, b.len);
		__atomic_store_n(&head[1], (uint64_t)ticket, __ATOMIC_RELEASE);
		__atomic_store_n(&head[0], len + b.len, __ATOMIC_RELEASE);
	}
	buf_clear(&b);
}

/*
 * The runner's claim(), as a forked item is given its slot: whose output
 * the controller's capture file holds, for the controller to show should
 * this worker die now. A child handed ahead writes to the spare's own file,
 * while the controller's may still hold the output of the one before.
 */
static void
claim_capture(void *arg, const struct hd_item *it, int mine)
{
	struct worker *w = arg;

	__atomic_store_n((uint64_t *)(void *)(w->batch + 16),
			 mine ? (uint64_t)it->index + 1 : UINT64_MAX, __ATOMIC_RELEASE);
}

/*
 * The forked item of ticket reported: the file is emptied if what it holds
 * ends with that item's result. A child handed ahead may append its own
 * meanwhile: then the length has moved, the swap fails, and both stay (the
 * controller skips results it has had already).
 */
static void
forget_kept(struct worker *w, uint32_t ticket)
{
	uint64_t *head = (uint64_t *)(void *)w->batch;
	uint64_t len = __atomic_load_n(&head[0], __ATOMIC_ACQUIRE);

	if (len && __atomic_load_n(&head[1], __ATOMIC_ACQUIRE) == ticket)
		__atomic_compare_exchange_n(&head[0], &len, (uint64_t)0, 0, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
}

static void
send_result(struct worker *w, size_t idx, const struct hd_result *res)
{
	struct buf *b = &w->out;

	encode_result(b, idx, res);
	/*
	 * Held back only where the controller can find it should we die before
	 * sending it, else a passed item would be blamed for the crash. A forked
	 * item's result goes at once: its fork costs far more than the write.
	 * A failure under hold goes at once too: the controller is to answer it.
	 */
	if (w->r.hold && hd_outcome_fails(res->outcome)) {
		w->owed++;
	} else if (w->batch && w->r.isolation == HD_ISO_NONE && b->len <= w->batchcap) {
		size_t old = w->held ? *(uint64_t *)(void *)w->batch : 0;

		memcpy(w->batch + BATCH_HEADER + old, b->data + old, b->len - old);
		__atomic_store_n((uint64_t *)(void *)w->batch, (uint64_t)b->len, __ATOMIC_RELEASE);
		if (!w->held++) {
			w->held_since = hd_now();
			w->held_timeout = w->items[idx].t->timeout;
		}
		return;
	}
	flush_out(w);
	if (w->r.keep && w->r.isolation == HD_ISO_FORK && w->r.done_ticket)
		forget_kept(w, w->r.done_ticket);
	w->r.done_ticket = 0;
}

static void
report_group(void *arg, const struct hd_item *it, struct hd_result *res)
{
	struct worker *w = arg;

	send_result(w, it->index, res);
}

static void
finish(struct worker *w)
{
	hd_runner_finish(&w->r);
	if (w->r.warnings.len) {
		hd_enc_begin(&w->out, HD_MSG_WARNING);
		hd_enc_mem(&w->out, w->r.warnings.data, w->r.warnings.len);
		hd_enc_end(&w->out);
	}
	hd_enc_begin(&w->out, HD_MSG_BYE);
	hd_enc_end(&w->out);
	flush_out(w);
}

/* The controller's pid, as it put it in the environment; 0 if unknown. */
static pid_t
controller_pid(void)
{
	const char *v = getenv("HERD_CONTROLLER_PID");
	pid_t pid = 0;
	char *end;
	long n;

	if (v && *v) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (!errno && !*end && n > 1)
			pid = (pid_t)n;
	}
	unsetenv("HERD_CONTROLLER_PID");	/* not the tests' business */
	return pid;
}

int
hd_worker_main(int fd, int capfd)
{
	struct worker w;
	struct hd_result res = { HD_NONE, 0, BUF_INIT, BUF_INIT };
	const struct hd_item *prev = NULL, **group = NULL;
	char err[512];

	/* First, before anything can block: we do not outlive the controller. */
	hd_runner_watch_parent(controller_pid());
	memset(&w, 0, sizeof(w));
	/* Mapped and closed first: the runner's fds take the numbers they always had. */
	batch_open(&w);
	w.fd = fd;
	hd_cloexec(fd);
	hd_dec_init(&w.dec);
	hd_runner_init(&w.r, capfd);
	w.r.protofd = fd;
	w.r.input_fd = fd;
	w.r.on_input = on_input;
	w.r.input_arg = &w;
	w.r.forward = forward;
	w.r.ask = ask;
	w.r.next = next_ready;
	w.r.worker = &w;
	if (w.batch) {
		w.r.keep = keep_result;
		w.r.claim = claim_capture;
	}
	hd_collect(&w.items, &w.nitems);
	if (hd_check_groups(w.items, w.nitems, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", hd_progname, err);
		_exit(4);
	}
	hd_registry_seal();
	send_items(&w);
	while (!w.stopping || w.qlen || w.r.armed) {
		const struct hd_item *it;
		size_t idx;

		if (!w.qlen && !w.r.armed) {
			hd_runner_settle();
			flush_out(&w);	/* held-back results, before we sleep */
			receive(&w, 1);
			continue;
		}
		poll_controller(&w);
		hd_runner_poll_signals(&w.r);
		if (w.r.interrupted)
			break;
		if (w.r.armed) {
			/* Handed to the spare ahead: it left the queue then. */
			it = w.r.armed;
			idx = it->index;
		} else if (w.qlen) {
			idx = w.queue[w.qhead];
			it = &w.items[idx];
			w.qhead++, w.qlen--;
		} else {
			continue;
		}
		batch_before(&w, it);
		w.busy = 1;
		/* Suite fixtures come down when the stream moves to another suite. */
		if (prev && (strcmp(prev->file, it->file) || strcmp(prev->t->suite, it->t->suite)))
			hd_runner_suite_done(&w.r, prev);
		if (w.r.isolation == HD_ISO_FORK && hd_item_serial(it)) {
			/* The group's items sent with it: one process for all. */
			size_t n = 1;

			group = xreallocarray(group, w.qlen + 1, sizeof(*group));
			group[0] = it;
			while (w.qlen && w.items[w.queue[w.qhead]].group &&
			       !strcmp(w.items[w.queue[w.qhead]].group, it->group)) {
				group[n++] = &w.items[w.queue[w.qhead]];
				w.qhead++, w.qlen--;
			}
			hd_run_group(&w.r, group, n, report_group, &w);
			prev = group[n - 1];
		} else {
			w.r.prefork = w.qlen > 0;
			hd_run_item(&w.r, it, &res);
			prev = it;
			send_result(&w, idx, &res);
		}
		w.busy = 0;
		while (w.owed && !w.stopping)
			receive(&w, 1);	/* after a failure, to go on or to stop */
		if (!w.r.armed)
			global_teardowns(&w);
		if (w.r.interrupted)
			break;
	}
	finish(&w);
	buf_clear(&res.msg);
	buf_clear(&res.out);
	buf_clear(&w.out);
	hd_dec_free(&w.dec);
	free(w.queue);
	free(group);
	free(w.due);
	if (w.batch)
		munmap(w.batch, w.batchcap + BATCH_HEADER);
	buf_clear(&w.reply);
	hd_runner_free(&w.r);
	return 0;
}
