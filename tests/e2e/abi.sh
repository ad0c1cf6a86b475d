#!/bin/sh
# abi.sh - an object compiled against another herd.h than libherd's is never
# read (HERD_ABI in include/herd.h): one of an older header links, and the
# binary stops at start-up with one line, exit 4, alone, as herd's worker and
# against libherd.so; one of a newer header does not link, naming the symbol.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init abi

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"

line="1 test, task or fixture compiled against an older herd.h than this libherd's (HERD_ABI 1): recompile every object of the binary"

t_build current tests/e2e/abi.c
t_build stale tests/e2e/abi.c tests/e2e/abi_old.c

t_run "$T_WORK/current" -q
t_status 0 "without the old object the binary runs"

t_run "$T_WORK/stale" -q
t_status 4 "alone: the old object stops the binary, exit 4"
t_has err "stale: $line" "alone: one line says what to rebuild"
t_count err . 1 "alone: that line alone"
t_count out . 0 "alone: no test ran"

t_run "$herd" -n 2 "$T_WORK/stale"
t_status 4 "herd: exit 4"
t_has all "$line" "herd: the worker's line is shown"
t_lacks out "passed" "herd: no test ran"

# libherd.so keeps the old names too, so the binary loads and says the same.
# shellcheck disable=SC2086 # CFLAGS is a list of words
if (cd "$HERD_SRC" && $CC $CFLAGS -I include tests/e2e/abi.c tests/e2e/abi_old.c \
	-L"$HERD_BUILD" -lherd -lm -o "$T_WORK/stale_so") >"$T_WORK/so.log" 2>&1; then
	LD_LIBRARY_PATH=$HERD_BUILD t_run "$T_WORK/stale_so" -q
	t_status 4 "libherd.so: exit 4"
	t_has err "stale_so: $line" "libherd.so: the same line"
else
	t_fail "link against libherd.so" "it links" "it does not" "$T_WORK/so.log"
fi

# shellcheck disable=SC2086
(cd "$HERD_SRC" && $CC $CFLAGS -I include -DABI_NEWER tests/e2e/abi.c tests/e2e/abi_old.c \
	"$HERD_BUILD/libherd.a" -lm -o "$T_WORK/newer") >"$T_WORK/newer.log" 2>&1
t_eq "$?" 1 "a newer header's object does not link"
t_has "$T_WORK/newer.log" herd_register_abi999 "the linker names the symbol"

t_finish
