#!/bin/sh
# select.sh - which items run: --list (ids, TEST_P ids, order of file then
# line across files), -k and -m expressions, and stopping early with -x and
# --maxfail.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init select

# select2.c comes first on the command line, yet its tests are listed last.
t_build select tests/e2e/select2.c tests/e2e/select.c
bin=$T_WORK/select
s1=tests/e2e/select.c
s2=tests/e2e/select2.c

t_run "$bin" --list
t_status 0 "--list exits 0"
t_want all "$s1::math::add" "$s1::math::sub" "$s1::math::slow_mul" \
	"$s1::net::connect" "$s1::net::Resolve" "$s1::io::read" \
	"$s1::buf::grows[0]" "$s1::buf::grows[1]" "$s1::buf::grows[2]" \
	"$s1::buf::named[empty]" "$s1::buf::named[small]" "$s1::buf::named[large]" \
	"$s2::zeta::first_in_file" "$s2::alpha::second_in_file"
t_same out "$T_WORK/all.want" \
	"--list: one id per line, [i] and .param_id ids, files by path then lines"
t_run "$bin" --list -k math
t_want math "$s1::math::add" "$s1::math::sub" "$s1::math::slow_mul"
t_same out "$T_WORK/math.want" "--list -k math lists the selected items only"

# selects DESC OPT EXPR [OPT EXPR] -- SUITE::NAME...: run with -v and the
# options; exactly these items run (and pass), in this order.
selects() {
	sel_desc=$1
	sel_o1=$2
	sel_e1=$3
	shift 3
	sel_o2=
	if [ "$1" != -- ]; then
		sel_o2=$1
		sel_e2=$2
		shift 2
	fi
	shift
	if [ -n "$sel_o2" ]; then
		t_run "$bin" -v "$sel_o1" "$sel_e1" "$sel_o2" "$sel_e2"
	else
		t_run "$bin" -v "$sel_o1" "$sel_e1"
	fi
	: >"$T_WORK/sel.want"
	for sel_i in "$@"; do
		case $sel_i in
		zeta::* | alpha::*) echo "$s2::$sel_i" ;;
		*) echo "$s1::$sel_i" ;;
		esac >>"$T_WORK/sel.want"
	done
	t_verbose_ids PASSED >"$T_WORK/sel.got"
	t_same "$T_WORK/sel.got" "$T_WORK/sel.want" "$sel_desc: selects $*"
	sel_d=$((14 - $#))
	t_match out "^collected 14 items / $sel_d deselected" \
		"$sel_desc: collected 14 items / $sel_d deselected"
	if [ $# -eq 0 ]; then
		t_status 5 "$sel_desc: nothing selected, exit 5"
		t_summary "no tests ran.*|14 deselected" "$sel_desc: closing line"
	else
		t_status 0 "$sel_desc: exit 0"
		t_summary "$# passed, $sel_d deselected" "$sel_desc: closing line"
	fi
}

selects "-k math" -k math -- math::add math::sub math::slow_mul
selects "-k, case-insensitive, and not" -k "MATH and not slow" -- math::add math::sub
selects "-k with parentheses" -k "(math or net) and not slow" -- \
	math::add math::sub net::connect net::Resolve
selects "-k resolve finds Resolve" -k resolve -- net::Resolve
selects "-k on a param id" -k "named and not large" -- \
	"buf::named[empty]" "buf::named[small]"
selects "-k not" -k "not buf" -- math::add math::sub math::slow_mul \
	net::connect net::Resolve io::read zeta::first_in_file alpha::second_in_file
selects "-k on TEST_P" -k grows -- "buf::grows[0]" "buf::grows[1]" "buf::grows[2]"
selects "-k across files" -k "zeta or alpha" -- zeta::first_in_file alpha::second_in_file
selects "-k on a TEST_P index" -k "grows[1]" -- "buf::grows[1]"
selects "-k on the file path" -k select2 -- zeta::first_in_file alpha::second_in_file
selects "-k no match" -k no_such_thing --
selects "-m fast" -m fast -- math::add math::sub
selects "-m and not" -m "slow and not net" -- math::slow_mul
selects "-m net" -m net -- net::connect net::Resolve
selects "-m not (unmarked tests too)" -m "not slow" -- math::add math::sub \
	net::Resolve io::read "buf::grows[0]" "buf::grows[1]" "buf::grows[2]" \
	"buf::named[empty]" "buf::named[small]" "buf::named[large]" \
	zeta::first_in_file alpha::second_in_file
selects "-m or" -m "slow or fast" -- math::add math::sub math::slow_mul net::connect
selects "-m with parentheses" -m "(slow or fast) and not net" -- \
	math::add math::sub math::slow_mul
selects "-m matches whole words" -m fas --
selects "-k and -m together" -k math -m "not fast" -- math::slow_mul

# --- -x and --maxfail: p1 f1 p2 f2 p3 c3(crash) p4 ---
t_build maxfail tests/e2e/maxfail.c
mf=$T_WORK/mf.log
mfrun() {
	rm -f "$mf"
	t_run "$T_WORK/maxfail" "$@"
	t_status 1 "maxfail.c ${*:-without options}: exit 1"
}
mfrun
t_summary "2 failed, 1 crashed, 4 passed" "no limit: all 7 items run"
mfrun -x
t_summary "1 failed, 1 passed, 5 not run" "-x: stops after the first failure; the rest is counted as not run"
t_match out "^$(t_re tests/e2e/maxfail.c) +\.F *\[ *[0-9]+%\]\$" \
	"-x: the progress line .F ends with its percentage"
t_eq "$(tr '\n' ' ' <"$mf")" "p1 f1 " "-x: nothing runs after the first failure"
mfrun -x -v
t_count out '^\[ *[0-9]+%\] [A-Z]+ ' 2 "-x -v: two items reported"
t_nomatch out '^\[ *[0-9]+%\] PASSED .*::mf::p2$' "-x -v: p2 is not reported as passed"
mfrun --maxfail 1
t_summary "1 failed, 1 passed, 5 not run" "--maxfail 1 is -x"
mfrun --maxfail 2
t_summary "2 failed, 2 passed, 3 not run" "--maxfail 2: stops after the second failure"
t_eq "$(tr '\n' ' ' <"$mf")" "p1 f1 p2 f2 " "--maxfail 2: nothing runs after the second failure"
mfrun --maxfail 3
t_summary "2 failed, 1 crashed, 3 passed, 1 not run" "--maxfail 3: a crash counts as a failure"
t_eq "$(tr '\n' ' ' <"$mf")" "p1 f1 p2 f2 p3 c3 " "--maxfail 3: p4 does not run"
mfrun --maxfail 4
t_summary "2 failed, 1 crashed, 4 passed" "--maxfail 4: all 7 items run"

t_finish
