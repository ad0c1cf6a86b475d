#!/bin/sh
# cli.sh - the standalone binary's command line: --help, --version, and usage
# errors (unknown options, bad values, malformed -k/-m expressions): one line
# on stderr naming the problem, exit 4, no test run.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init cli

t_build cli tests/e2e/cli.c
bin=$T_WORK/cli
ran=$T_WORK/ran.log
version=$(sed -n 's/^#define HERD_VERSION "\(.*\)"$/\1/p' "$HERD_SRC/include/herd.h")

t_run "$bin" --help
t_status 0 "--help exits 0"
for opt in --list -k -m -x --maxfail -q -v -s --timeout --junit-xml --isolation --version; do
	t_match out "(^|[^a-z-])$(t_re "$opt")([^a-z-]|\$)" "--help mentions $opt"
done
t_eq "$(cat "$ran" 2>/dev/null)" "" "--help runs no test"

t_run "$bin" --version
t_status 0 "--version exits 0"
t_has out "$version" "--version prints $version"
t_eq "$(cat "$ran" 2>/dev/null)" "" "--version runs no test"

# usage DESC NAMES ARG...: exit 4, nothing on stdout but possibly blank, one
# line on stderr that matches the ERE NAMES, no test run.
usage() {
	use_desc=$1
	use_names=$2
	shift 2
	rm -f "$ran"
	t_run "$bin" "$@"
	t_status 4 "$use_desc: exit 4"
	t_count err '.' 1 "$use_desc: one line on stderr"
	t_match err "$use_names" "$use_desc: the line names the problem"
	t_eq "$(cat "$ran" 2>/dev/null)" "" "$use_desc: no test runs"
}

usage "unknown long option" '--bogus' --bogus
usage "unknown short option" '-Z' -Z
usage "unknown option after good ones" '--frobnicate' -v --frobnicate
usage "-k without its argument" '-k' -k
usage "--junit-xml without its argument" 'junit' --junit-xml
usage "--maxfail not a number" 'maxfail|abc' --maxfail abc
usage "--timeout not a number" 'timeout|soon' --timeout soon
usage "--isolation of an unknown kind" 'isolation|sideways' --isolation sideways
usage "-k ending in an operator" '-k|math and|expression' -k "math and"
usage "-k with an unclosed parenthesis" '-k|\(math|expression|paren' -k "(math or net"
usage "-k with a stray parenthesis" '-k|\)|expression|paren' -k "math)"
usage "-k with two words and no operator" '-k|math net|expression' -k "math net"
usage "-k that is only 'not'" '-k|not|expression' -k "not"
usage "-m ending in an operator" '-m|slow or|expression' -m "slow or"
usage "-m that is only 'and'" '-m|and|expression' -m "and"

# The same binary with good options runs.
rm -f "$ran"
t_run "$bin" -k math
t_status 0 "good options: exit 0"
t_eq "$(cat "$ran" 2>/dev/null)" "math" "good options: the selected test runs"

t_finish
