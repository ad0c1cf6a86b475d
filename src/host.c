/*
 * host.c - the controller's side of remote workers (docs/remote.md): one
 * transport per host, started in a process group of its own, whose stdin
 * and stdout carry the frames of docs/protocol.md section 9.
 *
 * A remote worker is an ordinary struct worker with no fds and no pid: what
 * the loop writes for it goes into a D frame (host_worker_flush), what comes
 * in D, O and E frames goes where a local worker's reads go (feed_sock,
 * feed_output), and its X frame is its waitpid: the capture's tail and the
 * held-back results are written into its local files first, so death.c
 * reads them as for any worker. Frames for all of a host's workers are
 * written in one write a loop round.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "ini.h"
#include "loop.h"

#define EOF_GRACE 2.0		/* after its stream ends, a transport's exit says why */
#define BLOB_PIECE (1u << 20)

void
hosts_add_spec(struct ctl *c, const char *spec, int *nlocal)
{
	struct tx_spec t;
	char err[200];

	if (tx_parse(spec, &t, err, sizeof(err)) < 0) {
		char *line = xasprintf("--tx '%s': %s", spec, err);

		hd_usage_error("%s", line);
	}
	if (t.kind == TX_POPEN) {
		*nlocal += t.count;
		tx_spec_free(&t);
		return;
	}
	c->hosts = xreallocarray(c->hosts, c->nhosts + 1, sizeof(*c->hosts));
	memset(&c->hosts[c->nhosts], 0, sizeof(*c->hosts));
	c->hosts[c->nhosts].spec = t;
	c->hosts[c->nhosts].in = c->hosts[c->nhosts].out = c->hosts[c->nhosts].err = -1;
	c->nhosts++;
}

int
hosts_layout(struct ctl *c, int nlocal)
{
	int slot = nlocal;
	size_t i;

	for (i = 0; i < c->nhosts; i++) {
		c->hosts[i].first_slot = slot;
		c->hosts[i].nslots = c->hosts[i].spec.count;
		slot += c->hosts[i].spec.count;
	}
	return slot;
}

struct host *
slot_host(const struct ctl *c, int slot)
{
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		if (slot >= c->hosts[i].first_slot &&
		    slot < c->hosts[i].first_slot + c->hosts[i].nslots)
			return &c->hosts[i];
	return NULL;
}

int
slot_down(const struct ctl *c, int slot)
{
	struct host *h = slot_host(c, slot);

	return h && h->lost;
}

char *
hosts_summary(const struct ctl *c)
{
	struct buf b = BUF_INIT;
	size_t i;
	int local = c->nhosts ? c->hosts[0].first_slot : c->nslots;

	if (!c->nhosts)
		return NULL;
	if (local > c->nslots)
		local = c->nslots;
	if (local > 0)
		buf_printf(&b, "local %d", local);
	for (i = 0; i < c->nhosts; i++) {
		int n = c->hosts[i].nslots;

		if (c->hosts[i].first_slot + n > c->nslots)
			n = c->nslots - c->hosts[i].first_slot;
		if (n > 0)
			buf_printf(&b, "%s%s %d", b.len ? ", " : "", c->hosts[i].spec.label, n);
	}
	return buf_detach(&b, NULL);
}

/* ---- the stream ---- */

/* The remote worker on h's channel chan, among the slots' and the parked ones. */
static struct worker *
chan_worker(struct ctl *c, struct host *h, uint32_t chan)
{
	size_t i;

	for (i = 0; i < (size_t)c->nslots; i++)
		if (worker_alive(&c->w[i]) && c->w[i].host == h && c->w[i].chan == chan)
			return &c->w[i];
	for (i = 0; i < c->npark; i++)
		if (worker_alive(&c->park[i]) && c->park[i].host == h && c->park[i].chan == chan)
			return &c->park[i];
	return NULL;
}

static void
host_write(struct host *h)
{
	while (h->in >= 0 && h->greeted && h->obuf.len) {
		ssize_t n = write(h->in, h->obuf.data, h->obuf.len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			buf_reset(&h->obuf);	/* gone: its end of stream or exit says why */
			return;
		}
		if (n <= 0)
			return;
		memmove(h->obuf.data, h->obuf.data + n, h->obuf.len - (size_t)n);
		h->obuf.len -= (size_t)n;
	}
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* What the transport printed on stderr, a line at a time, prefixed by the host. */
static void
host_errline(struct host *h, const char *p, size_t n, int end)
{
	char *nl;

	buf_add(&h->errline, p, n);
	while ((nl = memchr(h->errline.data, '\n', h->errline.len))) {
		size_t k = (size_t)(nl - h->errline.data) + 1;

		fprintf(stderr, "[%s] %.*s", h->spec.label, (int)k, h->errline.data);
		memmove(h->errline.data, h->errline.data + k, h->errline.len - k);
		h->errline.len -= k;
	}
	if (end && h->errline.len) {
		fprintf(stderr, "[%s] %.*s\n", h->spec.label, (int)h->errline.len, h->errline.data);
		buf_reset(&h->errline);
	}
}

/*
 * The host is down: its transport is killed, its workers die with "lost
 * connection to HOST: why", and no worker starts there again.
 */
static void
host_lost(struct ctl *c, struct host *h, const char *fmt, ...)
{
	struct buf why = BUF_INIT;
	va_list ap;
	size_t i;

	if (h->lost)
		return;
	va_start(ap, fmt);
	buf_vprintf(&why, fmt, ap);
	va_end(ap);
	h->lost = buf_detach(&why, NULL);
	if (h->pid > 0)
		kill(-h->pid, SIGKILL);
	close_fd(&h->in);
	close_fd(&h->out);
	if (h->err >= 0) {
		/* What ssh said before it went is the most useful line. */
		char tmp[4096];
		ssize_t n;

		while ((n = read(h->err, tmp, sizeof(tmp))) > 0)
			host_errline(h, tmp, (size_t)n, 0);
		host_errline(h, "", 0, 1);
		close_fd(&h->err);
	}
	if (!h->ending)
		fprintf(stderr, "herd: lost connection to %s: %s\n", h->spec.label, h->lost);
	for (i = 0; i < (size_t)c->nslots + c->npark; i++) {
		struct worker *w = i < (size_t)c->nslots ? &c->w[i] : &c->park[i - (size_t)c->nslots];

		if (!worker_alive(w) || w->host != h)
			continue;
		free(w->why_remote);
		w->why_remote = xasprintf("lost connection to %s: %s", h->spec.label, h->lost);
		w->host_lost = 1;
		worker_gone(c, w, SIGKILL);
	}
}

/* The transport's argv[0], for "ssh exited with status 255". */
static const char *
transport_name(const struct host *h)
{
	const char *s = h->spec.kind == TX_SSH ? getenv("HERD_SSH") : h->spec.command, *e;
	static char name[64];

	if (!s || !*s)
		s = "ssh";
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strcspn(s, " \t");
	snprintf(name, sizeof(name), "%.*s", (int)(e - s), s);
	return name;
}

int
hosts_reaped(struct ctl *c, pid_t pid, int status)
{
	char sig[32];
	size_t i;

	for (i = 0; i < c->nhosts; i++) {
		struct host *h = &c->hosts[i];

		if (h->pid != pid)
			continue;
		h->pid = 0;
		h->status = status;
		if (WIFSIGNALED(status))
			host_lost(c, h, "%s killed by %s", transport_name(h),
				  hd_signame(WTERMSIG(status), sig, sizeof(sig)));
		else
			host_lost(c, h, "%s exited with status %d", transport_name(h),
				  WEXITSTATUS(status));
		return 1;
	}
	return 0;
}

/* ---- binaries ---- */

static void
ensure_hash(struct binary *b)
{
	if (!b->content[0] && file_hash(b->path, b->content, NULL) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "cannot read %s to send it:", b->path);
}

/* N: the relay lacks a binary; it is sent whole, in pieces, then F. */
static void
ship(struct ctl *c, struct host *h, const char *hash, size_t n)
{
	struct binary *b = NULL;
	char *data;
	size_t len, off;
	size_t i;

	for (i = 0; i < c->nbins && !b; i++)
		if (c->bins[i].content[0] && n == HASH_HEX && !memcmp(c->bins[i].content, hash, n))
			b = &c->bins[i];
	if (!b) {
		host_lost(c, h, "asked for a binary it was never sent");
		return;
	}
	if (!(data = hd_read_file(b->path, &len)))
		hd_fatal(HD_EXIT_INTERNAL, "cannot read %s to send it:", b->path);
	if (!c->quiet)
		fprintf(stderr, "herd: %s: sending %s (%zu bytes)\n", h->spec.label, b->path, len);
	for (off = 0; off < len; off += BLOB_PIECE)
		frame_put(&h->obuf, FR_BLOB, 0, data + off, len - off < BLOB_PIECE ? len - off : BLOB_PIECE);
	frame_put(&h->obuf, FR_BLOB_END, 0, b->content, HASH_HEX);
	free(data);
}

/* ---- workers ---- */

void
host_worker_start(struct ctl *c, struct worker *w, struct binary *b, char **env, size_t nenv,
		  char **args, size_t nargs)
{
	struct host *h = slot_host(c, w->slot);
	struct buf m = BUF_INIT;
	size_t i;

	ensure_hash(b);
	w->host = h;
	w->chan = ++h->next_chan;
	w->pid = 0;
	free(w->why_remote);
	w->why_remote = NULL;
	w->host_lost = 0;
	hd_enc_begin(&m, "start");
	hd_enc_str(&m, b->content);
	hd_enc_str(&m, b->path);
	hd_enc_fmt(&m, "%zu", nargs);
	for (i = 0; i < nargs; i++)
		hd_enc_str(&m, args[i]);
	for (i = 0; i < nenv; i++)
		hd_enc_str(&m, env[i]);
	hd_enc_end(&m);
	frame_put(&h->obuf, FR_START, w->chan, m.data, m.len);
	buf_clear(&m);
}

void
host_worker_signal(struct worker *w, int sig)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", sig);
	if (!w->host->lost)
		frame_put(&w->host->obuf, FR_KILL, w->chan, num, strlen(num));
}

void
host_worker_flush(struct worker *w)
{
	size_t off;

	if (!w->host->lost)
		for (off = 0; off < w->wbuf.len; off += FRAME_MAX)
			frame_put(&w->host->obuf, FR_DATA, w->chan, w->wbuf.data + off,
				  w->wbuf.len - off < FRAME_MAX ? w->wbuf.len - off : FRAME_MAX);
	buf_reset(&w->wbuf);
	host_write(w->host);
}

/*
 * X: the worker is dead. Its capture's tail and held-back results go into
 * its local files, where death.c looks, and its death is handled at once:
 * everything it wrote came in the frames before this one.
 */
static void
on_exit_frame(struct ctl *c, struct host *h, struct worker *w, const struct frame *f)
{
	struct hd_dec dec;
	struct hd_msg *m;
	char err[160];
	size_t code;
	uint64_t len;
	int status;

	hd_dec_init(&dec);
	hd_dec_feed(&dec, f->p, f->n);
	if (hd_dec_next(&dec, &m, err, sizeof(err)) != 1 || m->nf < 5 ||
	    hd_msg_size(m, 2, &code) < 0 || code > 255) {
		hd_dec_free(&dec);
		host_lost(c, h, "broke the framing: an exit frame that does not parse");
		return;
	}
	status = !strcmp(m->f[1], "killed") ? (int)code : (int)code << 8;
	if (w->capfd < 0 && m->len[3])
		w->capfd = make_capture();
	if (w->capfd >= 0)
		hd_write_all(w->capfd, m->f[3], m->len[3]);
	len = m->len[4];
	if (w->resfd < 0 && len)
		w->resfd = make_results();
	if (w->resfd > 2 && len && len <= RESULTS_SIZE - RESULTS_HEADER &&
	    pwrite(w->resfd, m->f[4], (size_t)len, RESULTS_HEADER) == (ssize_t)len)
		pwrite(w->resfd, &len, sizeof(len), 0);
	hd_dec_free(&dec);
	end_output(w, &w->outline, c->capture ? stderr : stdout);
	end_output(w, &w->errline, stderr);
	worker_gone(c, w, status);
}

/* W: a line about the host, or about a worker that could not start. */
static void
on_warn(struct ctl *c, struct host *h, const struct frame *f)
{
	struct hd_dec dec;
	struct hd_msg *m;
	struct worker *w;
	char err[160];

	hd_dec_init(&dec);
	hd_dec_feed(&dec, f->p, f->n);
	if (hd_dec_next(&dec, &m, err, sizeof(err)) == 1 && m->nf > 1) {
		if (f->chan && (w = chan_worker(c, h, f->chan))) {
			free(w->why_remote);
			w->why_remote = xasprintf("on %s: %s", h->spec.label, m->f[1]);
		} else {
			fprintf(stderr, "herd: %s: %s\n", h->spec.label, m->f[1]);
		}
	}
	hd_dec_free(&dec);
}

static void
on_frame(struct ctl *c, struct host *h, const struct frame *f)
{
	struct worker *w = f->chan ? chan_worker(c, h, f->chan) : NULL;

	switch (f->type) {
	case FR_DATA:
		if (w)
			feed_sock(c, w, f->p, f->n);
		break;
	case FR_STDOUT:
		if (w)
			feed_output(c, w, &w->outline, c->capture ? stderr : stdout, f->p, f->n);
		break;
	case FR_STDERR:
		if (w)
			feed_output(c, w, &w->errline, stderr, f->p, f->n);
		break;
	case FR_EXIT:
		if (w)
			on_exit_frame(c, h, w, f);
		break;
	case FR_NEED:
		ship(c, h, f->p, f->n);
		break;
	case FR_WARN:
		on_warn(c, h, f);
		break;
	case FR_PING:
		break;
	default:
		host_lost(c, h, "broke the framing: a frame of type '%c'", f->type);
	}
}

/* Bytes before the greeting: chatter to show, then the stream. */
static void
greet(struct ctl *c, struct host *h, const char *p, size_t n)
{
	char *at, *nl;

	buf_add(&h->pre, p, n);
	if (!(at = memmem(h->pre.data, h->pre.len, FRAME_GREETING, strlen(FRAME_GREETING)))) {
		/* Another herd's relay greets with another version: say so, not "no answer". */
		char *other = memmem(h->pre.data, h->pre.len, "herd-relay ", 11);

		if (other && (other == h->pre.data || other[-1] == '\n') &&
		    memchr(other, '\n', (size_t)(h->pre.data + h->pre.len - other)))
			host_lost(c, h, "its herd speaks another framing (%.*s), this one 1",
				  (int)strcspn(other, "\n"), other);
		else if (h->pre.len > 65536)
			host_lost(c, h, "no greeting from herd --remote-worker in what it said");
		return;
	}
	for (p = h->pre.data; p < at; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(at - p));
		if (!nl)
			nl = at - 1;
		fprintf(stderr, "[%s] %.*s\n", h->spec.label, (int)(nl - p), p);
	}
	h->greeted = 1;
	at += strlen(FRAME_GREETING);
	frame_dec_feed(&h->dec, at, (size_t)(h->pre.data + h->pre.len - at));
	buf_clear(&h->pre);
	host_write(h);
}

static void
host_read(struct ctl *c, struct host *h)
{
	char tmp[65536], err[128];
	struct frame f;
	ssize_t n;
	int k;

	n = read(h->out, tmp, sizeof(tmp));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* Its exit, reaped soon, says more than "end of stream". */
		close_fd(&h->out);
		h->eof_at = hd_now();
		return;
	}
	h->last_read = hd_now();
	if (!h->greeted) {
		greet(c, h, tmp, (size_t)n);
		if (!h->greeted || h->lost)
			return;
	} else {
		frame_dec_feed(&h->dec, tmp, (size_t)n);
	}
	while (!h->lost && (k = frame_next(&h->dec, &f, err, sizeof(err))) == 1)
		on_frame(c, h, &f);
	if (!h->lost && k < 0)
		host_lost(c, h, "broke the framing: %s", err);
}

static void
host_read_err(struct host *h)
{
	char tmp[4096];
	ssize_t n = read(h->err, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		host_errline(h, "", 0, 1);
		close_fd(&h->err);
		return;
	}
	host_errline(h, tmp, (size_t)n, 0);
}

size_t
hosts_pollfds(struct ctl *c, struct pollfd *pfd)
{
	size_t i, n = 0;

	for (i = 0; i < c->nhosts; i++) {
		struct host *h = &c->hosts[i];

		host_write(h);
		/* Only with something to write: a write end whose reader is gone is
		 * always ready (POLLERR), and ppoll would never let SIGCHLD in. */
		pfd[n].fd = h->greeted && h->obuf.len ? h->in : -1;
		pfd[n++].events = POLLOUT;
		pfd[n].fd = h->out;
		pfd[n++].events = POLLIN;
		pfd[n].fd = h->err;
		pfd[n++].events = POLLIN;
	}
	return n;
}

void
hosts_handle(struct ctl *c, const struct pollfd *pfd, size_t n)
{
	size_t i;

	for (i = 0; i < n / 3 && i < c->nhosts; i++) {
		struct host *h = &c->hosts[i];

		if (pfd[3 * i].revents & POLLOUT)
			host_write(h);
		else if (pfd[3 * i].revents && pfd[3 * i].fd == h->in)
			close_fd(&h->in);	/* its reader is gone: the stream's end says why */
		if (pfd[3 * i + 1].revents && pfd[3 * i + 1].fd == h->out && h->out >= 0)
			host_read(c, h);
		if (pfd[3 * i + 2].revents && pfd[3 * i + 2].fd == h->err && h->err >= 0)
			host_read_err(h);
	}
}

void
hosts_tick(struct ctl *c, double now)
{
	double t = c->tx_timeout;
	size_t i;

	for (i = 0; i < c->nhosts; i++) {
		struct host *h = &c->hosts[i];

		if (h->lost || h->ending)
			continue;
		if (h->eof_at && now >= h->eof_at + EOF_GRACE)
			host_lost(c, h, "end of stream");
		else if (!h->greeted && now >= h->started + t)
			host_lost(c, h, "no answer within %gs", t);
		else if (h->greeted && now >= h->last_read + t)
			host_lost(c, h, "no heartbeat for %gs", t);
		else if (h->greeted && now >= h->last_ping + t / 4) {
			frame_put(&h->obuf, FR_PING, 0, NULL, 0);
			h->last_ping = now;
			host_write(h);
		}
	}
}

double
hosts_deadline(const struct ctl *c)
{
	double next = 0, d, t = c->tx_timeout;
	size_t i;

	for (i = 0; i < c->nhosts; i++) {
		const struct host *h = &c->hosts[i];

		if (h->lost || (h->ending && !h->eof_at))
			continue;
		if (h->eof_at)
			d = h->eof_at + EOF_GRACE;
		else if (!h->greeted)
			d = h->started + t;
		else
			d = h->last_ping + t / 4 < h->last_read + t ? h->last_ping + t / 4 :
			    h->last_read + t;
		if (!next || d < next)
			next = d;
	}
	return next;
}

/* ---- starting and ending ---- */

extern char **environ;

/* Starts h's transport with its stdin, stdout and stderr on pipes. */
static void
host_start(struct ctl *c, struct host *h)
{
	char err[200], **argv;
	const char *ssh = getenv("HERD_SSH");
	int in[2], out[2], er[2], e;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;

	h->started = h->last_read = h->last_ping = hd_now();
	frame_dec_init(&h->dec);
	/* H goes first; nothing is written before the greeting. */
	{
		struct buf m = BUF_INIT;

		hd_enc_begin(&m, "hello");
		hd_enc_str(&m, "1");
		hd_enc_fmt(&m, "timeout=%g", c->tx_timeout);
		hd_enc_end(&m);
		frame_put(&h->obuf, FR_HELLO, 0, m.data, m.len);
		buf_clear(&m);
	}
	if (!(argv = tx_argv(&h->spec, ssh && *ssh ? ssh : "ssh", err, sizeof(err)))) {
		host_lost(c, h, "%s: %s", h->spec.kind == TX_SSH ? "HERD_SSH" : "the command", err);
		return;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(er, O_CLOEXEC) < 0)
		hd_fatal(HD_EXIT_INTERNAL, "cannot create a transport's pipes:");
	/* Its own process group: a Ctrl-C reaches the controller, which winds the run down. */
	if (!(e = hd_spawnattr_group(&at))) {
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
		posix_spawn_file_actions_adddup2(&fa, out[1], 1);
		posix_spawn_file_actions_adddup2(&fa, er[1], 2);
		fflush(NULL);
		e = posix_spawnp(&h->pid, argv[0], &fa, &at, argv, environ);
		posix_spawnattr_destroy(&at);
		posix_spawn_file_actions_destroy(&fa);
	}
	close(in[0]);
	close(out[1]);
	close(er[1]);
	h->in = in[1];
	h->out = out[0];
	h->err = er[0];
	hd_nonblock(h->in, 1);
	hd_nonblock(h->out, 1);
	hd_nonblock(h->err, 1);
	if (e) {
		h->pid = 0;
		host_lost(c, h, "cannot run %s: %s", argv[0], strerror(e));
	}
	hd_args_free(argv);
}

static int
hosts_waiting(const struct ctl *c)
{
	size_t i;

	for (i = 0; i < c->nhosts; i++)
		if (!c->hosts[i].lost && !c->hosts[i].greeted)
			return 1;
	return 0;
}

void
hosts_connect(struct ctl *c)
{
	size_t i;

	signals_init();
	for (i = 0; i < c->nhosts; i++)
		host_start(c, &c->hosts[i]);
	while (hosts_waiting(c) && !c->interrupted)
		poll_once(c);
}

void
hosts_end(struct ctl *c)
{
	double until = hd_now() + c->grace + 1;
	size_t i;
	int left;

	for (i = 0; i < c->nhosts; i++) {
		struct host *h = &c->hosts[i];

		/* End of file on its stdin: the relay kills what is left and exits. */
		h->ending = 1;
		close_fd(&h->in);
	}
	do {
		left = 0;
		for (i = 0; i < c->nhosts; i++)
			left |= c->hosts[i].pid > 0;
		if (left && hd_now() < until)
			poll_once(c);
	} while (left && hd_now() < until);
	for (i = 0; i < c->nhosts; i++) {
		struct host *h = &c->hosts[i];
		int status;

		if (h->pid > 0) {
			kill(-h->pid, SIGKILL);
			while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
				;
			h->pid = 0;
		}
		close_fd(&h->out);
		close_fd(&h->err);
	}
}
