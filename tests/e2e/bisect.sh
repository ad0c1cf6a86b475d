#!/bin/sh
# bisect.sh - herd --bisect when no one earlier test makes the item fail:
# two together (over the history a run stored, and over -k's candidates),
# all of them, one that a later test only seems to need, a failure that does
# not reproduce, and the bound on runs (--bisect-max-runs). order.sh has the
# single polluter.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init bisect

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
src=tests/e2e/bisect.c
t_build bisect $src
bin=$T_WORK/bisect
cache=$T_WORK/cache

# runs: the runs the last --bisect took, from its closing line.
runs() {
	sed -n 's/^found in [0-9]* steps\{0,1\} (\([0-9]*\) runs)$/\1/p' "$T_OUT"
}

# The run finds pair::victim order-dependent and stores its history.
t_run env HERD_ADDOPTS= "$herd" -n 1 --isolation none --cache-dir "$cache" -k pair "$bin"
t_status 1 "pair: the victim fails in the run"
t_match out "^FAILED $(t_re "$src::pair::victim") - order-dependent: passes alone\$" \
	"pair: and passes alone"

t_run env HERD_ADDOPTS= "$herd" --cache-dir "$cache" --bisect "$src::pair::victim" "$bin"
t_status 0 "pair: found, exit 0"
t_has out "over the 20 tests that ran before it" "pair: over the stored history"
t_has out "alone: passed; after all 20: failed" "pair: it reproduces"
t_match out "^polluters: $(t_re "$src::pair::set") and $(t_re "$src::pair::arm"), together \(without any one of them it passes\)\$" \
	"pair: names both, in the order they ran, as a set"
t_nomatch out "^polluter: " "pair: no single polluter is claimed"
t_eq "$(sed -n '/^step [0-9]*: /p' "$T_OUT" | wc -l)" $(($(runs) - 2)) \
	"pair: one line a step, and the two first runs"
# Each polluter costs a bisection over 20 prefixes (at most 5 runs) and one
# run of those found; the check that each is needed one more.
t_lt "$(runs)" 16 "pair: at most 2 + 2 * (5 + 1) + 1 runs, not one per subset"
t_lt 6 "$(runs)" "pair: ... and no fewer than two bisections need"

# The same with -k naming the candidates, and a bound on the runs.
t_run "$herd" --bisect "$src::pair::victim" -k pair "$bin"
t_status 0 "pair -k: found, exit 0"
t_has out "over the 20 other selected tests" "pair -k: over -k's candidates"
t_match out "^polluters: $(t_re "$src::pair::set") and $(t_re "$src::pair::arm"), together" \
	"pair -k: names both"
pair_runs=$(runs)
t_run "$herd" --bisect "$src::pair::victim" --bisect-max-runs 5 -k pair "$bin"
t_status 1 "--bisect-max-runs 5: gives up, exit 1"
t_match out "^gave up after 5 runs \(--bisect-max-runs 5\): it still fails after the first [0-9]+ tests\$" \
	"--bisect-max-runs 5: says so, and what it knows"
t_count out "^step [0-9]*: " 3 "--bisect-max-runs 5: three steps after the two first runs"
t_run "$herd" --bisect "$src::pair::victim" --bisect-max-runs $((${pair_runs:-3} - 1)) -k pair "$bin"
t_status 1 "--bisect-max-runs one short: gives up, exit 1"
t_match out "^gave up after [0-9]+ runs \(--bisect-max-runs [0-9]+\): it still fails after the 2 found so far: $(t_re "$src::pair::set") and $(t_re "$src::pair::arm")\$" \
	"--bisect-max-runs one short: the pair is known, not yet that each is needed"
t_run "$herd" --bisect "$src::pair::victim" --bisect-max-runs 1 "$bin"
t_status 4 "--bisect-max-runs 1: a usage error"
t_eq "$(cat "$T_ERR")" "herd: --bisect-max-runs must be at least 2 (see herd --help)" \
	"--bisect-max-runs 1: one line naming the problem"

# All of the candidates together, and only together.
t_run "$herd" --bisect "$src::count::victim" -k count "$bin"
t_status 0 "count: found, exit 0"
t_match out "^polluters: $(t_re "$src::count::one"), $(t_re "$src::count::two") and $(t_re "$src::count::three"), together" \
	"count: names the three"
t_has out "that is all 3 candidates: it fails only after every one of them" \
	"count: says it takes the whole history"

# undo::b tips the prefix search, but undo::a alone is enough: the check that
# each one found is needed drops b.
t_run "$herd" --bisect "$src::undo::victim" -k undo "$bin"
t_status 0 "undo: found, exit 0"
t_match out "^step [0-9]*: the found ones without $(t_re "$src::undo::b"), then it: failed\$" \
	"undo: the victim still fails without undo::b"
t_match out "^polluter: $(t_re "$src::undo::a")\$" "undo: the one polluter is undo::a"

# A failure that does not come back: once in the run, never in --bisect.
rm -rf "$cache"
: >"$T_WORK/flaky.once"
t_run env HERD_ADDOPTS= "$herd" -n 1 --isolation none --cache-dir "$cache" -k flaky "$bin"
t_status 1 "flaky: it fails in the run"
t_match out "^FAILED $(t_re "$src::flaky::victim") - order-dependent: passes alone\$" \
	"flaky: the check cannot tell it from an order-dependent failure"
t_run env HERD_ADDOPTS= "$herd" --cache-dir "$cache" --bisect "$src::flaky::victim" "$bin"
t_status 1 "flaky: exit 1"
t_has out "over the 1 test that ran before it" "flaky: over the stored history"
t_match out "^it passes after the 1 candidate, in their order: the failure does not reproduce\$" \
	"flaky: says the failure does not reproduce"
t_nomatch out "^polluters?: " "flaky: names no polluter"

t_finish
