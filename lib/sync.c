/*
 * sync.c - herd_lock, herd_board_* and herd_trail_* on the test's side.
 *
 * A forked test writes its request on its end of the runner's channel and
 * blocks reading the reply. The runner, waiting for the test, reads the
 * request: run alone it answers from its own hd_sync; as a worker it forwards
 * the request to the controller and relays the reply. A test running in the
 * runner's own process (no isolation) asks through hd_request() directly.
 * Requests and replies are protocol lines (docs/protocol.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"

/* ---- the runner's side ---- */

void
hd_serve_local(struct hd_runner *r, const struct hd_msg *m, struct buf *reply)
{
	if (!r->sync)
		r->sync = hd_sync_new();
	/* Run alone, one test at a time: owner 0, and no other to wait for. */
	if (hd_sync_serve(r->sync, 0, m, reply, NULL, NULL))
		return;
	hd_enc_begin(reply, HD_MSG_FAIL);
	hd_enc_fmt(reply, "unknown request '%s'", m->f[0]);
	hd_enc_end(reply);
}

void
hd_chan_input(struct hd_runner *r)
{
	char tmp[4096], err[128];
	struct hd_msg *m;
	ssize_t n;
	int k;

	n = recv(r->chan[0], tmp, sizeof(tmp), MSG_DONTWAIT);
	if (n <= 0)
		return;
	r->chan_used = 1;
	hd_dec_feed(r->chan_dec, tmp, (size_t)n);
	while ((k = hd_dec_next(r->chan_dec, &m, err, sizeof(err))) > 0) {
		if (r->forward) {
			r->chan_waiting++;
			r->forward(r->worker, m);
		} else {
			struct buf reply = BUF_INIT;

			hd_serve_local(r, m, &reply);
			hd_write_all(r->chan[0], reply.data, reply.len);
			buf_clear(&reply);
		}
	}
	if (k < 0)
		hd_dec_free(r->chan_dec), hd_dec_init(r->chan_dec);	/* a test's garbage */
}

void
hd_chan_reply(struct hd_runner *r, const struct hd_msg *m)
{
	struct buf line = BUF_INIT;
	size_t i;

	if (r->chan_stale) {	/* for a test that has ended */
		r->chan_stale--;
		return;
	}
	if (!r->chan_waiting)
		return;
	r->chan_waiting--;
	r->chan_used = 1;
	hd_enc_begin(&line, m->f[0]);
	for (i = 1; i < m->nf; i++)
		hd_enc_mem(&line, m->f[i], m->len[i]);
	hd_enc_end(&line);
	hd_write_all(r->chan[0], line.data, line.len);
	buf_clear(&line);
}

void
hd_chan_reset(struct hd_runner *r, struct buf *held)
{
	char tmp[4096];

	/* Replies the test did not live to read, and requests it did not finish. */
	if (r->chan_used) {
		while (recv(r->chan[1], tmp, sizeof(tmp), MSG_DONTWAIT) > 0)
			;
		hd_dec_free(r->chan_dec);
		hd_dec_init(r->chan_dec);
		r->chan_used = 0;
	}
	r->chan_stale += r->chan_waiting;
	r->chan_waiting = 0;
	if (r->sync && !r->forward)
		hd_sync_release_all(r->sync, 0, held, NULL, NULL);
}

/* ---- the test's side ---- */

void
hd_request(struct buf *req, struct buf *reply)
{
	struct hd_runner *r = hd_ctx.runner;
	char tmp[4096];
	ssize_t n;

	buf_reset(reply);
	if (hd_ctx.chan_fd >= 0) {
		if (hd_write_all(hd_ctx.chan_fd, req->data, req->len) < 0)
			_exit(125);	/* the runner is gone */
		while (!reply->len || reply->data[reply->len - 1] != '\n') {
			n = read(hd_ctx.chan_fd, tmp, sizeof(tmp));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				_exit(125);
			buf_add(reply, tmp, (size_t)n);
		}
	} else if (r && r->ask) {
		r->ask(r->worker, req, reply);
	} else {
		/* Outside any runner: a private table, as a run with one worker. */
		static struct hd_runner *alone;
		struct hd_dec d;
		struct hd_msg *m;
		char err[64];

		if (!r) {
			if (!alone)
				alone = xcalloc(1, sizeof(*alone));
			r = alone;
		}
		hd_dec_init(&d);
		hd_dec_feed(&d, req->data, req->len);
		if (hd_dec_next(&d, &m, err, sizeof(err)) > 0)
			hd_serve_local(r, m, reply);
		hd_dec_free(&d);
	}
}

/*
 * Sends type name [value] and decodes the reply into *m (valid until the next
 * call). A refusal fails the test at file:line, the caller's.
 */
static struct hd_msg *
ask_at(const char *type, const char *name, const void *value, size_t len,
       const char *file, int line)
{
	static struct buf req, reply;
	static struct hd_dec dec;
	struct hd_msg *m;
	char err[128];

	buf_reset(&req);
	hd_enc_begin(&req, type);
	hd_enc_str(&req, name ? name : "");
	if (value)
		hd_enc_mem(&req, value, len);
	hd_enc_end(&req);
	hd_request(&req, &reply);
	hd_dec_free(&dec);
	hd_dec_init(&dec);
	hd_dec_feed(&dec, reply.data ? reply.data : "", reply.len);
	if (hd_dec_next(&dec, &m, err, sizeof(err)) <= 0) {
		herd_fail_at(1, file, line, "herd: a bad reply to %s '%s': %s", type, name, err);
		return NULL;
	}
	if (!strcmp(m->f[0], HD_MSG_FAIL))
		herd_fail_at(1, file, line, "%s('%s'): %s", type, name,
			     m->nf > 1 ? m->f[1] : "refused");
	return m;
}

#define ask(type, name, value, len) ask_at(type, name, value, len, __FILE__, __LINE__)

void
herd_lock_at(const char *name, const char *file, int line)
{
	ask_at(HD_MSG_LOCK, name, NULL, 0, file, line);
}

/* For callers compiled without the macro: (herd_lock)("name"). */
void
(herd_lock)(const char *name)
{
	ask(HD_MSG_LOCK, name, NULL, 0);
}

void
herd_unlock(const char *name)
{
	ask(HD_MSG_UNLOCK, name, NULL, 0);
}

void
herd_board_set(const char *key, const char *value)
{
	herd_board_set_bytes(key, value ? value : "", value ? strlen(value) : 0);
}

void
herd_board_set_bytes(const char *key, const void *value, size_t len)
{
	ask(HD_MSG_BOARD_SET, key, len ? value : "", len);
}

void *
herd_board_get_bytes(const char *key, size_t *len)
{
	struct hd_msg *m = ask(HD_MSG_BOARD_GET, key, NULL, 0);
	char *v;

	if (!m || m->nf < 3 || strcmp(m->f[1], "1"))
		return NULL;
	v = malloc(m->len[2] + 1);
	if (!v)
		return NULL;
	memcpy(v, m->f[2], m->len[2]);
	v[m->len[2]] = '\0';
	if (len)
		*len = m->len[2];
	return v;
}

char *
herd_board_get(const char *key)
{
	return herd_board_get_bytes(key, NULL);
}

int
herd_trail_start(const char *name)
{
	struct hd_msg *m = ask(HD_MSG_TRAIL_START, name, NULL, 0);

	return m && m->nf > 1 && !strcmp(m->f[1], "1");
}

int
herd_trail_finish(const char *name)
{
	struct hd_msg *m = ask(HD_MSG_TRAIL_FINISH, name, NULL, 0);

	return m && m->nf > 1 && !strcmp(m->f[1], "1");
}
