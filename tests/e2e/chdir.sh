#!/bin/sh
# chdir.sh - --chdir and herd.ini's chdir: a test that opens inputs/where.txt
# by a relative path finds the copy in the folder each mode names: where herd
# started (invocation, the default), the test binary's folder (binary) or
# the project root, herd.ini's folder (rootdir). The binary is named by a
# relative path, which must still work once the worker has moved. A bad value
# is a usage error of one line.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init chdir

herd=$HERD_BUILD/herd
P=$T_WORK/proj
mkdir -p "$P/bin/inputs" "$P/inputs" "$P/sub/inputs"
printf '[herd]\n' >"$P/herd.ini"
echo rootdir >"$P/inputs/where.txt"
echo binary >"$P/bin/inputs/where.txt"
echo invocation >"$P/sub/inputs/where.txt"
t_build chdir tests/e2e/chdir.c
mv "$T_WORK/chdir" "$P/bin/chdir"

# in_sub WANT ARG...: herd run from $P/sub, the binary named ../bin/chdir.
in_sub() {
	t_in_sub_want=$1
	shift
	t_run env -C "$P/sub" CHDIR_WANT="$t_in_sub_want" "$herd" -n 1 "$@" ../bin/chdir
}

in_sub invocation
t_status 0 "no --chdir: the test runs where herd started"
in_sub invocation --chdir invocation
t_status 0 "--chdir invocation: the same"
in_sub binary --chdir binary
t_status 0 "--chdir binary: the test runs in the binary's folder"
in_sub rootdir --chdir rootdir
t_status 0 "--chdir rootdir: the test runs in herd.ini's folder"
in_sub rootdir --chdir=rootdir --isolation none
t_status 0 "--chdir rootdir --isolation none: the same in the worker itself"
in_sub binary --chdir=binary -n 2 --dist each
t_status 0 "--chdir binary, two workers: both start in the binary's folder"
# The check can fail: a mode that puts the test elsewhere than it expects.
in_sub invocation --chdir binary
t_status 1 "--chdir binary, test expecting the invocation folder: exit 1"
t_has out "found inputs/where.txt in binary" "the failure shows where the test ran"

# herd.ini's chdir, which the command line overrides.
printf '[herd]\nchdir = binary\n' >"$P/herd.ini"
in_sub binary
t_status 0 "herd.ini chdir = binary: the test runs in the binary's folder"
in_sub invocation --chdir invocation
t_status 0 "--chdir invocation over herd.ini's chdir = binary"
printf '[herd]\nchdir = rootdir\ntestpaths = bin\n' >"$P/herd.ini"
t_run env -C "$P/sub" CHDIR_WANT=rootdir "$herd" -n 1
t_status 0 "herd.ini chdir = rootdir with testpaths: herd.ini's folder"

# Bad values: one line, exit 4, nothing run.
in_sub invocation --chdir nowhere
t_status 4 "--chdir nowhere: exit 4"
t_count err . 1 "--chdir nowhere: one line on stderr"
t_has err "--chdir takes invocation, binary or rootdir, not 'nowhere'" \
	"--chdir nowhere: the line names the value and the choices"
t_lacks out "found inputs" "--chdir nowhere: no test ran"
printf '[herd]\nchdir = up\n' >"$P/herd.ini"
in_sub invocation
t_status 4 "herd.ini chdir = up: exit 4"
t_count err . 1 "herd.ini chdir = up: one line on stderr"
t_has err "chdir takes invocation, binary or rootdir, not 'up'" \
	"herd.ini chdir = up: the line names the key and the value"

t_finish
