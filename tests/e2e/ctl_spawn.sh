#!/bin/sh
# ctl_spawn.sh - how often herd starts each test binary: the process that
# lists a binary becomes its worker, so at -n 1 every binary starts exactly
# once and at -n 2 at most once per worker (in both isolations, and once per
# worker with --dist each); a binary with enough work is split, its second
# worker given the list's hash, and one whose work is shorter than a start-up
# is not, once this run has timed some items (before that, once an item has
# run as long as a start); workers that list different tests are still
# caught. Each start is counted by a constructor of the binary (ctl_spawn.c).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init ctl_spawn

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"

mkdir -p "$T_WORK/bins"
nbins=6
k=0
while [ $k -lt $nbins ]; do
	t_build bins/s$k -DSPAWN_BIN=$k -DSPAWN_TESTS=4 tests/e2e/ctl_spawn.c
	k=$((k + 1))
done
t_build big -DSPAWN_BIN=99 -DSPAWN_TESTS=40 -DSPAWN_MS=20 tests/e2e/ctl_spawn.c
mkdir -p "$T_WORK/mix"
cp "$T_WORK/bins/s0" "$T_WORK/bins/s1" "$T_WORK/mix/"
t_build mix/quick -DSPAWN_BIN=77 -DSPAWN_TESTS=12 tests/e2e/ctl_spawn.c
t_build slow -DSPAWN_BIN=55 -DSPAWN_TESTS=200 -DSPAWN_START_MS=300 tests/e2e/ctl_spawn.c
t_build long -DSPAWN_BIN=66 -DSPAWN_TESTS=2 -DSPAWN_MS=1000 tests/e2e/ctl_spawn.c
log=$T_WORK/spawn.log

# twice: the "BIN WORKER" pairs that started more than once.
# count_of BIN: how many times BIN started.
twice() {
	sort "$log" | awk '{ print $2, $3 }' | uniq -d
}
count_of() {
	grep -c "^start $1 " "$log"
}

for iso in fork none; do
	: >"$log"
	t_run "$herd" -n 1 -q --no-cache --isolation "$iso" bins
	t_status 0 "-n 1 $iso: exit 0"
	t_has out "24 passed" "-n 1 $iso: every item ran"
	k=0 bad=
	while [ $k -lt $nbins ]; do
		[ "$(count_of $k)" -eq 1 ] || bad="$bad s$k:$(count_of $k)"
		k=$((k + 1))
	done
	t_eq "${bad:-none}" none "-n 1 $iso: each binary started exactly once (list and run in one process)"
	t_count "$log" . $nbins "-n 1 $iso: $nbins starts in all"

	: >"$log"
	t_run "$herd" -n 2 -q --no-cache --isolation "$iso" bins
	t_status 0 "-n 2 $iso: exit 0"
	t_has out "24 passed" "-n 2 $iso: every item ran"
	t_eq "$(twice | tr '\n' ' ')" "" "-n 2 $iso: no binary started twice in one worker"
	k=0 bad=
	while [ $k -lt $nbins ]; do
		[ "$(count_of $k)" -ge 1 ] && [ "$(count_of $k)" -le 2 ] || bad="$bad s$k:$(count_of $k)"
		k=$((k + 1))
	done
	t_eq "${bad:-none}" none "-n 2 $iso: each binary started once or twice"
done

: >"$log"
t_run "$herd" -n 2 -q --no-cache --dist each bins
t_status 0 "--dist each -n 2: exit 0"
t_has out "48 passed" "--dist each -n 2: every item ran on each worker"
t_eq "$(twice | tr '\n' ' ')" "" "--dist each -n 2: no binary started twice in one worker"
t_count "$log" . $((2 * nbins)) "--dist each -n 2: each binary started once per worker"

# What a worker starts with: every signal at its default (herd catches
# several and ignores SIGPIPE), none blocked, /dev/null as stdin, no second
# copy of its channels above fd 5, and none of the fds herd's own parent left
# open (here fd 7 and 9).
: >"$T_WORK/proc.log"
# shellcheck disable=SC2016 # $0 and $@ belong to the inner shell
t_run sh -c 'exec 7>"$0" 9<"$0"; exec "$@"' "$T_WORK/parent-fd" "$herd" -n 2 -q --no-cache bins
t_status 0 "the workers' start: exit 0"
t_count "$T_WORK/proc.log" '^proc [0-9]* caught=0 blocked=0 fd0=/dev/null stray=0 inherited=0$' \
	"$(wc -l <"$T_WORK/proc.log")" "each worker starts with default signals, none blocked, /dev/null in, no stray or inherited fd"
t_lt $((nbins - 1)) "$(wc -l <"$T_WORK/proc.log")" "the workers' start: a line for each binary at least"

# A file herd takes for a test binary that cannot be run (its interpreter
# is missing): the worker's start says why, and herd stops with exit 3.
printf '#!/nonexistent/interpreter\n# herd-test-binary-v1\n' >"$T_WORK/noexec"
chmod +x "$T_WORK/noexec"
t_run "$herd" -n 1 -q --no-cache "$T_WORK/noexec"
t_status 3 "a binary that cannot be executed: exit 3"
t_has err "cannot run $T_WORK/noexec: No such file or directory" \
	"a binary that cannot be executed: the reason, from the start"
t_has err "exited with status 127 before speaking the herd protocol" \
	"a binary that cannot be executed: its worker's exit status"

# Six binaries of four quick items, no cache: once this run has timed some,
# a binary is too short for a second worker and its worker gets all four
# items in one batch (the trace's schedule instants say how many went);
# before that, they are dealt two at a time. Every item still runs once.
t_run "$herd" -n 2 -q --no-cache --isolation none --trace "$T_WORK/deal.json" bins
t_status 0 "quick binaries dealt whole: exit 0"
t_has out "24 passed" "quick binaries dealt whole: every item ran once"
t_match "$T_WORK/deal.json" '"4 items to gw[01]: ' \
	"quick binaries dealt whole: a binary timed too short goes in one batch of 4"
t_match "$T_WORK/deal.json" '"2 items to gw[01]: ' \
	"quick binaries dealt whole: before any item is timed, two at a time"

# Few fds: herd parks only as many listed workers as its fd limit leaves
# room for and starts the others again, instead of running out of fds.
: >"$log"
t_run sh -c 'ulimit -n 36 && exec "$@"' sh "$herd" -n 1 -q --no-cache bins
t_status 0 "-n 1 with 36 fds: exit 0"
t_has out "24 passed" "-n 1 with 36 fds: every item ran"
t_lacks err "herd:" "-n 1 with 36 fds: no worker ran short of fds"

# Twelve quick items (enough to split by their count) beside two small
# binaries, without the cache, in one process: the slot that finishes a small
# binary has timed its items and does not start the quick binary again,
# whichever slot listed it.
: >"$log"
t_run "$herd" -n 2 -q --no-cache --isolation none mix
t_status 0 "12 quick items beside 2 binaries on -n 2: exit 0"
t_has out "20 passed" "12 quick items beside 2 binaries on -n 2: every item ran once"
t_eq "$(count_of 77)" 1 "12 quick items beside 2 binaries on -n 2: the quick binary started once"

# Forty 20 ms items without durations: split across both workers; the second start
# is given the hash and sends no list, and every item still runs once.
: >"$log"
t_run "$herd" -n 2 -q --no-cache big
t_status 0 "40 items on -n 2: exit 0"
t_has out "40 passed" "40 items on -n 2: every item ran once"
t_count "$log" '^start 99 gw0 no$' 1 "40 items on -n 2: gw0 lists without a hash"
t_count "$log" '^start 99 gw1 yes$' 1 "40 items on -n 2: gw1 starts too, given the list's hash"

# Before this run has timed an item, a binary gets a second worker only once
# its first has been on an item for as long as the binary took to start:
# 200 quick items of a binary that takes 0.3 s to start all run in the one
# worker that listed them, while two items of a second each run in a worker
# of their own (the second started while the first item runs).
: >"$log"
t_run "$herd" -n 2 -q --no-cache --isolation none slow
t_status 0 "200 quick items, a slow start, -n 2: exit 0"
t_has out "200 passed" "200 quick items, a slow start, -n 2: every item ran"
t_eq "$(count_of 55)" 1 "200 quick items, a slow start, -n 2: started once, not again for gw1"
: >"$log"
t_run "$herd" -n 2 -v --no-cache --isolation none long
t_status 0 "2 items of 1 s, -n 2: exit 0"
t_eq "$(count_of 66)" 2 "2 items of 1 s, -n 2: a second worker starts before the first item ends"
t_match out '^\[gw0\] .*PASSED' "2 items of 1 s, -n 2: one ran on gw0"
t_match out '^\[gw1\] .*PASSED' "2 items of 1 s, -n 2: the other on gw1"

# A worker whose list differs still stops the run, with xdist's message.
: >"$log"
SPAWN_EXTRA=1
export SPAWN_EXTRA
t_run "$herd" -n 2 -q --no-cache big
t_status 3 "gw1 lists one test more: exit 3"
t_has err "Different tests were collected between gw0 and gw1" \
	"gw1 lists one test more: xdist's message"
t_has err "+tests/e2e/ctl_spawn.c::spawn::only_on_gw1" \
	"gw1 lists one test more: the difference names the extra test"
unset SPAWN_EXTRA

t_finish
