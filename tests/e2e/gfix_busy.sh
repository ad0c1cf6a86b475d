#!/bin/sh
# gfix_busy.sh - a global fixture's teardown asked for while the worker runs
# another item (docs/protocol.md, section 5, Global fixtures): the worker
# runs it once that item has ended, never inside it, with fork isolation and
# without. The item keeps its own outcome (a failure), not a crash.
# Deterministic: the item waits for a reply that the controller sends after
# the fixture-teardown (tests/e2e/gfix_busy.c).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init gfix_busy
# Only the options given here: none from the caller's environment.
unset HERD_ADDOPTS

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
t_build busy tests/e2e/gfix_busy.c
bin=$T_WORK/busy

for iso in fork none; do
	rm -f "$T_WORK/order"
	# One worker, given the whole file (a serial group) at once.
	t_run "$herd" --no-cache -n 1 --dist loadfile --isolation $iso --no-isolation-check "$bin"
	t_status 1 "$iso: the other item's failure fails the run"
	t_summary "1 failed, 1 passed" "$iso: the user passed, the other item failed"
	t_has out "a failure of its own, reported as such" "$iso: ... with its own failure"
	t_lacks out "exited with status" "$iso: ... and not as a crash"
	printf 'user\nother begins\nother ends\nteardown\n' >"$T_WORK/want"
	grep -v '^setup$' "$T_WORK/order" >"$T_WORK/got"
	t_same "$T_WORK/got" "$T_WORK/want" "$iso: the teardown ran after the other item ended"
	t_count "$T_WORK/order" '^setup$' 1 "$iso: the fixture was set up once"
done
t_finish
