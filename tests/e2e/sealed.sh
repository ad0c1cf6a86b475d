#!/bin/sh
# sealed.sh - the collection is read-only once made, in shared mappings that
# fork() does not copy (lib/registry.c): a test that writes through
# herd_test_id() crashes, alone and under herd, in fork and none isolation,
# as its own item; the ids of the other items and of the reports stay whole;
# the ids are in a shared read-only mapping, the program's RELRO segment too
# when it is large (and not when it is small); 5,000 items across several
# mappings keep their ids.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init sealed

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"

src=tests/e2e/sealed.c
t_build sealed $src
t_build sealed_big -DSEALED_BIG $src
bin=$T_WORK/sealed
big=$T_WORK/sealed_big

if [ ! -r /proc/self/maps ]; then
	t_skip "the mappings' permissions" "no /proc/self/maps here"
else
	SEALED_RELRO=p t_run "$bin" -v -k maps
	t_status 0 "small: ids in a shared read-only mapping, the small RELRO left private"
	SEALED_RELRO=s t_run "$big" -v -k maps
	t_status 0 "large: ids and the large RELRO in shared read-only mappings"
fi

t_run "$big" -q --isolation none -k grid
t_status 0 "5,000 items over several mappings: every id names its element"
t_summary "5000 passed, 5 deselected" "large: closing line"

# herd -v: "[gw0] [ 40%] CRASHED id".
herd_outcome() {
	t_match out "^\[gw[0-9]+\] \[ *[0-9]+%\] $1 $(t_re "$2")\$" "$3"
}

pick='before or writes_id or after'
for iso in fork none; do
	t_run "$herd" -n 2 -v --isolation $iso -k "$pick" "$bin"
	t_status 1 "herd $iso: a write into the collection fails the run"
	herd_outcome CRASHED "$src::seal::writes_id" "herd $iso: the writing test crashed"
	herd_outcome PASSED "$src::seal::before" "herd $iso: the test before passed, its id whole"
	herd_outcome PASSED "$src::seal::after" "herd $iso: the test after passed, its id whole"
	t_summary "1 crashed, 2 passed, 2 deselected" "herd $iso: closing line"
	t_lacks all "Xests/" "herd $iso: no report shows the write"
done

t_run "$bin" -v -k "$pick"
t_status 1 "alone fork: the run fails"
t_outcome CRASHED "$src::seal::writes_id" "alone fork: the writing test crashed"
t_has out "crashed by SIGSEGV" "alone fork: of SIGSEGV"
t_outcome PASSED "$src::seal::after" "alone fork: the next test passed, its id whole"

t_run "$bin" --isolation none -k writes_id
t_status_failed "alone none: the crash ends the run"
t_has err "test $src::seal::writes_id crashed with SIGSEGV" \
	"alone none: the guard names the test by its whole id"

t_finish
