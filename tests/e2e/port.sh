#!/bin/sh
# port.sh - scripts/herd-port: each sample of tests/port (one per framework:
# Check, Criterion, cmocka, Unity, expat's minicheck) converts without a TODO,
# compiles against libherd without a warning, and runs with the outcomes the
# original has: fixtures around the right tests, expected signals and exit
# statuses, skips, and the one test failing on purpose failing at the right
# assertion (a CHECK goes on, a REQUIRE stops). What a framework attaches to
# a group (a TCase's fixtures, timeout and tags, a TestSuite's .init, .fini,
# .timeout and .disabled, a cmocka group's setup, Unity's setUp) becomes one
# SUITE instead of options repeated on each test, and each test's options,
# its SUITE's merged with its own, are what the original gave it. What cannot be converted comes
# out under a TODO comment; -i rewrites the file; a file of no known
# framework is refused.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init port

if ! command -v python3 >/dev/null 2>&1; then
	t_skip "scripts/herd-port converts the samples" "python3 is not installed"
	t_finish
fi
port=$HERD_SRC/scripts/herd-port

# convert NAME: tests/port/NAME.c to $T_WORK/NAME.c, no TODO left.
convert() {
	t_run python3 "$port" "$HERD_SRC/tests/port/$1.c"
	t_status 0 "$1: herd-port exits 0"
	cp "$T_OUT" "$T_WORK/$1.c"
	t_lacks out "herd-port: TODO" "$1: nothing left to convert by hand"
	t_lacks err "TODO" "$1: no TODO counted on stderr"
}

# build NAME: compiles $T_WORK/NAME.c there (node ids "NAME.c::suite::test").
build() {
	# shellcheck disable=SC2086 # CFLAGS and LDFLAGS are lists of words
	if (cd "$T_WORK" && $CC $CFLAGS -Wall -Wextra -I "$HERD_SRC/include" "$1.c" \
		"$HERD_BUILD/libherd.a" ${LDFLAGS-} -lm -o "$1") >"$T_WORK/$1.log" 2>&1; then
		t_pass "$1: the converted file compiles against libherd"
	else
		t_fail "$1: the converted file compiles against libherd" "it compiles" \
			"it does not" "$T_WORK/$1.log" "$T_WORK/$1.c"
		return 1
	fi
	t_lacks "$T_WORK/$1.log" "warning:" "$1: and compiles without a warning"
}

# outcomes NAME LINE...: "./NAME -v" reports these "OUTCOME id" lines, in order.
outcomes() {
	o_name=$1
	shift
	t_want "$o_name" "$@"
	t_run "$T_WORK/$o_name" -v
	t_status 1 "$o_name: the test failing on purpose fails the run"
	t_verbose_outcomes >"$T_WORK/$o_name.got"
	t_same "$T_WORK/$o_name.got" "$T_WORK/$o_name.want" "$o_name: each test's outcome"
}

# options NAME LINE...: "./NAME --list -v" shows each test with these
# options: its SUITE's merged with its own (the file:line column dropped).
options() {
	o_name=$1
	shift
	t_want "$o_name.options" "$@"
	t_run "$T_WORK/$o_name" --list -v
	t_status 0 "$o_name: --list -v exits 0"
	sed 's/  [^ ]*:[0-9]*$//' "$T_OUT" >"$T_WORK/$o_name.options.got"
	t_same "$T_WORK/$o_name.options.got" "$T_WORK/$o_name.options.want" \
		"$o_name: each test's options, its SUITE's with its own"
}

t_verbose_outcomes() {
	tr -d '\000' <"$T_OUT" |
		sed -n 's/^\[ *[0-9]*%\] \([A-Z]*\) \([^ ]*\).*/\1 \2/p'
}

# fixtures NAME SETUPS TEARDOWNS: "./NAME -s" prints "[setup]" and
# "[teardown]" that many times (the samples' fixtures print them; the progress
# characters may share their lines).
fixtures() {
	t_run "$T_WORK/$1" -s
	t_eq "$(grep -o '\[setup\]' "$T_OUT" | wc -l | tr -d ' ')" "$2" \
		"$1: the fixtures set up $2 times"
	t_eq "$(grep -o '\[teardown\]' "$T_OUT" | wc -l | tr -d ' ')" "$3" \
		"$1: and torn down $3 times"
}

# ---- Check: checked and unchecked fixtures, signal, exit and loop tests ----
convert check_stack
t_has "$T_WORK/check_stack.c" 'SUITE(core, .fixtures = "open_once stack_setup", .timeout = 10);' \
	"check_stack: TCase core's fixtures and timeout become its SUITE"
t_has "$T_WORK/check_stack.c" 'SUITE(death, .marks = "death");' \
	"check_stack: TCase death's tags become its SUITE's marks"
t_nomatch "$T_WORK/check_stack.c" '^TEST(_P)?\(.*\.(fixtures|timeout|marks) =' \
	"check_stack: no test repeats what its SUITE gives"
t_has "$T_WORK/check_stack.c" 'TEST(death, test_crash, .signal = SIGSEGV)' \
	"check_stack: a test keeps its own options"
if build check_stack; then
	options check_stack \
		'check_stack.c::core::test_push  timeout=10  fixtures="open_once stack_setup"' \
		'check_stack.c::core::test_names  timeout=10  fixtures="open_once stack_setup"' \
		'check_stack.c::core::test_pop_fails  timeout=10  fixtures="open_once stack_setup"' \
		'check_stack.c::death::test_crash  marks="death"  signal=SIGSEGV' \
		'check_stack.c::death::test_quit  marks="death"  exit_code=3' \
		'check_stack.c::core::test_loop[0]  timeout=10  fixtures="open_once stack_setup"' \
		'check_stack.c::core::test_loop[1]  timeout=10  fixtures="open_once stack_setup"' \
		'check_stack.c::core::test_loop[2]  timeout=10  fixtures="open_once stack_setup"'
	outcomes check_stack \
		"PASSED check_stack.c::core::test_push" \
		"PASSED check_stack.c::core::test_names" \
		"FAILED check_stack.c::core::test_pop_fails" \
		"PASSED check_stack.c::death::test_crash" \
		"PASSED check_stack.c::death::test_quit" \
		"PASSED check_stack.c::core::test_loop[0]" \
		"PASSED check_stack.c::core::test_loop[1]" \
		"PASSED check_stack.c::core::test_loop[2]"
	t_section check_stack.c::core::test_pop_fails
	t_has "$T_SECTION" "REQUIRE_EQ(depth, 3) failed" "check_stack: ck_assert_int_eq fails as REQUIRE_EQ"
	t_lacks "$T_SECTION" "(depth, 4)" "check_stack: and stops the test, as Check's does"
	fixtures check_stack 6 6
fi

# ---- Criterion: TestSuite .init/.fini, a test's .init, cr_expect goes on ----
convert criterion_stack
t_has "$T_WORK/criterion_stack.c" 'SUITE(stack, .fixtures = "stack_init", .timeout = 10);' \
	"criterion_stack: TestSuite's .init, .fini and .timeout become its SUITE"
t_has "$T_WORK/criterion_stack.c" 'SUITE(parked, .skip = "disabled");' \
	"criterion_stack: a disabled TestSuite becomes a skipping SUITE"
t_nomatch "$T_WORK/criterion_stack.c" '^TEST\(.*(stack_init|\.timeout =)' \
	"criterion_stack: no test repeats what its SUITE gives"
t_has "$T_WORK/criterion_stack.c" 'TEST(stack, names, .fixtures = "add_extra")' \
	"criterion_stack: a test's own .init stays on the test"
if build criterion_stack; then
	options criterion_stack \
		'criterion_stack.c::stack::push  timeout=10  fixtures="stack_init"' \
		'criterion_stack.c::stack::names  timeout=10  fixtures="stack_init add_extra"' \
		'criterion_stack.c::stack::pop_fails  timeout=10  fixtures="stack_init"' \
		'criterion_stack.c::stack::crash  timeout=10  signal=SIGSEGV  fixtures="stack_init"' \
		'criterion_stack.c::stack::quit  timeout=10  exit_code=3  fixtures="stack_init"' \
		'criterion_stack.c::stack::later  timeout=10  skip="disabled"  fixtures="stack_init"' \
		'criterion_stack.c::parked::never  skip="disabled"'
	outcomes criterion_stack \
		"PASSED criterion_stack.c::stack::push" \
		"PASSED criterion_stack.c::stack::names" \
		"FAILED criterion_stack.c::stack::pop_fails" \
		"PASSED criterion_stack.c::stack::crash" \
		"PASSED criterion_stack.c::stack::quit" \
		"SKIPPED criterion_stack.c::stack::later" \
		"SKIPPED criterion_stack.c::parked::never"
	t_section criterion_stack.c::stack::pop_fails
	t_has "$T_SECTION" "CHECK_EQ(depth, 3) failed" "criterion_stack: cr_expect_eq fails as CHECK_EQ"
	t_has "$T_SECTION" "CHECK(depth == 4) failed" "criterion_stack: the test goes on to the next cr_expect"
	t_has "$T_SECTION" "depth is 1" "criterion_stack: cr_expect's printf message is kept"
	t_has "$T_SECTION" "REQUIRE_EQ(depth, 5) failed" "criterion_stack: cr_assert_eq fails as REQUIRE_EQ"
	t_lacks "$T_SECTION" "(depth, 6)" "criterion_stack: and stops the test"
	# push, names, pop_fails, crash and quit set up; crash and quit never
	# come back to tear down; later is disabled.
	fixtures criterion_stack 5 3
fi

# ---- cmocka: group and test fixtures through the state pointer ----
convert cmocka_stack
t_has "$T_WORK/cmocka_stack.c" 'SUITE(stack_tests, .fixtures = "stack_tests_group_setup");' \
	"cmocka_stack: the group's setup and teardown become its SUITE"
t_nomatch "$T_WORK/cmocka_stack.c" '^TEST\(.*stack_tests_group_setup' \
	"cmocka_stack: no test repeats the group's fixture"
if build cmocka_stack; then
	options cmocka_stack \
		'cmocka_stack.c::stack_tests::test_push  fixtures="stack_tests_group_setup stack_tests_stack_setup"' \
		'cmocka_stack.c::stack_tests::test_names  fixtures="stack_tests_group_setup"' \
		'cmocka_stack.c::stack_tests::test_group_state  fixtures="stack_tests_group_setup"' \
		'cmocka_stack.c::stack_tests::test_pop_fails  fixtures="stack_tests_group_setup stack_tests_stack_setup"' \
		'cmocka_stack.c::stack_tests::test_later  fixtures="stack_tests_group_setup"'
	outcomes cmocka_stack \
		"PASSED cmocka_stack.c::stack_tests::test_push" \
		"PASSED cmocka_stack.c::stack_tests::test_names" \
		"PASSED cmocka_stack.c::stack_tests::test_group_state" \
		"FAILED cmocka_stack.c::stack_tests::test_pop_fails" \
		"SKIPPED cmocka_stack.c::stack_tests::test_later"
	t_section cmocka_stack.c::stack_tests::test_pop_fails
	t_has "$T_SECTION" "REQUIRE_EQ(s->depth, 3) failed" "cmocka_stack: assert_int_equal fails as REQUIRE_EQ"
	t_lacks "$T_SECTION" "(s->depth, 4)" "cmocka_stack: and stops the test"
	fixtures cmocka_stack 2 2
fi

# ---- Unity: setUp/tearDown, expected-first operands, messages, ignore ----
convert unity_stack
t_has "$T_WORK/unity_stack.c" 'SUITE(unity_stack, .fixtures = "setUp");' \
	"unity_stack: setUp and tearDown become the file's SUITE"
t_nomatch "$T_WORK/unity_stack.c" '^TEST\(.*\.fixtures' "unity_stack: no test repeats it"
if build unity_stack; then
	options unity_stack \
		'unity_stack.c::unity_stack::test_push  fixtures="setUp"' \
		'unity_stack.c::unity_stack::test_names  fixtures="setUp"' \
		'unity_stack.c::unity_stack::test_pop_fails  fixtures="setUp"' \
		'unity_stack.c::unity_stack::test_bits  fixtures="setUp"' \
		'unity_stack.c::unity_stack::test_later  fixtures="setUp"'
	outcomes unity_stack \
		"PASSED unity_stack.c::unity_stack::test_push" \
		"PASSED unity_stack.c::unity_stack::test_names" \
		"FAILED unity_stack.c::unity_stack::test_pop_fails" \
		"PASSED unity_stack.c::unity_stack::test_bits" \
		"SKIPPED unity_stack.c::unity_stack::test_later"
	t_section unity_stack.c::unity_stack::test_pop_fails
	t_has "$T_SECTION" "REQUIRE_EQ(depth, 3" \
		"unity_stack: TEST_ASSERT_EQUAL_INT(3, depth) puts the value under test first"
	t_has "$T_SECTION" "after one push" "unity_stack: the _MESSAGE text is shown"
	t_lacks "$T_SECTION" "(depth, 4)" "unity_stack: the failed assertion stops the test"
	# Unity runs setUp and tearDown around an ignored test too.
	fixtures unity_stack 5 5
fi

# ---- minicheck: expat's START_TEST(name) { ... } END_TEST and fail() ----
convert minicheck_stack
t_has "$T_WORK/minicheck_stack.c" 'SUITE(basic_tests, .fixtures = "basic_setup");' \
	"minicheck_stack: each TCase's checked fixture becomes its SUITE"
t_has "$T_WORK/minicheck_stack.c" 'SUITE(more, .fixtures = "basic_setup");' \
	"minicheck_stack: one SUITE for each TCase"
t_nomatch "$T_WORK/minicheck_stack.c" '^TEST\(.*\.fixtures' "minicheck_stack: no test repeats it"
if build minicheck_stack; then
	options minicheck_stack \
		'minicheck_stack.c::basic_tests::test_push  fixtures="basic_setup"' \
		'minicheck_stack.c::basic_tests::test_names  fixtures="basic_setup"' \
		'minicheck_stack.c::basic_tests::test_pop_fails  fixtures="basic_setup"' \
		'minicheck_stack.c::more::test_other  fixtures="basic_setup"'
	outcomes minicheck_stack \
		"PASSED minicheck_stack.c::basic_tests::test_push" \
		"PASSED minicheck_stack.c::basic_tests::test_names" \
		"FAILED minicheck_stack.c::basic_tests::test_pop_fails" \
		"PASSED minicheck_stack.c::more::test_other"
	t_section minicheck_stack.c::basic_tests::test_pop_fails
	t_has "$T_SECTION" "depth is not 3" "minicheck_stack: fail(msg) fails with its message"
	t_lacks "$T_SECTION" "not reached" "minicheck_stack: and stops the test"
	fixtures minicheck_stack 4 4
fi

# ---- what cannot be converted is flagged, never dropped ----
t_run python3 "$port" "$HERD_SRC/tests/port/cmocka_mock.c"
t_status 0 "cmocka_mock: herd-port exits 0 with TODOs"
t_has out "TODO no herd counterpart for mock */" "cmocka_mock: mock() is flagged"
t_has out "TODO no herd counterpart for will_return */" "cmocka_mock: will_return() is flagged"
t_has out "TODO cmocka_unit_test_prestate(test_sensor, NULL)" "cmocka_mock: a prestate test is flagged"
t_has out "TODO main() also did: cmocka_set_message_output(CM_OUTPUT_XML)" \
	"cmocka_mock: what main() did besides running the tests is flagged"
t_has err "cmocka_mock.c: 4 TODO comments to resolve by hand" "cmocka_mock: stderr counts the TODOs"

t_run python3 "$port" "$HERD_SRC/tests/port/criterion_theory.c"
t_status 0 "criterion_theory: herd-port exits 0 with TODOs"
t_has out "TODO ParameterizedTest(int *n, sizes, grows): make it a TEST_P" \
	"criterion_theory: a ParameterizedTest is flagged"
t_has out "TODO Criterion options with no herd counterpart: .return_value = 2" \
	"criterion_theory: an option herd lacks is flagged"
t_has out "TODO no herd counterpart for cr_assert_file_contents_eq_str" \
	"criterion_theory: an assertion herd lacks is flagged"
t_has out "TODO no herd counterpart for criterion */" \
	"criterion_theory: a Criterion header herd does not replace is flagged"

# ---- -i, and the refusals ----
cp "$HERD_SRC/tests/port/unity_stack.c" "$T_WORK/inplace.c"
t_run python3 "$port" -i --suite unity_stack "$T_WORK/inplace.c"
t_status 0 "-i: exit 0"
t_same "$T_WORK/inplace.c" "$T_WORK/unity_stack.c" "-i writes the file as stdout would have"
t_eq "$(wc -c <"$T_OUT")" 0 "-i writes nothing to stdout"

printf 'int main(void) { return 0; }\n' >"$T_WORK/plain.c"
t_run python3 "$port" "$T_WORK/plain.c"
t_status 4 "a file of no known framework: exit 4"
t_has err "name the framework with --from" "a file of no known framework: the error says what to do"
t_run python3 "$port" --from nosuch "$T_WORK/plain.c"
t_status 4 "--from with an unknown framework: exit 4"
t_run python3 "$port" "$T_WORK/missing.c"
t_status 4 "a missing file: exit 4"
t_has err "missing.c" "a missing file: the error names it"

t_finish
