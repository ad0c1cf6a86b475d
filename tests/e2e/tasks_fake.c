/*
 * tasks_fake.c - a worker that speaks docs/protocol.md without libherd: its
 * items are the lines of the file named by its first argument or, alone, of
 * ARGV0.tasks: each line is an item message's fields after "item" (the id,
 * then key=value: kind=task depends_on=... produces=...), and its cmd= key
 * is the shell command the item runs (exit 0: passed). herd build's e2e
 * tests (tests/e2e/tasks_*.sh) describe their projects with it, so each
 * task's body is a line of shell writing real files and a log of its runs.
 *
 * The marker below makes herd take it for a test binary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((used)) static const char marker[] = "herd-test-binary-v1";
static int sock = -1;

static void
put_escaped(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			fprintf(f, "%%%02X", (unsigned char)s[i]);
		else
			putc(s[i], f);
	}
}

static void
say(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(sock, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			exit(0);	/* the controller is gone */
		s += w;
		n -= (size_t)w;
	}
}

/* The cmd= field of a line, or "true". */
static const char *
command_of(const char *line)
{
	const char *p = strstr(line, "\tcmd=");

	return p ? p + 5 : "true";
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* Runs item idx's command with its output in the capture file; sends the result. */
static void
run(char **lines, size_t idx, int cap)
{
	char *out = NULL, *msg = NULL, *cmd = strdup(command_of(lines[idx])), *end;
	size_t outlen = 0, msglen = 0;
	FILE *f = open_memstream(&out, &outlen), *m;
	double t0 = now();
	const char *outcome = "passed";
	pid_t pid;
	int st;

	if ((end = strchr(cmd, '\t')))
		*end = '\0';
	if (cap >= 0 && ftruncate(cap, 0) == 0)
		lseek(cap, 0, SEEK_SET);
	if ((pid = fork()) == 0) {
		if (cap >= 0) {
			dup2(cap, 1);
			dup2(cap, 2);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	m = open_memstream(&msg, &msglen);
	if (WIFSIGNALED(st)) {
		outcome = "crashed";
		fprintf(m, "crashed by signal %d", WTERMSIG(st));
	} else if (WEXITSTATUS(st)) {
		outcome = "failed";
		fprintf(m, "exit status %d", WEXITSTATUS(st));
	}
	fclose(m);
	fprintf(f, "result\t%zu\t%s\t%.6f\t", idx, outcome, now() - t0);
	put_escaped(f, msg, msglen);
	putc('\t', f);
	if (cap >= 0) {
		char buf[4096];
		ssize_t n;

		lseek(cap, 0, SEEK_SET);
		while ((n = read(cap, buf, sizeof(buf))) > 0)
			put_escaped(f, buf, (size_t)n);
	}
	putc('\n', f);
	fclose(f);
	say(out, outlen);
	free(out);
	free(msg);
	free(cmd);
}

static char **
read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char **v = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;

	*n = 0;
	if (!f) {
		fprintf(stderr, "tasks_fake: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(line);
	}
	free(line);
	fclose(f);
	return v;
}

int
main(int argc, char **argv)
{
	const char *fd = getenv("HERD_PROTOCOL_FD"), *capfd = getenv("HERD_CAPTURE_FD");
	char *path = argc > 1 ? strdup(argv[1]) : NULL, *buf = NULL, *nl;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t n, i, len = 0;
	char **lines, head[64];
	int cap = capfd ? atoi(capfd) : -1;

	if (!path && asprintf(&path, "%s.tasks", argv[0]) < 0)
		return 2;
	lines = read_lines(path, &n);
	if (!fd) {
		for (i = 0; i < n; i++)
			printf("%.*s\n", (int)strcspn(lines[i], "\t"), lines[i]);
		return 0;
	}
	sock = atoi(fd);
	signal(SIGPIPE, SIG_IGN);
	snprintf(head, sizeof(head), "hello\t1\tpid=%ld\timpl=tasks_fake/1\n", (long)getpid());
	say(head, strlen(head));
	for (i = 0; i < n; i++) {
		size_t k, idlen = strcspn(lines[i], "\t");

		char *msg = NULL;
		size_t msglen = 0;
		FILE *m = open_memstream(&msg, &msglen);
		const char *p;

		fputs("item\t", m);
		for (p = lines[i]; *p; p++)
			fputs(*p == '%' ? "%25" : (char[]){ *p, 0 }, m);
		fputs("\n", m);
		fclose(m);
		say(msg, msglen);
		free(msg);
		for (k = 0; k < idlen; k++)
			h = (h ^ (unsigned char)lines[i][k]) * 0x100000001b3ULL;
		h = (h ^ '\n') * 0x100000001b3ULL;
	}
	snprintf(head, sizeof(head), "collected\t%zu\thash=%016llx\n", n, (unsigned long long)h);
	say(head, strlen(head));
	for (;;) {
		char chunk[4096];
		ssize_t r = read(sock, chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		buf = realloc(buf, len + (size_t)r + 1);
		memcpy(buf + len, chunk, (size_t)r);
		len += (size_t)r;
		buf[len] = '\0';
		while ((nl = memchr(buf, '\n', len))) {
			*nl = '\0';
			if (!strncmp(buf, "run\t", 4)) {
				char *p = buf + 3;

				while (*p == '\t')
					run(lines, strtoul(p + 1, &p, 10), cap);
			} else if (!strncmp(buf, "release", 7)) {
				say("released\n", 9);
			} else if (!strcmp(buf, "stop")) {
				say("bye\n", 4);
				return 0;
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
	}
}
