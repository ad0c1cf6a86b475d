#!/bin/sh
# prefork.sh - with fork isolation, a worker forks the next item's child while
# one runs (lib/run.c, the spare): the spare runs the item it is given, as
# that item, in the worker's folder and environment, or the next task with
# that task's products; a fixture the worker sets up meanwhile makes it stale
# (a fresh child runs the item); handed its item ahead, it waits for its turn
# and starts as the running item ends, on a record and capture file of its
# own; it does not outlive the run, -x and SIGINT included. prefork.c's items
# find the spare among their worker's children and log its pid.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init prefork

if [ ! -r "/proc/$$/task/$$/children" ]; then
	t_skip "prefork" "the spare is found in /proc/PID/task/TID/children, which this kernel lacks"
	t_finish
fi
t_build t tests/e2e/prefork.c
: >"$T_WORK/herd.ini"
src=tests/e2e/prefork.c
wd=$(cd "$T_WORK" && pwd -P)

# field LOG NAME N: field N of the line LOG holds for NAME.
field() {
	awk -v name="$2" -v n="$3" '$1 == name { print $n }' "$T_WORK/$1"
}

# gone PID...: "gone" when none of them runs.
gone() {
	for g_pid in "$@"; do
		if t_alive "$g_pid"; then
			echo "$g_pid runs"
			return
		fi
	done
	echo gone
}

t_run "$HERD_BUILD/herd" -n 1 -k ahead ./t
t_status 0 "tests: exit 0"
t_summary "2 passed, 6 deselected" "tests: closing line"
spare=$(field items.log first 3)
t_eq "$(field items.log second 2)" "$spare" "ahead::second ran in the child forked while ahead::first ran"
t_eq "$(field items.log second 6)" "$src::ahead::second" "the spare ran as the item it was given"
t_eq "$(field items.log second 4)" gw0 "the spare has the worker's environment (herd_worker_id)"
t_eq "$(field items.log second 5)" "$wd" "the spare has the worker's folder"
t_eq "$(gone "$spare")" gone "no spare outlives the run"

t_run "$HERD_BUILD/herd" -n 1 -k handed ./t
t_status 1 "handed: exit 1"
if [ "$(field handed.log first 3)" = unknown ]; then
	t_skip "handed: the spare's wait" "/proc/PID/syscall cannot be read here"
else
	t_eq "$(field handed.log first 3)" turn \
		"handed: while first ran, its spare held second and waited for its turn"
fi
t_eq "$(field handed.log second 2)" "$(field handed.log first 2)" "handed: second ran in that spare"
t_section "$src::handed::first"
t_has "$T_SECTION" FAILURE-OF-FIRST "handed: first's failure is its own"
t_has "$T_SECTION" OUTPUT-OF-FIRST "handed: first's output is its own"
t_lacks "$T_SECTION" OF-SECOND "handed: nothing of second in first's report"
t_section "$src::handed::second"
t_has "$T_SECTION" FAILURE-OF-SECOND "handed: second's failure is its own"
t_has "$T_SECTION" OUTPUT-OF-SECOND "handed: second's output is its own"
t_lacks "$T_SECTION" OF-FIRST "handed: nothing of first in second's report"

t_run "$HERD_BUILD/herd" -n 1 -x -k stop ./t
t_status 1 "-x: exit 1"
t_match out "^FAILED $(t_re "$src::stop::fails")" "-x: stop::fails failed"
spare=$(field stop.log fails 3)
t_eq "$([ "${spare:--1}" -gt 0 ] && echo waited)" waited "-x: a spare waited behind stop::fails"
t_eq "$(gone "$spare")" gone "-x: the spare is gone when herd exits"

t_start_bg "$HERD_BUILD/herd" -n 1 -k hold ./t
t_wait_file "$T_WORK/hold.log" 60
kill -INT "$T_BG"
t_wait_bg
t_status 2 "SIGINT: exit 2"
spare=$(field hold.log holds 3)
t_eq "$([ "${spare:--1}" -gt 0 ] && echo waited)" waited "SIGINT: a spare waited behind hold::holds"
t_eq "$(gone "$spare")" gone "SIGINT: the spare is gone when herd exits"

t_run "$HERD_BUILD/herd" build -n 1 ./t
t_status 0 "build: exit 0 (tb saw its worker fixture's value)"
t_summary "4 succeeded" "build: closing line"
stale=$(field tasks.log ta 3)
t_eq "$([ "${stale:--1}" -gt 0 ] && echo waited)" waited "build: a spare waited behind ta"
t_eq "$([ "$(field tasks.log tb 2)" != "$stale" ] && echo fresh)" fresh \
	"build: tb ran in a fresh child, not in the spare forked before its fixture's setup"
t_eq "$(field tasks.log tc 2)" "$(field tasks.log tb 3)" "build: tc ran in the child forked while tb ran"
t_eq "$(field tasks.log tc-product 2)" "$wd/bld/c.txt" "build: the spare's herd_produces(0) is tc's"
t_eq "$(field tasks.log tc 6)" "$src::tc" "build: the spare ran as tc"
t_eq "$([ -f "$T_WORK/bld/c.txt" ] && echo made)" made "build: tc made its product"
t_eq "$(gone "$stale" "$(field tasks.log tb 3)")" gone "build: no spare outlives the build"

t_finish
