#!/bin/sh
# limits.sh - every input a user gives has a limit (issue 8, bugs 9 and 10):
# -k/-m nested past 256 levels or longer than 64 KiB, from the command line,
# HERD_ADDOPTS or herd.ini's addopts, is one short line and exit 4 in the
# controller and in the test binary alone, never a crash; a 5 MB value in
# herd.ini is named in one short line; herd.ini with a million continuation
# lines is read at once; herd merge refuses JUnit or JSON that is not
# well-formed with exit 4 naming file and line, and what it writes is
# well-formed XML (xmllint).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init limits

herd=$HERD_BUILD/herd
t_build lim tests/e2e/limits.c
bin=$T_WORK/lim
ran=$T_WORK/ran.log

# rep N STR: STR N times, on one line.
rep() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

# rejected DESC PATTERN CMD...: exit 4, one line on stderr matching PATTERN,
# shorter than 300 bytes, and no test ran. A crash (exit 139) fails here.
rejected() {
	rj_desc=$1
	rj_pat=$2
	shift 2
	rm -f "$ran"
	t_run "$@"
	t_status 4 "$rj_desc: exit 4"
	t_count err '.' 1 "$rj_desc: one line on stderr"
	t_match err "$rj_pat" "$rj_desc: the line names the problem"
	t_lt "$(wc -c <"$T_ERR")" 300 "$rj_desc: the line is short"
	t_eq "$(cat "$ran" 2>/dev/null)" "" "$rj_desc: no test runs"
}

deep=$(rep 300 '(')a$(rep 300 ')')
huge=$(rep 100000 '(')
nots="$(rep 300 'not ')a"

# ---- -k and -m on the command line ----
rejected "herd -k nested 300 deep" "invalid -k expression.*nested deeper than 256 levels" \
	"$herd" -k "$deep" "$bin"
rejected "herd -m with 300 nots" "invalid -m expression.*nested deeper than 256 levels" \
	"$herd" -m "$nots" "$bin"
rejected "herd -k of 100000 '('" "invalid -k expression '\(\(\(.*\.\.\.': too long: 100000 bytes" \
	"$herd" -k "$huge" "$bin"
rejected "the test binary, -k nested 300 deep" "invalid -k expression.*nested deeper than 256" \
	"$bin" -k "$deep"
rejected "the test binary, -k of 100000 '('" "invalid -k expression.*too long: 100000 bytes" \
	"$bin" -k "$huge"
rejected "the test binary, -m with 300 nots" "invalid -m expression.*nested deeper than 256" \
	"$bin" -m "$nots"

# At the limit, the expression works.
ok_expr="$(rep 256 '(')one$(rep 256 ')')"
rm -f "$ran"
t_run "$herd" -n 1 -k "$ok_expr" "$bin"
t_status 0 "herd -k nested 256 deep: runs"
t_eq "$(cat "$ran" 2>/dev/null)" "one" "herd -k nested 256 deep: selects lim::one"

# ---- HERD_ADDOPTS and addopts ----
rejected "HERD_ADDOPTS with -k nested 300 deep" "invalid -k expression.*nested deeper" \
	env HERD_ADDOPTS="-k $deep" "$herd" "$bin"
rejected "HERD_ADDOPTS with -k of 100000 '('" "invalid -k expression.*too long" \
	env HERD_ADDOPTS="-k $huge" "$herd" "$bin"

mkdir "$T_WORK/proj"
# Two million '(' once crashed the controller (exit 139).
{
	printf '[herd]\naddopts = -k '
	rep 2000000 '('
	printf '\n'
} >"$T_WORK/proj/herd.ini"
rejected "addopts with -k of 2000000 '('" "invalid -k expression.*too long: 2000000 bytes" \
	env -C "$T_WORK/proj" HERD_ADDOPTS= "$herd" "$bin"
printf '[herd]\naddopts = -m "%s"\n' "$deep" >"$T_WORK/proj/herd.ini"
rejected "addopts with -m nested 300 deep" "invalid -m expression.*nested deeper" \
	env -C "$T_WORK/proj" HERD_ADDOPTS= "$herd" "$bin"

# ---- herd.ini values ----
# A 5 MB testpaths value was printed whole.
{
	printf '[herd]\ntestpaths = '
	rep 5000000 a
	printf '\n'
} >"$T_WORK/proj/herd.ini"
rejected "a 5 MB testpaths value" "^herd: a{80}\.\.\.: File name too long$" \
	env -C "$T_WORK/proj" HERD_ADDOPTS= "$herd"
t_lt "$(wc -c <"$T_ERR")" 200 "a 5 MB testpaths value: the message is under 200 bytes"
{
	printf '[herd]\n'
	rep 5000000 k
	printf ' = 1\n'
} >"$T_WORK/proj/herd.ini"
rejected "a 5 MB key" "herd.ini:2: key longer than 256 bytes: 'k{80}\.\.\.'" \
	env -C "$T_WORK/proj" HERD_ADDOPTS= "$herd" "$bin"
{
	printf '[herd]\n\033[2J'
	rep 5000000 x
	printf '\n'
} >"$T_WORK/proj/herd.ini"
rejected "a 5 MB line that is no entry" \
	"herd.ini:2: expected 'key = value'.*got '\\\\x1b\\[2Jx{73}\\.\\.\\.'\$" \
	env -C "$T_WORK/proj" HERD_ADDOPTS= "$herd" "$bin"
# A million continuation lines: joined in linear time (the old reader copied
# the whole value for each line: hours).
{
	printf '[herd]\ntestpaths = %s\n' "$bin"
	awk 'BEGIN { for (i = 0; i < 1000000; i++) print "  -" }'
} >"$T_WORK/proj/herd.ini"
rm -f "$ran"
t_run env -C "$T_WORK/proj" HERD_ADDOPTS= "$herd" -n 1
t_status 4 "a million continuation lines: exit 4 (the path '-' does not exist)"
t_match err "^herd: -: No such file or directory$" "a million continuation lines: read to the end"
t_lt "$T_ELAPSED" 60 "a million continuation lines: read in well under the guard time"

# ---- herd merge ----
t_run "$bin" --junit-xml "$T_WORK/a.xml" -k "one or markup"
t_status 1 "the reports to merge: written (one failure)"
t_run "$bin" --junit-xml "$T_WORK/b.xml" -k two
t_status 0 "the second report: written"
have_xmllint=0
command -v xmllint >/dev/null 2>&1 && have_xmllint=1
xml_valid() {
	if [ "$have_xmllint" = 1 ]; then
		t_xml_valid "$@"
	else
		printf 'skip - %s: xmllint is not installed\n' "$2"
	fi
}
t_run "$herd" merge all.xml a.xml b.xml
t_status 0 "merge of two good reports: exit 0"
xml_valid "$T_WORK/all.xml" "merge of two good reports: well-formed"
if [ "$have_xmllint" = 1 ]; then
	t_xml_eq "$T_WORK/all.xml" "count(//testcase)" 3 "merge of two good reports: 3 testcases"
	t_xml_eq "$T_WORK/all.xml" "count(//testcase/failure)" 1 "merge of two good reports: 1 failure"
fi

# merge_malformed DESC FILE PATTERN: merge exits 4 with one line naming
# FILE:LINE:COLUMN, writes nothing.
merge_malformed() {
	mm_out=bad.${2##*.}
	rm -f "$T_WORK/$mm_out"
	t_run "$herd" merge "$mm_out" "$2"
	t_status 4 "$1: exit 4"
	t_count err '.' 1 "$1: one line on stderr"
	t_match err "^herd: merge: $(t_re "$2"):$3" "$1: the line names file, line and column"
	t_lt "$(wc -c <"$T_ERR")" 300 "$1: the line is short"
	if [ -e "$T_WORK/$mm_out" ]; then
		t_fail "$1: no output" "no $mm_out" "one"
	else
		t_pass "$1: no output"
	fi
}
# The report of bug 10: a '<' in an attribute value passed through.
awk '!done && sub(/<testcase /, "<testcase foo=\"<testcaseamp; ") { done = 1 } { print }' \
	"$T_WORK/a.xml" >"$T_WORK/m1.xml"
t_run grep -c 'testcaseamp' "$T_WORK/m1.xml"
t_eq "$(cat "$T_OUT")" 1 "the broken report has the broken attribute"
merge_malformed "a '<' in an attribute" m1.xml "[0-9]+:[0-9]+: invalid XML: not well-formed"
head -c 300 "$T_WORK/a.xml" >"$T_WORK/m2.xml"
merge_malformed "a report cut short" m2.xml "[0-9]+:[0-9]+: invalid XML"
printf '<testsuite>\n  <testcase name="x">\n</testsuite>\n' >"$T_WORK/m3.xml"
merge_malformed "a testcase never closed" m3.xml "3:3: invalid XML: mismatched tag"
printf '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<testsuite><testcase name="&b;"/></testsuite>\n' \
	>"$T_WORK/m4.xml"
merge_malformed "a DOCTYPE with entities" m4.xml "1:[0-9]+: a DOCTYPE"
printf '{"tests": [\n  {"id": "a", "outcome": "passed"},\n]}\n' >"$T_WORK/m5.json"
merge_malformed "JSON with a trailing comma" m5.json "3:1: invalid JSON"

# Well-formed XML a textual reader got wrong: '>' in attribute values and
# markup-like text in CDATA. The output must still be well-formed.
cat >"$T_WORK/odd.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<!-- <testsuite name="decoy"> -->
<testsuites>
  <testsuite name="odd" tests="2">
    <testcase classname="t.s" file="t.c" name="a>b"><failure message="x > y"><![CDATA[</testcase> <testcase name="fake">]]></failure></testcase>
    <testcase classname="t.s" file="t.c" name="c"/><testcase classname="t.s" file="t.c" name="d"/>
  </testsuite>
</testsuites>
XML
t_run "$herd" merge odd-all.xml odd.xml b.xml
t_status 0 "merge of odd but well-formed JUnit: exit 0"
xml_valid "$T_WORK/odd-all.xml" "merge of odd but well-formed JUnit: well-formed"
if [ "$have_xmllint" = 1 ]; then
	t_xml_eq "$T_WORK/odd-all.xml" "count(//testcase)" 4 "merge of odd JUnit: 4 testcases"
	t_xml_eq "$T_WORK/odd-all.xml" "string(//testsuite/@failures)" 1 "merge of odd JUnit: 1 failure"
fi

t_finish
