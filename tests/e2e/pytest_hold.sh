#!/bin/sh
# pytest_hold.sh - herd --pytest -x runs nothing after the failure, as
# pytest -x: its worker says hold=1 and waits after each failing result for
# herd's answer (docs/protocol.md, config's hold), in both isolations. With
# --maxfail above the failures every item runs (the answer to go on), a
# strict xfail, a teardown's error and each try of --reruns included; with
# --dist each the worker whose failure stopped the run runs nothing after
# it. Skipped when no interpreter here can import pytest.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=pytest.inc
. "$(dirname "$0")/pytest.inc"
t_init pytest_hold
pt_init hold
marks=$T_WORK/marks
export HOLD_MARKS="$marks"
# A worker that waits for an answer that never comes hangs the run: herd's
# item timeout ends it under isolation none, the guard, lowered from the
# default (every run here takes seconds), under fork.
limit=30
T_LIMIT=${HERD_E2E_LIMIT:-60}

# fresh: an empty folder of marks.
fresh() {
	rm -rf "$marks" && mkdir "$marks"
}

# after: the marks of the tests that ran after the failure, on one line.
after() {
	ls "$marks" | tr '\n' ' '
}

# hold/test_hold.py: 5 passes, a failure, 4 tests that leave marks.
fresh
t_run "$py" -m pytest -p no:cacheprovider -x hold/test_hold.py
t_summary "1 failed, 5 passed" "pytest -x: 5 passed, 1 failed, the rest not run"
t_eq "$(after)" "" "pytest -x: nothing ran after the failure"
for iso in none fork; do
	fresh
	t_run "$herd" --pytest --python "$py" -n 1 -x --isolation $iso --timeout $limit hold/test_hold.py
	t_status 1 "$iso -x: exit 1"
	t_summary "1 failed, 5 passed, 4 not run" "$iso -x: pytest -x's counts, the rest not run"
	t_eq "$(after)" "" "$iso -x: nothing ran after the failure"
done
# The answer to go on (fork's: the --reruns run below).
fresh
t_run "$herd" --pytest --python "$py" -n 1 --maxfail 2 --timeout $limit hold/test_hold.py
t_summary "1 failed, 9 passed" "--maxfail 2: one failure, told to go on, every item runs"
t_eq "$(after)" "gw0.10 gw0.7 gw0.8 gw0.9 " "--maxfail 2: the tests after the failure ran"

# --dist each: both workers fail; the second failure stops the run, so its
# worker runs nothing after it, while the first may have gone on meanwhile.
fresh
t_run "$herd" --pytest --python "$py" -n 2 --maxfail 2 --dist each --timeout $limit hold/test_hold.py
t_status 1 "-n 2 --maxfail 2 --dist each: exit 1"
t_match out "^=+ 2 failed, 1[0-4] passed, [4-8] not run in " \
	"-n 2 --maxfail 2 --dist each: each worker's failure, 10 to 14 passes"
t_lt "$(ls "$marks" | cut -d. -f1 | sort -u | wc -l)" 2 \
	"--dist each: the worker whose failure stopped the run ran nothing after it"

# A strict xfail that passes fails twice (its rerun too), the teardown's
# error and the flaky test's first try are failures too: each is answered,
# and the run goes on to the end.
fresh
t_run "$herd" --pytest --python "$py" -n 1 --maxfail 9 --reruns 1 --isolation fork --timeout $limit \
	hold/test_more.py
t_summary "1 failed, 2 passed, 1 error, 1 flaky" "--reruns 1: every failing try answered"
t_eq "$(after)" "flaky last " "--reruns 1: the run went on to its last test"
# -x on a teardown's error stops the run as pytest -x does.
fresh
t_run "$herd" --pytest --python "$py" -n 1 -x --timeout $limit hold/test_more.py -- -k "teardown or last"
t_summary "1 passed, 2 deselected, 1 error, 1 not run" "-x after a teardown's error: the rest not run"
t_eq "$(after)" "" "-x after a teardown's error: test_last did not run"
t_finish
