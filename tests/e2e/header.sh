#!/bin/sh
# tests/e2e/header.sh - herd.h as every compiler a user has sees it: a test
# file using every assertion macro (assert_all.c) compiles clean under
# -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual
# -Wstrict-prototypes -Wmissing-prototypes -Werror, at -O0 to -O3 (where
# gcc's -Wmaybe-uninitialized would see a fresh malloc() passed by
# REQUIRE_NOT_NULL), as C99, C11, C17 and C2x with gcc and clang and as
# C++17 and C++20 with g++ and clang++, and its tests pass while its tasks,
# listed, do not run; with
# HERD_NO_SHORT_NAMES the HERD_ names live beside a TEST and CHECK of the
# program's own; and every integer comparison given a floating operand fails
# to compile with a message naming the float forms.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init header

case $HERD_BUILD in
*san*)
	t_pass "the header checks run with the plain build only"
	t_finish
	;;
esac

WARN="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes -Werror"
src=$HERD_SRC/tests/e2e/assert_all.c
lib=$HERD_BUILD/libherd.a

# compile LANG COMPILER STD LEVEL [FLAGS...]: compiles assert_all.c alone.
compile() {
	c_lang=$1 c_cc=$2 c_std=$3 c_o=$4
	shift 4
	# shellcheck disable=SC2086 # WARN is a list of words
	t_run "$c_cc" -x "$c_lang" -std="$c_std" $WARN "$c_o" "$@" -I"$HERD_SRC/include" \
		-c "$src" -o "$T_WORK/all.o"
	t_status 0 "assert_all.c is clean with $c_cc -std=$c_std $c_o $*"
}

# link_run COMPILER NAME WANT TASKS: links all.o and runs it; WANT items
# pass, and --list shows TASKS tasks.
link_run() {
	t_run "$1" -o "$T_WORK/$2" "$T_WORK/all.o" "$lib" -lm
	t_status 0 "link the $2 test binary"
	t_run "$T_WORK/$2" -q
	t_status 0 "the $2 binary passes its tests"
	t_has out "$3 passed" "the $2 binary ran its $3 items"
	t_run "$T_WORK/$2" --list
	t_count out '  \(task\)$' "$4" "the $2 binary lists its $4 tasks"
}

for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null 2>&1; then
		t_skip "herd.h under $cc" "$cc is not installed"
		continue
	fi
	for std in c99 c11 c17 c2x; do
		for o in -O0 -O1 -O2 -O3; do
			compile c "$cc" "$std" "$o"
		done
		link_run "$cc" "$cc-$std" 11 10
	done
	compile c "$cc" c11 -O2 -DHERD_NO_SHORT_NAMES
	link_run "$cc" "$cc-no-short-names" 3 2
done
for cxx in g++ clang++; do
	if ! command -v "$cxx" >/dev/null 2>&1; then
		t_skip "herd.h under $cxx" "$cxx is not installed"
		continue
	fi
	for std in c++17 c++20; do
		for o in -O0 -O1 -O2 -O3; do
			compile c++ "$cxx" "$std" "$o"
		done
		# C++17 has no designated initializers: no TEST or TASK
		# options, no FIXTURE.
		want=11 tasks=10
		[ "$std" = c++17 ] && want=10 tasks=6
		link_run "$cxx" "$cxx-$std" "$want" "$tasks"
	done
	compile c++ "$cxx" c++20 -O2 -DHERD_NO_SHORT_NAMES
	link_run "$cxx" "$cxx-no-short-names" 3 2
done

# A floating operand in an integer comparison does not compile, and the
# compiler's message names the float forms.
n=0
for use in 'CHECK_EQ(x, 0)' 'CHECK_NE(0, x)' 'CHECK_LT(x, 1)' 'CHECK_LE(1, 0.5f)' \
	'CHECK_GT(x, 0)' 'CHECK_GE(x, 0)' 'REQUIRE_EQ(x, 0)' 'REQUIRE_NE(x, 0)' \
	'REQUIRE_LT(x, 1)' 'REQUIRE_LE(x, 1)' 'REQUIRE_GT(x, 0)' 'REQUIRE_GE(0, x)' \
	'CHECK_BITS(1, x, 0)' 'REQUIRE_BITS(x, 1, 0)' 'HERD_CHECK_EQ(x, 0)' \
	'CHECK_EQ(ld, 0)' 'HERD_REQUIRE_GE(0, x)'; do
	n=$((n + 1))
	printf '#include <herd.h>\nTEST(misuse, m%d) { double x = 0.5; long double ld = 0.5L; (void)x; (void)ld; %s; }\n' \
		"$n" "$use" >"$T_WORK/misuse$n.c"
	for pair in gcc:c:c11 clang:c:c11 gcc:c:c99 clang:c:c99 g++:c++:c++17 clang++:c++:c++20; do
		cc=${pair%%:*}
		lang=${pair#*:}
		std=${lang#*:}
		lang=${lang%%:*}
		command -v "$cc" >/dev/null 2>&1 || continue
		t_run "$cc" -x "$lang" -std="$std" -I"$HERD_SRC/include" -c "$T_WORK/misuse$n.c" \
			-o "$T_WORK/misuse.o"
		if [ "$T_STATUS" -ne 0 ] && grep -q 'CHECK_DOUBLE_EQ' "$T_ERR"; then
			t_pass "$use with a floating operand: $cc -std=$std refuses it, naming the float forms"
		else
			t_fail "$use with a floating operand: $cc -std=$std refuses it, naming the float forms" \
				"a compile error naming CHECK_DOUBLE_EQ" "exit $T_STATUS"
		fi
	done
done
# ... while the same file with an integer compiles: the refusal is the float's.
printf '#include <herd.h>\nTEST(misuse, ok) { long x = 0; CHECK_EQ(x, 0); CHECK_BITS(1, x, 0); }\n' \
	>"$T_WORK/fine.c"
t_run "$CC" -std=c11 -I"$HERD_SRC/include" -c "$T_WORK/fine.c" -o "$T_WORK/fine.o"
t_status 0 "the same comparisons of integers compile"

t_finish
