/*
 * proto_probe.c - plays herd's controller for one test binary, to show what
 * the binary says on the wire (docs/protocol.md):
 *
 *	proto_probe BINARY [INDEX...]
 *
 * starts BINARY as a worker, prints every line it sends as it came (fields
 * TAB-separated, escaped). Once it has listed its items it is sent config
 * (fork isolation, output captured) and run with the indices given, and
 * once every result is in (stop would drop what is queued), stop.
 * Ends with "exit N" or "signal N" for the worker. The environment passes
 * through: HERD_ROOTDIR set or not is the caller's choice.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void
send_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			perror("proto_probe: write");
			exit(3);
		}
		s += w;
		n -= (size_t)w;
	}
}

/* config, then run INDEX... when there are any. */
static void
send_run(int fd, char **idx, int n)
{
	char msg[4096] = "config\tisolation=fork\ttimeout=30\tgrace=1\tcapture=1\n";
	int i;

	if (n > 0) {
		strcat(msg, "run");
		for (i = 0; i < n && strlen(msg) + strlen(idx[i]) + 3 < sizeof(msg); i++)
			strcat(strcat(msg, "\t"), idx[i]);
		strcat(msg, "\n");
	}
	send_all(fd, msg, strlen(msg));
}

int
main(int argc, char **argv)
{
	char *line = NULL, fdtext[16];
	size_t cap = 0;
	int sv[2], status, results = -1;
	pid_t pid;
	FILE *in;

	if (argc < 2) {
		fputs("usage: proto_probe BINARY [INDEX...]\n", stderr);
		return 4;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("proto_probe: socketpair");
		return 3;
	}
	if ((pid = fork()) < 0) {
		perror("proto_probe: fork");
		return 3;
	}
	if (pid == 0) {
		int fd = dup(sv[1]);	/* without close-on-exec */

		snprintf(fdtext, sizeof(fdtext), "%d", fd);
		setenv("HERD_PROTOCOL_FD", fdtext, 1);
		setenv("HERD_WORKER", "gw0", 1);
		setenv("HERD_WORKER_COUNT", "1", 1);
		execl(argv[1], argv[1], (char *)NULL);
		perror("proto_probe: exec");
		_exit(127);
	}
	close(sv[1]);
	if (!(in = fdopen(sv[0], "r"))) {
		perror("proto_probe: fdopen");
		return 3;
	}
	while (getline(&line, &cap, in) > 0) {
		fputs(line, stdout);
		if (!strncmp(line, "collected\t", 10)) {
			send_run(sv[0], argv + 2, argc - 2);
			results = 0;
		} else if (!strncmp(line, "result\t", 7)) {
			results++;
		}
		if (results == argc - 2) {
			send_all(sv[0], "stop\n", 5);
			results = -1;
		}
	}
	fclose(in);
	free(line);
	if (waitpid(pid, &status, 0) < 0) {
		perror("proto_probe: waitpid");
		return 3;
	}
	if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("exit %d\n", WEXITSTATUS(status));
	return 0;
}
