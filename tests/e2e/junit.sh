#!/bin/sh
# junit.sh - --junit-xml: well-formed whatever the tests print, one testcase
# per selected item with its attributes, counts that agree with the terminal
# summary (crashed and timeout are failures, xfailed is skipped), the right
# child element per outcome, captured output in system-out. The two families:
# xunit2 (the default) is valid against tests/junit-10.xsd, Jenkins' schema;
# xunit1 adds file and line and is valid but for them. The controller writes
# the same dialects, with the run's settings in <properties>, and takes
# junit_family and junit_suite_name from herd.ini.
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
t_junit_valid "$xml" "xunit2 (the default): valid against Jenkins' junit-10.xsd"
t_eq "$(ls "$T_WORK/r")" "report.xml" "no temporary file is left beside the report"
t_xml_eq "$xml" 'count(/testsuites/testsuite)' 1 "<testsuites> holds a <testsuite>"
t_xml_eq "$xml" 'sum(//testsuite/@tests)' 12 "tests=12"
t_xml_eq "$xml" 'sum(//testsuite/@failures)' 4 "failures=4 (2 failed, 1 crashed, 1 timeout)"
t_xml_eq "$xml" 'sum(//testsuite/@errors)' 1 "errors=1"
t_xml_eq "$xml" 'sum(//testsuite/@skipped)' 2 "skipped=2 (1 skipped, 1 xfailed)"
t_xml_eq "$xml" 'count(//testcase)' 12 "12 testcases"
t_xml_eq "$xml" 'count(//testcase[@classname and @name and @time])' 12 \
	"every testcase has classname, name and time"
t_xml_eq "$xml" 'count(//testcase[@file or @line])' 0 "xunit2: no testcase has file or line"
t_xml_eq "$xml" 'count(//testcase[number(@time) >= 0])' 12 "every time is a number"
t_xml_eq "$xml" 'count(/testsuites/@skipped)' 0 "<testsuites> has no skipped=, which the schema rejects"
t_xml_eq "$xml" 'string(//testsuite/@name)' junit "the suite is named after the binary"
t_xml_eq "$xml" 'count(//testsuite[string-length(@timestamp) = 19 and string-length(@hostname) > 0])' 1 \
	"<testsuite> has a timestamp and a hostname"
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

# xunit1: file and line on every testcase, GitLab's dialect; the schema
# refuses it for them alone.
xml1=$T_WORK/r/report1.xml
t_run "$bin" --junit-family xunit1 --junit-xml "$xml1"
t_status 1 "--junit-family xunit1: exit 1"
t_xml_valid "$xml1" "xunit1: well-formed"
t_xml_eq "$xml1" 'count(//testcase[@file and @line])' 12 "xunit1: every testcase has file and line"
t_xml_eq "$xml1" "string($(tc passing_one)/@file)" "$src" "xunit1: file= is the source path"
t_xml_eq "$xml1" "string($(tc passing_one)/@line)" \
	"$(grep -n 'mark:passing_one' "$HERD_SRC/$src" | cut -d: -f1)" "xunit1: line= is the line of the TEST"
if command -v xmllint >/dev/null 2>&1; then
	if xmllint --noout --schema "$HERD_SRC/tests/junit-10.xsd" "$xml1" >"$T_WORK/x1.log" 2>&1; then
		t_fail "xunit1: junit-10.xsd rejects it" "invalid" "valid" "$xml1"
	elif grep -q "attribute 'file'" "$T_WORK/x1.log"; then
		t_pass "xunit1: junit-10.xsd rejects it, for the file attribute"
	else
		t_fail "xunit1: junit-10.xsd rejects it, for the file attribute" "file named" \
			"another reason" "$T_WORK/x1.log"
	fi
else
	t_skip "xunit1: junit-10.xsd rejects it, for the file attribute" "xmllint is not installed"
fi
sed 's/ file="[^"]*" line="[0-9]*"//' "$xml1" >"$T_WORK/r/stripped1.xml"
t_junit_valid "$T_WORK/r/stripped1.xml" "xunit1 without file and line: valid, nothing else differs"
t_run "$bin" --junit-family=xunit1 --junit-family xunit2 --junit-xml "$xml1"
t_xml_eq "$xml1" 'count(//testcase[@file or @line])' 0 "--junit-family: the last one given wins"
rm -f "$xml1"
t_run "$bin" --junit-family xunit3 --junit-xml "$xml1"
t_status 4 "--junit-family xunit3: exit 4 (usage)"
t_count err . 1 "--junit-family xunit3: one line on stderr"
t_has err "xunit2 or xunit1, not 'xunit3'" "--junit-family xunit3: the line names the value and the choices"
t_eq "$([ -e "$xml1" ] && echo there || echo absent)" absent "--junit-family xunit3: no report written"

# Only selected items are in the report; an old report is replaced.
printf 'stale <unclosed' >"$xml"
t_run "$bin" -k "passing_one or param_one" --junit-xml "$xml"
t_status 0 "a passing subset: exit 0"
t_xml_valid "$xml" "subset: the stale file is replaced by a well-formed report"
t_junit_valid "$xml" "subset: valid against junit-10.xsd"
t_xml_eq "$xml" 'sum(//testsuite/@tests)' 4 "subset: tests=4, deselected items left out"
t_xml_eq "$xml" 'count(//testcase)' 4 "subset: 4 testcases"
t_xml_eq "$xml" 'sum(//testsuite/@failures) + sum(//testsuite/@errors)' 0 \
	"subset: no failures, no errors"

# In-process, the same report.
rm -f "$xml"
t_run "$bin" --isolation none -k "not crash_one and not timeout_one" --junit-xml "$xml"
t_status 1 "--isolation none: exit 1"
t_xml_valid "$xml" "--isolation none: well-formed report"
t_junit_valid "$xml" "--isolation none: valid against junit-10.xsd"
t_xml_eq "$xml" 'sum(//testsuite/@tests)' 10 "--isolation none: tests=10"
t_xml_eq "$xml" 'sum(//testsuite/@failures)' 2 "--isolation none: failures=2"
t_xml_eq "$xml" 'sum(//testsuite/@errors)' 1 "--isolation none: errors=1"
t_xml_eq "$xml" 'sum(//testsuite/@skipped)' 2 "--isolation none: skipped=2"
t_xml_eq "$xml" "contains($(tc failing_one)/system-out, 'FAIL-OUT')" true \
	"--isolation none: output captured in-process too"

# --- the controller: the same dialects, the run's settings as properties ---
herd=$HERD_BUILD/herd
sel="passing_one or failing_one or param_one"
cx=$T_WORK/r/ctl.xml
t_run "$herd" -n 2 -k "$sel" --junit-xml "$cx" "$bin"
t_status 1 "herd --junit-xml: exit 1"
t_junit_valid "$cx" "herd: xunit2 by default, valid against junit-10.xsd"
t_xml_eq "$cx" 'count(//testcase)' 5 "herd: 5 testcases"
t_xml_eq "$cx" 'count(//testcase[@file or @line])' 0 "herd, xunit2: no file or line"
t_xml_eq "$cx" 'string(//testsuite/@name)' herd "herd: the suite is named herd"
t_xml_eq "$cx" 'count(//testsuite[string-length(@timestamp) = 19 and string-length(@hostname) > 0])' 1 \
	"herd: <testsuite> has a timestamp and a hostname"
t_xml_eq "$cx" "concat(//property[@name='herd.workers']/@value, ' ', //property[@name='herd.dist']/@value, ' ', //property[@name='herd.isolation']/@value)" \
	"2 load fork" "herd: properties herd.workers, herd.dist and herd.isolation"
t_xml_eq "$cx" "count(//property[@name='herd.random_seed'])" 0 "herd: no seed property without --random-order"
t_run "$herd" -n 2 -k "$sel" --random-seed 4242 --isolation none --junit-family xunit1 \
	--junit-xml "$cx" "$bin"
t_xml_eq "$cx" "concat(//property[@name='herd.random_seed']/@value, ' ', //property[@name='herd.isolation']/@value)" \
	"4242 none" "herd --random-seed: the seed is a property"
t_xml_eq "$cx" 'count(//testcase[@file and @line])' 5 "herd --junit-family xunit1: file and line"
t_run "$herd" -k "$sel" --junit-family "" --junit-xml "$cx" "$bin"
t_status 4 "herd --junit-family '': exit 4"
t_count err . 1 "herd --junit-family '': one line on stderr"
t_has err "--junit-family takes xunit2 or xunit1" "herd --junit-family '': the line names the choices"

# herd.ini: junit_family and junit_suite_name, which the command line overrides.
mkdir "$T_WORK/proj"
printf '[herd]\njunit_family = xunit1\njunit_suite_name = nightly <&>\n' >"$T_WORK/proj/herd.ini"
t_run env -C "$T_WORK/proj" "$herd" -n 1 -k "$sel" --junit-xml "$cx" "$bin"
t_status 1 "herd.ini junit_family = xunit1: exit 1"
t_xml_eq "$cx" 'count(//testcase[@file and @line])' 5 "herd.ini junit_family = xunit1: file and line"
t_xml_eq "$cx" 'string(//testsuite/@name)' "nightly <&>" "herd.ini junit_suite_name names the suite"
t_run env -C "$T_WORK/proj" "$herd" -n 1 -k "$sel" --junit-family xunit2 --junit-xml "$cx" "$bin"
t_junit_valid "$cx" "--junit-family xunit2 over herd.ini's xunit1: valid against junit-10.xsd"
printf '[herd]\njunit_family = xunit9\n' >"$T_WORK/proj/herd.ini"
t_run env -C "$T_WORK/proj" "$herd" -k "$sel" --junit-xml "$cx" "$bin"
t_status 4 "herd.ini junit_family = xunit9: exit 4"
t_count err . 1 "herd.ini junit_family = xunit9: one line on stderr"
t_has err "junit_family takes xunit2 or xunit1, not 'xunit9'" \
	"herd.ini junit_family = xunit9: the line names the key and the value"

t_finish
