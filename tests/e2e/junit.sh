#!/bin/sh
# junit.sh - --junit-xml: well-formed whatever the tests print, one testcase
# per selected item with its attributes, counts that agree with the terminal
# summary (crashed and timeout are failures, xfailed is skipped), the right
# child element per outcome, captured output in system-out.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init junit

src=tests/e2e/junit.c
t_build junit $src
bin=$T_WORK/junit
mkdir "$T_WORK/r"
xml=$T_WORK/r/report.xml
# tc NAME: the XPath of the testcase whose name contains NAME.
tc() {
	printf "//testcase[contains(@name,'%s')]" "$1"
}

t_run "$bin" --junit-xml "$xml"
t_status 1 "exit 1"
t_summary "2 failed, 1 crashed, 1 timeout, 1 error, 4 passed, 1 skipped, 1 xfailed, 1 xpassed" \
	"closing line names every outcome, in order"
t_xml_valid "$xml" "the report is well-formed XML"
t_eq "$(ls "$T_WORK/r")" "report.xml" "no temporary file is left beside the report"
t_xml_eq "$xml" 'count(/testsuites/testsuite)' 1 "<testsuites> holds a <testsuite>"
t_xml_eq "$xml" 'sum(//testsuite/@tests)' 12 "tests=12"
t_xml_eq "$xml" 'sum(//testsuite/@failures)' 4 "failures=4 (2 failed, 1 crashed, 1 timeout)"
t_xml_eq "$xml" 'sum(//testsuite/@errors)' 1 "errors=1"
t_xml_eq "$xml" 'sum(//testsuite/@skipped)' 2 "skipped=2 (1 skipped, 1 xfailed)"
t_xml_eq "$xml" 'count(//testcase)' 12 "12 testcases"
t_xml_eq "$xml" 'count(//testcase[@classname and @name and @time and @file and @line])' 12 \
	"every testcase has classname, name, time, file and line"
t_xml_eq "$xml" 'count(//testcase[number(@time) >= 0])' 12 "every time is a number"
t_xml_eq "$xml" "string($(tc passing_one)/@file)" "$src" "file= is the source path"
t_xml_eq "$xml" "string($(tc passing_one)/@line)" \
	"$(grep -n 'mark:passing_one' "$HERD_SRC/$src" | cut -d: -f1)" "line= is the line of the TEST"
t_xml_eq "$xml" "count($(tc passing_one)/*[self::failure or self::error or self::skipped])" 0 \
	"a passed testcase has no failure, error or skipped"
t_xml_eq "$xml" "count($(tc failing_one)/failure[@message])" 1 "failed: <failure message=...>"
t_xml_eq "$xml" "contains(concat($(tc failing_one)/failure/@message, $(tc failing_one)/failure), 'specials <&')" \
	true "failed: the failure holds the assertion's message, specials intact"
t_xml_eq "$xml" "contains($(tc failing_one)/system-out, 'FAIL-OUT <&> \"q\"')" true \
	"failed: <system-out> holds the captured output, specials intact"
t_xml_eq "$xml" "count($(tc skip_one)/skipped)" 1 "skipped: <skipped>"
t_xml_eq "$xml" "contains(concat($(tc skip_one)/skipped/@message, $(tc skip_one)/skipped), 'later, maybe')" \
	true "skipped: the reason is kept"
t_xml_eq "$xml" "count($(tc xfail_one)/skipped)" 1 "xfailed: <skipped>"
t_xml_eq "$xml" "count($(tc xpass_one)/*[self::failure or self::error or self::skipped])" 0 \
	"xpassed: counted as passed"
t_xml_eq "$xml" "count($(tc crash_one)/failure)" 1 "crashed: <failure>"
t_xml_eq "$xml" "contains(concat($(tc crash_one)/failure/@message, $(tc crash_one)/failure), 'SIGABRT')" \
	true "crashed: the failure names the signal"
t_xml_eq "$xml" "count($(tc timeout_one)/failure)" 1 "timeout: <failure>"
t_xml_eq "$xml" "count($(tc error_one)/error)" 1 "error: <error>"
t_xml_eq "$xml" "contains(concat($(tc error_one)/error/@message, $(tc error_one)/error), 'fixture refused')" \
	true "error: the set-up's message is kept"
t_xml_eq "$xml" "count($(tc junk_one)/failure)" 1 "junk output: <failure>"
t_xml_eq "$xml" "contains($(tc junk_one)/system-out, 'JUNK-END')" true \
	"junk output: the output after the junk is kept"
t_xml_eq "$xml" "count($(tc param_one))" 3 "TEST_P: one testcase per parameter"
t_eq "$(t_xpath "$xml" "$(tc param_one)/@name" | tr ' ' '\n' | grep . | sort -u | wc -l)" 3 \
	"TEST_P: the three testcases have distinct names"

# The terminal and the report agree.
t_eq "$(t_xpath "$xml" 'sum(//testsuite/@failures)')" \
	"$(($(t_summary_n failed) + $(t_summary_n crashed) + $(t_summary_n 'timeouts\{0,1\}')))" \
	"failures= is failed + crashed + timeout of the closing line"
t_eq "$(t_xpath "$xml" 'sum(//testsuite/@errors)')" "$(t_summary_n 'errors\{0,1\}')" \
	"errors= is the errors of the closing line"
t_eq "$(t_xpath "$xml" 'sum(//testsuite/@skipped)')" \
	"$(($(t_summary_n skipped) + $(t_summary_n xfailed)))" \
	"skipped= is skipped + xfailed of the closing line"

# Only selected items are in the report; an old report is replaced.
printf 'stale <unclosed' >"$xml"
t_run "$bin" -k "passing_one or param_one" --junit-xml "$xml"
t_status 0 "a passing subset: exit 0"
t_xml_valid "$xml" "subset: the stale file is replaced by a well-formed report"
t_xml_eq "$xml" 'sum(//testsuite/@tests)' 4 "subset: tests=4, deselected items left out"
t_xml_eq "$xml" 'count(//testcase)' 4 "subset: 4 testcases"
t_xml_eq "$xml" 'sum(//testsuite/@failures) + sum(//testsuite/@errors)' 0 \
	"subset: no failures, no errors"

# In-process, the same report.
rm -f "$xml"
t_run "$bin" --isolation none -k "not crash_one and not timeout_one" --junit-xml "$xml"
t_status 1 "--isolation none: exit 1"
t_xml_valid "$xml" "--isolation none: well-formed report"
t_xml_eq "$xml" 'sum(//testsuite/@tests)' 10 "--isolation none: tests=10"
t_xml_eq "$xml" 'sum(//testsuite/@failures)' 2 "--isolation none: failures=2"
t_xml_eq "$xml" 'sum(//testsuite/@errors)' 1 "--isolation none: errors=1"
t_xml_eq "$xml" 'sum(//testsuite/@skipped)' 2 "--isolation none: skipped=2"
t_xml_eq "$xml" "contains($(tc failing_one)/system-out, 'FAIL-OUT')" true \
	"--isolation none: output captured in-process too"

t_finish
