#!/bin/sh
# held.sh - a worker with --isolation none holds its results back and sends
# them in batches (docs/protocol.md, Batched results), and sends them before
# its queue runs dry: when a quarter of what it was last sent is left to
# run, so that the controller tops the queue up meanwhile, and again before
# the last item. Eight items dealt at once to one worker (worksteal's first
# batch is everything on -n 1): each logs how many bytes of results its
# worker holds back as it starts.
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

# With fork isolation each result goes at once: nothing is held back, and
# no results file is made.
: >"$log"
t_run "$herd" -n 1 --dist worksteal --no-cache held
t_status 0 "fork: exit 0"
t_eq "$(sort -u "$log" | tr '\n' ' ')" "none " "fork: no results file"

t_finish
