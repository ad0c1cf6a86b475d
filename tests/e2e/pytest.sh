#!/bin/sh
# pytest.sh - herd --pytest on the small suites of tests/pytest: pytest's
# outcomes (setup and teardown errors, skips, xfail strict, a crash of the
# Python process, a hang) under both isolations, JUnit and JSON; -k and -m
# evaluated by pytest; session fixtures once per worker and the collection
# made once (later workers are forks of it) with xdist's worker variables;
# under --isolation fork, fixtures wider than a function set up once per
# worker; herd_pytest's locks, board, trails and global fixtures. Skipped
# when no interpreter here can import pytest. (pytest_report.sh has the
# rest: one script would be the longest job of make check.)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=pytest.inc
. "$(dirname "$0")/pytest.inc"
t_init pytest
pt_init outcomes scopes sync unittests
log=$T_WORK/fixtures.log
mod=outcomes/test_outcomes.py
all_counts="2 failed, 7 passed, 2 skipped, 1 xfailed, 1 xpassed, 2 errors, 1 crashed, 1 timeout"

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

# Every worker, a fork of the collection or not, keeps its results in the
# results file the controller gave it (docs/protocol.md, Batched results):
# the worker maps it, so that its items' results go in batches.
mkdir -p "$T_WORK/batched" && cat >"$T_WORK/batched/test_batched.py" <<'EOT'
import os


def test_results_file_mapped():
    with open("/proc/self/maps") as f:
        maps = [l.split() for l in f if "herd-capture" in l]
    mapped = [m for m in maps if m[1] == "rw-s"]
    with open(os.environ["HERD_PYTEST_LOG"], "a") as f:
        f.write("results-mapped %s %d\n" % (os.environ["PYTEST_XDIST_WORKER"], len(mapped)))
EOT
rm -f "$log"
t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 2 --dist each batched
t_count "$log" "^results-mapped gw0 1\$" 1 "gw0, the collector: its results file is mapped"
t_count "$log" "^results-mapped gw1 1\$" 1 "gw1, a fork of the collection: its own results file is mapped too"

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

# A forked item's garbage collector leaves the worker's objects alone (a
# collection that walked them would copy every page they are on): the
# 100,000 objects a module fixture made in the worker are out of its sight,
# while the item's own garbage is still collected.
mkdir -p "$T_WORK/gc" && cat >"$T_WORK/gc/test_gc.py" <<'EOT'
import gc
import weakref
import pytest

@pytest.fixture(scope="module")
def held():
    return [[i] for i in range(100000)]	# lists: tracked by the collector

def test_worker_objects_out_of_sight(held):
    assert len(gc.get_objects()) < len(held)

def test_own_garbage_collected(held):
    class Cycle:
        pass
    c = Cycle()
    c.me = c
    ref = weakref.ref(c)
    del c
    gc.collect()
    assert ref() is None
EOT
t_run "$herd" --pytest --python "$py" -n 1 --isolation fork gc
t_summary "2 passed" "fork: the child's collector sees its own objects, not the worker's"
t_run "$herd" --pytest --python "$py" -n 1 --isolation none gc
t_summary "1 failed, 1 passed" "none: the same test sees the worker's objects (the check can fail)"

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
t_summary "5 passed, 1 timeout" "fork: a test that dies waiting for a lock leaves no reply to the next"

# ---- unittest.TestCase classes ----
# Their class fixture (setUpClass) is bound to the TestCase an item makes in
# its setup: set up ahead in the worker under fork, it once failed every
# such item ("fixture() missing 1 required positional argument: 'self'").
t_run "$py" -m pytest -p no:cacheprovider -rA unittests
grep -E '^(PASSED|FAILED|SKIPPED|ERROR) ' "$T_OUT" | sed 's/ - .*//' | sort >"$T_WORK/ut.pytest"
t_count "$T_WORK/ut.pytest" . 4 "pytest: the unittest suite's 4 outcomes"
for iso in none fork; do
	rm -f "$log"
	t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 1 --isolation $iso \
		--no-isolation-check unittests -- -rA
	grep -E '^(PASSED|FAILED|SKIPPED|ERROR) ' "$T_OUT" | sed 's/ - .*//' | sort >"$T_WORK/ut.herd"
	t_same "$T_WORK/ut.herd" "$T_WORK/ut.pytest" "$iso: unittest.TestCase items end as under pytest"
	t_count "$log" "^setUpClass gw0\$" 1 "$iso: setUpClass runs once on the worker"
	t_count "$log" "^tearDownClass gw0\$" 1 "$iso: ... and tearDownClass once"
done

t_finish
