/*
 * bench/latency.c - latency of herd's cross-worker calls, measured inside the
 * tests themselves. bench.py builds it against libherd and runs it with
 * `herd -n 2` (fork and none isolation).
 *
 * Two tests, a and b, run at once, one in each worker: they meet on the
 * board before measuring (a test that never meets its partner fails, so a
 * run where they did not overlap cannot pass for a measurement). Each is
 * followed by an empty test: herd's load scheduler hands a worker at least
 * two items, so a and b alone would both go to gw0, one after the other;
 * with the pads gw0 gets a and its pad, gw1 b and its pad. bench.py checks
 * from the files that a and b ran in different workers. Each then
 * times, with clock_gettime(CLOCK_MONOTONIC) around every call:
 *
 *   lock      HERD_BENCH_CALLS herd_lock+herd_unlock pairs on a lock of its
 *             own (nobody else wants it: the round trip alone)
 *   get       HERD_BENCH_CALLS herd_board_get of a key the other test set
 *   shared    HERD_BENCH_CALLS herd_lock+herd_unlock pairs on one lock both
 *             tests hammer at the same time (includes waiting for the other)
 *
 * and writes "worker <id>" then one "<op> <nanoseconds>" line a call to
 * $HERD_BENCH_LAT_DIR/<test>.txt. Written by hand, not generated.
 */
#define _POSIX_C_SOURCE 200809L
#include <herd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEET_TIMEOUT_NS 30000000000LL	/* 30 s for the partner to arrive */

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void nap_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

/* Announce reaching phase, then wait until the partner has reached it too.
 * Returns 0 when the partner did not come in time. */
static int meet(const char *phase, const char *me, const char *other)
{
	char key[64];
	long long deadline = now_ns() + MEET_TIMEOUT_NS;

	snprintf(key, sizeof key, "meet.%s.%s", phase, me);
	herd_board_set(key, "1");
	snprintf(key, sizeof key, "meet.%s.%s", phase, other);
	while (now_ns() < deadline) {
		char *v = herd_board_get(key);

		if (v) {
			free(v);
			return 1;
		}
		nap_us(200);
	}
	return 0;
}

static void measure(const char *me, const char *other)
{
	const char *dir = getenv("HERD_BENCH_LAT_DIR");
	const char *calls = getenv("HERD_BENCH_CALLS");
	long n = calls ? atol(calls) : 2000;
	long long *lock_ns, *get_ns, *shared_ns;
	char key[64], own[64], path[4096];
	long i, misses = 0;
	FILE *f;

	REQUIRE(dir != NULL);
	REQUIRE(n > 0);
	lock_ns = malloc(sizeof *lock_ns * (size_t)n);
	get_ns = malloc(sizeof *get_ns * (size_t)n);
	shared_ns = malloc(sizeof *shared_ns * (size_t)n);
	REQUIRE(lock_ns && get_ns && shared_ns);

	snprintf(key, sizeof key, "value.%s", me);
	herd_board_set(key, "a short value, as a port number or a path would be");
	REQUIRE(meet("start", me, other));

	snprintf(own, sizeof own, "lock.%s", me);
	for (i = 0; i < n; i++) {
		long long t0 = now_ns();

		herd_lock(own);
		herd_unlock(own);
		lock_ns[i] = now_ns() - t0;
	}

	snprintf(key, sizeof key, "value.%s", other);
	for (i = 0; i < n; i++) {
		long long t0 = now_ns();
		char *v = herd_board_get(key);

		get_ns[i] = now_ns() - t0;
		misses += v == NULL;
		free(v);
	}
	CHECK_EQ(misses, 0);

	REQUIRE(meet("shared", me, other));
	for (i = 0; i < n; i++) {
		long long t0 = now_ns();

		herd_lock("lock.shared");
		herd_unlock("lock.shared");
		shared_ns[i] = now_ns() - t0;
	}

	snprintf(path, sizeof path, "%s/%s.txt", dir, me);
	f = fopen(path, "w");
	REQUIRE(f != NULL);
	fprintf(f, "worker %s\n", herd_worker_id());
	for (i = 0; i < n; i++)
		fprintf(f, "lock %lld\n", lock_ns[i]);
	for (i = 0; i < n; i++)
		fprintf(f, "get %lld\n", get_ns[i]);
	for (i = 0; i < n; i++)
		fprintf(f, "shared %lld\n", shared_ns[i]);
	CHECK_EQ(fclose(f), 0);
	free(lock_ns);
	free(get_ns);
	free(shared_ns);
}

TEST(latency, a) { measure("a", "b"); }
TEST(latency, a_pad) { }
TEST(latency, b) { measure("b", "a"); }
TEST(latency, b_pad) { }
