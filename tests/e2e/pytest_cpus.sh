#!/bin/sh
# pytest_cpus.sh - -n N is the most workers herd --pytest starts: beyond the
# CPUs it may run on, a worker starts only when history knows enough work
# for it, or when the workers that run leave a CPU idle. Run on one CPU
# (taskset): tests that compute keep -n 3 at one worker; tests that
# wait get their second worker; known long work starts every worker with
# the collection. Skipped when no interpreter here can import pytest, or
# without taskset.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=pytest.inc
. "$(dirname "$0")/pytest.inc"
t_init pytest_cpus
pt_init cpus early
if ! taskset -c 0 true 2>/dev/null; then
	t_skip "workers beyond the CPUs" "taskset (util-linux) cannot pin herd to one CPU here"
	t_finish
fi

# ---- tests that compute: one worker ----
t_run taskset -c 0 "$herd" --pytest --python "$py" -n 3 --no-cache --json "$T_WORK/compute.json" cpus/test_compute.py
t_status 0 "2 tests that compute on one CPU at -n 3: exit 0"
t_summary "2 passed" "... both ran"
t_eq "$(t_jx "$T_WORK/compute.json" 'sorted(set(t["worker"] for t in T))')" "['gw0']" \
	"... both on gw0: the CPU it had was busy, so no other worker started"

# ---- tests that wait: the second worker starts ----
mkdir "$T_WORK/met"
t_run env HERD_CPUS_DIR="$T_WORK/met" taskset -c 0 "$herd" --pytest --python "$py" -n 2 --no-cache \
	--json "$T_WORK/wait.json" cpus/test_wait.py
t_status 0 "2 tests that wait for each other on one CPU at -n 2: exit 0"
t_summary "2 passed" "... both met: the second worker started while the first waited"
t_eq "$(t_jx "$T_WORK/wait.json" 'sorted(set(t["worker"] for t in T))')" "['gw0', 'gw1']" \
	"... one on each worker"

# ---- known long work: every worker starts with the collection ----
# pytest-split's file says test_who takes 30 s: 15 s for each of 2 workers,
# which repays a start. early's conftest logs the launchers that wait for
# its collection.
log=$T_WORK/early.log
printf '{"early/test_early.py::test_who": 30.0}\n' >"$T_WORK/durations.json"
t_run env HERD_PYTEST_LOG="$log" taskset -c 0 "$herd" --pytest --python "$py" -n 2 \
	--cache-dir "$T_WORK/cache" --durations-path "$T_WORK/durations.json" \
	early/test_early.py::test_who
t_status 0 "known long work on one CPU at -n 2: exit 0"
t_count "$log" "^launcher gw1 " 1 "... gw1's launcher started while gw0 collected"

t_finish
