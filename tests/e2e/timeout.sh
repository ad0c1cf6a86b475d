#!/bin/sh
# timeout.sh - --timeout S is the default limit of every test, a test's own
# .timeout overrides it both ways, and a timed-out test is reported TIMEOUT.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init timeout

src=tests/e2e/timeout.c
t_build timeout $src
bin=$T_WORK/timeout

t_run "$bin" --timeout 1 -k spin_default
t_status 1 "--timeout 1 and an endless loop: exit 1"
t_lt "$T_ELAPSED" 60 "--timeout 1: the run ends long before the guard"
t_match out "^$(t_re $src) +T *\[100%\]\$" "--timeout 1: progress T"
t_match out "^TIMEOUT $(t_re "$src::to::spin_default") - .+" "--timeout 1: TIMEOUT line"
t_summary "1 timeouts?, 2 deselected" "--timeout 1: closing line"

t_run "$bin" --timeout 0.5 -k spin_default
t_status 1 "--timeout 0.5: exit 1"
t_lt "$T_ELAPSED" 60 "--timeout 0.5: the run ends long before the guard"
t_summary "1 timeouts?, 2 deselected" "--timeout 0.5 (a fraction): closing line"

t_run "$bin" -k own_short
t_status 1 ".timeout = 1 without --timeout: exit 1"
t_lt "$T_ELAPSED" 60 ".timeout = 1: the run ends long before the guard"
t_summary "1 timeouts?, 2 deselected" ".timeout = 1 applies without --timeout"

t_run "$bin" --timeout 600 -k own_short
t_status 1 ".timeout = 1 with --timeout 600: exit 1"
t_lt "$T_ELAPSED" 60 ".timeout = 1 beats a longer --timeout"
t_summary "1 timeouts?, 2 deselected" ".timeout = 1 with --timeout 600: closing line"

t_run "$bin" --timeout 1 -k own_long -v
t_status 0 ".timeout = 120 beats --timeout 1: a 3 s test passes"
t_outcome PASSED "$src::to::own_long" ".timeout = 120 with --timeout 1: PASSED"

t_finish
