#!/bin/sh
# github.sh - the built-in plugin "github" (src/plugin_github.c): with
# GITHUB_ACTIONS=true, each failed, errored, crashed or timed-out item is also
# printed at the end of stdout as "::error file=F,line=L,title=ID::message's
# first line", with GitHub's escaping (%, CR and LF everywhere, ',' and ':' in
# the properties); nothing without it or with another value; -p no:github
# turns it off.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init github

herd=$HERD_BUILD/herd
odd='tests/e2e/gh,odd:name%.c'
{ printf '#line 1 "%s"\n' "$odd"; cat "$HERD_SRC/tests/e2e/github.c"; } >"$T_WORK/gh.c"
t_build gh "$T_WORK/gh.c"
# The line of each test, as the #line directive numbers them.
line_of() {
	awk -v t="$1" 'NR > 1 && index($0, t) { print NR - 1; exit }' "$T_WORK/gh.c"
}
lf=$(line_of 'TEST(hostile, fail)')
lfail=$(line_of 'FAIL("first')
lc=$(line_of 'TEST(plain, crashes)')
lp=$(line_of 'TEST(plain, fails)')

t_run "$herd" --no-cache -q -n 1 "$T_WORK/gh"
t_status 1 "exit 1"
t_count out '^::' 0 "without GITHUB_ACTIONS: no annotation"
t_run env GITHUB_ACTIONS=false "$herd" --no-cache -q -n 1 "$T_WORK/gh"
t_count out '^::' 0 "GITHUB_ACTIONS=false: no annotation"

t_run env GITHUB_ACTIONS=true "$herd" --no-cache -q -n 1 "$T_WORK/gh"
t_status 1 "GITHUB_ACTIONS=true: still exit 1"
t_count out '^::error ' 3 "one annotation per failed, crashed item; none for passed, skipped, xfailed"
e='tests/e2e/gh%2Codd%3Aname%25.c'
t_has out "::error file=$e,line=$lf,title=$e%3A%3Ahostile%3A%3Afail::tests/e2e/gh,odd:name%25.c:$lfail: FAIL: first%0D%2525 line, with: specials" \
	"escaping: ',' ':' '%' in file and title; '%' and CR in the message, which keeps ',' ':'"
t_eq "$(grep '^::error ' "$T_OUT" | grep -c 'second line')" 0 "the message's first line only"
t_has out "::error file=$e,line=$lp,title=$e%3A%3Aplain%3A%3Afails::tests/e2e/gh,odd:name%25.c:" \
	"a failed CHECK: its file, line and id"
t_match out "^::error file=$e,line=$lc,title=$e%3A%3Aplain%3A%3Acrashes::crashed by SIGABRT" \
	"a crash: the message says how"
t_eq "$(grep -v '^::error ' "$T_OUT" | grep -v '^[[:space:]]*$' | tail -n 1 | grep -c ' failed, .* in ')" 1 \
	"the annotations come after the closing line, at the end of stdout"
t_eq "$(tail -n 1 "$T_OUT" | cut -c1-8)" "::error " "stdout ends with the annotations"

t_run env GITHUB_ACTIONS=true "$herd" --no-cache -q -n 1 -p no:github "$T_WORK/gh"
t_status 1 "-p no:github: exit 1"
t_count out '^::' 0 "-p no:github: no annotation"
t_finish
