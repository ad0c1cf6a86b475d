/*
 * util.h - small helpers shared by libherd and the controller: allocation that
 * cannot return NULL, a growable byte buffer, monotonic time, fd habits.
 * libc only: this code is linked into every user's test binary.
 */
#ifndef HERD_UTIL_H
#define HERD_UTIL_H

#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF(f, a)
#define NORETURN
#endif

/* The program name used by warn() and fatal(); set once in main. */
extern const char *hd_progname;

/* Exit statuses, pytest's: both programs and docs/herd.1 use these. */
enum {
	HD_EXIT_OK = 0,			/* every selected item passed */
	HD_EXIT_FAILED = 1,		/* some item failed */
	HD_EXIT_INTERRUPTED = 2,	/* a signal stopped the run */
	HD_EXIT_INTERNAL = 3,		/* herd's own error, a worker speaking garbage */
	HD_EXIT_USAGE = 4,		/* bad options, herd.ini or paths */
	HD_EXIT_NOTESTS = 5		/* nothing collected or selected */
};

/* Print "prog: message" to stderr; a format ending in ':' appends strerror(errno). */
void hd_warn(const char *fmt, ...) PRINTF(1, 2);
/* As hd_warn, then exit with status code. */
NORETURN void hd_fatal(int code, const char *fmt, ...) PRINTF(2, 3);

/* Allocation: on failure these print and exit(3); they never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);

/* A growable byte buffer, always NUL-terminated after len bytes when data != NULL. */
struct buf {
	char *data;
	size_t len, cap;
};
#define BUF_INIT { NULL, 0, 0 }
/* Reallocates b for extra more bytes and the NUL: buf_grow's slow path. */
void buf_enlarge(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);

/*
 * Room for extra more bytes and the NUL. Inline, as buf_addc: encoding a
 * message calls them for every field, and the call cost more than the work.
 */
static inline void
buf_grow(struct buf *b, size_t extra)
{
	if (b->cap - b->len <= extra)
		buf_enlarge(b, extra);
}

static inline void
buf_addc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}
void buf_printf(struct buf *b, const char *fmt, ...) PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the data over to the caller (never NULL) and empties b. */
char *buf_detach(struct buf *b, size_t *len);
void buf_clear(struct buf *b);
void buf_reset(struct buf *b);	/* len = 0, keeps the memory */

/* Seconds on CLOCK_MONOTONIC. */
double hd_now(void);

/* fd habits: close-on-exec, non-blocking, loops over EINTR and short transfers. */
int hd_cloexec(int fd);
/*
 * Initialises *at for a child that leads a process group of its own (what a
 * kill aims at), with no signal blocked and the signals herd catches (INT,
 * TERM, HUP, QUIT, USR1, CHLD, PIPE) back at their defaults. 0, or an errno
 * value; the caller destroys *at once it initialised.
 */
int hd_spawnattr_group(posix_spawnattr_t *at);
int hd_nonblock(int fd, int on);
ssize_t hd_write_all(int fd, const void *p, size_t n);	/* -1 on error */
ssize_t hd_read_full(int fd, void *p, size_t n);	/* < n only at EOF */
/* Reads the whole file into a NUL-terminated string; NULL and errno on error. */
char *hd_read_file(const char *path, size_t *len);
/*
 * Writes a file whole: through a temporary name beside it and rename(2), so a
 * reader sees the old or the new content. A symlink is followed and its
 * target written (the link stays); a FIFO or a device is written in place,
 * never replaced; a regular file keeps its permissions. -1 and errno on error.
 */
int hd_write_file_atomic(const char *path, const void *p, size_t n);
/* Makes sure fds 0, 1 and 2 are open (on /dev/null if need be), so that no
 * file or socket opened later lands on a standard stream. Call first. */
void hd_std_fds(void);

/* FNV-1a 64 over n bytes, going on from h: start from HD_FNV_BASIS. One hash
 * for the whole project: ids in tables, the collection hash of --shard. */
#define HD_FNV_BASIS UINT64_C(0xcbf29ce484222325)
uint64_t hd_fnv1a(uint64_t h, const void *p, size_t n);

/* One id of a binary's list added to the list's hash: the id, then a LF
 * (docs/protocol.md, collected). Worker and controller both use it. */
uint64_t hd_list_hash_add(uint64_t h, const char *id);

/* Length of the valid UTF-8 sequence starting at s (n bytes left), or 0. */
size_t hd_utf8_len(const char *s, size_t n);

/* Signal names: "SIGSEGV", or "signal 42". */
const char *hd_signame(int sig, char *buf, size_t size);

/* Parses a non-negative decimal duration in seconds ("2", "0.5"); -1 if invalid. */
double hd_parse_seconds(const char *s);

#endif
