#!/bin/sh
# pytest_start.sh - how herd --pytest starts its workers: the later workers'
# launchers start while the first worker collects (tests/pytest/early's
# conftest waits for them and logs their pids), then run forks of its
# collection that join their launchers' process groups (so a timeout's kill
# reaches them) with xdist's worker variables; a collection error with the
# launchers waiting still ends with one report, exit 2, and none left.
# Skipped when no interpreter here can import pytest.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=pytest.inc
. "$(dirname "$0")/pytest.inc"
t_init pytest_start
pt_init early
log=$T_WORK/early.log

# ---- the launchers start with the collection ----
# Every worker runs test_who and the endless test_hang (--dist each), which
# the controller kills by process group at its timeout mark (test_who has no
# limit: a loaded machine may be slow): a forked worker that stayed out of
# its launcher's group would hang the run.
t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 3 --dist each \
	early/test_early.py -- -p no:timeout
t_status 1 "the hangs time out: exit 1"
t_summary "3 passed, 3 timeout" "each of the 3 workers ran test_who and timed out in test_hang"
t_count "$log" "^collector " 1 "one collection for the 3 workers"
t_count "$log" "^launcher gw[12] " 2 "the 2 later workers' launchers ran while gw0 collected"
for w in gw1 gw2; do
	launcher=$(sed -n "s/^launcher $w //p" "$log")
	t_match "$log" "^who $w 3 [0-9]+ $launcher -\$" \
		"$w: xdist's worker variables; in its launcher's process group; no HERD_LISTED_BY"
	t_count "$log" "^who $w 3 $launcher " 0 "$w: ... a process of its own (a fork of the collection)"
done
t_match "$log" "^who gw0 3 $(sed -n 's/^collector //p' "$log") " "gw0 is the collector itself"
# left_alive FILE: how many of the pids in FILE outlive a bounded wait.
left_alive() {
	left=0
	while read -r pid; do
		t_wait_gone "$pid" 10 || left=$((left + 1))
	done <"$1"
	echo "$left"
}
sed -n 's/^hang gw[0-2] //p' "$log" >"$T_WORK/pids"
left=$(left_alive "$T_WORK/pids")
t_eq "$left" 0 "every timed-out worker's process is gone, the forked ones too"

# ---- a collection error while the launchers wait ----
# --dist each: every worker starts with the collection, however many CPUs
# the machine has (tests/e2e/pytest_cpus.sh).
rm -f "$log"
t_run env HERD_PYTEST_LOG="$log" "$herd" --pytest --python "$py" -n 3 --dist each early/broken
t_status 2 "a collection error with launchers waiting: exit 2, as pytest's"
t_count "$log" "^launcher gw[12] " 2 "... the launchers were waiting for the collection"
t_has out "ERROR collecting early/broken/test_broken.py" "... pytest's ERRORS section"
t_count out "Interrupted: 1 error during collection" 1 "... once"
t_count err "." 0 "... and nothing else: no word of the launchers"
awk '$1 == "launcher" { print $3 } $1 == "collector" { print $2 }' "$log" >"$T_WORK/pids"
left=$(left_alive "$T_WORK/pids")
t_eq "$left" 0 "... and no launcher or collector left behind"

t_finish
