#!/bin/sh
# suites.sh - SUITE defaults and parametrized fixtures, alone and under herd:
# each SUITE option reaches the tests (lists added to, scalars replaced) and
# the controller (-m, resources, group); bad declarations stop the binary at
# start-up with file:line and exit 4, also as a worker; a parametrized fixture
# of test, suite and worker scope runs every test once per element, set up
# and torn down as its scope says, in both isolations, on -n 1, 2 and 4 under
# --dist load, loadscope and loadgroup; HERD_TEST_FN calls another test's body.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init suites

src=tests/e2e/suites.c
t_build suites $src tests/e2e/suites_bad.c
bin=$T_WORK/suites
herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
res="--resource pool=2 --resource disk=1 --resource net=1"

# ---- SUITE defaults and overrides, as the binary lists them ----
t_run "$bin" --list -v
t_status 0 "--list -v: exit 0"
t_match out "::defs::inherits  marks=\"smark\"  timeout=7  fixtures=\"plain\"  group=sgroup  strategy=1  resources=\"pool:2 disk\"" \
	"a test takes every default of its SUITE"
t_match out "::defs::overrides  marks=\"smark tmark\"  timeout=3  fixtures=\"plain other\"  group=tgroup  strategy=3  resources=\"disk pool:1 net\"" \
	"lists add to the suite's (a resource by name replaces its count), scalars replace"
t_match out "::skipped::by_suite  skip=\"suite skips\"" "SUITE .skip reaches its tests"
t_match out "::skipped::own_reason  skip=\"test says why\"" "a test's .skip replaces the suite's"
t_match out "::xfails::fails  xfail=\"suite expects failure\"" "SUITE .xfail reaches its tests"
t_match out "::xfails::own_reason  xfail=\"own reason\"" "a test's .xfail replaces the suite's"
t_match out "suites_bad.c::twice::elsewhere  marks=\"twin\"" \
	"a SUITE applies in every file; the same SUITE twice with the same options is allowed"

rm -f "$T_WORK/plain.log"
t_run "$bin" -k "defs or skipped or xfails"
t_status 0 "suite defaults run: exit 0"
t_summary "2 passed, 2 skipped, 2 xfailed, 48 deselected" "suite defaults run: skip and xfail from the suite"
t_count "$T_WORK/plain.log" '^setup plain in-test$' 2 "the suite's fixture runs around both defs tests"

# Under herd: the controller sees the merged options.
t_run "$herd" --no-cache -n 2 $res -m smark "$bin"
t_status 0 "herd -m smark: exit 0"
t_summary "2 passed, 52 deselected" "herd -m smark selects both tests of the suite by its mark"
t_run "$herd" --no-cache -n 2 $res -m "tmark and smark" "$bin"
t_summary "1 passed, 53 deselected" "herd -m: a test's own mark adds to the suite's"
t_run "$herd" --no-cache -n 2 -m smark "$bin"
t_status 4 "herd: the suite's resource demand reaches the controller (pool:2 > capacity 1)"
t_has err "defs::inherits needs 2 of resource 'pool'" "herd names the item and the suite's demand"
t_run "$herd" --no-cache -n 2 $res --json report.json -k "defs or skipped or xfails" "$bin"
t_status 0 "herd, suite defaults: exit 0"
t_summary "2 passed, 2 skipped, 2 xfailed, 48 deselected" "herd, suite defaults: skip and xfail from the suite"

# ---- declarations refused at start-up ----
for bad in BAD_SUITE_FIXTURE:"tests/e2e/suites_bad.c:10: suite 'badsuite': fixture 'nosuch' is not defined" \
	BAD_TEST_FIXTURE:"tests/e2e/suites_bad.c:13: test 'badtest::t': fixture 'misspelt' is not defined" \
	BAD_TWICE:"suite 'twice' is declared with different options at tests/e2e/suites.c:42 and tests/e2e/suites_bad.c:15" \
	BAD_GLOBAL:"tests/e2e/suites_bad.c:18: fixture 'gparam': a global fixture cannot be parametrized"; do
	def=${bad%%:*}
	msg=${bad#*:}
	t_build bad $src -D$def tests/e2e/suites_bad.c
	for args in "" --list; do
		t_run "$T_WORK/bad" $args
		t_status 4 "$def, alone ${args:-run}: exit 4"
		t_has err "$msg" "$def, alone ${args:-run}: one line naming the place"
		t_nomatch out "passed|::" "$def, alone ${args:-run}: nothing listed or run"
	done
	t_run "$herd" --no-cache -n 2 "$T_WORK/bad"
	t_status 4 "$def, herd: exit 4"
	t_has err "$msg" "$def, herd: the worker's line is shown"
	t_nomatch out "passed" "$def, herd: nothing run"
done

# ---- HERD_TEST_FN ----
rm -f "$T_WORK/calls.log"
t_run "$bin" -k calls
t_status 0 "HERD_TEST_FN: exit 0"
t_has "$T_WORK/calls.log" "callee body in $src::calls::caller" "a test calls another test's body in its own item"

# ---- parametrized fixtures ----
# Per element of cfgs (a b c): the test fixture is set up and torn down once
# per item using it (ptest::one, two; combo::grid: 2 sizes x 2 modes): 6.
# The suite and worker fixtures: set up once per element per worker at most
# (any number of times under load, which may deal an element to a worker
# twice), exactly once with one worker or loadscope/loadgroup, and
# every setup torn down. Every test sees the element named in its id.
check_counts() {	# WHAT WORKERS EXACT_SUITE [COPIES]
	cp_=${4:-1}
	# The lines "setup FX[E] PID" and "teardown FX[E] PID" of the three
	# logs, counted in one pass: a grep for each count would start some 40
	# processes a run, and there are 44 runs.
	cat "$T_WORK/tcfg.log" "$T_WORK/scfg.log" "$T_WORK/wcfg.log" 2>/dev/null | tr -d '\000' |
		awk '/^(setup|teardown) [a-z]+\[[^]]*\] / { n[$1 " " $2]++ }
			END { for (k in n) print k, n[k] }' >"$T_WORK/fx.counts"
	for e in a b c; do
		fx_count setup "tcfg[$e]"
		t_eq "$fx_n" $((6 * cp_)) "$1: test fixture set up $((6 * cp_)) times for [$e]"
		fx_count teardown "tcfg[$e]"
		t_eq "$fx_n" $((6 * cp_)) "$1: test fixture torn down $((6 * cp_)) times for [$e]"
		for fx in scfg wcfg; do
			fx_count setup "${fx}[$e]"
			ns=$fx_n
			fx_count teardown "${fx}[$e]"
			t_eq "$fx_n" "$ns" "$1: $fx[$e] torn down as often as set up"
			if [ "$ns" -ge 1 ] && [ "$ns" -le "$2" ]; then
				t_pass "$1: $fx[$e] set up 1..$2 times"
			else
				t_fail "$1: $fx[$e] set up 1..$2 times" "1..$2" "$ns" "$T_WORK/$fx.log"
			fi
		done
		if [ "$3" = 1 ]; then
			fx_count setup "scfg[$e]"
			t_eq "$fx_n" "$cp_" "$1: suite fixture set up once for [$e] (per copy)"
			fx_count setup "wcfg[$e]"
			t_eq "$fx_n" "$cp_" "$1: worker fixture set up once for [$e] (per copy)"
		fi
	done
	bad=$(awk '{ n = $1; sub(/.*\[/, "", n); sub(/\]$/, "", n); if (n != $2) print }' "$T_WORK/seen.log" | head -n 3)
	t_eq "$bad" "" "$1: every test saw the element named in its id"
	t_count "$T_WORK/seen.log" "." $((30 * cp_)) "$1: 10 tests x 3 elements ran ($cp_ copies)"
}

# fx_count WHAT FX[E]: sets fx_n to the number of such lines in fx.counts.
fx_count() {
	fx_n=0
	while read -r fc_what fc_fx fc_n; do
		[ "$fc_what $fc_fx" = "$1 $2" ] && fx_n=$fc_n
	done <"$T_WORK/fx.counts"
}

sel="ptest or combo or psuite or pworker"
for iso in fork none; do
	rm -f "$T_WORK"/tcfg.log "$T_WORK"/scfg.log "$T_WORK"/wcfg.log "$T_WORK"/seen.log
	t_run "$bin" --isolation $iso -k "$sel"
	t_status 0 "alone, $iso: exit 0"
	t_summary "44 passed, 10 deselected" "alone, $iso: 44 items"
	check_counts "alone, $iso" 1 1
	for n in 1 2 4; do
		for dist in load loadscope loadgroup worksteal loadfile no each; do
			rm -f "$T_WORK"/tcfg.log "$T_WORK"/scfg.log "$T_WORK"/wcfg.log "$T_WORK"/seen.log
			t_run "$herd" --no-cache -n $n --dist $dist --isolation $iso -k "$sel" "$bin"
			t_status 0 "herd -n $n --dist $dist, $iso: exit 0"
			copies=1
			[ $dist = each ] && copies=$n
			[ $dist = no ] && n_=1 || n_=$n
			t_summary "$((44 * copies)) passed, 10 deselected" "herd -n $n --dist $dist, $iso: 44 items"
			# loadscope and loadgroup keep an element's items together, one
			# worker (no) or every worker running all (each) meets each once;
			# load and worksteal may deal an element to a worker twice, and
			# loadfile gives the file to one worker whose steal is refused
			# but whose order is free: at least once holds there.
			case $dist in
			loadscope | loadgroup | no | each) exact=1 most=$((n_ * copies)) ;;
			*) exact=0 most=30 ;;
			esac
			[ $n = 1 ] && exact=1
			check_counts "herd -n $n --dist $dist, $iso" $most $exact $copies
		done
	done
done

t_finish
