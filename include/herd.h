/*
 * herd.h - the one header a herd test author includes.
 *
 *	#include <herd.h>
 *
 *	TEST(math, add) { CHECK_EQ(add(2, 2), 4); }
 *
 * Link with -lherd; the library supplies main(). Defining a TEST is enough to
 * register it: there is no list to maintain. The binary runs alone as a serial
 * runner (./t --help) and, started by the herd controller, as one of its workers.
 *
 * The header compiles as C11 and as C++ (C++20 for the designated options; they
 * must then be written in the order struct herd_test declares them).
 */
#ifndef HERD_H
#define HERD_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>	/* so that .signal = SIGSEGV needs no other include */

#ifdef __cplusplus
#include <type_traits>
extern "C" {
#endif
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define HERD_VERSION "0.1.0"

/* Group strategies (pytest-mp); acted on by the controller. */
enum herd_strategy {
	HERD_FREE = 0,
	HERD_SERIAL,
	HERD_ISOLATED_FREE,
	HERD_ISOLATED_SERIAL
};

/* Fixture scopes. */
enum herd_scope {
	HERD_SCOPE_TEST = 0,
	HERD_SCOPE_SUITE,
	HERD_SCOPE_WORKER,
	HERD_SCOPE_GLOBAL
};

/*
 * One TEST or TEST_P. The first fields are filled in by the macro; the rest are
 * the options a test author may set, all zero by default.
 */
struct herd_test {
	const char *suite;
	const char *name;
	const char *file;
	int line;
	void (*fn)(void);
	const void *params;	/* TEST_P: the array, its element size and count */
	size_t param_size;
	size_t param_count;

	double timeout;		/* seconds; 0: the runner's --timeout */
	const char *marks;	/* space-separated words */
	const char *skip;	/* reason: the test is not run */
	const char *xfail;	/* reason: the test is expected to fail */
	int strict;		/* with .xfail: passing fails the run (XPASS(strict)) */
	int signal;		/* the test must die of this signal */
	int exit_code;		/* the test must exit() with this status */
	int expect_exit;	/* set to expect exit(.exit_code) when that is 0 */
	const char *fixtures;	/* space-separated fixture names */
	const char *group;
	enum herd_strategy strategy;
	const char *resources;	/* "pg gpu:2": tokens of each resource */
	int exclusive;		/* nothing else runs alongside */
	int reruns;
	/* TEST_P: writes a readable id for one element into buf, e.g. "empty". */
	void (*param_id)(char *buf, size_t size, const void *param);
};

/* One FIXTURE. */
struct herd_fixture {
	const char *name;
	const char *file;
	int line;
	enum herd_scope scope;
	void (*setup)(void);
	void (*teardown)(void);
};

void herd_register(const struct herd_test *t);
void herd_register_fixture(const struct herd_fixture *f);

/* The runner: main() calls this; a binary with a main of its own may too. */
int herd_main(int argc, char **argv);

/* Runtime calls from inside a test. */
void herd_skip(const char *reason);	/* does not return */
const void *herd_param(void);		/* the current TEST_P element, else NULL */
size_t herd_param_index(void);
const char *herd_test_id(void);	/* node id of the running item */
const char *herd_worker_id(void);	/* "gw0", ... or "main" when run alone */
int herd_worker_count(void);
const char *herd_testrun_uid(void);

/*
 * Across every worker of a run (and, run alone, across the tests of this
 * binary): a named mutex, a key-value message board, and pytest-mp's trails.
 * A lock still held when its test ends, dies or times out is released.
 */
void herd_lock(const char *name);
void herd_unlock(const char *name);
/* herd_lock("name") names the caller's file:line when the lock is refused. */
void herd_lock_at(const char *name, const char *file, int line);
#define herd_lock(name) herd_lock_at((name), __FILE__, __LINE__)
void herd_board_set(const char *key, const char *value);
void herd_board_set_bytes(const char *key, const void *value, size_t len);
char *herd_board_get(const char *key);	/* malloc()ed copy, NULL if unset */
void *herd_board_get_bytes(const char *key, size_t *len);	/* same, any bytes */
int herd_trail_start(const char *name);	/* nonzero for the first start */
int herd_trail_finish(const char *name);	/* nonzero when back to zero */

/* Assertion back ends: use the macros below. */
enum herd_op { HERD_OP_EQ, HERD_OP_NE, HERD_OP_LT, HERD_OP_LE, HERD_OP_GT, HERD_OP_GE };
int herd_assert_true(int stop, int ok, const char *file, int line,
		     const char *expr, const char *fmt, ...);
int herd_assert_int(int stop, enum herd_op op, const char *file, int line,
		    const char *macro, const char *ea, const char *eb,
		    int sa, uintmax_t a, int sb, uintmax_t b, const char *fmt, ...);
int herd_assert_str(int stop, int want_eq, const char *file, int line,
		    const char *macro, const char *ea, const char *eb,
		    const char *a, const char *b, const char *fmt, ...);
int herd_assert_mem(int stop, const char *file, int line, const char *macro,
		    const char *ea, const char *eb, const void *a, const void *b,
		    size_t n, const char *fmt, ...);
int herd_assert_near(int stop, const char *file, int line, const char *macro,
		     const char *ea, const char *eb, const char *eeps,
		     double a, double b, double eps, const char *fmt, ...);
int herd_assert_ptr(int stop, int want_null, const char *file, int line,
		    const char *macro, const char *ea, const void *p,
		    const char *fmt, ...);
void herd_fail_at(int stop, const char *file, int line, const char *fmt, ...);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif

/* ---- registration ---- */

#define HERD_CAT_(a, b) a##b
#define HERD_CAT(a, b) HERD_CAT_(a, b)
#define HERD_SYM(kind, suite, name) herd_##kind##__##suite##__##name

/* C++ warns of the options an author leaves out; C does not. */
#if defined(__cplusplus) && defined(__GNUC__)
#define HERD_OPTS_BEGIN_ _Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"")
#define HERD_OPTS_END_ _Pragma("GCC diagnostic pop")
#else
#define HERD_OPTS_BEGIN_
#define HERD_OPTS_END_
#endif

#ifdef __cplusplus
#define HERD_CTOR_(fn) static void fn(void); \
	static const int HERD_CAT(fn, _once) = (fn(), 0); static void fn(void)
#else
#define HERD_CTOR_(fn) __attribute__((constructor)) static void fn(void)
#endif

/*
 * TEST(suite, name, options...) { body }
 * The extra empty argument lets the option list be empty without the
 * pedantic "requires at least one argument" complaint.
 */
#define TEST(...) HERD_TEST_(__VA_ARGS__, )
#define HERD_TEST_(suite, name, ...) \
	HERD_TEST_DEF_(suite, name, NULL, 0, 0, __VA_ARGS__)

/* TEST_P(suite, name, array, options...): one item per element of array. */
#define TEST_P(...) HERD_TEST_P_(__VA_ARGS__, )
#define HERD_TEST_P_(suite, name, array, ...) \
	HERD_TEST_DEF_(suite, name, (const void *)(array), sizeof((array)[0]), \
		       sizeof(array) / sizeof((array)[0]), __VA_ARGS__)

#define HERD_TEST_DEF_(suite_, name_, params_, psize_, pcount_, ...) \
	static void HERD_SYM(fn, suite_, name_)(void); \
	HERD_OPTS_BEGIN_ \
	static const struct herd_test HERD_SYM(t, suite_, name_) = { \
		.suite = #suite_, .name = #name_, .file = __FILE__, \
		.line = __LINE__, .fn = HERD_SYM(fn, suite_, name_), \
		.params = params_, .param_size = psize_, \
		.param_count = pcount_, __VA_ARGS__ }; \
	HERD_OPTS_END_ \
	HERD_CTOR_(HERD_SYM(reg, suite_, name_)) \
	{ herd_register(&HERD_SYM(t, suite_, name_)); } \
	static void HERD_SYM(fn, suite_, name_)(void)

/* FIXTURE(name, .scope = ..., .setup = f, .teardown = g); */
#define FIXTURE(...) HERD_FIXTURE_(__VA_ARGS__, )
#define HERD_FIXTURE_(name_, ...) \
	HERD_OPTS_BEGIN_ \
	static const struct herd_fixture HERD_SYM(fx, fixture, name_) = { \
		.name = #name_, .file = __FILE__, .line = __LINE__, \
		__VA_ARGS__ }; \
	HERD_OPTS_END_ \
	HERD_CTOR_(HERD_SYM(fxreg, fixture, name_)) \
	{ herd_register_fixture(&HERD_SYM(fx, fixture, name_)); } \
	extern int herd_fixture_semicolon_

/* ---- assertions ---- */

#ifdef __cplusplus
#define HERD_SIGNED_(x) ((int)std::is_signed<decltype(x)>::value)
#else
#define HERD_SIGNED_(x) _Generic((x), \
	_Bool: 0, unsigned char: 0, unsigned short: 0, unsigned int: 0, \
	unsigned long: 0, unsigned long long: 0, default: 1)
#endif

#define HERD_TRUE_(stop, cond, ...) \
	herd_assert_true(stop, !!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
#define HERD_INT_(stop, op, macro, a, b, ...) \
	herd_assert_int(stop, op, __FILE__, __LINE__, macro, #a, #b, \
			HERD_SIGNED_(a), (uintmax_t)(a), \
			HERD_SIGNED_(b), (uintmax_t)(b), __VA_ARGS__)
#define HERD_STR_(stop, eq, macro, a, b, ...) \
	herd_assert_str(stop, eq, __FILE__, __LINE__, macro, #a, #b, a, b, __VA_ARGS__)
#define HERD_MEM_(stop, macro, a, b, n, ...) \
	herd_assert_mem(stop, __FILE__, __LINE__, macro, #a, #b, a, b, n, __VA_ARGS__)
#define HERD_NEAR_(stop, macro, a, b, eps, ...) \
	herd_assert_near(stop, __FILE__, __LINE__, macro, #a, #b, #eps, \
			 (double)(a), (double)(b), (double)(eps), __VA_ARGS__)
#define HERD_PTR_(stop, null, macro, p, ...) \
	herd_assert_ptr(stop, null, __FILE__, __LINE__, macro, #p, \
			(const void *)(p), __VA_ARGS__)

/*
 * Every assertion takes an optional printf-style message after its operands:
 * CHECK_EQ(n, 4, "after %d pushes", k). The trailing "" lets it be absent.
 */
#define CHECK(...)		HERD_TRUE_(0, __VA_ARGS__, "")
#define REQUIRE(...)		HERD_TRUE_(1, __VA_ARGS__, "")
#define CHECK_EQ(...)		HERD_INT_(0, HERD_OP_EQ, "CHECK_EQ", __VA_ARGS__, "")
#define CHECK_NE(...)		HERD_INT_(0, HERD_OP_NE, "CHECK_NE", __VA_ARGS__, "")
#define CHECK_LT(...)		HERD_INT_(0, HERD_OP_LT, "CHECK_LT", __VA_ARGS__, "")
#define CHECK_LE(...)		HERD_INT_(0, HERD_OP_LE, "CHECK_LE", __VA_ARGS__, "")
#define CHECK_GT(...)		HERD_INT_(0, HERD_OP_GT, "CHECK_GT", __VA_ARGS__, "")
#define CHECK_GE(...)		HERD_INT_(0, HERD_OP_GE, "CHECK_GE", __VA_ARGS__, "")
#define REQUIRE_EQ(...)		HERD_INT_(1, HERD_OP_EQ, "REQUIRE_EQ", __VA_ARGS__, "")
#define REQUIRE_NE(...)		HERD_INT_(1, HERD_OP_NE, "REQUIRE_NE", __VA_ARGS__, "")
#define REQUIRE_LT(...)		HERD_INT_(1, HERD_OP_LT, "REQUIRE_LT", __VA_ARGS__, "")
#define REQUIRE_LE(...)		HERD_INT_(1, HERD_OP_LE, "REQUIRE_LE", __VA_ARGS__, "")
#define REQUIRE_GT(...)		HERD_INT_(1, HERD_OP_GT, "REQUIRE_GT", __VA_ARGS__, "")
#define REQUIRE_GE(...)		HERD_INT_(1, HERD_OP_GE, "REQUIRE_GE", __VA_ARGS__, "")
#define CHECK_STR_EQ(...)	HERD_STR_(0, 1, "CHECK_STR_EQ", __VA_ARGS__, "")
#define CHECK_STR_NE(...)	HERD_STR_(0, 0, "CHECK_STR_NE", __VA_ARGS__, "")
#define REQUIRE_STR_EQ(...)	HERD_STR_(1, 1, "REQUIRE_STR_EQ", __VA_ARGS__, "")
#define REQUIRE_STR_NE(...)	HERD_STR_(1, 0, "REQUIRE_STR_NE", __VA_ARGS__, "")
#define CHECK_MEM_EQ(...)	HERD_MEM_(0, "CHECK_MEM_EQ", __VA_ARGS__, "")
#define REQUIRE_MEM_EQ(...)	HERD_MEM_(1, "REQUIRE_MEM_EQ", __VA_ARGS__, "")
#define CHECK_NEAR(...)		HERD_NEAR_(0, "CHECK_NEAR", __VA_ARGS__, "")
#define REQUIRE_NEAR(...)	HERD_NEAR_(1, "REQUIRE_NEAR", __VA_ARGS__, "")
#define CHECK_NULL(...)		HERD_PTR_(0, 1, "CHECK_NULL", __VA_ARGS__, "")
#define CHECK_NOT_NULL(...)	HERD_PTR_(0, 0, "CHECK_NOT_NULL", __VA_ARGS__, "")
#define REQUIRE_NULL(...)	HERD_PTR_(1, 1, "REQUIRE_NULL", __VA_ARGS__, "")
#define REQUIRE_NOT_NULL(...)	HERD_PTR_(1, 0, "REQUIRE_NOT_NULL", __VA_ARGS__, "")

/* FAIL("why %d", n): an unconditional failure that stops the test. */
#define FAIL(...)		herd_fail_at(1, __FILE__, __LINE__, __VA_ARGS__)

#endif /* HERD_H */
