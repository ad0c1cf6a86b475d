/* util.c - see util.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

const char *hd_progname = "herd";

static void
vwarn(const char *fmt, va_list ap)
{
	int err = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	fprintf(stderr, "%s: ", hd_progname);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(err));
	fputc('\n', stderr);
}

void
hd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
hd_fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		hd_fatal(3, "out of memory allocating %zu bytes", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		hd_fatal(3, "out of memory allocating %zu bytes", n * size);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		hd_fatal(3, "allocation of %zu x %zu bytes overflows", n, size);
	p = realloc(p, n && size ? n * size : 1);
	if (!p)
		hd_fatal(3, "out of memory allocating %zu bytes", n * size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

void
buf_enlarge(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		hd_fatal(3, "buffer size overflows");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xreallocarray(b->data, b->cap, 1);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}


void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	buf_grow(b, 64);
	va_copy(aq, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (!b->data)
		buf_grow(b, 0), b->data[0] = '\0';
	p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_clear(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

double
hd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
hd_spawnattr_group(posix_spawnattr_t *at)
{
	static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGCHLD, SIGPIPE };
	sigset_t none, dfl;
	size_t i;
	int e;

	sigemptyset(&none);
	sigemptyset(&dfl);
	for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaddset(&dfl, caught[i]);
	if ((e = posix_spawnattr_init(at)))
		return e;
	if ((e = posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					       POSIX_SPAWN_SETSIGDEF)) ||
	    (e = posix_spawnattr_setpgroup(at, 0)) || (e = posix_spawnattr_setsigmask(at, &none)) ||
	    (e = posix_spawnattr_setsigdefault(at, &dfl)))
		posix_spawnattr_destroy(at);
	return e;
}

int
hd_cloexec(int fd)
{
	/* FD_CLOEXEC is the only fd flag there is: nothing to read first. */
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
hd_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

ssize_t
hd_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, s + done, n - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

ssize_t
hd_read_full(int fd, void *p, size_t n)
{
	char *s = p;
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, s + done, n - done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

char *
hd_read_file(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char tmp[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((r = hd_read_full(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, (size_t)r);
	if (r < 0) {
		int err = errno;
		close(fd);
		buf_clear(&b);
		errno = err;
		return NULL;
	}
	close(fd);
	return buf_detach(&b, len);
}

/*
 * Follows symlinks by hand (realpath needs the target to exist): a report
 * path may be a dangling link to a file the run is about to create. Returns
 * the final path, malloc()ed, or NULL with errno set (ELOOP past 40 links).
 */
static char *
resolve_links(const char *path)
{
	char *cur = xstrdup(path), *next, *slash, link[4096];
	struct stat st;
	ssize_t n;
	int hops;

	for (hops = 0; hops < 40; hops++) {
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0) {
			free(cur);
			return NULL;
		}
		link[n] = '\0';
		slash = strrchr(cur, '/');
		if (link[0] == '/' || !slash)
			next = xstrdup(link);
		else
			next = xasprintf("%.*s/%s", (int)(slash - cur), cur, link);
		free(cur);
		cur = next;
	}
	free(cur);
	errno = ELOOP;
	return NULL;
}

/* A FIFO, a device or a socket is written as it is: never replaced. */
static int
write_in_place(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	if (hd_write_all(fd, p, n) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return close(fd);
}

int
hd_write_file_atomic(const char *path, const void *p, size_t n)
{
	char *target, *tmp = NULL;
	struct stat st;
	int fd, err, exists;

	target = resolve_links(path);
	if (!target)
		return -1;
	exists = stat(target, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			goto fail;
		}
		err = write_in_place(target, p, n);
		free(target);
		return err;
	}
	tmp = xasprintf("%s.tmp.%ld", target, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		goto fail;
	/* A file rewritten keeps the permissions its owner gave it. */
	if (exists)
		(void)fchmod(fd, st.st_mode & 07777);
	if (hd_write_all(fd, p, n) < 0 || fsync(fd) < 0) {
		err = errno;
		close(fd);
		unlink(tmp);
		errno = err;
		goto fail;
	}
	if (close(fd) < 0 || rename(tmp, target) < 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		goto fail;
	}
	free(tmp);
	free(target);
	return 0;
fail:
	err = errno;
	free(tmp);
	free(target);
	errno = err;
	return -1;
}

void
hd_std_fds(void)
{
	struct pollfd std[3] = { { 0, 0, 0 }, { 1, 0, 0 }, { 2, 0, 0 } };
	int fd;

	/* One call tells whether any is closed (POLLNVAL): the common case. */
	if (poll(std, 3, 0) >= 0 && !((std[0].revents | std[1].revents | std[2].revents) & POLLNVAL))
		return;
	/* open() returns the lowest free number: each call fills the next gap. */
	while (fcntl(0, F_GETFD) < 0 || fcntl(1, F_GETFD) < 0 || fcntl(2, F_GETFD) < 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd < 0)
			_exit(3);
		if (fd > 2) {
			close(fd);
			break;
		}
	}
}

uint64_t
hd_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * UINT64_C(0x100000001b3);
	return h;
}

uint64_t
hd_list_hash_add(uint64_t h, const char *id)
{
	return hd_fnv1a(hd_fnv1a(h, id, strlen(id)), "\n", 1);
}

size_t
hd_utf8_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned long cp, min;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;	/* a continuation byte or 0xf8..0xff */
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past Unicode are not UTF-8. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

const char *
hd_signame(int sig, char *buf, size_t size)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
		{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
		{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
		{ SIGTSTP, "SIGTSTP" }, { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
		{ SIGURG, "SIGURG" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
		{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGSYS, "SIGSYS" },
	};
	size_t i;

	for (i = 0; i < LEN(names); i++)
		if (names[i].sig == sig)
			return names[i].name;
	snprintf(buf, size, "signal %d", sig);
	return buf;
}

double
hd_parse_seconds(const char *s)
{
	unsigned long long whole = 0, frac = 0, scale = 1;
	const char *p = s;
	char *end;
	double d;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	/* Digits, a point and up to nine decimals, as results carry them: without
	 * strtod, which costs more than the rest of a result's handling. */
	while (*p >= '0' && *p <= '9' && p - s < 9)
		whole = whole * 10 + (unsigned)(*p++ - '0');
	if (p > s && *p == '.' && p[1] >= '0' && p[1] <= '9') {
		const char *f = ++p;

		while (*p >= '0' && *p <= '9' && p - f < 9)
			frac = frac * 10 + (unsigned)(*p++ - '0'), scale *= 10;
	}
	if (p > s && !*p)
		return (double)whole + (double)frac / (double)scale;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || d != d || d < 0 || d > 1e9)
		return -1;
	return d;
}
