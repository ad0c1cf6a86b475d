#!/bin/sh
# tests/e2e/ctl_sched.sh - how herd deals items out: two items on two workers
# run at once (one at a time while fewer than two per worker wait); with known
# durations two long items go to two workers, not both into the first batch;
# with -s a worker's output line starts a line of its own.
. "$(dirname "$0")/../lib.sh"
t_init ctl_sched
unset HERD_ADDOPTS

t_build sched tests/e2e/ctl_sched.c
bin=$T_WORK/sched
json=$T_WORK/report.json

# workers ID...: the worker that ran each id, from the JSON report.
workers() {
	python3 - "$json" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = {t["id"]: t["worker"] for t in d["tests"]}
print(" ".join(str(w.get(i)) for i in sys.argv[2:]))
PY
}

a=tests/e2e/ctl_sched.c::pair::a
b=tests/e2e/ctl_sched.c::pair::b

# 1. Two items, two workers: one each, at the same time. With no isolation a
#    worker cannot give back a queued item while its test runs, so only the
#    dealing itself can get this right; with fork a steal could also.
for iso in none fork; do
	rm -f "$T_WORK"/started-*
	t_run "$HERD_BUILD/herd" -n 2 --isolation "$iso" --no-cache -q -k pair \
		--json "$json" "$bin"
	t_status 0 "$iso: two items on -n 2 run side by side (each waits for the other)"
	# shellcheck disable=SC2046 # two words, split on purpose
	set -- $(workers "$a" "$b")
	if [ "$#" -eq 2 ] && [ "$1" != "$2" ]; then
		t_pass "$iso: two items on -n 2 go to two workers"
	else
		t_fail "$iso: two items on -n 2 go to two workers" "two workers" "$*"
	fi
done

# 2. Known durations: the two long items go to two workers, though six items
#    would otherwise make a first batch of two. Long enough that each
#    worker's share repays a worker's start however slow the machine: below
#    the start's cost, the whole binary would go to one worker (sched.c,
#    worth_a_worker), and a would wait in vain for b queued behind it.
rm -f "$T_WORK"/started-*
mkdir -p "$T_WORK/cache/v1"
printf '30.000000\t%s\n30.000000\t%s\n' "$a" "$b" >"$T_WORK/cache/v1/durations"
for q in q1 q2 q3 q4; do
	printf '0.000010\ttests/e2e/ctl_sched.c::quick::%s\n' "$q" >>"$T_WORK/cache/v1/durations"
done
t_run "$HERD_BUILD/herd" -n 2 --isolation none --cache-dir "$T_WORK/cache" -q \
	-k "pair or quick" --json "$json" "$bin"
t_status 0 "with durations, the two long items run side by side"
# shellcheck disable=SC2046 # two words, split on purpose
set -- $(workers "$a" "$b")
if [ "$#" -eq 2 ] && [ "$1" != "$2" ]; then
	t_pass "with durations, the two long items go to two workers"
else
	t_fail "with durations, the two long items go to two workers" "two workers" "$*"
fi

# 3. -s: the test's line is a line of its own, prefixed by its worker.
t_run "$HERD_BUILD/herd" -n 1 --no-cache -s -k "quick or talk" "$bin"
t_status 0 "-s run passes"
t_match out '^\[gw0\] hello-from-a-test$' "-s: the output line starts a line of its own"

t_finish
