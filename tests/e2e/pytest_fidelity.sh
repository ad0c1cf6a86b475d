#!/bin/sh
# pytest_fidelity.sh - herd --pytest reads as pytest and keeps what
# docs/protocol.md promises: the short summary's FAILED and ERROR lines are
# pytest's own (compared with a real pytest run of the same suite), in both
# isolations, and JUnit's message is that line; pytest's -r lines leave out
# the isolation check's second runs; a forked item's report larger than a
# pipe's buffer comes back; a serial group's items run in
# one process under --isolation fork too (state carries over, the worker's
# module fixtures are torn down once, by the worker), and after a crash or a
# timeout in the group the rest goes on in a fresh child, each item with its
# own time limit; with a warm cache, longest first keeps each module's items
# together. Skipped when no interpreter here can import pytest.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=pytest.inc
. "$(dirname "$0")/pytest.inc"
t_init pytest_fidelity
pt_init summary serial modules width scopes closing
log=$T_WORK/serial.log

# ---- the short summary's lines, as pytest prints them ----
# pytest cuts a line to the terminal's width: COLUMNS keeps it whole.
t_run env COLUMNS=200 "$py" -m pytest -p no:cacheprovider summary
grep -E '^(FAILED|ERROR) ' "$T_OUT" | sort >"$T_WORK/pytest.lines"
t_count "$T_WORK/pytest.lines" . 6 "pytest lists 4 failures and 2 errors"
for iso in none fork; do
	t_run "$herd" --pytest --python "$py" -n 2 --isolation $iso --no-isolation-check \
		--junit-xml "$T_WORK/$iso.xml" summary
	t_summary "4 failed, 2 passed, 2 errors" "$iso: the summary suite's outcomes, counted as pytest's"
	grep -E '^(FAILED|ERROR) ' "$T_OUT" | sort >"$T_WORK/herd.lines"
	t_same "$T_WORK/herd.lines" "$T_WORK/pytest.lines" \
		"$iso: FAILED and ERROR lines read as pytest's (the crash's message, its first line)"
	t_xml_eq "$T_WORK/$iso.xml" "string(//testcase[@name='test_compare']/failure/@message)" \
		"assert [1, 2, 3] == [1, 2, 4]" "$iso: JUnit's message is that line, as pytest's junitxml"
done
# JUnit's classname and name are pytest's junitxml's: module dotted without
# .py, then the classes; parametrized names whole.
t_run "$py" -m pytest -p no:cacheprovider --junit-xml "$T_WORK/pytest-scopes.xml" scopes
t_run "$herd" --pytest --python "$py" -n 2 --junit-xml "$T_WORK/herd-scopes.xml" scopes
for who in pytest herd; do
	xmllint --xpath '//testcase/@classname | //testcase/@name' "$T_WORK/$who-scopes.xml" |
		tr ' ' '\n' | grep . | paste - - | sort >"$T_WORK/$who-scopes.names"
done
t_count "$T_WORK/pytest-scopes.names" 'classname="scopes.test_mod_a.TestA"' 6 "pytest names a class's tests module.Class"
t_same "$T_WORK/herd-scopes.names" "$T_WORK/pytest-scopes.names" \
	"JUnit: every testcase's classname and name as pytest's"

# The closing line is pytest's: its order of counts, the warnings among
# them, a test whose teardown failed counted for its call and as an error,
# no rule under -q; the warnings summary comes before the short one, which
# lists failures, then errors. (pytest lists a test that failed and whose
# teardown failed twice there, FAILED and ERROR; herd once, FAILED.)
# ends WHO: the closing line, the order of the last sections and the short
# summary's lines of $T_OUT, in $T_WORK/WHO.closing, .order and .short.
ends() {
	tail -n 1 "$T_OUT" | sed 's/ in [0-9.]*s / in T /; s/ in [0-9.]*s$/ in T/' >"$T_WORK/$1.closing"
	grep -E '^=+ (warnings summary|short test summary info) =+$' "$T_OUT" >"$T_WORK/$1.order"
	grep -E '^(FAILED|ERROR) ' "$T_OUT" | cut -d' ' -f1-2 >"$T_WORK/$1.short"
}
for q in "" -q; do
	t_run "$py" -m pytest -p no:cacheprovider $q closing -k 'not deselected'
	ends pytest
	grep -v '^ERROR closing/test_closing.py::test_fail_teardown_fails$' "$T_WORK/pytest.short" >"$T_WORK/pytest.short1"
	for iso in none fork; do
		t_run "$herd" --pytest --python "$py" -n 2 --isolation $iso $q closing -k 'not deselected'
		ends herd
		t_same "$T_WORK/herd.closing" "$T_WORK/pytest.closing" "$iso: closing line${q:+ under $q} as pytest's"
		t_same "$T_WORK/herd.order" "$T_WORK/pytest.order" \
			"$iso ${q:-without -q}: warnings summary, then the short summary, as pytest"
		t_same "$T_WORK/herd.short" "$T_WORK/pytest.short1" "$iso ${q:-without -q}: the short summary's failures, then errors"
	done
done
t_has "$T_WORK/pytest.closing" "4 passed, " "the closing suite has tests that passed and whose teardown failed (a function's, a module's) ..."
t_has "$T_WORK/pytest.closing" "2 warnings, 4 errors in T" "... and warnings and errors to count"
# scripts/pytest-compare, which the real suites' comparisons run, on the
# closing suite: serial pytest and herd judged alike, item by item.
t_run "$py" "$HERD_SRC/scripts/pytest-compare" --herd "$herd" --python "$py" -n 2 --dist load \
	--isolation none,fork -- closing
t_status 0 "pytest-compare: no difference on the closing suite"
t_match out "^serial pytest: 11 items: " "pytest-compare: the serial run judged every item"
t_count out "^herd --dist load --isolation (none|fork): 11 items, 0 differences\$" 2 \
	"pytest-compare: herd's runs in both isolations, every item the same"
# -x: pytest's "stopping after 1 failures" is the line before the closing one.
t_run "$py" -m pytest -p no:cacheprovider -x closing
tail -n 2 "$T_OUT" | head -n 1 >"$T_WORK/pytest.stop"
t_run "$herd" --pytest --python "$py" -n 1 -x closing
tail -n 2 "$T_OUT" | head -n 1 >"$T_WORK/herd.stop"
t_has "$T_WORK/pytest.stop" "! stopping after 1 failures !" "pytest -x says it stopped, before its closing line"
t_same "$T_WORK/herd.stop" "$T_WORK/pytest.stop" "-x: herd says it in pytest's words and place"

# The isolation check runs test_teardown_error (a pass, then an error at
# teardown) again in a fresh worker: pytest's -r lines still list it once.
t_run "$herd" --pytest --python "$py" -n 1 summary -- -rA
t_count out "^PASSED $(t_re summary/test_summary.py::test_teardown_error)\$" 1 \
	"-rA: an item the isolation check ran again is listed once"
t_section summary/test_summary.py::test_raise
t_has "$T_SECTION" "ValueError: boom" "the FAILURES section keeps the traceback ..."
t_has "$T_SECTION" "the second line is left out" "... and the whole message"

# Cut to the terminal's width as pytest cuts them: COLUMNS, else 80 when
# the output is no terminal; a message that does not fit ends in "...", one
# with no room left is left out; a non-ASCII character is one column.
# Debian's pytest 7 shows no message for a strict XPASS (pytest 8 does, as
# herd): that line is checked on its own.
printf '#!/bin/sh\nunset CI\nexec "$@"\n' >"$T_WORK/no-ci" && chmod +x "$T_WORK/no-ci"
for cols in 60 ""; do
	t_run "$T_WORK/no-ci" env ${cols:+COLUMNS=$cols} "$py" -m pytest -p no:cacheprovider width
	grep '^FAILED ' "$T_OUT" | grep -v '::test_strict_xpass$' >"$T_WORK/pytest.width"
	t_run "$T_WORK/no-ci" env ${cols:+COLUMNS=$cols} "$herd" --pytest --python "$py" -n 2 width
	grep '^FAILED ' "$T_OUT" | grep -v '::test_strict_xpass ' >"$T_WORK/herd.width"
	t_same "$T_WORK/herd.width" "$T_WORK/pytest.width" \
		"COLUMNS=${cols:-(unset)}: FAILED lines cut to the width as pytest's"
done
t_has out "FAILED width/test_width.py::test_strict_xpass - [XPASS(strict)] issue 7 is st..." \
	"a strict XPASS shows pytest 8's \"[XPASS(strict)] reason\", cut too"
t_run "$T_WORK/no-ci" env COLUMNS=200 "$herd" --pytest --python "$py" -n 2 width
grep '^FAILED ' "$T_OUT" >"$T_WORK/herd.whole"
t_count "$T_WORK/herd.whole" '\.\.\.$' 0 "COLUMNS=200: every line whole"
t_run env CI=true COLUMNS=60 "$herd" --pytest --python "$py" -n 2 width
grep '^FAILED ' "$T_OUT" >"$T_WORK/herd.ci"
t_same "$T_WORK/herd.ci" "$T_WORK/herd.whole" "CI set: the lines are not cut, as pytest's on CI"

# A forked item's report bigger than a pipe's buffer: the worker reads it
# while the child writes (it once waited for the child's exit first, and the
# child, blocked on the full pipe, ran into its time limit).
mkdir -p "$T_WORK/big" && printf 'def test_big():\n    raise ValueError("x" * 200000)\n' >"$T_WORK/big/test_big.py"
t_run "$herd" --pytest --python "$py" -n 1 --isolation fork --timeout 60 big
t_summary "1 failed" "fork: a report larger than a pipe's buffer comes back (not a timeout)"

# ---- load dealing ends a batch at a module's end ----
# 4 modules of 9 items; test_m0's fixture holds gw0 until gw1 has started
# an item, so both first batches are dealt before any result: gw0's (depth
# 36 / 8 = 4) is extended to test_m0's end, and gw1's starts at test_m1
# (without the extension gw1 got test_m0's items 4 to 7, and set it up too).
mlog=$T_WORK/modules.log
t_run env HERD_PYTEST_LOG="$mlog" "$herd" --pytest --python "$py" -n 2 --dist load modules
t_summary "36 passed" "load: the modules suite passes"
t_count "$mlog" "^up gw1\$" 1 "load: gw1 ran items (the hold on gw0 was let go by it)"
t_eq "$(sed -n 's/^run \(.*\) gw1$/\1/p' "$mlog" | head -n 1)" "modules/test_m1.py::test_t0" \
	"load: gw1's first batch starts where test_m0 ends"
# Which modules each worker sets up first follows from those batches; after
# them a worker that runs dry steals, and may set a module up again (how
# often depends on the machine's load: not checked).
t_eq "$(sed -n 's/^module-setup \(.*\) gw0$/\1/p' "$mlog" | head -n 1)" test_m0 \
	"load: gw0 sets test_m0 up first"
t_eq "$(sed -n 's/^module-setup \(.*\) gw1$/\1/p' "$mlog" | head -n 1)" test_m1 \
	"load: gw1 sets up test_m1 first, not test_m0 (its batch has none of it)"

# ---- longest first keeps modules whole ----
# A warm cache where, item by item, longest first would visit the four
# modules in turn nine times (test_tJ of each before test_tJ+1 of any): the
# order is by module (test_m3's items take longest in all), so one worker
# sets each module fixture up once. The log starts with gw1's "up" line, to
# let test_m0's hold go at once on -n 1.
mkdir -p "$T_WORK/warm/v1"
for m in 0 1 2 3; do
	for t in 0 1 2 3 4 5 6 7 8; do
		printf '%d.%d\tmodules/test_m%d.py::test_t%d\n' $((9 - t)) "$m" "$m" "$t"
	done
done >"$T_WORK/warm/v1/durations"
wlog=$T_WORK/warm.log
echo "up gw1" >"$wlog"
t_run env HERD_ADDOPTS= HERD_PYTEST_LOG="$wlog" "$herd" --pytest --python "$py" -n 1 --cache-dir "$T_WORK/warm" modules
t_summary "36 passed" "warm cache: the modules suite passes"
t_count "$wlog" "^module-setup " 4 "warm cache: each module fixture set up once (not once per item)"
t_eq "$(sed -n 's/^run \(.*\) gw0$/\1/p' "$wlog" | head -n 1)" "modules/test_m3.py::test_t0" \
	"warm cache: the longest module first, its longest item first"

# ---- serial groups: one process for the run of them ----
# Group "state" spans test_serial_a.py and test_serial_b.py; each item logs
# its pid, and each module fixture its setup and teardown with theirs.
pid_of() { sed -n "s/^$1 \([0-9]*\)\$/\1/p" "$log"; }
for iso in none fork; do
	rm -f "$log"
	t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 2 --isolation $iso serial -- -p no:timeout
	t_summary "8 passed" "$iso: each item of the group sees what the ones before left in memory"
	t_eq "$(grep '^item ' "$log" | grep -v '^item free ' | cut -d' ' -f3 | sort -u | wc -l)" 1 \
		"$iso: the group's 7 items ran in one process"
	t_count "$log" "^module-setup test_serial_a " 1 "$iso: the first module's fixture is set up once"
	t_count "$log" "^module-teardown test_serial_a " 1 "$iso: ... and torn down once"
	t_count "$log" "^module-setup test_serial_b " 1 "$iso: the second module's, once"
	t_count "$log" "^module-teardown test_serial_b " 1 "$iso: ... torn down once"
done
t_eq "$(pid_of 'module-teardown test_serial_a')" "$(pid_of 'module-setup test_serial_a')" \
	"fork: the worker's module fixture is torn down by the worker, not by the child"
t_eq "$(pid_of 'module-teardown test_serial_b')" "$(pid_of 'item last')" \
	"fork: the one the child set up, by the child"
[ "$(pid_of 'item first')" != "$(pid_of 'module-setup test_serial_a')" ]
t_eq $? 0 "fork: the group ran in a child, not in the worker"

rm -f "$log"
t_run env HERD_SERIAL_BREAK=1 HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 2 \
	--isolation fork --json "$T_WORK/break.json" serial -- -p no:timeout
t_summary "6 passed, 1 crashed, 1 timeout" "fork: a crash and a hang in the group are theirs alone"
t_eq "$(pid_of 'item second')" "$(pid_of 'item crash')" "fork: the items before the crash shared a child"
t_eq "$(pid_of 'item after-crash')" "$(pid_of 'item hang')" "fork: the rest went on in another, across modules"
t_eq "$(printf '%s\n%s\n%s\n' "$(pid_of 'item first')" "$(pid_of 'item after-crash')" "$(pid_of 'item last')" | sort -u | wc -l)" 3 \
	"fork: three children for the group: before the crash, until the timeout, after it"
# test_other_module sleeps 2 s before test_hang starts: with a limit counted
# from the child's start test_hang would be stopped about 1 s into its 3 s.
t_eq "$(t_jx "$T_WORK/break.json" "W['serial/test_serial_b.py::test_hang']['duration'] >= 2.9")" True \
	"fork: the hanging item got its whole 3 s, counted from its own start"
t_finish
