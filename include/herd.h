/*
 * herd.h - the one header a herd test author includes.
 *
 *	#include <herd.h>
 *
 *	TEST(math, add) { CHECK_EQ(add(2, 2), 4); }
 *	TASK(clean, .depends_on = "raw.csv", .produces = "bld/clean.csv") { ... }
 *
 * Link with -lherd; the library supplies main(). Defining a TEST or a TASK is
 * enough to register it: there is no list to maintain. The binary runs alone
 * as a serial runner of its tests (./t --help) and, started by the herd
 * controller, as one of its workers, for tests and for herd build's tasks.
 *
 * The header compiles as C99, C11 and later, and as C++ (C++20 for the
 * designated options; they must then be written in the order struct herd_test,
 * or struct herd_task, declares them). Every macro has a HERD_ name (HERD_TEST, HERD_CHECK_EQ);
 * the short names (TEST, CHECK_EQ) are left out when HERD_NO_SHORT_NAMES is
 * defined before the include.
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

#include "herd_version.h"

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
	/*
	 * Space-separated tasks herd runs first when they are out of date: a
	 * task's name (each TASK_P instance of it), name[param] or its id.
	 */
	const char *after;
};

/*
 * One TASK or TASK_P: a step of a workflow that makes files from files, run
 * by herd build (docs/tasks.md). The first fields are filled in by the macro;
 * the rest are the options, all zero by default. The path lists are
 * space-separated and relative to the project root; a path cannot hold
 * whitespace. In a TASK_P, {id} in a path stands for the instance's param id.
 */
struct herd_task {
	const char *name;
	const char *file;
	int line;
	void (*fn)(void);
	const void *params;	/* TASK_P: the array, its element size and count */
	size_t param_size;
	size_t param_count;

	const char *depends_on;	/* the files it reads */
	const char *produces;	/* the files it must create or update */
	const char *after;	/* tasks to run before it, as TEST's .after */
	const char *marks;	/* persist, try_first, try_last, skip and any of the author's */
	double timeout;		/* seconds; 0: the runner's --timeout */
	const char *skip;	/* reason: the task is not run */
	const char *fixtures;	/* space-separated fixture names */
	const char *group;
	enum herd_strategy strategy;
	const char *resources;	/* "pg gpu:2": tokens of each resource */
	int exclusive;		/* nothing else runs alongside */
	int reruns;
	/* TASK_P: writes a readable id for one element into buf: {id} and [id]. */
	void (*param_id)(char *buf, size_t size, const void *param);
};

/*
 * One FIXTURE. With .params = HERD_PARAMS(array) it is parametrized: every
 * test using it runs once per element of array, and herd_fixture_param()
 * returns the current element. .param_id names an element in the test's id
 * as TEST_P's does; without it the index is used.
 */
struct herd_fixture {
	const char *name;
	const char *file;
	int line;
	enum herd_scope scope;
	void (*setup)(void);
	void (*teardown)(void);
	const void *params;	/* the array, its element size and count */
	size_t param_size;
	size_t param_count;
	void (*param_id)(char *buf, size_t size, const void *param);
};

/*
 * One SUITE: defaults for every TEST and TEST_P of the suite of that name, in
 * any file of the binary. The lists (.fixtures, .marks, .resources) are
 * prepended to the test's own; a test's own scalar (.timeout, .group,
 * .strategy, .skip, .xfail) wins over the suite's.
 */
struct herd_suite {
	const char *name;
	const char *file;
	int line;
	const char *fixtures;
	const char *marks;
	double timeout;
	const char *group;
	enum herd_strategy strategy;
	const char *resources;
	const char *skip;
	const char *xfail;
};

/*
 * The layout of the four structs above, as this header has them. libherd
 * reads each struct through the object that registered it, so an object
 * compiled against another herd.h must never reach it: the registration
 * functions carry this number in their names (herd_register is
 * herd_register_abi1). A stale object then fails to link, or, against names
 * an older libherd used, stops the binary at start-up with one line (exit
 * 4), instead of being misread. Raised whenever one of the structs changes;
 * herd's version says nothing about it.
 */
#define HERD_ABI 1
#define HERD_ABI_NAME_(name, abi) name##_abi##abi
#define HERD_ABI_NAME(name, abi) HERD_ABI_NAME_(name, abi)
#define herd_register HERD_ABI_NAME(herd_register, HERD_ABI)
#define herd_register_fixture HERD_ABI_NAME(herd_register_fixture, HERD_ABI)
#define herd_register_suite HERD_ABI_NAME(herd_register_suite, HERD_ABI)
#define herd_register_task HERD_ABI_NAME(herd_register_task, HERD_ABI)

void herd_register(const struct herd_test *t);
void herd_register_fixture(const struct herd_fixture *f);
void herd_register_suite(const struct herd_suite *s);
void herd_register_task(const struct herd_task *t);

/* The runner: main() calls this; a binary with a main of its own may too. */
int herd_main(int argc, char **argv);

/* Runtime calls from inside a test. */
void herd_skip(const char *reason);	/* does not return */
const void *herd_param(void);		/* the current TEST_P element, else NULL */
size_t herd_param_index(void);
/*
 * The element of parametrized fixture name in use: in its setup and teardown
 * and in the tests and fixtures using it. NULL when name is not parametrized
 * or not in use.
 */
const void *herd_fixture_param(const char *name);
/* The node id of the running item. Read-only memory: writing through it crashes the test. */
const char *herd_test_id(void);
const char *herd_worker_id(void);	/* "gw0", ... or "main" when run alone */
int herd_worker_count(void);
const char *herd_testrun_uid(void);
/*
 * In a task: the i-th path of its .depends_on or .produces, {id} replaced,
 * as an absolute path under the project root (HERD_ROOTDIR, which herd sets;
 * run alone, the working directory the binary started in). NULL past the
 * end of the list, and outside a task.
 */
const char *herd_depends_on(size_t i);
const char *herd_produces(size_t i);

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

/*
 * Assertion back ends: use the macros below. macro is the assertion's name
 * ("CHECK_EQ") and args its arguments as written ("n, 4, \"after %d\", k"),
 * of which the message shows the operands; fmt and what follows it are the
 * author's optional message. Each returns nonzero when the assertion holds; a failed
 * REQUIRE (stop set) does not return. Integers and pointers come as integers
 * so that a pointer to memory not yet written (a fresh malloc()) is never
 * taken for a read of that memory.
 */
enum herd_op { HERD_OP_EQ, HERD_OP_NE, HERD_OP_LT, HERD_OP_LE, HERD_OP_GT, HERD_OP_GE };
enum herd_str_op {
	HERD_STR_OP_EQ, HERD_STR_OP_NE, HERD_STR_OP_NEQ /* first n bytes */,
	HERD_STR_OP_CONTAINS, HERD_STR_OP_STARTS_WITH, HERD_STR_OP_ENDS_WITH
};
enum herd_float_op {
	HERD_FLOAT_OP_FLOAT_EQ, HERD_FLOAT_OP_DOUBLE_EQ, HERD_FLOAT_OP_NEAR,
	HERD_FLOAT_OP_APPROX, HERD_FLOAT_OP_APPROX_NAN_OK, HERD_FLOAT_OP_NAN,
	HERD_FLOAT_OP_INF, HERD_FLOAT_OP_APPROX_TOL, HERD_FLOAT_OP_LT, HERD_FLOAT_OP_LE, HERD_FLOAT_OP_GT,
	HERD_FLOAT_OP_GE
};
enum herd_ptr_op { HERD_PTR_OP_EQ, HERD_PTR_OP_NE, HERD_PTR_OP_NULL, HERD_PTR_OP_NOT_NULL };
int herd_assert_true(int stop, int ok, const char *file, int line,
		     const char *macro, const char *args, const char *fmt, ...);
int herd_assert_int(int stop, enum herd_op op, const char *file, int line,
		    const char *macro, const char *args, int sa, uintmax_t a, int sb, uintmax_t b,
		    const char *fmt, ...);
int herd_assert_bits(int stop, const char *file, int line,
		     const char *macro, const char *args,
		     uintmax_t mask, uintmax_t a, uintmax_t b, const char *fmt, ...);
int herd_assert_str(int stop, enum herd_str_op op, const char *file, int line,
		    const char *macro, const char *args, const char *a, const char *b, size_t n,
		    const char *fmt, ...);
int herd_assert_mem(int stop, const char *file, int line,
		    const char *macro, const char *args,
		    const void *a, const void *b, size_t n, const char *fmt, ...);
/* rel and abs: the tolerances of NEAR (abs) and APPROX (both). */
int herd_assert_float(int stop, enum herd_float_op op, const char *file, int line,
		      const char *macro, const char *args, double a, double b,
		      double rel, double abs,
		      const char *fmt, ...);
int herd_assert_ptr(int stop, enum herd_ptr_op op, const char *file, int line,
		    const char *macro, const char *args, uintptr_t a, uintptr_t b,
		    const char *fmt, ...);
void herd_fail_at(int stop, const char *file, int line, const char *fmt, ...);
/*
 * The assertion context: lines shown under every failure until popped,
 * innermost first, each with the file:line that pushed it. At most 16 are
 * kept (deeper pushes are counted, not shown); a test starts with none.
 */
void herd_context_push(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
void herd_context_pop(void);

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
 * HERD_TEST(suite, name, options...) { body }, short name TEST.
 * The extra empty argument lets the option list be empty without the
 * pedantic "requires at least one argument" complaint. C++ before C++20 has
 * no designated initializers: there a TEST takes no options and FIXTURE is
 * not available.
 */
#define HERD_TEST(...) HERD_TEST_1_(__VA_ARGS__, )
#define HERD_TEST_1_(suite, name, ...) \
	HERD_TEST_DEF_(suite, name, NULL, 0, 0, __VA_ARGS__)

/* HERD_TEST_P(suite, name, array, options...): one item per element of array. */
#define HERD_TEST_P(...) HERD_TEST_P_1_(__VA_ARGS__, )
#define HERD_TEST_P_1_(suite, name, array, ...) \
	HERD_TEST_DEF_(suite, name, (const void *)(array), sizeof((array)[0]), \
		       sizeof(array) / sizeof((array)[0]), __VA_ARGS__)

#if defined(__cplusplus) && __cplusplus <= 201703L
#define HERD_TEST_FIELDS_(suite_, name_, fn_, params_, psize_, pcount_) \
	#suite_, #name_, __FILE__, __LINE__, fn_, params_, psize_, pcount_
#else
#define HERD_TEST_FIELDS_(suite_, name_, fn_, params_, psize_, pcount_) \
	.suite = #suite_, .name = #name_, .file = __FILE__, .line = __LINE__, \
	.fn = fn_, .params = params_, .param_size = psize_, .param_count = pcount_
#endif

#define HERD_TEST_DEF_(suite_, name_, params_, psize_, pcount_, ...) \
	static void HERD_SYM(fn, suite_, name_)(void); \
	HERD_OPTS_BEGIN_ \
	static const struct herd_test HERD_SYM(t, suite_, name_) = { \
		HERD_TEST_FIELDS_(suite_, name_, HERD_SYM(fn, suite_, name_), \
				  params_, psize_, pcount_), __VA_ARGS__ }; \
	HERD_OPTS_END_ \
	HERD_CTOR_(HERD_SYM(reg, suite_, name_)) \
	{ herd_register(&HERD_SYM(t, suite_, name_)); } \
	static void HERD_SYM(fn, suite_, name_)(void)

/*
 * HERD_TASK(name, options...) { body }, short name TASK: a task of herd
 * build, registered as a TEST is. Its id is file::name. Options in the order
 * struct herd_task declares them (for C++20; C++17 takes none).
 */
#define HERD_TASK(...) HERD_TASK_1_(__VA_ARGS__, )
#define HERD_TASK_1_(name, ...) HERD_TASK_DEF_(name, NULL, 0, 0, __VA_ARGS__)

/* HERD_TASK_P(name, array, options...): one task per element, id file::name[param]. */
#define HERD_TASK_P(...) HERD_TASK_P_1_(__VA_ARGS__, )
#define HERD_TASK_P_1_(name, array, ...) \
	HERD_TASK_DEF_(name, (const void *)(array), sizeof((array)[0]), \
		       sizeof(array) / sizeof((array)[0]), __VA_ARGS__)

#if defined(__cplusplus) && __cplusplus <= 201703L
#define HERD_TASK_FIELDS_(name_, fn_, params_, psize_, pcount_) \
	#name_, __FILE__, __LINE__, fn_, params_, psize_, pcount_
#else
#define HERD_TASK_FIELDS_(name_, fn_, params_, psize_, pcount_) \
	.name = #name_, .file = __FILE__, .line = __LINE__, .fn = fn_, \
	.params = params_, .param_size = psize_, .param_count = pcount_
#endif

#define HERD_TASK_DEF_(name_, params_, psize_, pcount_, ...) \
	static void HERD_SYM(taskfn, task, name_)(void); \
	HERD_OPTS_BEGIN_ \
	static const struct herd_task HERD_SYM(task, task, name_) = { \
		HERD_TASK_FIELDS_(name_, HERD_SYM(taskfn, task, name_), \
				  params_, psize_, pcount_), __VA_ARGS__ }; \
	HERD_OPTS_END_ \
	HERD_CTOR_(HERD_SYM(taskreg, task, name_)) \
	{ herd_register_task(&HERD_SYM(task, task, name_)); } \
	static void HERD_SYM(taskfn, task, name_)(void)

/*
 * HERD_TEST_FN(suite, name): the function holding a TEST's body, which
 * another test of the same file may call (HERD_TEST_FN(math, add)();). It is
 * static; a test defined further down is declared first with
 * static void HERD_TEST_FN(suite, name)(void);. The call runs the body only,
 * in the caller's item: its fixtures, herd_param() and options stay the
 * caller's.
 */
#define HERD_TEST_FN(suite, name) HERD_SYM(fn, suite, name)

/*
 * .params = HERD_PARAMS(array) in a FIXTURE: the array with its element size
 * and count (a pointer alone would not tell them).
 */
#define HERD_PARAMS(array) (const void *)(array), \
	.param_size = sizeof((array)[0]), .param_count = sizeof(array) / sizeof((array)[0])

/*
 * HERD_SUITE(name, .fixtures = "...", .marks = "...", ...); short name SUITE.
 * Options in the order struct herd_suite declares them (for C++).
 */
#define HERD_SUITE(...) HERD_SUITE_1_(__VA_ARGS__, )
#define HERD_SUITE_1_(name_, ...) \
	HERD_OPTS_BEGIN_ \
	static const struct herd_suite HERD_SYM(su, suite, name_) = { \
		.name = #name_, .file = __FILE__, .line = __LINE__, \
		__VA_ARGS__ }; \
	HERD_OPTS_END_ \
	HERD_CTOR_(HERD_SYM(sureg, suite, name_)) \
	{ herd_register_suite(&HERD_SYM(su, suite, name_)); } \
	extern int herd_suite_semicolon_

/* HERD_FIXTURE(name, .scope = ..., .setup = f, .teardown = g); short name FIXTURE. */
#define HERD_FIXTURE(...) HERD_FIXTURE_1_(__VA_ARGS__, )
#define HERD_FIXTURE_1_(name_, ...) \
	HERD_OPTS_BEGIN_ \
	static const struct herd_fixture HERD_SYM(fx, fixture, name_) = { \
		.name = #name_, .file = __FILE__, .line = __LINE__, \
		__VA_ARGS__ }; \
	HERD_OPTS_END_ \
	HERD_CTOR_(HERD_SYM(fxreg, fixture, name_)) \
	{ herd_register_fixture(&HERD_SYM(fx, fixture, name_)); } \
	extern int herd_fixture_semicolon_

/* ---- assertions ---- */

/*
 * Every assertion prints, when it fails, "file:line: MACRO(args) failed: got
 * ACTUAL, expected EXPECTED": the first operand is the value under test, the
 * second what it should be. Each takes an optional printf-style message after
 * its operands: CHECK_EQ(n, 4, "after %d pushes", k). The trailing "" lets it
 * be absent. Each operand is evaluated once.
 */

#if defined(__GNUC__) || defined(__clang__)
#define HERD_EXT_ __extension__
#else
#define HERD_EXT_
#endif

#define HERD_FLOAT_HINT_ \
	"for floating values use CHECK_DOUBLE_EQ, CHECK_FLOAT_EQ, CHECK_NEAR, " \
	"CHECK_APPROX or CHECK_DOUBLE_LT, _LE, _GT, _GE"

#ifdef __cplusplus
/* An integer comparison refuses a floating operand: it would be truncated. */
template <class T> struct herd_integer_operand_ {
	static_assert(!std::is_floating_point<T>::value,
		      "herd: CHECK_EQ, _NE, _LT, _LE, _GT, _GE and CHECK_BITS compare "
		      "integers; " HERD_FLOAT_HINT_);
	char herd_m_;
};
#define HERD_NOT_FLOAT_(macro, x) \
	((void)sizeof(herd_integer_operand_<typename std::decay<decltype(x)>::type>))
template <class T, bool E = std::is_enum<T>::value> struct herd_signed_ {
	static const int value = std::is_signed<T>::value;
};
template <class T> struct herd_signed_<T, true> {
	static const int value = std::is_signed<typename std::underlying_type<T>::type>::value;
};
#define HERD_SIGNED_(x) (herd_signed_<typename std::decay<decltype(x)>::type>::value)
/* The string forms take char, signed char and unsigned char strings, and nullptr. */
inline const char *herd_cstr_(const char *s) { return s; }
inline const char *herd_cstr_(const unsigned char *s) { return reinterpret_cast<const char *>(s); }
inline const char *herd_cstr_(const signed char *s) { return reinterpret_cast<const char *>(s); }
inline const char *herd_cstr_(decltype(nullptr)) { return nullptr; }
#define HERD_CSTR_(s) herd_cstr_(s)
#else
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define HERD_NOT_FLOAT_(macro, x) ((void)sizeof(struct { \
	_Static_assert(!_Generic((x), \
		float: 1, double: 1, long double: 1, default: 0), \
		"herd: " macro " compares integers; " HERD_FLOAT_HINT_); \
	int herd_m_; }))
#else
/* C99 has no _Static_assert (the C library may define it as a macro of its own). */
#define HERD_NOT_FLOAT_(macro, x) ((void)sizeof(struct { \
	int herd_integer_comparison_of_a_floating_value_use_CHECK_DOUBLE_EQ_or_CHECK_NEAR : \
		HERD_EXT_ _Generic((x), float: -1, double: -1, long double: -1, default: 1); }))
#endif
#define HERD_SIGNED_(x) (HERD_EXT_ _Generic((x), \
	_Bool: 0, unsigned char: 0, unsigned short: 0, unsigned int: 0, \
	unsigned long: 0, unsigned long long: 0, default: 1))
#define HERD_CSTR_(s) ((const char *)(HERD_EXT_ _Generic((s), \
	char *: (s), const char *: (s), signed char *: (s), \
	const signed char *: (s), unsigned char *: (s), \
	const unsigned char *: (s), void *: (s), const void *: (s))))
#endif
#define HERD_PTRV_(p) ((uintptr_t)(const volatile void *)(p))

#define HERD_TRUE_(stop, macro, args, cond, ...) \
	herd_assert_true(stop, !!(cond), __FILE__, __LINE__, macro, args, \
			 __VA_ARGS__)
#define HERD_INT_(stop, op, macro, args, a, b, ...) \
	herd_assert_int(stop, op, __FILE__, __LINE__, macro, args, \
			(HERD_NOT_FLOAT_(macro, a), HERD_SIGNED_(a)), (uintmax_t)(a), \
			(HERD_NOT_FLOAT_(macro, b), HERD_SIGNED_(b)), (uintmax_t)(b), \
			__VA_ARGS__)
#define HERD_BITS_(stop, macro, args, mask, a, b, ...) \
	herd_assert_bits(stop, __FILE__, __LINE__, macro, args, \
			 (HERD_NOT_FLOAT_(macro, mask), (uintmax_t)(mask)), \
			 (HERD_NOT_FLOAT_(macro, a), (uintmax_t)(a)), \
			 (HERD_NOT_FLOAT_(macro, b), (uintmax_t)(b)), __VA_ARGS__)
#define HERD_STR_(stop, op, macro, args, a, b, ...) \
	herd_assert_str(stop, op, __FILE__, __LINE__, macro, args, \
			HERD_CSTR_(a), HERD_CSTR_(b), 0, __VA_ARGS__)
#define HERD_STRN_(stop, macro, args, a, b, n, ...) \
	herd_assert_str(stop, HERD_STR_OP_NEQ, __FILE__, __LINE__, macro, args, \
			HERD_CSTR_(a), HERD_CSTR_(b), (size_t)(n), __VA_ARGS__)
#define HERD_MEM_(stop, macro, args, a, b, n, ...) \
	herd_assert_mem(stop, __FILE__, __LINE__, macro, args, \
			(const void *)(a), (const void *)(b), (size_t)(n), __VA_ARGS__)
#define HERD_FLOAT1_(stop, op, macro, args, x, ...) \
	herd_assert_float(stop, op, __FILE__, __LINE__, macro, args, \
			  (double)(x), 0.0, 0.0, 0.0, __VA_ARGS__)
#define HERD_FLOAT2_(stop, op, macro, args, a, b, ...) \
	herd_assert_float(stop, op, __FILE__, __LINE__, macro, args, \
			  (double)(a), (double)(b), 1e-6, 1e-12, __VA_ARGS__)
#define HERD_FLOATEQ_(stop, macro, args, a, b, ...) \
	herd_assert_float(stop, HERD_FLOAT_OP_FLOAT_EQ, __FILE__, __LINE__, \
			  macro, args, (double)(float)(a), \
			  (double)(float)(b), 0.0, 0.0, __VA_ARGS__)
#define HERD_NEAR_(stop, macro, args, a, b, eps, ...) \
	herd_assert_float(stop, HERD_FLOAT_OP_NEAR, __FILE__, __LINE__, \
			  macro, args, (double)(a), \
			  (double)(b), 0.0, (double)(eps), __VA_ARGS__)
#define HERD_APPROX_TOL_(stop, macro, args, a, b, rel, abs, ...) \
	herd_assert_float(stop, HERD_FLOAT_OP_APPROX_TOL, __FILE__, __LINE__, \
			  macro, args, (double)(a), \
			  (double)(b), (double)(rel), (double)(abs), __VA_ARGS__)
#define HERD_PTR2_(stop, op, macro, args, a, b, ...) \
	herd_assert_ptr(stop, op, __FILE__, __LINE__, macro, args, \
			HERD_PTRV_(a), HERD_PTRV_(b), __VA_ARGS__)
#define HERD_PTR1_(stop, op, macro, args, p, ...) \
	herd_assert_ptr(stop, op, __FILE__, __LINE__, macro, args, \
			HERD_PTRV_(p), (uintptr_t)0, __VA_ARGS__)

/* CHECK*: record a failure and go on; REQUIRE*: record it and end the test. */
#define HERD_CHECK(...)		HERD_TRUE_(0, "CHECK", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE(...)	HERD_TRUE_(1, "REQUIRE", #__VA_ARGS__, __VA_ARGS__, "")

/* Integers, compared as the mathematical values they stand for. */
#define HERD_CHECK_EQ(...)	HERD_INT_(0, HERD_OP_EQ, "CHECK_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_NE(...)	HERD_INT_(0, HERD_OP_NE, "CHECK_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_LT(...)	HERD_INT_(0, HERD_OP_LT, "CHECK_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_LE(...)	HERD_INT_(0, HERD_OP_LE, "CHECK_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_GT(...)	HERD_INT_(0, HERD_OP_GT, "CHECK_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_GE(...)	HERD_INT_(0, HERD_OP_GE, "CHECK_GE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_EQ(...)	HERD_INT_(1, HERD_OP_EQ, "REQUIRE_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_NE(...)	HERD_INT_(1, HERD_OP_NE, "REQUIRE_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_LT(...)	HERD_INT_(1, HERD_OP_LT, "REQUIRE_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_LE(...)	HERD_INT_(1, HERD_OP_LE, "REQUIRE_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_GT(...)	HERD_INT_(1, HERD_OP_GT, "REQUIRE_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_GE(...)	HERD_INT_(1, HERD_OP_GE, "REQUIRE_GE", #__VA_ARGS__, __VA_ARGS__, "")
/* CHECK_BITS(mask, a, b): the bits of mask are the same in a and b. */
#define HERD_CHECK_BITS(...)	HERD_BITS_(0, "CHECK_BITS", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_BITS(...)	HERD_BITS_(1, "REQUIRE_BITS", #__VA_ARGS__, __VA_ARGS__, "")

/* Strings (char, signed char or unsigned char; NULL is a value like any other). */
#define HERD_CHECK_STR_EQ(...)	HERD_STR_(0, HERD_STR_OP_EQ, "CHECK_STR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_STR_NE(...)	HERD_STR_(0, HERD_STR_OP_NE, "CHECK_STR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_STRN_EQ(...)	HERD_STRN_(0, "CHECK_STRN_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_STR_CONTAINS(...) \
	HERD_STR_(0, HERD_STR_OP_CONTAINS, "CHECK_STR_CONTAINS", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_STR_STARTS_WITH(...) \
	HERD_STR_(0, HERD_STR_OP_STARTS_WITH, "CHECK_STR_STARTS_WITH", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_STR_ENDS_WITH(...) \
	HERD_STR_(0, HERD_STR_OP_ENDS_WITH, "CHECK_STR_ENDS_WITH", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_STR_EQ(...) HERD_STR_(1, HERD_STR_OP_EQ, "REQUIRE_STR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_STR_NE(...) HERD_STR_(1, HERD_STR_OP_NE, "REQUIRE_STR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_STRN_EQ(...) HERD_STRN_(1, "REQUIRE_STRN_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_STR_CONTAINS(...) \
	HERD_STR_(1, HERD_STR_OP_CONTAINS, "REQUIRE_STR_CONTAINS", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_STR_STARTS_WITH(...) \
	HERD_STR_(1, HERD_STR_OP_STARTS_WITH, "REQUIRE_STR_STARTS_WITH", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_STR_ENDS_WITH(...) \
	HERD_STR_(1, HERD_STR_OP_ENDS_WITH, "REQUIRE_STR_ENDS_WITH", #__VA_ARGS__, __VA_ARGS__, "")

/* Memory: the first n bytes. */
#define HERD_CHECK_MEM_EQ(...)	HERD_MEM_(0, "CHECK_MEM_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_MEM_EQ(...) HERD_MEM_(1, "REQUIRE_MEM_EQ", #__VA_ARGS__, __VA_ARGS__, "")

/*
 * Floating point. FLOAT_EQ and DOUBLE_EQ: within 4 units in the last place
 * (as float, as double). NEAR(a, b, abs): |a - b| <= abs. APPROX: as
 * pytest.approx, |a - b| <= max(1e-6 * |b|, 1e-12); APPROX_TOL(a, b, rel,
 * abs) with other tolerances. DOUBLE_LT, _LE, _GT, _GE: ordered as doubles.
 * A NaN equals nothing and is ordered with nothing, except under
 * APPROX_NAN_OK, where a NaN equals a NaN.
 */
#define HERD_CHECK_FLOAT_EQ(...) HERD_FLOATEQ_(0, "CHECK_FLOAT_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_DOUBLE_EQ(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_DOUBLE_EQ, "CHECK_DOUBLE_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_NEAR(...)	HERD_NEAR_(0, "CHECK_NEAR", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_APPROX(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_APPROX, "CHECK_APPROX", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_APPROX_NAN_OK(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_APPROX_NAN_OK, "CHECK_APPROX_NAN_OK", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_APPROX_TOL(...) HERD_APPROX_TOL_(0, "CHECK_APPROX_TOL", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_NAN(...)	HERD_FLOAT1_(0, HERD_FLOAT_OP_NAN, "CHECK_NAN", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_INF(...)	HERD_FLOAT1_(0, HERD_FLOAT_OP_INF, "CHECK_INF", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_DOUBLE_LT(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_LT, "CHECK_DOUBLE_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_DOUBLE_LE(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_LE, "CHECK_DOUBLE_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_DOUBLE_GT(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_GT, "CHECK_DOUBLE_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_DOUBLE_GE(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_GE, "CHECK_DOUBLE_GE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_FLOAT_EQ(...) HERD_FLOATEQ_(1, "REQUIRE_FLOAT_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_DOUBLE_EQ(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_DOUBLE_EQ, "REQUIRE_DOUBLE_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_NEAR(...)	HERD_NEAR_(1, "REQUIRE_NEAR", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_APPROX(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_APPROX, "REQUIRE_APPROX", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_APPROX_NAN_OK(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_APPROX_NAN_OK, "REQUIRE_APPROX_NAN_OK", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_APPROX_TOL(...) \
	HERD_APPROX_TOL_(1, "REQUIRE_APPROX_TOL", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_NAN(...)	HERD_FLOAT1_(1, HERD_FLOAT_OP_NAN, "REQUIRE_NAN", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_INF(...)	HERD_FLOAT1_(1, HERD_FLOAT_OP_INF, "REQUIRE_INF", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_DOUBLE_LT(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_LT, "REQUIRE_DOUBLE_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_DOUBLE_LE(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_LE, "REQUIRE_DOUBLE_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_DOUBLE_GT(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_GT, "REQUIRE_DOUBLE_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_DOUBLE_GE(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_GE, "REQUIRE_DOUBLE_GE", #__VA_ARGS__, __VA_ARGS__, "")

/* Pointers, printed as pointers. */
#define HERD_CHECK_PTR_EQ(...)	HERD_PTR2_(0, HERD_PTR_OP_EQ, "CHECK_PTR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_PTR_NE(...)	HERD_PTR2_(0, HERD_PTR_OP_NE, "CHECK_PTR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_NULL(...)	HERD_PTR1_(0, HERD_PTR_OP_NULL, "CHECK_NULL", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_CHECK_NOT_NULL(...) \
	HERD_PTR1_(0, HERD_PTR_OP_NOT_NULL, "CHECK_NOT_NULL", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_PTR_EQ(...) HERD_PTR2_(1, HERD_PTR_OP_EQ, "REQUIRE_PTR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_PTR_NE(...) HERD_PTR2_(1, HERD_PTR_OP_NE, "REQUIRE_PTR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_NULL(...)	HERD_PTR1_(1, HERD_PTR_OP_NULL, "REQUIRE_NULL", #__VA_ARGS__, __VA_ARGS__, "")
#define HERD_REQUIRE_NOT_NULL(...) \
	HERD_PTR1_(1, HERD_PTR_OP_NOT_NULL, "REQUIRE_NOT_NULL", #__VA_ARGS__, __VA_ARGS__, "")

/* HERD_FAIL("why %d", n): an unconditional failure that stops the test. */
#define HERD_FAIL(...)		herd_fail_at(1, __FILE__, __LINE__, __VA_ARGS__)

/*
 * Naming the caller of a helper. HERD_CONTEXT("parsing %s", name) pushes a
 * line shown, with this file:line, under every failure until
 * HERD_CONTEXT_POP(); HERD_CALL(check_item(item, 2)) runs the call with its
 * own text and place pushed. A REQUIRE that fails leaves the test, and a
 * test starts with an empty context.
 */
#define HERD_CONTEXT(...)	herd_context_push(__FILE__, __LINE__, __VA_ARGS__)
#define HERD_CONTEXT_POP()	herd_context_pop()
#define HERD_CALL(...) do { \
	herd_context_push(__FILE__, __LINE__, "%s", #__VA_ARGS__); \
	__VA_ARGS__; \
	herd_context_pop(); \
} while (0)

/*
 * The short names. Define HERD_NO_SHORT_NAMES before including herd.h to
 * leave them out, when the program has a TEST or CHECK of its own.
 */
#ifndef HERD_NO_SHORT_NAMES
/* The same, stringizing their own arguments, so that the expression shown is as written. */
#define TEST(...)		HERD_TEST(__VA_ARGS__)
#define TEST_P(...)		HERD_TEST_P(__VA_ARGS__)
#define TASK(...)		HERD_TASK(__VA_ARGS__)
#define TASK_P(...)		HERD_TASK_P(__VA_ARGS__)
#define FIXTURE(...)		HERD_FIXTURE(__VA_ARGS__)
#define SUITE(...)		HERD_SUITE(__VA_ARGS__)
#define FAIL(...)		HERD_FAIL(__VA_ARGS__)
#define CHECK(...)	HERD_TRUE_(0, "CHECK", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE(...)	HERD_TRUE_(1, "REQUIRE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_EQ(...)	HERD_INT_(0, HERD_OP_EQ, "CHECK_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_NE(...)	HERD_INT_(0, HERD_OP_NE, "CHECK_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_LT(...)	HERD_INT_(0, HERD_OP_LT, "CHECK_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_LE(...)	HERD_INT_(0, HERD_OP_LE, "CHECK_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_GT(...)	HERD_INT_(0, HERD_OP_GT, "CHECK_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_GE(...)	HERD_INT_(0, HERD_OP_GE, "CHECK_GE", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_EQ(...)	HERD_INT_(1, HERD_OP_EQ, "REQUIRE_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_NE(...)	HERD_INT_(1, HERD_OP_NE, "REQUIRE_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_LT(...)	HERD_INT_(1, HERD_OP_LT, "REQUIRE_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_LE(...)	HERD_INT_(1, HERD_OP_LE, "REQUIRE_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_GT(...)	HERD_INT_(1, HERD_OP_GT, "REQUIRE_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_GE(...)	HERD_INT_(1, HERD_OP_GE, "REQUIRE_GE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_BITS(...)	HERD_BITS_(0, "CHECK_BITS", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_BITS(...)	HERD_BITS_(1, "REQUIRE_BITS", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_STR_EQ(...) \
	HERD_STR_(0, HERD_STR_OP_EQ, "CHECK_STR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_STR_NE(...) \
	HERD_STR_(0, HERD_STR_OP_NE, "CHECK_STR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_STRN_EQ(...)	HERD_STRN_(0, "CHECK_STRN_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_STR_CONTAINS(...) \
	HERD_STR_(0, HERD_STR_OP_CONTAINS, "CHECK_STR_CONTAINS", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_STR_STARTS_WITH(...) \
	HERD_STR_(0, HERD_STR_OP_STARTS_WITH, "CHECK_STR_STARTS_WITH", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_STR_ENDS_WITH(...) \
	HERD_STR_(0, HERD_STR_OP_ENDS_WITH, "CHECK_STR_ENDS_WITH", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_STR_EQ(...) \
	HERD_STR_(1, HERD_STR_OP_EQ, "REQUIRE_STR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_STR_NE(...) \
	HERD_STR_(1, HERD_STR_OP_NE, "REQUIRE_STR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_STRN_EQ(...) \
	HERD_STRN_(1, "REQUIRE_STRN_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_STR_CONTAINS(...) \
	HERD_STR_(1, HERD_STR_OP_CONTAINS, "REQUIRE_STR_CONTAINS", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_STR_STARTS_WITH(...) \
	HERD_STR_(1, HERD_STR_OP_STARTS_WITH, "REQUIRE_STR_STARTS_WITH", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_STR_ENDS_WITH(...) \
	HERD_STR_(1, HERD_STR_OP_ENDS_WITH, "REQUIRE_STR_ENDS_WITH", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_MEM_EQ(...)	HERD_MEM_(0, "CHECK_MEM_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_MEM_EQ(...)	HERD_MEM_(1, "REQUIRE_MEM_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_FLOAT_EQ(...) \
	HERD_FLOATEQ_(0, "CHECK_FLOAT_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_DOUBLE_EQ(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_DOUBLE_EQ, "CHECK_DOUBLE_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_NEAR(...)	HERD_NEAR_(0, "CHECK_NEAR", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_APPROX(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_APPROX, "CHECK_APPROX", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_APPROX_NAN_OK(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_APPROX_NAN_OK, "CHECK_APPROX_NAN_OK", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_APPROX_TOL(...) \
	HERD_APPROX_TOL_(0, "CHECK_APPROX_TOL", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_NAN(...) \
	HERD_FLOAT1_(0, HERD_FLOAT_OP_NAN, "CHECK_NAN", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_INF(...) \
	HERD_FLOAT1_(0, HERD_FLOAT_OP_INF, "CHECK_INF", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_DOUBLE_LT(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_LT, "CHECK_DOUBLE_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_DOUBLE_LE(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_LE, "CHECK_DOUBLE_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_DOUBLE_GT(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_GT, "CHECK_DOUBLE_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_DOUBLE_GE(...) \
	HERD_FLOAT2_(0, HERD_FLOAT_OP_GE, "CHECK_DOUBLE_GE", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_FLOAT_EQ(...) \
	HERD_FLOATEQ_(1, "REQUIRE_FLOAT_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_DOUBLE_EQ(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_DOUBLE_EQ, "REQUIRE_DOUBLE_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_NEAR(...)	HERD_NEAR_(1, "REQUIRE_NEAR", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_APPROX(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_APPROX, "REQUIRE_APPROX", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_APPROX_NAN_OK(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_APPROX_NAN_OK, "REQUIRE_APPROX_NAN_OK", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_APPROX_TOL(...) \
	HERD_APPROX_TOL_(1, "REQUIRE_APPROX_TOL", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_NAN(...) \
	HERD_FLOAT1_(1, HERD_FLOAT_OP_NAN, "REQUIRE_NAN", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_INF(...) \
	HERD_FLOAT1_(1, HERD_FLOAT_OP_INF, "REQUIRE_INF", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_DOUBLE_LT(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_LT, "REQUIRE_DOUBLE_LT", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_DOUBLE_LE(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_LE, "REQUIRE_DOUBLE_LE", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_DOUBLE_GT(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_GT, "REQUIRE_DOUBLE_GT", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_DOUBLE_GE(...) \
	HERD_FLOAT2_(1, HERD_FLOAT_OP_GE, "REQUIRE_DOUBLE_GE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_PTR_EQ(...) \
	HERD_PTR2_(0, HERD_PTR_OP_EQ, "CHECK_PTR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_PTR_NE(...) \
	HERD_PTR2_(0, HERD_PTR_OP_NE, "CHECK_PTR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_NULL(...) \
	HERD_PTR1_(0, HERD_PTR_OP_NULL, "CHECK_NULL", #__VA_ARGS__, __VA_ARGS__, "")
#define CHECK_NOT_NULL(...) \
	HERD_PTR1_(0, HERD_PTR_OP_NOT_NULL, "CHECK_NOT_NULL", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_PTR_EQ(...) \
	HERD_PTR2_(1, HERD_PTR_OP_EQ, "REQUIRE_PTR_EQ", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_PTR_NE(...) \
	HERD_PTR2_(1, HERD_PTR_OP_NE, "REQUIRE_PTR_NE", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_NULL(...) \
	HERD_PTR1_(1, HERD_PTR_OP_NULL, "REQUIRE_NULL", #__VA_ARGS__, __VA_ARGS__, "")
#define REQUIRE_NOT_NULL(...) \
	HERD_PTR1_(1, HERD_PTR_OP_NOT_NULL, "REQUIRE_NOT_NULL", #__VA_ARGS__, __VA_ARGS__, "")
#endif /* HERD_NO_SHORT_NAMES */

#endif /* HERD_H */
