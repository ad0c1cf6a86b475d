/*
 * e2e.h - helpers for the C sources of the end-to-end tests. A test records
 * what it did (which fixture ran, its pid, a child's pid) in small files under
 * $E2E_DIR, the scratch directory of the script that runs it; the script reads
 * them back after the run.
 */
#ifndef E2E_H
#define E2E_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__GNUC__)
#define E2E_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define E2E_PRINTF(f, a)
#endif

/*
 * Appends one formatted line to $E2E_DIR/name with a single write(2) on an
 * O_APPEND descriptor, so lines written by several processes never interleave.
 */
static inline void e2e_log(const char *name, const char *fmt, ...) E2E_PRINTF(2, 3);
static inline void e2e_log(const char *name, const char *fmt, ...)
{
	char path[4096], line[1024];
	const char *dir = getenv("E2E_DIR");
	va_list ap;
	int n, fd;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0)
		n = -1;
	close(fd);
}

/* A real segmentation fault: a store to an unmapped page the compiler
 * cannot see coming. */
static inline void e2e_segfault(void)
{
	volatile uintptr_t addr = 16;

	*(volatile int *)addr = 1;
}

/* Burns CPU until killed. */
static inline void e2e_spin(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
}

/* Sleeps until killed. */
static inline void e2e_block(void)
{
	for (;;)
		pause();
}

#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 199309L
#include <errno.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds: the timestamps the checkers compare. */
static inline long long e2e_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Workload, not synchronisation: long enough for an overlap to be seen. */
static inline void e2e_nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
#endif

/* The state letter of process pid in /proc/PID/stat ('S', 'T', ...); 0 if unknown. */
static inline char e2e_proc_state(long pid)
{
	char path[64], state = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (!(f = fopen(path, "r")))
		return 0;
	/* "pid (comm) S ...": comm may hold spaces, so up to the ')'. */
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state;
}

/* 10 MB on stdout, with markers at both ends. */
static inline void e2e_flood(void)
{
	static char line[1024];
	int i;

	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	fputs("FLOOD-BEGIN\n", stdout);
	for (i = 0; i < 10 * 1024; i++)
		fwrite(line, 1, sizeof line, stdout);
	fputs("FLOOD-END\n", stdout);
	fflush(stdout);
}

#endif
