#!/bin/sh
# pytest.sh - herd --pytest on the small suites of tests/pytest: pytest's
# outcomes (setup and teardown errors, skips, xfail strict, a crash of the
# Python process, a hang) under both isolations, JUnit and JSON; -k and -m
# evaluated by pytest; session fixtures once per worker and the collection
# made once (later workers are forks of it) with xdist's worker variables;
# under --isolation fork, fixtures wider than a function set up once per
# worker; herd_pytest's locks, board, trails and global fixtures; pytest's
# -r lines and warnings summary at the end; --import-mode and the rootdir,
# testpaths and addopts of pyproject.toml, setup.cfg and tox.ini; groups and
# marks in the worker's list and the list's hash handshake; and
# bad input: a collection error (exit 2 with pytest's ERRORS section), a
# conftest that raises, no such interpreter, no pytest, Python < 3.8 (exit 4,
# one line). Skipped when no interpreter here can import pytest.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init pytest

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
py=
for p in ${HERD_PYTHON:-} python3 /usr/bin/python3; do
	if "$p" -c 'import pytest' >/dev/null 2>&1; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	t_skip "herd --pytest runs pytest suites" "no interpreter here imports pytest (scripts/setup check installs python3-pytest)"
	t_finish
fi
cp -R "$HERD_SRC/tests/pytest/outcomes" "$HERD_SRC/tests/pytest/scopes" \
	"$HERD_SRC/tests/pytest/groups" "$HERD_SRC/tests/pytest/bad_collect" \
	"$HERD_SRC/tests/pytest/bad_conftest" "$HERD_SRC/tests/pytest/sync" \
	"$HERD_SRC/tests/pytest/report" "$HERD_SRC/tests/pytest/importmode" "$T_WORK/" ||
	t_bail "the suites are copied"
log=$T_WORK/fixtures.log
mod=outcomes/test_outcomes.py
all_counts="2 failed, 1 crashed, 1 timeout, 2 errors, 6 passed, 2 skipped, 1 xfailed, 1 xpassed"

# ---- outcomes, both isolations ----
# Only test_hang has a time limit (its mark: 2 s); on a loaded machine a
# forked test formatting a traceback may take longer than that. pytest-timeout,
# where installed, is kept out of it: herd enforces the mark.
for iso in none fork; do
	t_run env HERD_PYTEST_CRASH=1 HERD_PYTEST_HANG=1 "$herd" --pytest --python "$py" -n 2 \
		--isolation $iso --no-isolation-check --junit-xml "$T_WORK/$iso.xml" \
		--json "$T_WORK/$iso.json" outcomes -- -p no:timeout
	t_status 1 "$iso: failures make exit 1"
	t_summary "$all_counts" "$iso: every pytest outcome counted"
	t_match out "^FAILED $(t_re "$mod::test_fail") - " "$iso: an assert fails"
	t_match out "^ERROR $(t_re "$mod::test_error_setup") - " "$iso: a fixture's setup error is an error"
	t_match out "^ERROR $(t_re "$mod::test_error_teardown") - " "$iso: a fixture's teardown error is an error"
	t_match out "^FAILED $(t_re "$mod::test_xpass_strict") - \[XPASS\(strict\)\] must fail" \
		"$iso: a strict xfail that passes fails"
	t_match out "^CRASHED $(t_re "$mod::test_crash") - .*(exited with status 7)" \
		"$iso: os._exit in a test is a crash, with its status"
	t_match out "^TIMEOUT $(t_re "$mod::test_hang") - timed out after 2s" "$iso: an endless loop times out (its timeout mark is its limit)"
	t_has out "teardown went wrong" "$iso: the teardown's traceback is shown"
	t_junit_valid "$T_WORK/$iso.xml" "$iso: the JUnit file is valid"
	t_xml_eq "$T_WORK/$iso.xml" "string(//testsuite/@tests)" 16 "$iso: JUnit has the 16 items"
	t_has "$T_WORK/$iso.json" "\"$mod::test_param[3-4]\"" "$iso: JSON has pytest's parametrized ids"
	t_has "$T_WORK/$iso.json" "\"$mod::TestGroup::test_capsys\"" "$iso: ... and class methods'"
done

# ---- -k and -m are pytest's; runner = pytest in herd.ini ----
# "network" is a mark of test_marked_slow, never part of an id: only
# pytest's keyword matching finds it; -m then drops it again.
mkdir -p "$T_WORK/ini" && cp -R "$T_WORK/outcomes" "$T_WORK/ini/" &&
	printf '[herd]\nrunner = pytest\n' >"$T_WORK/ini/herd.ini"
t_run sh -c 'cd ini && exec "$@"' sh "$herd" --python "$py" -n 1 -v -k "network or TestGroup" \
	-m "not slow" outcomes
t_status 0 "runner = pytest in herd.ini runs pytest"
t_summary "2 passed, 14 deselected" "-k and -m: pytest's keywords select 2 of 16"
t_outcome PASSED "$mod::TestGroup::test_method" "-k: a class name matches its methods"
t_lacks out "test_marked_slow" "-m: 'not slow' drops the item -k found by its mark"
t_run "$herd" --pytest --python "$py" -k network --collect-only outcomes
t_eq "$(cat "$T_OUT")" "$mod::test_marked_slow" "--collect-only lists what pytest's -k selects"

# ---- fixtures once per worker, collection once ----
rm -f "$log"
t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 2 --dist each scopes
t_status 0 "each: the scopes suite passes on both workers"
t_summary "44 passed" "each: every item ran on each worker"
t_count "$log" "^conftest-import " 1 "the conftest was imported once: one collection for both workers"
t_count "$log" "^session-setup gw0 " 1 "a session fixture is set up once on gw0"
t_count "$log" "^session-setup gw1 " 1 "... and once on gw1"
t_count "$log" "^session-teardown " 2 "... and torn down once on each"
t_count "$log" "^atexit gw[01] " 2 "an atexit function a test registered runs as the worker exits"
t_count "$log" "^module-setup test_mod_a gw[01] " 2 "a module fixture lives across its items: once per worker"
t_count "$log" "^class-setup a gw[01] " 2 "a class fixture too"
uid=$(sed -n 's/^xdist gw0 \([0-9a-f]*\) .*/\1/p' "$log" | head -n 1)
t_count "$log" "^xdist gw0 $uid gw0 2 $uid gw0 " 2 "gw0: worker_id, testrun_uid and PYTEST_XDIST_* as xdist's"
t_count "$log" "^xdist gw1 $uid gw1 2 $uid gw1 " 2 "gw1, a fork of the collection: its own worker id, the run's uid"
rm -f "$log"
t_run env HERD_PYTEST_LOG="$log" HERD_PYTEST_FORKSERVER=0 "$herd" --pytest --python "$py" -n 2 \
	--dist each scopes
t_count "$log" "^conftest-import " 2 "HERD_PYTEST_FORKSERVER=0: each worker collects"

# ---- --isolation fork: wider fixtures in the worker, inherited ----
rm -f "$log"
t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 2 --dist each --isolation fork scopes
t_summary "44 passed" "fork: every item ran on each worker"
t_count "$log" "^session-setup gw0 " 1 "fork: a session fixture is set up once on gw0, not in each child"
t_count "$log" "^session-setup gw1 " 1 "fork: ... and once on gw1"
t_count "$log" "^session-teardown " 2 "fork: ... torn down once on each"
t_count "$log" "^module-setup test_mod_a gw[01] " 2 "fork: a module fixture: once per worker"
t_count "$log" "^module-teardown test_mod_a gw[01] " 2 "fork: ... torn down once per worker"
t_count "$log" "^class-setup b gw[01] " 2 "fork: a class fixture too"
t_count "$log" "^run a 3 " 2 "fork: the items ran in children"
pids=$(awk '$1 == "run" && $2 == "a" { print $5 }' "$log" | sort -u | wc -l)
t_eq "$pids" 12 "fork: ... each in a process of its own"

# ---- locks, board, trails, global fixtures (herd_pytest's API) ----
# test_exclusive runs on both workers at once (--dist each); inside the lock
# each waits until the other has arrived, so without mutual exclusion two
# "enter" lines would meet in the log. The global fixture db: set up once in
# the run, its board entry seen by both workers, torn down once after them.
for iso in none fork; do
	rm -f "$log" "$T_WORK"/arrived.*
	t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 2 --dist each \
		--isolation $iso sync/test_sync.py
	t_status 0 "$iso: the sync suite passes on both workers"
	t_summary "18 passed" "$iso: every item ran on each worker"
	t_count "$log" "^enter " 6 "$iso: 3 tests x 2 workers took the lock"
	t_eq "$(awk '$1 == "enter" { if (in_) bad = 1; in_ = $2 $3 }
		$1 == "leave" { if (in_ != $2 $3) bad = 1; in_ = "" }
		END { print bad ? "overlap" : "exclusive" }' "$log")" exclusive \
		"$iso: herd_pytest.lock: no two workers inside at once"
	t_count "$log" "^global-setup " 1 "$iso: a global fixture is set up once in the run"
	t_count "$log" "^use-db " 6 "$iso: ... before each of its 6 users"
	url=$(sed -n 's/^global-setup gw[01] \([0-9]*\)$/db-of-\1/p' "$log")
	t_count "$log" "^use-db $url gw[01] " 6 "$iso: ... which all read its board entry"
	t_count "$log" "^use-db $url gw0 " 3 "$iso: ... on both workers"
	t_match "$log" "^global-teardown $url " "$iso: it is torn down once"
	t_eq "$(tail -n 1 "$log" | cut -d' ' -f1)" global-teardown "$iso: ... after its last user"
done
# A forked test killed while it waits for a lock (gw0 holds it): the next
# test on that worker still gets the replies to its own requests.
t_run "$herd" --pytest --python "$py" -n 2 --dist each --isolation fork sync/test_stale.py -- -p no:timeout
t_summary "1 timeout, 5 passed" "fork: a test that dies waiting for a lock leaves no reply to the next"

# ---- the end of pytest's report: -r lines, warnings summary ----
rep=report/test_report.py
for iso in none fork; do
	# loadfile: the two items that raise the same warning share a worker.
	t_run "$herd" --pytest --python "$py" -n 2 --dist loadfile --isolation $iso report -- -rA
	t_summary "1 failed, 5 passed, 1 skipped, 1 xfailed, 1 xpassed" "$iso: the report suite's outcomes"
	t_count out "short test summary info" 1 "$iso: one short summary, herd's failures and pytest's -r lines"
	t_match out "^PASSED $(t_re "$rep::test_warns_param[1]")\$" "$iso: -rA: passed items listed (p)"
	t_match out "^SKIPPED \[1\] $(t_re "$rep"):21: not today\$" "$iso: ... skips with their place (s)"
	t_match out "^XFAIL $(t_re "$rep::test_xfailed") - known bug\$" "$iso: ... xfailed (x)"
	t_match out "^XPASS $(t_re "$rep::test_xpassed") fixed already\$" "$iso: ... xpassed (X)"
	t_eq "$(sed -n '/short test summary info/,/warnings summary/p' "$T_OUT" | cut -d' ' -f1 | uniq | tr '\n' ' ')" \
		"=========================== FAILED PASSED SKIPPED XFAIL XPASS =============================== " \
		"$iso: ... in pytest's order of the letters, failures first"
	t_count out "= warnings summary =" 1 "$iso: one warnings summary for both workers"
	t_match out "test_report.py:9: UserWarning: careful with this\$" "$iso: ... with the warning's place and text"
	t_match out "test_report2.py:5: RuntimeWarning: from another module\$" "$iso: ... those of the other module too"
	t_eq "$(grep -A 2 "^$(t_re "$rep::test_warns_param[0]")\$" "$T_OUT" | sed -n '2,3p' | sed 's/^ *//; s/.*\(:14: \)/\1/' | tr '\n' '|')" \
		"$rep::test_warns_param[1]|:14: DeprecationWarning: old api 7|" \
		"$iso: ... one entry for the same warning of two items"
	t_match out "^-- Docs: https://docs.pytest.org/" "$iso: ... closed as pytest closes it"
done
t_run "$herd" --pytest --python "$py" -n 1 report
t_count out "^(PASSED|SKIPPED|XFAIL|XPASS) " 0 "without -r: pytest's default letters, the failures alone"
t_count out "= warnings summary =" 1 "... and the warnings summary"
t_run "$herd" --pytest --python "$py" -n 1 report -- -p no:warnings
t_count out "warnings summary" 0 "-p no:warnings: no warnings summary"

# ---- --import-mode; pytest's own configuration files ----
t_run "$herd" --pytest --python "$py" -n 2 importmode
t_status 2 "two test_same.py without __init__.py: pytest's default import mode fails to collect"
t_has out "ERROR importmode/b/test_same.py" "... naming the second module"
t_run "$herd" --pytest --python "$py" -n 2 -v importmode -- --import-mode=importlib
t_summary "3 passed" "--import-mode=importlib reaches pytest: both modules import, sys.path untouched"
t_match out " PASSED $(t_re importmode/b/test_same.py::test_not_on_sys_path)\$" "... the test that checks sys.path passes"
# One project per file pytest reads its [pytest] options from: each names
# testpaths (other/ is left out), addopts (-k keep) and python_files
# (check_*.py); herd runs in the project with no path, then in a subfolder,
# where pytest finds the file above: the rootdir, so ids are relative to it.
project() {
	mkdir -p "$T_WORK/$1/checks/sub" "$T_WORK/$1/other"
	printf 'def test_keep():\n    pass\n\n\ndef test_drop():\n    pass\n' >"$T_WORK/$1/checks/sub/check_a.py"
	printf 'def test_keep():\n    pass\n' >"$T_WORK/$1/checks/sub/test_ignored.py"
	printf 'def test_keep():\n    assert 0, "outside testpaths"\n' >"$T_WORK/$1/other/check_o.py"
	cat >"$T_WORK/$1/$2"
}
project toml pyproject.toml <<'EOF'
[tool.pytest.ini_options]
testpaths = ["checks"]
addopts = "-k keep"
python_files = ["check_*.py"]
EOF
project cfg setup.cfg <<'EOF'
[tool:pytest]
testpaths = checks
addopts = -k keep
python_files = check_*.py
EOF
project tox tox.ini <<'EOF'
[tox]
envlist = py3

[pytest]
testpaths = checks
addopts = -k keep
python_files = check_*.py
EOF
for p in toml cfg tox; do
	t_run sh -c 'cd "$1" && shift && exec "$@"' sh "$T_WORK/$p" "$herd" --pytest --python "$py" -n 2 -v
	t_summary "1 passed, 1 deselected" "$p: testpaths, addopts and python_files from its file"
	t_outcome PASSED "checks/sub/check_a.py::test_keep" "$p: ... the one item, its id from the rootdir"
	t_run sh -c 'cd "$1" && shift && exec "$@"' sh "$T_WORK/$p/checks/sub" "$herd" --pytest --python "$py" \
		--collect-only .
	t_eq "$(cat "$T_OUT")" "checks/sub/check_a.py::test_keep" "$p: from a subfolder: the rootdir is the file's folder"
done

# ---- the worker's list: groups, marks, the hash handshake ----
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS=groups "$py" "$HERD_SRC/tests/pytest/listing.py" \
	"$HERD_SRC/python/herd-pytest-worker"
t_match out "^item	groups/test_groups.py::test_xdist_group	.*	group=db(	|\$)" \
	"xdist_group(name=) is the item's herd group"
t_match out "^item	groups/test_groups.py::test_mp_group	.*	strategy=isolated_serial	group=files" \
	"mp_group(name, strategy) gives group and strategy"
t_match out "^item	groups/test_groups.py::TestNet::test_one	.*suite=TestNet	.*strategy=serial	group=net" \
	"a class's mp_group mark reaches its methods; the class is the suite"
t_match out "^item	groups/test_groups.py::test_limited	.*	timeout=7" "a timeout mark is the item's limit"
t_match out "^exit 0\$" "the worker ends with 0 after stop"
t_match out "^collected	5\$" "the first worker sends no hash: the controller computes it"
hash=$(sed -n 's/^hash //p' "$T_OUT")
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS=groups "$py" "$HERD_SRC/tests/pytest/listing.py" \
	"$HERD_SRC/python/herd-pytest-worker" "${hash:-none}"
t_count out "^item	" 0 "given its list's hash, a worker sends no items"
t_match out "^collected	5	hash=$hash\$" "... only the count and the hash"
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS=groups "$py" "$HERD_SRC/tests/pytest/listing.py" \
	"$HERD_SRC/python/herd-pytest-worker" 0123456789abcdef
t_count out "^item	" 5 "given another list's hash, a worker sends its whole list"
t_match out "^collected	5	hash=$hash\$" "... with its own hash"
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS="groups	-k	plain" "$py" \
	"$HERD_SRC/tests/pytest/listing.py" "$HERD_SRC/python/herd-pytest-worker"
t_match out "^item	groups/test_groups.py::test_plain	file=groups/test_groups.py	" "-k: the item kept is listed with its keys"
t_match out "^item	groups/test_groups.py::test_limited	marks=herd_deselected\$" \
	"... one pytest deselected by its id and the mark alone"

# ---- bad input ----
t_run "$herd" --pytest --python "$py" bad_collect
t_status 2 "a collection error: exit 2, as pytest's interrupted collection"
t_has out "ERROR collecting bad_collect/test_broken.py" "... with pytest's ERRORS section"
t_has out "Interrupted: 1 error during collection" "... and its closing line"
t_run "$herd" --pytest --python "$py" bad_conftest
t_status 4 "a conftest that raises: exit 4, as pytest"
t_count err "." 1 "... one line"
t_match err "^herd: .*conftest.*this conftest is broken" "... naming the conftest and the error"
t_run "$herd" --pytest --python "$T_WORK/no-such-python" outcomes
t_status 4 "no such interpreter: exit 4"
t_match err "^herd: --python: .*no-such-python: no such interpreter\$" "... in one line"
printf '#!/bin/sh\nexec %s -S "$@"\n' "$py" >"$T_WORK/nopytest" && chmod +x "$T_WORK/nopytest"
t_run "$herd" --pytest --python "$T_WORK/nopytest" outcomes
t_status 4 "an interpreter without pytest: exit 4"
t_count err "." 1 "... one line"
t_match err "^herd: .* cannot import pytest" "... saying so"
cat >"$T_WORK/oldpython" <<EOF
#!/bin/sh
exec $py -S -c 'import sys; sys.version_info = (3, 7, 9); f = sys.argv[1]; sys.argv = sys.argv[1:]; exec(compile(open(f).read(), f, "exec"), {"__name__": "__main__", "__file__": f})' "\$@"
EOF
chmod +x "$T_WORK/oldpython"
t_run "$herd" --pytest --python "$T_WORK/oldpython" outcomes
t_status 4 "Python < 3.8: exit 4"
t_match err "^herd: herd --pytest needs Python 3.8 or later; .* is 3.7\$" "... in one line"
t_finish
