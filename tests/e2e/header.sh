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
# compiler's message names the float forms. Each use is a test of its own,
# which must get an error of its own. In C each check is an expansion of its own, so one file
# holds them all, a use a line; in C++ one template refuses a type the first
# time it is instantiated, so each use is a file of its own, the files given
# to one compiler.
uses='CHECK_EQ(x, 0)
CHECK_NE(0, x)
CHECK_LT(x, 1)
CHECK_LE(1, 0.5f)
CHECK_GT(x, 0)
CHECK_GE(x, 0)
REQUIRE_EQ(x, 0)
REQUIRE_NE(x, 0)
REQUIRE_LT(x, 1)
REQUIRE_LE(x, 1)
REQUIRE_GT(x, 0)
REQUIRE_GE(0, x)
CHECK_BITS(1, x, 0)
REQUIRE_BITS(x, 1, 0)
HERD_CHECK_EQ(x, 0)
CHECK_EQ(ld, 0)
HERD_REQUIRE_GE(0, x)'
nl='
'
mkdir "$T_WORK/misuse" || t_bail "make the misuse folder" "a folder" "mkdir failed"
echo '#include <herd.h>' >"$T_WORK/misuse/all.c"
n=0
files=
old_ifs=$IFS
IFS=$nl
for use in $uses; do
	n=$((n + 1))
	line="TEST(misuse, m$n) { double x = 0.5; long double ld = 0.5L; (void)x; (void)ld; $use; }"
	echo "$line" >>"$T_WORK/misuse/all.c"
	printf '#include <herd.h>\n%s\n' "$line" >"$T_WORK/misuse/m$n.c"
	files="$files m$n.c"
done
IFS=$old_ifs

# refused COMPILER STD: the diagnostics of the misuse files in $T_ERR. The
# compiler fails with exactly one error per use, each naming the float forms,
# and each use's place (line L of all.c, or line 2 of mN.c) has one: with
# warnings off, a place named in a diagnostic is that of an error or of a
# note on one.
refused() {
	rf_errors=$(grep -c ': error: ' "$T_ERR")
	rf_naming=$(grep ': error: ' "$T_ERR" | grep -c 'CHECK_DOUBLE_EQ')
	if [ "$T_STATUS" -ne 0 ] && [ "$rf_errors" -eq "$n" ] && [ "$rf_naming" -eq "$n" ]; then
		t_pass "$1 -std=$2 gives the $n misuses an error each, naming the float forms"
	else
		t_fail "$1 -std=$2 gives the $n misuses an error each, naming the float forms" \
			"a failure with $n errors naming CHECK_DOUBLE_EQ" \
			"exit $T_STATUS, $rf_errors errors, $rf_naming naming it"
	fi
	rf_n=0
	IFS=$nl
	for rf_use in $uses; do
		rf_n=$((rf_n + 1))
		case $2 in
		c++*) rf_place="m$rf_n.c:2:" ;;
		*) rf_place="all.c:$((rf_n + 1)):" ;;
		esac
		t_match err "(^|/)$(t_re "$rf_place")" \
			"$rf_use with a floating operand: $1 -std=$2 refuses it, at ${rf_place%:}"
	done
	IFS=$old_ifs
}
for pair in gcc:c:c11 clang:c:c11 gcc:c:c99 clang:c:c99 g++:c++:c++17 clang++:c++:c++20; do
	cc=${pair%%:*}
	lang=${pair#*:}
	std=${lang#*:}
	lang=${lang%%:*}
	command -v "$cc" >/dev/null 2>&1 || continue
	# -fmax-errors (gcc) and -ferror-limit (clang) lift the limit on
	# errors a compiler shows.
	case $cc in clang*) limit=-ferror-limit=0 ;; *) limit=-fmax-errors=0 ;; esac
	in=all.c
	[ "$lang" = c ] || in=$files
	# shellcheck disable=SC2086 # in is a list of files
	t_run sh -c 'cd misuse && exec "$@"' sh "$cc" -w $limit -x "$lang" -std="$std" \
		-I"$HERD_SRC/include" -fsyntax-only $in
	refused "$cc" "$std"
done
# ... while the same file with an integer compiles: the refusal is the float's.
printf '#include <herd.h>\nTEST(misuse, ok) { long x = 0; CHECK_EQ(x, 0); CHECK_BITS(1, x, 0); }\n' \
	>"$T_WORK/fine.c"
t_run "$CC" -std=c11 -I"$HERD_SRC/include" -c "$T_WORK/fine.c" -o "$T_WORK/fine.o"
t_status 0 "the same comparisons of integers compile"

t_finish
