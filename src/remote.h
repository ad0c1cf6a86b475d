/*
 * remote.h - workers on other hosts (docs/remote.md): the controller's
 * side, one transport and one stream per host (host.c), and the relay at
 * the far end (relay.c, herd --remote-worker).
 */
#ifndef HERD_REMOTE_H
#define HERD_REMOTE_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "frame.h"
#include "tx.h"

#define HASH_HEX 32		/* a binary's XXH3-128, in lowercase hex */

struct ctl;
struct worker;
struct binary;

/* The XXH3-128 of a file's bytes in hex, and its size: 0, or -1 if unreadable. */
int file_hash(const char *path, char hex[HASH_HEX + 1], size_t *size);

/* relay.c: herd --remote-worker; returns the exit status. */
int relay_main(void);

/*
 * One host: its transport (ssh or a cmd), a child in a process group of its
 * own whose stdin and stdout are the stream, and its slots.
 */
struct host {
	struct tx_spec spec;
	int first_slot, nslots;
	pid_t pid;		/* the transport; 0 once reaped */
	int in, out, err;	/* its stdin (frames to it), stdout (frames from it), stderr */
	struct buf obuf;	/* frames not yet written; held until the greeting */
	struct frame_dec dec;
	struct buf pre;		/* bytes before the greeting */
	struct buf errline;	/* a partial line of its stderr */
	int greeted, ending;
	char *lost;		/* why it is down; NULL while it is up */
	double started, last_read, last_ping, eof_at;
	uint32_t next_chan;
	int status;		/* the transport's wait status, once reaped */
};

/* Parses a --tx value into the run's hosts (popen: local workers, added to
 * *nlocal); exits 4 with one line when it does not parse. */
void hosts_add_spec(struct ctl *c, const char *spec, int *nlocal);
/* Gives each host its slots after the nlocal local ones; the total. */
int hosts_layout(struct ctl *c, int nlocal);
/* Starts every transport and waits until each host greeted or is lost. */
void hosts_connect(struct ctl *c);
/* Stops the transports at the end of the run and waits for them. */
void hosts_end(struct ctl *c);
/* The host of slot, NULL for a local one. */
struct host *slot_host(const struct ctl *c, int slot);
/* The slot's host is lost: no worker starts there any more. */
int slot_down(const struct ctl *c, int slot);
/* "local 2, build7 2": the hosts and their workers, for the header; NULL without hosts. */
char *hosts_summary(const struct ctl *c);

/* Starts w on its slot's host: an S frame with b's hash, args and env. */
void host_worker_start(struct ctl *c, struct worker *w, struct binary *b, char **env,
		       size_t nenv, char **args, size_t nargs);
/* Sends sig to a remote worker (SIGKILL: its process group). */
void host_worker_signal(struct worker *w, int sig);
/* What the controller wrote for w goes into a D frame. */
void host_worker_flush(struct worker *w);

/* The hosts' fds for the loop's poll, from pfd on; how many. */
size_t hosts_pollfds(struct ctl *c, struct pollfd *pfd);
/* Handles what those n fds said. */
void hosts_handle(struct ctl *c, const struct pollfd *pfd, size_t n);
/* A reaped child that was a transport: 1 (the host is lost unless it was ending). */
int hosts_reaped(struct ctl *c, pid_t pid, int status);
/* Heartbeats due and silent hosts, at now. */
void hosts_tick(struct ctl *c, double now);
/* The next time hosts_tick has something to do; 0 none. */
double hosts_deadline(const struct ctl *c);

#endif
