#!/bin/sh
# held.sh - a worker with --isolation none holds its results back and sends
# them in batches (docs/protocol.md, Batched results), and sends them before
# its queue runs dry: when a quarter of what it was last sent is left to
# run, so that the controller tops the queue up meanwhile, and again before
# the last item. Eight items dealt at once to one worker (worksteal's first
# batch is everything on -n 1): each logs how many bytes of results its
# worker holds back as it starts. Under fork isolation, a forked item's child
# keeps its result in the file before the next item may start: kept.c's
# second item kills its worker before the first one's result was sent.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init held

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"

t_build held tests/e2e/held.c
log=$T_WORK/held.log

t_run "$herd" -n 1 --isolation none --dist worksteal --no-cache held
t_status 0 "8 items, one batch: exit 0"
t_summary "8 passed" "8 items, one batch: 8 passed"
t_count "$log" . 8 "8 items, one batch: each logged once"
t_eq "$(sed -n 1p "$log")" 0 "the first item: nothing held yet"
t_eq "$(sed -n 6p "$log" | awk '$1 > 0 { print "some" }')" some \
	"the sixth item: its worker holds the five results before it"
t_eq "$(sed -n 7p "$log")" 0 \
	"the seventh item (the queue down to a quarter): the six results before it were sent"
t_eq "$(sed -n 8p "$log")" 0 "the last item: the seventh's result was sent before it"

# With fork isolation each result goes at once, but the worker has the
# file: a forked item's child keeps its result there before the next starts.
: >"$log"
t_run "$herd" -n 1 --dist worksteal --no-cache held
t_status 0 "fork: exit 0"
t_summary "8 passed" "fork: 8 passed"
t_count "$log" . 8 "fork: each item logged once"
t_eq "$(grep -c none "$log")" 0 "fork: the worker has a results file"

# A forked item's result outlives its worker when the item handed ahead
# kills the worker before the result was sent (kept.c says how).
t_build kept tests/e2e/kept.c
kjson=$T_WORK/kept.json
t_run "$herd" -n 1 --dist worksteal --no-cache --json "$kjson" kept
if [ "$(cat "$T_WORK/kept.log" 2>/dev/null)" = "no spare" ]; then
	t_skip "kept: the result of an item done before its worker died" \
		"no item handed ahead to watch here (/proc/PID/task/PID/children or futexes missing)"
else
	t_eq "$(cat "$T_WORK/kept.log" 2>/dev/null)" armed \
		"kept: the worker was stopped with the second item handed ahead"
	t_status 1 "kept: exit 1"
	t_summary "1 crashed, 1 passed" "kept: 1 crashed, 1 passed"
	t_eq "$(t_jx "$kjson" "[(t['name'], t['outcome']) for t in T]")" \
		"[('first', 'passed'), ('second', 'crashed')]" \
		"kept: the first passed, the one that killed its worker crashed"
	t_eq "$(t_jx "$kjson" "T[0].get('output', '')")" "first's output" \
		"kept: the first keeps its output"
	t_eq "$(t_jx "$kjson" "T[1].get('output', '')")" "" \
		"kept: the second is not given the first's output"
	t_has all "crashed while running 'tests/e2e/kept.c::kept::second'" \
		"kept: the crash names the second"
fi

t_finish
