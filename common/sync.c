/*
 * sync.c - see sync.h. The tables are small (names a suite chooses), so they
 * are plain arrays searched linearly.
 */
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "sync.h"

struct lock {
	char *name;
	int owner;		/* -1: free */
	int *waiters;		/* FIFO */
	size_t nwait, capwait;
};

struct entry {
	char *key;
	char *value;
	size_t len;
	long count;		/* trails */
};

struct hd_sync {
	struct lock *locks;
	size_t nlocks;
	struct entry *board, *trails;
	size_t nboard, ntrails;
};

struct hd_sync *
hd_sync_new(void)
{
	return xcalloc(1, sizeof(struct hd_sync));
}

void
hd_sync_free(struct hd_sync *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nlocks; i++) {
		free(s->locks[i].name);
		free(s->locks[i].waiters);
	}
	for (i = 0; i < s->nboard; i++) {
		free(s->board[i].key);
		free(s->board[i].value);
	}
	for (i = 0; i < s->ntrails; i++)
		free(s->trails[i].key);
	free(s->locks);
	free(s->board);
	free(s->trails);
	free(s);
}

static struct lock *
find_lock(struct hd_sync *s, const char *name, int create)
{
	size_t i;

	for (i = 0; i < s->nlocks; i++)
		if (!strcmp(s->locks[i].name, name))
			return &s->locks[i];
	if (!create)
		return NULL;
	s->locks = xreallocarray(s->locks, s->nlocks + 1, sizeof(*s->locks));
	memset(&s->locks[s->nlocks], 0, sizeof(*s->locks));
	s->locks[s->nlocks].name = xstrdup(name);
	s->locks[s->nlocks].owner = -1;
	return &s->locks[s->nlocks++];
}

int
hd_sync_lock(struct hd_sync *s, const char *name, int owner)
{
	struct lock *l = find_lock(s, name, 1);
	size_t i;

	if (l->owner == owner)
		return -1;
	for (i = 0; i < l->nwait; i++)
		if (l->waiters[i] == owner)
			return -1;
	if (l->owner < 0) {
		l->owner = owner;
		return 1;
	}
	if (l->nwait == l->capwait) {
		l->capwait = l->capwait ? l->capwait * 2 : 4;
		l->waiters = xreallocarray(l->waiters, l->capwait, sizeof(*l->waiters));
	}
	l->waiters[l->nwait++] = owner;
	return 0;
}

/* Passes l to its first waiter; returns the new owner or -1. */
static int
hand_over(struct lock *l)
{
	if (!l->nwait) {
		l->owner = -1;
		return -1;
	}
	l->owner = l->waiters[0];
	memmove(l->waiters, l->waiters + 1, --l->nwait * sizeof(*l->waiters));
	return l->owner;
}

int
hd_sync_waiting(const struct hd_sync *s, int owner)
{
	size_t i, k;

	for (i = 0; i < s->nlocks; i++)
		for (k = 0; k < s->locks[i].nwait; k++)
			if (s->locks[i].waiters[k] == owner)
				return 1;
	return 0;
}

int
hd_sync_unlock(struct hd_sync *s, const char *name, int owner)
{
	struct lock *l = find_lock(s, name, 0);

	if (!l || l->owner != owner)
		return -1;
	return hand_over(l);
}

void
hd_sync_release_all(struct hd_sync *s, int owner, struct buf *held,
		    void (*grant)(void *cookie, const char *name, int owner),
		    void *cookie)
{
	size_t i, k;

	for (i = 0; i < s->nlocks; i++) {
		struct lock *l = &s->locks[i];

		for (k = 0; k < l->nwait;)
			if (l->waiters[k] == owner)
				memmove(&l->waiters[k], &l->waiters[k + 1],
					(--l->nwait - k) * sizeof(*l->waiters));
			else
				k++;
		if (l->owner == owner) {
			int next = hand_over(l);

			if (held)
				buf_printf(held, "%s\n", l->name);
			if (next >= 0 && grant)
				grant(cookie, l->name, next);
		}
	}
}

static struct entry *
find_entry(struct entry **v, size_t *n, const char *key, int create)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].key, key))
			return &(*v)[i];
	if (!create)
		return NULL;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].key = xstrdup(key);
	return &(*v)[(*n)++];
}

void
hd_sync_board_set(struct hd_sync *s, const char *key, const void *value, size_t len)
{
	struct entry *e = find_entry(&s->board, &s->nboard, key, 1);

	free(e->value);
	e->value = xmalloc(len + 1);
	memcpy(e->value, value, len);
	e->value[len] = '\0';
	e->len = len;
}

const char *
hd_sync_board_get(struct hd_sync *s, const char *key, size_t *len)
{
	struct entry *e = find_entry(&s->board, &s->nboard, key, 0);

	if (!e)
		return NULL;
	*len = e->len;
	return e->value;
}

int
hd_sync_trail(struct hd_sync *s, const char *name, int start)
{
	struct entry *e = find_entry(&s->trails, &s->ntrails, name, start);
	size_t i;

	if (start)
		return ++e->count == 1;
	if (!e)
		return 0;
	if (--e->count > 0)
		return 0;
	/* Back to zero: gone, so that a later start is the first again. */
	i = (size_t)(e - s->trails);
	free(e->key);
	memmove(&s->trails[i], &s->trails[i + 1], (--s->ntrails - i) * sizeof(*s->trails));
	return 1;
}

/* ---- the requests (docs/protocol.md, section 6) ---- */

static void
reply_fail(struct buf *reply, const char *why)
{
	hd_enc_begin(reply, HD_MSG_FAIL);
	hd_enc_str(reply, why);
	hd_enc_end(reply);
}

static void
reply_word(struct buf *reply, const char *type, const char *arg)
{
	hd_enc_begin(reply, type);
	if (arg)
		hd_enc_str(reply, arg);
	hd_enc_end(reply);
}

static int
is_sync(const char *type)
{
	static const char *const names[] = {
		HD_MSG_LOCK, HD_MSG_UNLOCK, HD_MSG_BOARD_SET, HD_MSG_BOARD_GET,
		HD_MSG_TRAIL_START, HD_MSG_TRAIL_FINISH,
	};
	size_t i;

	for (i = 0; i < LEN(names); i++)
		if (!strcmp(type, names[i]))
			return 1;
	return 0;
}

int
hd_sync_serve(struct hd_sync *s, int owner, const struct hd_msg *m, struct buf *reply,
	      void (*grant)(void *cookie, const char *name, int owner), void *cookie)
{
	const char *type = m->f[0], *name = m->nf > 1 ? m->f[1] : NULL, *v;
	size_t len;
	int r;

	if (!is_sync(type))
		return 0;
	if (!name) {
		reply_fail(reply, "a request without its name");
	} else if (!strcmp(type, HD_MSG_LOCK)) {
		r = hd_sync_lock(s, name, owner);
		if (r > 0)
			reply_word(reply, HD_MSG_LOCKED, NULL);
		else if (r < 0)
			reply_fail(reply, "the lock is already held or awaited by this worker");
	} else if (!strcmp(type, HD_MSG_UNLOCK)) {
		r = hd_sync_unlock(s, name, owner);
		reply_word(reply, HD_MSG_OK, NULL);
		if (r >= 0 && grant)
			grant(cookie, name, r);
	} else if (!strcmp(type, HD_MSG_BOARD_SET)) {
		if (m->nf < 3) {
			reply_fail(reply, "board-set without a value");
			return 1;
		}
		hd_sync_board_set(s, name, m->f[2], m->len[2]);
		reply_word(reply, HD_MSG_OK, NULL);
	} else if (!strcmp(type, HD_MSG_BOARD_GET)) {
		v = hd_sync_board_get(s, name, &len);
		hd_enc_begin(reply, HD_MSG_BOARD);
		hd_enc_str(reply, v ? "1" : "0");
		hd_enc_mem(reply, v ? v : "", v ? len : 0);
		hd_enc_end(reply);
	} else {
		r = hd_sync_trail(s, name, !strcmp(type, HD_MSG_TRAIL_START));
		reply_word(reply, HD_MSG_TRAIL, r ? "1" : "0");
	}
	return 1;
}
