#!/bin/sh
# inproc.sh - with --isolation none fds 1 and 2 stay on the capture file from
# one item to the next (lib/run.c): after an item that closed stdout or
# pointed stderr at /dev/null, the next item's output is still captured, and
# shown for it alone, whether the binary runs alone or under herd.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init inproc

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"

src=tests/e2e/inproc.c
t_build inproc $src
bin=$T_WORK/inproc

# check HOW: the sections of the two printing items, after a run.
check() {
	t_status 1 "$1: two items fail"
	t_summary "2 failed, 3 passed" "$1: closing line"
	t_section "$src::fd::b_prints_after"
	t_has "$T_SECTION" "OUT-AFTER-CLOSE" "$1: stdout after an item closed fd 1 is captured"
	t_has "$T_SECTION" "ERR-AFTER-CLOSE" "$1: and its stderr"
	t_section "$src::fd::d_prints_after"
	t_has "$T_SECTION" "OUT-AFTER-NULL" "$1: stdout after an item replaced fd 2 is captured"
	t_has "$T_SECTION" "ERR-AFTER-NULL" "$1: and its stderr"
	t_lacks "$T_SECTION" "OUT-AFTER-CLOSE" "$1: the earlier item's output is not shown again"
	t_lacks all "QUIET-PASS" "$1: a passing item's output is not shown"
	t_count all "OUT-AFTER-CLOSE" 1 "$1: the output is shown once, in its item's section"
}

t_run "$bin" --isolation none
check "alone"

t_run "$herd" -n 1 --isolation none --no-isolation-check "$bin"
check "herd -n 1"

t_finish
