/*
 * relay.c - herd --remote-worker: the far side of a --tx host. It reads
 * frames on stdin (docs/protocol.md, section 9), starts the test binaries
 * it is asked for, each a worker in a process group of its own with the
 * environment of docs/protocol.md section 1, and carries their protocol
 * channel, stdout and stderr back on stdout. Binaries come from a private
 * cache folder, shipped once and executed only once their hash matched.
 *
 * One ppoll() loop, SIGCHLD unblocked only inside it, as the controller's:
 * a worker's death is learnt from waitpid, and its X frame goes after
 * everything it wrote that could still be read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <unistd.h>
#include <xxhash.h>

#include "frame.h"
#include "proto.h"
#include "remote.h"

#define RELAY_TAIL 8192		/* capture bytes sent with a death, as the controller shows */
#define RELAY_RESULTS 65536	/* the results file: as src/loop.h's RESULTS_SIZE */
#define RELAY_RESULTS_HEADER 64
#define RELAY_BACKLOG (4u << 20)	/* stop reading workers while this much waits for stdout */
#define ERRHEAD 1024		/* stderr kept to recognise the loader's complaint */

enum rstate { R_FREE, R_WAITING, R_RUNNING };

struct rworker {
	enum rstate state;
	uint32_t chan;
	pid_t pid;
	int sock, out, err, cap, res;
	char hash[HASH_HEX + 1];
	char *start;		/* the S payload, kept while the binary is on its way */
	size_t startlen;
	struct buf wbuf;	/* for its channel */
	int spoke;		/* wrote on its channel: past the loader */
	char errhead[ERRHEAD];
	size_t nerrhead;
};

static struct relay {
	struct rworker *w;
	size_t nw;
	struct buf obuf;	/* to stdout */
	struct frame_dec dec;
	char *cache;		/* the cache folder */
	char **verified;	/* hashes checked in this session */
	size_t nverified;
	char **asked;		/* hashes asked for with N, not yet come */
	size_t nasked;
	int blobfd;		/* the binary on its way, in the cache */
	char *blobtmp;
	double timeout, last_read, last_ping;
	int in_eof;
} r;

static volatile sig_atomic_t got_chld;

static void
on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

/* A line for the user about the host (chan 0) or a worker. */
static void
relay_warn(uint32_t chan, const char *fmt, ...)
{
	struct buf b = BUF_INIT, t = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&t, fmt, ap);
	va_end(ap);
	hd_enc_begin(&b, "warning");
	hd_enc_str(&b, t.data);
	hd_enc_end(&b);
	frame_put(&r.obuf, FR_WARN, chan, b.data, b.len);
	buf_clear(&b);
	buf_clear(&t);
}

/* $XDG_CACHE_HOME/herd/bin or ~/.cache/herd/bin, made 0700; NULL with why in err. */
static char *
cache_dir(struct buf *err)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *base, *herd, *bin;
	struct stat st;

	if (x && x[0] == '/')
		base = xstrdup(x);
	else if (home && home[0] == '/')
		base = xasprintf("%s/.cache", home);
	else {
		buf_printf(err, "no cache folder: neither XDG_CACHE_HOME nor HOME is an absolute path");
		return NULL;
	}
	herd = xasprintf("%s/herd", base);
	bin = xasprintf("%s/bin", herd);
	mkdir(base, 0700);
	mkdir(herd, 0700);
	mkdir(bin, 0700);
	free(base);
	free(herd);
	if (lstat(bin, &st) < 0 || !S_ISDIR(st.st_mode)) {
		buf_printf(err, "cannot make the cache folder %s: %s", bin,
			   errno ? strerror(errno) : "not a folder");
		free(bin);
		return NULL;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077)) {
		buf_printf(err, "cache folder %s is not private (mode %04o%s): chmod 700 it", bin,
			   (unsigned)(st.st_mode & 07777), st.st_uid != geteuid() ? ", another owner" : "");
		free(bin);
		return NULL;
	}
	return bin;
}

static int
has(char **v, size_t n, const char *hash)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], hash))
			return 1;
	return 0;
}

static char **
add(char **v, size_t *n, const char *hash)
{
	v = xreallocarray(v, *n + 1, sizeof(*v));
	v[(*n)++] = xstrdup(hash);
	return v;
}

/* The cached binary of hash, checked once a session: 1 usable, 0 missing or changed. */
static int
cached(const char *hash)
{
	char *path, got[HASH_HEX + 1];
	int ok;

	if (has(r.verified, r.nverified, hash))
		return 1;
	path = xasprintf("%s/%s", r.cache, hash);
	ok = file_hash(path, got, NULL) == 0 && !strcmp(got, hash);
	if (!ok)
		unlink(path);	/* changed in the cache: never run, asked for again */
	free(path);
	if (ok)
		r.verified = add(r.verified, &r.nverified, hash);
	return ok;
}

static struct rworker *
find(uint32_t chan)
{
	size_t i;

	for (i = 0; i < r.nw; i++)
		if (r.w[i].state != R_FREE && r.w[i].chan == chan)
			return &r.w[i];
	return NULL;
}

static struct rworker *
slot(void)
{
	size_t i;

	for (i = 0; i < r.nw; i++)
		if (r.w[i].state == R_FREE)
			return &r.w[i];
	r.w = xreallocarray(r.w, r.nw + 1, sizeof(*r.w));
	memset(&r.w[r.nw], 0, sizeof(*r.w));
	return &r.w[r.nw++];
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
release(struct rworker *w)
{
	close_fd(&w->sock);
	close_fd(&w->out);
	close_fd(&w->err);
	close_fd(&w->cap);
	close_fd(&w->res);
	free(w->start);
	w->start = NULL;
	buf_clear(&w->wbuf);
	w->state = R_FREE;
	w->pid = 0;
}

/* The X frame: how it ended, its capture's tail, its held-back results. */
static void
send_exit(struct rworker *w, int status)
{
	struct buf b = BUF_INIT;
	char tail[RELAY_TAIL], *held = NULL;
	uint64_t len = 0;
	ssize_t nt = 0;
	struct stat st;

	if (w->cap >= 0 && fstat(w->cap, &st) == 0 && st.st_size > 0) {
		off_t from = st.st_size > RELAY_TAIL ? st.st_size - RELAY_TAIL : 0;

		nt = pread(w->cap, tail, (size_t)(st.st_size - from), from);
	}
	if (w->res >= 0 && pread(w->res, &len, sizeof(len), 0) == (ssize_t)sizeof(len) && len &&
	    len <= RELAY_RESULTS - RELAY_RESULTS_HEADER) {
		held = xmalloc((size_t)len);
		if (pread(w->res, held, (size_t)len, RELAY_RESULTS_HEADER) != (ssize_t)len)
			len = 0;
	} else {
		len = 0;
	}
	hd_enc_begin(&b, "exit");
	hd_enc_str(&b, WIFSIGNALED(status) ? "killed" : "exited");
	hd_enc_fmt(&b, "%d", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	hd_enc_mem(&b, tail, nt > 0 ? (size_t)nt : 0);
	hd_enc_mem(&b, held ? held : "", (size_t)len);
	hd_enc_end(&b);
	frame_put(&r.obuf, FR_EXIT, w->chan, b.data, b.len);
	buf_clear(&b);
	free(held);
}

/* A worker that never spoke and exited 127: the loader's complaint, in one line. */
static void
loader_check(struct rworker *w, int status)
{
	static const char key[] = "error while loading shared libraries: ";
	char *p, *end;

	if (w->spoke || !WIFEXITED(status) || WEXITSTATUS(status) != 127)
		return;
	w->errhead[w->nerrhead < ERRHEAD ? w->nerrhead : ERRHEAD - 1] = '\0';
	if (!(p = strstr(w->errhead, key)))
		return;
	p += sizeof(key) - 1;
	end = p + strcspn(p, ":\n");
	relay_warn(w->chan, "missing shared library %.*s", (int)(end - p), p);
}

/* Reads what fd holds into frames of type on w's channel; 0 at EOF or error. */
static int
pump(struct rworker *w, int *fd, int type)
{
	for (;;) {
		size_t at = frame_begin(&r.obuf, type, w->chan);
		ssize_t n;

		buf_grow(&r.obuf, 65536);
		n = read(*fd, r.obuf.data + r.obuf.len, 65536);
		if (n < 0 && errno == EINTR) {
			r.obuf.len = at;
			continue;
		}
		if (n <= 0) {
			r.obuf.len = at;
			if (n == 0 || errno != EAGAIN)
				close_fd(fd);
			return n < 0 && errno == EAGAIN;
		}
		if (type == FR_DATA)
			w->spoke = 1;
		if (type == FR_STDERR && w->nerrhead < ERRHEAD) {
			size_t k = (size_t)n < ERRHEAD - w->nerrhead ? (size_t)n : ERRHEAD - w->nerrhead;

			memcpy(w->errhead + w->nerrhead, r.obuf.data + r.obuf.len, k);
			w->nerrhead += k;
		}
		r.obuf.len += (size_t)n;
		frame_end(&r.obuf, at);
		if ((size_t)n < 65536)
			return 1;
	}
}

/* Everything a dead worker wrote that can be read now (a grandchild may hold its pipes). */
static void
drain(struct rworker *w)
{
	if (w->sock >= 0)
		pump(w, &w->sock, FR_DATA);
	if (w->out >= 0)
		pump(w, &w->out, FR_STDOUT);
	if (w->err >= 0)
		pump(w, &w->err, FR_STDERR);
}

static void
reap(void)
{
	int status;
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < r.nw; i++) {
			struct rworker *w = &r.w[i];

			if (w->state != R_RUNNING || w->pid != pid)
				continue;
			kill(-pid, SIGKILL);	/* whatever it left behind */
			drain(w);
			loader_check(w, status);
			send_exit(w, status);
			release(w);
		}
	}
}

static int
memfd(const char *name, size_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd >= 0 && size && ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

extern char **environ;

/* The relay's environment without the worker variables, then add[]. */
static char **
worker_env(char **addv, size_t nadd)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = xcalloc(n + nadd + 1, sizeof(*env));
	for (i = 0; i < n; i++)
		if (!hd_worker_var(environ[i]))	/* the relay's own values go */
			env[j++] = environ[i];
	for (i = 0; i < nadd; i++)
		env[j++] = addv[i];
	return env;
}

/* Fails w before it started: the reason, and a death with status 127. */
static void
start_failed(struct rworker *w, const char *why)
{
	relay_warn(w->chan, "%s", why);
	send_exit(w, 127 << 8);
	release(w);
}

/* fd moved above the fds a worker gets (0 to 5), so that no dup2 overwrites another. */
static int
high(int fd)
{
	int h = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 10) : -1;

	if (fd >= 0)
		close(fd);
	return h;
}

/* posix_spawn's file actions and attributes for a worker given fds (0: none). */
static int
spawn_worker(pid_t *pid, char *path, char **argv, char **env, const int fds[6])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int k, e;

	/* SIGPIPE, ignored here, is back at its default in the tests. */
	if ((e = hd_spawnattr_group(&at)))
		return e;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	for (k = 1; k < 6; k++)
		if (fds[k] >= 0)
			posix_spawn_file_actions_adddup2(&fa, fds[k], k);
	e = posix_spawn(pid, path, &fa, &at, argv, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return e;
}

/* Starts w from its S payload: start, hash, name, nargs, args..., env... */
static void
spawn(struct rworker *w)
{
	struct hd_dec dec;
	struct hd_msg *m;
	char err[160], *path, **argv, **add, **env, pidvar[48], why[300];
	int sv[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 }, e;
	size_t nargs, i, nadd = 0;

	hd_dec_init(&dec);
	hd_dec_feed(&dec, w->start, w->startlen);
	if (hd_dec_next(&dec, &m, err, sizeof(err)) != 1 || m->nf < 4 ||
	    hd_msg_size(m, 3, &nargs) < 0 || nargs > m->nf - 4) {
		hd_dec_free(&dec);
		start_failed(w, "a start frame that does not parse");
		return;
	}
	path = xasprintf("%s/%s", r.cache, w->hash);
	argv = xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = path;
	for (i = 0; i < nargs; i++)
		argv[i + 1] = m->f[4 + i];
	add = xcalloc(m->nf + 4, sizeof(*add));
	for (i = 4 + nargs; i < m->nf; i++)
		add[nadd++] = m->f[i];
	/* libherd checks that its parent, the relay here, is still there. */
	snprintf(pidvar, sizeof(pidvar), "HERD_CONTROLLER_PID=%ld", (long)getpid());
	add[nadd++] = pidvar;
	add[nadd++] = "HERD_PROTOCOL_FD=3";
	add[nadd++] = "HERD_CAPTURE_FD=4";
	w->cap = high(memfd("herd-capture", 0));
	w->res = high(memfd("herd-results", RELAY_RESULTS));
	if (w->res >= 0)
		add[nadd++] = "HERD_RESULTS_FD=5";
	env = worker_env(add, nadd);
	if (w->cap < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(why, sizeof(why), "cannot make a worker's channels: %s", strerror(errno));
		start_failed(w, why);
	} else {
		int fds[6] = { -1, high(out[1]), high(errp[1]), high(sv[1]), w->cap, w->res };

		out[1] = fds[1], errp[1] = fds[2], sv[1] = fds[3];
		if ((e = spawn_worker(&w->pid, path, argv, env, fds))) {
			snprintf(why, sizeof(why), "cannot run %s: %s", m->f[2], strerror(e));
			start_failed(w, why);
		} else {
			w->sock = sv[0], sv[0] = -1;
			w->out = out[0], out[0] = -1;
			w->err = errp[0], errp[0] = -1;
			hd_nonblock(w->sock, 1);
			hd_nonblock(w->out, 1);
			hd_nonblock(w->err, 1);
			w->state = R_RUNNING;
		}
	}
	for (i = 0; i < 2; i++) {
		close_fd(&sv[i]);
		close_fd(&out[i]);
		close_fd(&errp[i]);
	}
	free(env);
	free(add);
	free(argv);
	free(path);
	hd_dec_free(&dec);
}

/* S: start at once if the binary is cached, else ask for it (once). */
static void
on_start(uint32_t chan, const char *p, size_t n)
{
	struct rworker *w;
	const char *tab = memchr(p, '\t', n), *hash;
	size_t hl;

	if (find(chan))
		return;	/* a channel is never reused: a second S is ignored */
	w = slot();
	w->chan = chan;
	w->sock = w->out = w->err = w->cap = w->res = -1;
	w->spoke = 0;
	w->nerrhead = 0;
	w->state = R_WAITING;
	w->start = xmalloc(n ? n : 1);
	memcpy(w->start, p, n);
	w->startlen = n;
	hash = tab ? tab + 1 : "";
	hl = tab ? strcspn(hash, "\t\n") : 0;
	if (hl != HASH_HEX || (size_t)(hash - p) + hl > n) {
		start_failed(w, "a start frame without a binary hash");
		return;
	}
	memcpy(w->hash, hash, HASH_HEX);
	w->hash[HASH_HEX] = '\0';
	if (cached(w->hash)) {
		spawn(w);
	} else if (!has(r.asked, r.nasked, w->hash)) {
		r.asked = add(r.asked, &r.nasked, w->hash);
		frame_put(&r.obuf, FR_NEED, 0, w->hash, HASH_HEX);
	}
}

static void
on_blob(const char *p, size_t n)
{
	if (r.blobfd < 0) {
		r.blobtmp = xasprintf("%s/.incoming.%ld", r.cache, (long)getpid());
		r.blobfd = open(r.blobtmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (r.blobfd >= 0 && hd_write_all(r.blobfd, p, n) < 0) {
		close(r.blobfd);
		r.blobfd = -2;	/* failed: the F that ends it says so */
	}
}

/* F: the binary is whole; kept only if its hash is the one announced. */
static void
on_blob_end(const char *p, size_t n)
{
	char want[HASH_HEX + 1] = "", got[HASH_HEX + 1] = "", *path;
	int ok = 0;
	size_t i;

	if (n == HASH_HEX)
		memcpy(want, p, HASH_HEX);
	if (r.blobfd == -1)	/* an empty binary: no B came */
		on_blob("", 0);
	if (r.blobfd >= 0) {
		ok = close(r.blobfd) == 0 && file_hash(r.blobtmp, got, NULL) == 0 &&
		     !strcmp(got, want);
		path = xasprintf("%s/%s", r.cache, want);
		ok = ok && chmod(r.blobtmp, 0500) == 0 && rename(r.blobtmp, path) == 0;
		free(path);
	}
	if (!ok && r.blobtmp)
		unlink(r.blobtmp);
	free(r.blobtmp);
	r.blobtmp = NULL;
	r.blobfd = -1;
	if (ok)
		r.verified = add(r.verified, &r.nverified, want);
	for (i = 0; i < r.nasked; i++)
		if (!strcmp(r.asked[i], want)) {
			free(r.asked[i]);
			r.asked[i] = r.asked[--r.nasked];
			break;
		}
	for (i = 0; i < r.nw; i++) {
		struct rworker *w = &r.w[i];

		if (w->state != R_WAITING || strcmp(w->hash, want))
			continue;
		if (ok)
			spawn(w);
		else
			start_failed(w, *got ? "the binary received does not match its hash: not run" :
				     "cannot store the binary received in the cache");
	}
}

static void
on_kill(uint32_t chan, const char *p, size_t n)
{
	struct rworker *w = find(chan);
	char num[16];
	int sig;

	if (!w || n == 0 || n >= sizeof(num))
		return;
	memcpy(num, p, n);
	num[n] = '\0';
	sig = atoi(num);
	if (w->state == R_WAITING) {
		send_exit(w, sig == SIGKILL || sig == SIGTERM ? sig : SIGKILL);
		release(w);
	} else if (sig == SIGKILL) {
		kill(-w->pid, SIGKILL);
	} else if (sig > 0) {
		kill(w->pid, sig);
	}
}

static void
on_hello(const char *p, size_t n)
{
	struct hd_dec dec;
	struct hd_msg *m;
	const char *t;
	char err[160];

	hd_dec_init(&dec);
	hd_dec_feed(&dec, p, n);
	if (hd_dec_next(&dec, &m, err, sizeof(err)) == 1 && (t = hd_msg_kv(m, 2, "timeout")))
		r.timeout = hd_parse_seconds(t);
	if (r.timeout <= 0)
		r.timeout = 30;
	hd_dec_free(&dec);
}

/* One frame from the controller; -1 breaks the stream. */
static int
on_frame(const struct frame *f)
{
	struct rworker *w;

	switch (f->type) {
	case FR_HELLO:
		on_hello(f->p, f->n);
		break;
	case FR_START:
		on_start(f->chan, f->p, f->n);
		break;
	case FR_DATA:
		if ((w = find(f->chan)) && w->state == R_RUNNING && w->sock >= 0)
			buf_add(&w->wbuf, f->p, f->n);
		break;
	case FR_KILL:
		on_kill(f->chan, f->p, f->n);
		break;
	case FR_BLOB:
		on_blob(f->p, f->n);
		break;
	case FR_BLOB_END:
		on_blob_end(f->p, f->n);
		break;
	case FR_PING:
		break;
	default:
		fprintf(stderr, "herd --remote-worker: an unknown frame '%c'\n", f->type);
		return -1;
	}
	return 0;
}

static void
read_stdin(void)
{
	char tmp[65536], err[128];
	struct frame f;
	ssize_t n;
	int k;

	n = read(0, tmp, sizeof(tmp));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		r.in_eof = 1;
		return;
	}
	r.last_read = hd_now();
	frame_dec_feed(&r.dec, tmp, (size_t)n);
	while ((k = frame_next(&r.dec, &f, err, sizeof(err))) == 1)
		if (on_frame(&f) < 0)
			exit(HD_EXIT_INTERNAL);
	if (k < 0) {
		fprintf(stderr, "herd --remote-worker: broken stream: %s\n", err);
		exit(HD_EXIT_INTERNAL);
	}
}

static void
write_fd(int fd, struct buf *b)
{
	while (b->len) {
		ssize_t n = write(fd, b->data, b->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			b->len = 0;	/* gone: its death or our stdin's EOF says the rest */
		if (n <= 0)
			return;
		memmove(b->data, b->data + n, b->len - (size_t)n);
		b->len -= (size_t)n;
	}
}

/* The controller is gone: nothing may outlive it. */
static void
kill_all(void)
{
	size_t i;

	for (i = 0; i < r.nw; i++)
		if (r.w[i].state == R_RUNNING)
			kill(-r.w[i].pid, SIGKILL);
}

static void
poll_round(void)
{
	struct pollfd *pfd = xcalloc(2 + 3 * r.nw, sizeof(*pfd));
	/* Indexes, not pointers: read_stdin() may start a worker, and r.w move. */
	size_t *who = xcalloc(2 + 3 * r.nw, sizeof(*who));
	int backlog = r.obuf.len > RELAY_BACKLOG;
	double now = hd_now(), left;
	struct timespec ts;
	sigset_t none;
	nfds_t n = 0, k;
	size_t i;

	pfd[n].fd = 0;
	pfd[n++].events = POLLIN;
	/* Only with something to write: a write end whose reader is gone is always
	 * ready, and ppoll would then never let SIGCHLD in. */
	pfd[n].fd = r.obuf.len ? 1 : -1;
	pfd[n++].events = POLLOUT;
	for (i = 0; i < r.nw && !backlog; i++) {
		struct rworker *w = &r.w[i];
		int fds[3] = { w->sock, w->out, w->err };
		int j;

		if (w->state != R_RUNNING)
			continue;
		write_fd(w->sock, &w->wbuf);
		for (j = 0; j < 3; j++)
			if (fds[j] >= 0) {
				pfd[n].fd = fds[j];
				pfd[n].events = POLLIN | (j == 0 && w->wbuf.len ? POLLOUT : 0);
				who[n++] = i;
			}
	}
	left = r.last_ping + r.timeout / 4 - now;
	if (r.last_read + r.timeout - now < left)
		left = r.last_read + r.timeout - now;
	if (left < 0)
		left = 0;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
	sigemptyset(&none);
	if (!got_chld && ppoll(pfd, n, &ts, &none) < 0 && errno != EINTR)
		hd_fatal(HD_EXIT_INTERNAL, "poll:");
	if (pfd[0].revents)
		read_stdin();
	for (k = 2; k < n; k++) {
		struct rworker *w = &r.w[who[k]];

		if (!pfd[k].revents || w->state != R_RUNNING)
			continue;
		if (pfd[k].fd == w->sock && (pfd[k].revents & POLLOUT))
			write_fd(w->sock, &w->wbuf);
		if (pfd[k].fd == w->sock && (pfd[k].revents & ~POLLOUT))
			pump(w, &w->sock, FR_DATA);
		else if (pfd[k].fd == w->out)
			pump(w, &w->out, FR_STDOUT);
		else if (pfd[k].fd == w->err)
			pump(w, &w->err, FR_STDERR);
	}
	free(pfd);
	free(who);
	if (got_chld) {
		got_chld = 0;
		reap();
	}
}

int
relay_main(void)
{
	struct buf err = BUF_INIT;
	struct sigaction sa;
	sigset_t chld;

	hd_progname = "herd --remote-worker";
	if (isatty(0)) {
		fprintf(stderr, "herd --remote-worker: the far side of herd --tx, started by the "
			"controller; it speaks frames on stdin and stdout (docs/remote.md)\n");
		return HD_EXIT_USAGE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	hd_nonblock(1, 1);
	frame_dec_init(&r.dec);
	r.blobfd = -1;
	r.timeout = 30;
	r.last_read = r.last_ping = hd_now();
	buf_adds(&r.obuf, FRAME_GREETING);
	if (!(r.cache = cache_dir(&err))) {
		relay_warn(0, "%s", err.data);
		hd_nonblock(1, 0);
		write_fd(1, &r.obuf);
		return HD_EXIT_INTERNAL;
	}
	while (!r.in_eof) {
		double now = hd_now();

		if (now - r.last_read > r.timeout)
			break;
		if (now - r.last_ping >= r.timeout / 4) {
			frame_put(&r.obuf, FR_PING, 0, NULL, 0);
			r.last_ping = now;
		}
		write_fd(1, &r.obuf);
		poll_round();
	}
	kill_all();
	return HD_EXIT_OK;
}

int
file_hash(const char *path, char hex[HASH_HEX + 1], size_t *size)
{
	XXH3_state_t *x;
	XXH128_canonical_t canon;
	char buf[65536];
	size_t total = 0, i;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	x = XXH3_createState();
	XXH3_128bits_reset(x);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		XXH3_128bits_update(x, buf, (size_t)n);
		total += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		XXH3_freeState(x);
		return -1;
	}
	XXH128_canonicalFromHash(&canon, XXH3_128bits_digest(x));
	XXH3_freeState(x);
	for (i = 0; i < sizeof(canon.digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", canon.digest[i]);
	if (size)
		*size = total;
	return 0;
}
