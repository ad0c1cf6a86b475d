/*
 * watch.c - see watch.h.
 *
 * One inotify descriptor watches the folder of every file; events on other
 * names in those folders are read and dropped. Waiting is a poll(2) on the
 * inotify descriptor and the caller's interrupt descriptor, with the quiet
 * period as the poll timeout measured on the monotonic clock: no sleeping,
 * so an interrupt is seen at once.
 */
#include <errno.h>
#include <stdlib.h>

#include "watch.h"
#include "util.h"

#ifdef __linux__

#include <math.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

struct target {
	int wd;
	char *base;
};

struct hd_watch {
	int fd;
	struct target *t;
	size_t n;
};

/* Whatever a build does to a file: writes it, renames or links a new one onto
 * its name, creates it after deleting the old one, or makes it executable. */
#define EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ATTRIB)

struct hd_watch *
hd_watch_open(const char *const *paths, size_t n)
{
	struct hd_watch *w = xcalloc(1, sizeof(*w));
	size_t i;
	int err;

	w->t = xcalloc(n, sizeof(*w->t));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		const char *slash = strrchr(paths[i], '/');
		char *dir;

		if (slash == paths[i])
			dir = xstrdup("/");
		else if (slash)
			dir = xstrndup(paths[i], (size_t)(slash - paths[i]));
		else
			dir = xstrdup(".");
		w->t[i].base = xstrdup(slash ? slash + 1 : paths[i]);
		w->n = i + 1;
		if (!*w->t[i].base) {
			free(dir);
			errno = EINVAL;
			goto fail;
		}
		/* Files in one folder share its watch descriptor. */
		w->t[i].wd = inotify_add_watch(w->fd, dir, EVENTS | IN_ONLYDIR);
		free(dir);
		if (w->t[i].wd < 0)
			goto fail;
	}
	return w;
fail:
	err = errno;
	hd_watch_close(w);
	errno = err;
	return NULL;
}

void
hd_watch_close(struct hd_watch *w)
{
	size_t i;

	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; i < w->n; i++)
		free(w->t[i].base);
	free(w->t);
	free(w);
}

/* Reads every queued event. Sets *changed when one concerns a watched file,
 * *gone when a watched folder disappeared. -1 on a read error. */
static int
drain(struct hd_watch *w, int *changed, int *gone)
{
	_Alignas(struct inotify_event) char ev[8192];

	for (;;) {
		ssize_t r = read(w->fd, ev, sizeof(ev));
		char *p;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		if (r == 0)
			return 0;
		for (p = ev; p < ev + r;) {
			const struct inotify_event *e = (const struct inotify_event *)(void *)p;
			size_t i;

			p += sizeof(*e) + e->len;
			/* The kernel dropped events: one of them may have been ours. */
			if (e->mask & IN_Q_OVERFLOW)
				*changed = 1;
			for (i = 0; i < w->n; i++) {
				if (w->t[i].wd != e->wd)
					continue;
				if (e->mask & IN_IGNORED)
					*gone = 1;
				else if (e->len && !strcmp(e->name, w->t[i].base))
					*changed = 1;
			}
		}
	}
}

int
hd_watch_next(struct hd_watch *w, int sigfd)
{
	double deadline = 0;
	int pending = 0;

	for (;;) {
		struct pollfd pfd[2];
		int timeout = -1, changed = 0, gone = 0, r;
		nfds_t nfd = 0;

		if (pending) {
			double left = deadline - hd_now();

			if (left <= 0)
				return 1;
			timeout = (int)ceil(left * 1000);
		}
		if (sigfd >= 0) {
			pfd[nfd].fd = sigfd;
			pfd[nfd++].events = POLLIN;
		}
		pfd[nfd].fd = w->fd;
		pfd[nfd++].events = POLLIN;
		r = poll(pfd, nfd, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (sigfd >= 0 && pfd[0].revents)
			return 0;
		if (!pfd[nfd - 1].revents)
			continue;
		if (drain(w, &changed, &gone) < 0)
			return -1;
		if (gone) {
			errno = ENOENT;
			return -1;
		}
		if (changed) {
			pending = 1;
			deadline = hd_now() + HD_WATCH_QUIET_MS / 1000.0;
		}
	}
}

#else /* !__linux__ */

struct hd_watch *
hd_watch_open(const char *const *paths, size_t n)
{
	(void)paths;
	(void)n;
	errno = ENOSYS;
	return NULL;
}

int
hd_watch_next(struct hd_watch *w, int sigfd)
{
	(void)w;
	(void)sigfd;
	errno = ENOSYS;
	return -1;
}

void
hd_watch_close(struct hd_watch *w)
{
	(void)w;
}

#endif
