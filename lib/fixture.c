/*
 * fixture.c - fixtures in the runner: suite, worker and global ones set up in
 * this process under a timer (so that forked tests inherit their state) and
 * torn down in reverse order when their scope ends; a global one, under a
 * controller, only when the controller says so.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "internal.h"

static sigjmp_buf fixture_alarm_jb;
static volatile sig_atomic_t fixture_alarm_armed;

/*
 * A fixture of wider scope runs in the runner's own process, where nothing
 * else can time it out: its timer jumps out of it. The fixture is abandoned
 * where it hung (usually in a blocking call) and counts as failed.
 */
static void
on_fixture_alarm(int sig)
{
	(void)sig;
	if (fixture_alarm_armed) {
		fixture_alarm_armed = 0;
		siglongjmp(fixture_alarm_jb, 1);
	}
}

/* Arms the fixture timer for timeout seconds, or (0) disarms it. */
static void
fixture_timer(double timeout)
{
	struct itimerval itv;

	memset(&itv, 0, sizeof(itv));
	if (timeout > 0) {
		itv.it_value.tv_sec = (time_t)timeout;
		itv.it_value.tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6);
		if (!itv.it_value.tv_sec && !itv.it_value.tv_usec)
			itv.it_value.tv_usec = 1;
	}
	fixture_alarm_armed = timeout > 0;
	setitimer(ITIMER_REAL, &itv, NULL);
}

/*
 * Runs a fixture function in this process with the usual protection, for at
 * most timeout seconds (0: no limit). Returns 0, 1 (skipped), -1 (failed) or
 * -2 (timed out).
 */
static int
fixture_call(struct hd_runner *r, const struct herd_fixture *f, size_t param, int setup,
	     double timeout, struct buf *why)
{
	struct hd_record *rec = r->rec;
	void (*fn)(void) = setup ? f->setup : f->teardown;
	jmp_buf jb;
	struct buf out = BUF_INIT;
	struct sigaction sa, old;
	volatile int timed_out = 0;
	int bad;

	if (!fn)
		return 0;
	hd_spare_drop(r);	/* it would miss what fn changes here */
	hd_record_reset(rec);
	rec->phase = setup ? HD_PH_SETUP : HD_PH_TEARDOWN;
	hd_ctx.rec = rec;
	hd_ctx.jb = &jb;
	hd_ctx.fx = f;
	hd_ctx.fxparam = param;
	if (timeout > 0) {
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_fixture_alarm;
		sigaction(SIGALRM, &sa, &old);
	}
	hd_capture_on(r);
	hd_worker_stoppable(r, 1);
	if (sigsetjmp(fixture_alarm_jb, 1) != 0) {
		timed_out = 1;
	} else {
		fixture_timer(timeout);
		if (!setjmp(jb))
			fn();
	}
	hd_worker_stoppable(r, 0);
	if (timeout > 0) {
		fixture_timer(0);
		sigaction(SIGALRM, &old, NULL);
	}
	hd_capture_off(r);
	hd_ctx.jb = NULL;
	hd_ctx.fx = NULL;
	hd_take_output(r, &out);
	bad = timed_out ? -2 : rec->failed[rec->phase] ? -1 : rec->skipped ? 1 : 0;
	if (bad) {
		buf_reset(why);
		if (timed_out)
			buf_printf(why, "fixture '%s' %s timed out after %gs\n", f->name,
				   setup ? "setup" : "teardown", timeout);
		else if (bad < 0)
			buf_printf(why, "fixture '%s' %s failed\n", f->name,
				   setup ? "setup" : "teardown");
		buf_add(why, rec->msg, rec->msglen);
		if (out.len) {
			buf_adds(why, "---- fixture output ----\n");
			buf_add(why, out.data, out.len);
		}
	}
	buf_clear(&out);
	return bad;
}

static void
fixture_down(struct hd_runner *r, size_t fi)
{
	const struct herd_fixture *f = hd_fixture_at(fi);
	struct hd_fixstate *s = &r->fx[fi];
	struct buf why = BUF_INIT;
	size_t i;

	hd_spare_drop(r);	/* it holds what the teardown releases (fds, ports) */
	if (s->up && fixture_call(r, f, s->param, 0, r->timeout, &why) < 0)
		buf_printf(&r->warnings, "%s", why.data);
	buf_clear(&why);
	s->up = 0;
	s->failed = 0;
	free(s->error), s->error = NULL;
	free(s->suite_key), s->suite_key = NULL;
	s->param = HD_NO_PARAM;
	for (i = 0; i < r->nfxorder; i++)
		if (r->fxorder[i] == fi) {
			memmove(&r->fxorder[i], &r->fxorder[i + 1],
				(r->nfxorder - i - 1) * sizeof(*r->fxorder));
			r->nfxorder--;
			break;
		}
}

size_t
hd_item_fixtures(const struct herd_test *t, const struct herd_fixture **out, size_t max)
{
	static const int order[] = { HERD_SCOPE_GLOBAL, HERD_SCOPE_WORKER,
				     HERD_SCOPE_SUITE, HERD_SCOPE_TEST };
	size_t n = 0, k;

	for (k = 0; k < LEN(order); k++) {
		const char *p = t->fixtures;

		while (p && *p) {
			const struct herd_fixture *f;
			size_t len;

			p += strspn(p, " \t,");
			len = strcspn(p, " \t,");
			f = len ? hd_fixture_find(p, len) : NULL;
			if (f && (int)f->scope == order[k] && n < max)
				out[n++] = f;
			p += len;
		}
	}
	return n;
}

/* Sends type name [a b] to the controller; the reply's fields into *m. */
static struct hd_msg *
ask_controller(struct hd_runner *r, struct hd_dec *d, const char *type, const char *name,
	       const char *a, const struct buf *b)
{
	struct buf req = BUF_INIT, reply = BUF_INIT;
	struct hd_msg *m = NULL;
	char err[64];

	hd_enc_begin(&req, type);
	hd_enc_str(&req, name);
	if (a)
		hd_enc_str(&req, a);
	if (b)
		hd_enc_mem(&req, b->data ? b->data : "", b->len);
	hd_enc_end(&req);
	r->ask(r->worker, &req, &reply);
	hd_dec_feed(d, reply.data ? reply.data : "", reply.len);
	if (hd_dec_next(d, &m, err, sizeof(err)) <= 0)
		m = NULL;
	buf_clear(&req);
	buf_clear(&reply);
	return m;
}

/*
 * A global fixture under the controller: the first worker to need it runs its
 * setup and says how it went; the others wait for that and take its verdict.
 */
static void
global_up(struct hd_runner *r, const struct herd_fixture *f, struct hd_fixstate *s,
	  double timeout)
{
	struct hd_dec d;
	struct hd_msg *m;
	struct buf why = BUF_INIT;
	int bad;

	hd_dec_init(&d);
	m = ask_controller(r, &d, "fixture-setup", f->name, NULL, NULL);
	if (!m || m->nf < 2 || strcmp(m->f[0], "fixture")) {
		s->failed = 1;
		s->error = xasprintf("fixture '%s': no answer from the controller\n", f->name);
	} else if (!strcmp(m->f[1], "ready")) {
		s->up = 1;
		s->remote = 1;
	} else if (!strcmp(m->f[1], "failed") || !strcmp(m->f[1], "skipped")) {
		s->failed = m->f[1][0] == 'f' ? 1 : 2;
		s->error = xstrdup(m->nf > 2 && m->len[2] ? m->f[2] : "global fixture setup failed\n");
	} else {
		bad = fixture_call(r, f, HD_NO_PARAM, 1, timeout, &why);
		if (bad) {
			s->failed = bad < 0 ? 1 : 2;
			s->error = xstrdup(why.data ? why.data : "");
		} else {
			s->up = 1;
		}
		hd_dec_free(&d);
		hd_dec_init(&d);
		ask_controller(r, &d, "fixture-done", f->name,
			       bad < 0 ? "failed" : bad ? "skipped" : "ok", &why);
	}
	hd_dec_free(&d);
	buf_clear(&why);
}

int
hd_runner_global_teardown(struct hd_runner *r, const char *name, struct buf *why)
{
	const struct herd_fixture *f = hd_fixture_find(name, strlen(name));
	size_t fi;
	int bad;

	if (!f)
		return 0;
	fi = hd_fixture_index(f);
	bad = fixture_call(r, f, HD_NO_PARAM, 0, r->timeout, why) < 0 ? -1 : 0;
	r->fx[fi].up = 0;
	r->fx[fi].remote = 0;
	return bad;
}

const void *
herd_fixture_param(const char *name)
{
	const struct herd_fixture *f = name ? hd_fixture_find(name, strlen(name)) : NULL;
	const struct hd_runner *r = hd_ctx.runner;
	size_t i;

	if (!f || !f->params || !f->param_size)
		return NULL;
	if (hd_ctx.fx == f)	/* in its own setup or teardown */
		i = hd_ctx.fxparam;
	else if (hd_ctx.item)	/* in a test, or a fixture of test scope */
		i = hd_item_fixture_index(hd_ctx.item, f);
	else if (r && r->fx && r->fx[hd_fixture_index(f)].up)	/* in a wider fixture */
		i = r->fx[hd_fixture_index(f)].param;
	else
		i = HD_NO_PARAM;
	return i < f->param_count ? (const char *)f->params + i * f->param_size : NULL;
}

/* The first name in .fixtures that no FIXTURE defines, or NULL. */
static const char *
unknown_fixture(const struct herd_test *t, size_t *len)
{
	const char *p = t->fixtures;
	size_t n = 0;

	while (p && *p) {
		p += strspn(p, " \t,");
		*len = strcspn(p, " \t,");
		if (*len && !hd_fixture_find(p, *len))
			return p;
		if (*len && ++n > MAX_TEST_FIXTURES) {
			*len = strlen(p);
			return p;
		}
		p += *len;
	}
	return NULL;
}

/* Whether the setup of suite fixture s timed out for suite key before. */
static int
hung_suite(const struct hd_fixstate *s, const char *key)
{
	size_t len = strlen(key);
	const char *p = s->hung;

	while (p && *p) {
		if (!strncmp(p, key, len) && p[len] == '\n')
			return 1;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

int
hd_fixtures_up(struct hd_runner *r, const struct hd_item *it, struct hd_result *res)
{
	const struct herd_fixture *fs[MAX_TEST_FIXTURES];
	size_t i, n = hd_item_fixtures(it->t, fs, LEN(fs));
	const char *unknown;
	size_t ulen;
	char *key = NULL, *hkey = NULL;
	double timeout = it->t->timeout > 0 ? it->t->timeout : r->timeout;
	size_t want;

	if ((unknown = unknown_fixture(it->t, &ulen))) {
		res->outcome = HD_ERROR;
		buf_printf(&res->msg, "fixture '%.*s' is not defined\n", (int)ulen, unknown);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct herd_fixture *f = fs[i];
		size_t fi = hd_fixture_index(f);
		struct hd_fixstate *s = &r->fx[fi];
		struct buf why = BUF_INIT;
		int bad;

		if (f->scope == HERD_SCOPE_TEST)
			continue;
		want = hd_item_fixture_index(it, f);
		/* Another element of a parametrized fixture: this one comes down first. */
		if ((s->up || s->failed) && s->param != want)
			fixture_down(r, fi);
		if (f->scope == HERD_SCOPE_SUITE) {
			free(key), free(hkey);
			key = xasprintf("%s::%s", it->file, it->t->suite);
			/* A hang is remembered per element: another may well work. */
			hkey = want == HD_NO_PARAM ? xstrdup(key) : xasprintf("%s[%zu]", key, want);
			if ((s->up || s->failed) && strcmp(s->suite_key, key))
				fixture_down(r, fi);
			if (hung_suite(s, hkey)) {
				/* Its setup hung once here: every item of the suite is an
				 * error at once, not after a timeout of its own. */
				res->outcome = HD_ERROR;
				buf_adds(&res->msg, s->hung_why);
				free(key), free(hkey);
				return -1;
			}
		}
		if (!s->up && !s->failed && f->scope == HERD_SCOPE_GLOBAL && r->ask) {
			global_up(r, f, s, timeout);
			if (s->up || s->failed)
				r->fxorder[r->nfxorder++] = fi;
		}
		if (!s->up && !s->failed) {
			s->param = want;
			bad = fixture_call(r, f, want, 1, timeout, &why);
			s->suite_key = key ? xstrdup(key) : NULL;
			if (bad == -2 && key) {
				char *hung = xasprintf("%s%s\n", s->hung ? s->hung : "", hkey);

				free(s->hung);
				s->hung = hung;
				if (!s->hung_why)
					s->hung_why = xstrdup(why.data ? why.data : "");
			}
			if (bad) {
				s->failed = bad < 0 ? 1 : 2;
				s->error = buf_detach(&why, NULL);
			} else {
				s->up = 1;
			}
			r->fxorder[r->nfxorder++] = fi;
		}
		buf_clear(&why);
		if (s->failed) {
			res->outcome = s->failed == 1 ? HD_ERROR : HD_SKIPPED;
			buf_adds(&res->msg, s->error);
			free(key), free(hkey);
			return -1;
		}
	}
	free(key), free(hkey);
	return 0;
}

/* Whether fixture s, of scope SUITE, is set up for it's suite as it needs. */
static int
suite_fixture_ready(const struct hd_fixstate *s, const struct hd_item *it, size_t want)
{
	char *key = xasprintf("%s::%s", it->file, it->t->suite);
	char *hkey = want == HD_NO_PARAM ? xstrdup(key) : xasprintf("%s[%zu]", key, want);
	int ready = s->suite_key && !strcmp(s->suite_key, key) && !hung_suite(s, hkey);

	free(key);
	free(hkey);
	return ready;
}

/* Whether a fixture set up for prev's suite is held (up, or failed). */
static int
suite_fixtures_held(const struct hd_runner *r, const struct hd_item *prev)
{
	char *key = xasprintf("%s::%s", prev->file, prev->t->suite);
	size_t i;
	int held = 0;

	for (i = 0; i < r->nfxorder && !held; i++) {
		const char *k = r->fx[r->fxorder[i]].suite_key;

		held = k && !strcmp(k, key);
	}
	free(key);
	return held;
}

int
hd_fixtures_ready(const struct hd_runner *r, const struct hd_item *prev,
		  const struct hd_item *it)
{
	const struct herd_fixture *fs[MAX_TEST_FIXTURES];
	size_t i, n = hd_item_fixtures(it->t, fs, LEN(fs)), ulen;

	if (prev && (strcmp(prev->file, it->file) || strcmp(prev->t->suite, it->t->suite)) &&
	    suite_fixtures_held(r, prev))
		return 0;
	if (unknown_fixture(it->t, &ulen))
		return 0;
	for (i = 0; i < n; i++) {
		const struct hd_fixstate *s = &r->fx[hd_fixture_index(fs[i])];
		size_t want = hd_item_fixture_index(it, fs[i]);

		if (fs[i]->scope == HERD_SCOPE_TEST)
			continue;
		if (!s->up || s->failed || s->param != want ||
		    (fs[i]->scope == HERD_SCOPE_SUITE && !suite_fixture_ready(s, it, want)))
			return 0;
	}
	return 1;
}

void
hd_runner_suite_done(struct hd_runner *r, const struct hd_item *it)
{
	char *key = xasprintf("%s::%s", it->file, it->t->suite);
	size_t i;

	for (i = r->nfxorder; i-- > 0;) {
		size_t fi = r->fxorder[i];

		if (r->fx[fi].suite_key && !strcmp(r->fx[fi].suite_key, key))
			fixture_down(r, fi);
	}
	free(key);
}

void
hd_runner_finish(struct hd_runner *r)
{
	hd_runner_settle();
	hd_spare_drop(r);
	while (r->nfxorder > 0) {
		size_t fi = r->fxorder[r->nfxorder - 1];

		/* Under the controller a global fixture comes down when it says. */
		if (r->ask && hd_fixture_at(fi)->scope == HERD_SCOPE_GLOBAL)
			r->fx[fi].up = 0;
		fixture_down(r, fi);
	}
}
