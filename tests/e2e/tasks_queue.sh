#!/bin/sh
# tasks_queue.sh - herd build hands a busy worker a second task while more
# are ready than workers, and a worker that runs out steals back a task
# waiting on another: on two workers, a long task that finishes only once
# the four short ones have (tasks_queue.c) is never stuck with one of them
# queued behind it.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init tasks_queue

t_build t tests/e2e/tasks_queue.c
: >"$T_WORK/herd.ini"
ran=$T_WORK/ran

: >"$ran"
t_run "$HERD_BUILD/herd" build -n 2 ./t
t_status 0 "-n 2: exit 0"
t_summary "5 succeeded" "-n 2: the long task saw the four short ones finish while it ran"
t_eq "$(tail -n 1 "$ran")" "long" "-n 2: the long task ends last"
t_eq "$(sort "$ran" | tr '\n' ' ')" "long s1 s2 s3 s4 " "-n 2: each task ran once"

: >"$ran"
t_run "$HERD_BUILD/herd" build -n 2 ./t
t_summary "5 skipped unchanged" "rebuild: nothing to do"

t_finish
