# tests/lib.sh - the harness of herd's end-to-end tests. Each tests/e2e/*.sh
# sources it; POSIX sh (dash), no bashisms.
#
# Environment, as tests/run.sh sets it:
#   HERD_BUILD  build directory holding libherd.a (and later the herd controller)
#   HERD_SRC    the repository root
#   CC, CFLAGS  compiler and flags; the same flags link (sanitizers need that)
#   TMPDIR_E2E  scratch directory; each script makes its own directory inside
#   HERD_E2E_KEEP=1 keeps a script's directory for a post-mortem
#   HERD_WRAP   a command prefix (e.g. "valgrind --error-exitcode=99") that
#               every herd controller the scripts start runs under (t_wrap)
#
# A script calls t_init NAME, builds its test binaries with t_build, runs them
# with t_run, checks what they did with the t_* assertions, and ends with
# t_finish, which prints exactly one line "RESULT passed=N failed=M" and exits
# 0 when M is 0, else 1.
#
# t_run leaves the last command's stdout in $T_OUT, its stderr in $T_ERR, its
# exit status in $T_STATUS and its wall time in whole seconds in $T_ELAPSED.
# Assertions taking a FILE also accept the names "out" (stdout of the last
# command), "err" (its stderr) and "all" (both).
#
# The tests run with their cwd in $T_WORK and with E2E_DIR=$T_WORK exported:
# the C sources (tests/e2e/e2e.h) record what they did in files there.
#
# Scripts never sleep to synchronise: they wait for files or processes with
# bounded polls (t_wait_file, t_wait_gone), and every command runs under a
# generous guard timeout ($T_LIMIT seconds) so that a hung runner is a failed
# check, not a hung test suite.

T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_LIMIT=${HERD_E2E_LIMIT:-180}
T_WORK=
T_BG=

# ---- recording ----

# t_pass DESC
t_pass() {
	T_PASSED=$((T_PASSED + 1))
	printf 'ok - %s\n' "$1"
}

# t_fail DESC EXPECTED GOT [FILE...]: records a failure and shows the files
# (the output of the last command when none are named), truncated.
t_fail() {
	T_FAILED=$((T_FAILED + 1))
	printf 'FAIL - %s\n' "$1"
	[ -n "${T_CMD-}" ] && printf '  command:  %s\n' "$T_CMD"
	printf '  expected: %s\n' "$2"
	printf '  got:      %s\n' "$3"
	shift 3
	[ $# -eq 0 ] && set -- "$T_OUT" "$T_ERR"
	for t_fail_f in "$@"; do
		t_excerpt "$t_fail_f"
	done
}

# t_excerpt FILE: the head and tail of a file, control bytes made visible,
# long lines cut, so a failure report stays readable whatever the test wrote.
t_excerpt() {
	[ -n "$1" ] || return 0
	[ -f "$1" ] || { printf '  (%s: no such file)\n' "$1"; return 0; }
	t_ex_n=$(wc -l <"$1")
	t_ex_c=$(wc -c <"$1")
	printf '  --- %s (%s lines, %s bytes) ---\n' "${1##*/}" "$t_ex_n" "$t_ex_c"
	if [ "$t_ex_n" -le 60 ]; then
		cat -v "$1"
	else
		head -n 40 "$1" | cat -v
		printf '  [... %s lines left out ...]\n' $((t_ex_n - 55))
		tail -n 15 "$1" | cat -v
	fi | cut -c1-240 | sed 's/^/  | /'
}

# t_skip DESC REASON: a check that cannot run here; counted as skipped, never
# as passed.
t_skip() {
	T_SKIPPED=$((T_SKIPPED + 1))
	printf 'skip - %s: %s\n' "$1" "$2"
}

# t_finish: prints the one RESULT line and exits.
t_finish() {
	printf 'RESULT passed=%d failed=%d skipped=%d\n' "$T_PASSED" "$T_FAILED" "$T_SKIPPED"
	[ "$T_FAILED" -eq 0 ] && exit 0
	exit 1
}

# t_bail DESC: a failure that makes the rest of the script pointless.
t_bail() {
	t_fail "$1" "${2-}" "${3-}" "${T_WORK:+$T_WORK/build.log}"
	t_finish
}

# ---- set-up and clean-up ----

# t_abs DIR: the absolute path of an existing directory.
t_abs() {
	(cd "$1" 2>/dev/null && pwd)
}

# t_init NAME: resolves the environment, makes the scratch directory.
t_init() {
	T_NAME=$1
	: "${CC:=cc}"
	CFLAGS=${CFLAGS-}
	T_OUT=/dev/null
	T_ERR=/dev/null
	HERD_SRC=$(t_abs "${HERD_SRC:-$(dirname "$0")/../..}") ||
		t_bail "HERD_SRC names a directory" "a directory" "${HERD_SRC-}"
	HERD_BUILD=$(t_abs "${HERD_BUILD:-$HERD_SRC/build}") ||
		t_bail "HERD_BUILD names a directory" "a directory" "${HERD_BUILD-}"
	[ -f "$HERD_BUILD/libherd.a" ] ||
		t_bail "libherd.a is built" "$HERD_BUILD/libherd.a" "no such file"
	t_init_base=$(t_abs "${TMPDIR_E2E:-${TMPDIR:-/tmp}}") ||
		t_bail "TMPDIR_E2E names a directory" "a directory" "${TMPDIR_E2E-}"
	T_WORK=$(mktemp -d "$t_init_base/$T_NAME.XXXXXX") ||
		t_bail "make a scratch directory" "a directory" "mktemp failed"
	T_OUT=$T_WORK/stdout
	T_ERR=$T_WORK/stderr
	: >"$T_OUT"
	: >"$T_ERR"
	trap t_cleanup EXIT
	trap 't_cleanup; trap - EXIT; exit 130' INT TERM HUP

	E2E_DIR=$T_WORK
	# Deterministic tools and plain output: no colour, C locale.
	NO_COLOR=1
	LC_ALL=C
	# Under AddressSanitizer a segfault must stay a SIGSEGV, or the tests
	# expecting one would see ASan's exit(1) instead.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_sigbus=0:handle_abort=0
	export E2E_DIR NO_COLOR LC_ALL ASAN_OPTIONS
	# As on a CI machine (GitHub's runners set CI=true) wherever they run:
	# herd and pytest keep the short summary's lines whole there, where a
	# terminal's width would cut them; the width is 80 (output to a file).
	# pytest_fidelity.sh unsets CI where it checks the cut.
	CI=true
	unset COLUMNS BUILD_NUMBER
	export CI
	# Crashing tests on purpose must not fill the disk with cores.
	# shellcheck disable=SC3045 # dash, bash and busybox sh all have it
	ulimit -c 0 2>/dev/null || :
	t_python
	t_wrap
}

# t_python: python3 on PATH may be a version manager's shim, a script that
# costs more than the interpreter it starts, and the scripts start python3
# many times: the python3 they find first on PATH is a link to the
# interpreter itself, resolved once (by tests/run.sh for all its jobs, passed
# down as HERD_E2E_PYTHON; empty when there is no python3).
t_python() {
	if [ -z "${HERD_E2E_PYTHON+set}" ]; then
		HERD_E2E_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) ||
			HERD_E2E_PYTHON=
	fi
	[ -n "$HERD_E2E_PYTHON" ] && [ -x "$HERD_E2E_PYTHON" ] || return 0
	if ! { mkdir "$T_WORK/.python" && ln -s "$HERD_E2E_PYTHON" "$T_WORK/.python/python3"; }; then
		t_bail "link python3 into the scratch directory" "a link" "mkdir or ln failed"
	fi
	PATH=$T_WORK/.python:$PATH
	export PATH
}

# t_wrap: with HERD_WRAP set, $HERD_BUILD becomes a folder of links to the
# real build whose herd is a script running the real one under $HERD_WRAP,
# so that every way a script starts "$HERD_BUILD/herd" (t_run, t_start_bg,
# under timeout or sh -c) goes through the wrapper, with the same pid.
t_wrap() {
	[ -n "${HERD_WRAP-}" ] || return 0
	t_wrap_d=$T_WORK/wrapped-build
	mkdir "$t_wrap_d" || t_bail "make the wrapped build folder" "a folder" "mkdir failed"
	for t_wrap_f in "$HERD_BUILD"/*; do
		[ "${t_wrap_f##*/}" = herd ] || ln -s "$t_wrap_f" "$t_wrap_d/"
	done
	case $HERD_BUILD in *"'"*)
		t_bail "HERD_WRAP: the build path has no single quote" "a plain path" "$HERD_BUILD" ;;
	esac
	if ! { printf '#!/bin/sh\nexec %s '"'%s'"' "$@"\n' "$HERD_WRAP" "$HERD_BUILD/herd" \
		>"$t_wrap_d/herd" && chmod +x "$t_wrap_d/herd"; }; then
		t_bail "write the herd wrapper" "a script" "write failed"
	fi
	HERD_BUILD=$t_wrap_d
}

# t_cleanup: kills what our tests left behind, removes the scratch directory.
t_cleanup() {
	[ -n "$T_WORK" ] && [ -d "$T_WORK" ] || return 0
	[ -n "$T_BG" ] && kill -KILL "$T_BG" 2>/dev/null
	for t_cl_f in "$T_WORK"/*.pid; do
		[ -f "$t_cl_f" ] || continue
		while read -r t_cl_p; do
			t_kill_ours "$t_cl_p"
		done <"$t_cl_f"
	done
	if [ "${HERD_E2E_KEEP:-0}" = 1 ]; then
		printf '# kept %s\n' "$T_WORK"
	else
		rm -rf "$T_WORK"
	fi
	T_WORK=
}

# t_kill_ours PID: SIGKILL to PID, but only when it still runs one of our
# binaries (its command line names the scratch directory): a pid recorded by a
# test may have been reused by an unrelated process since.
t_kill_ours() {
	case $1 in '' | *[!0-9]*) return 0 ;; esac
	[ -r "/proc/$1/cmdline" ] || return 0
	if tr '\000' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -e "$T_WORK"; then
		kill -KILL "$1" 2>/dev/null
	fi
	return 0
}

# ---- building and running ----

# t_build NAME SRC...: compiles the sources (paths relative to the repository
# root, as they appear in node ids) and libherd into $T_WORK/NAME. A build
# failure ends the script.
t_build() {
	t_build_bin=$T_WORK/$1
	shift
	# shellcheck disable=SC2086 # CFLAGS and LDFLAGS are lists of words
	if (cd "$HERD_SRC" && $CC $CFLAGS -I include "$@" \
		"$HERD_BUILD/libherd.a" ${LDFLAGS-} -lm -o "$t_build_bin") \
		>"$T_WORK/build.log" 2>&1; then
		t_pass "build ${t_build_bin##*/} from $*"
	else
		T_CMD="$CC $CFLAGS -I include $* libherd.a -o ${t_build_bin##*/}"
		t_bail "build ${t_build_bin##*/} from $*" "it compiles" "it does not"
	fi
}

# t_quote ARG...: sets T_CMD to the arguments as one line a reader can paste
# into a shell, the scratch directory left out. Shell builtins alone, as in
# t_clock: every t_run pays for it.
t_quote() {
	T_CMD=
	for t_q_a in "$@"; do
		case $t_q_a in
		*[!A-Za-z0-9_./=:,+-]* | '') t_q_a="'$t_q_a'" ;;
		esac
		T_CMD="$T_CMD${T_CMD:+ }$t_q_a"
	done
	[ -n "$T_WORK" ] || return 0
	while :; do
		case $T_CMD in
		*"$T_WORK/"*) T_CMD=${T_CMD%%"$T_WORK/"*}${T_CMD#*"$T_WORK/"} ;;
		*) return 0 ;;
		esac
	done
}

# t_clock: sets T_NOW to the whole seconds since a fixed moment: the boot,
# read from /proc/uptime by a builtin (a script runs thousands of commands,
# and starting date twice for each cost more than some of them), else the
# epoch.
t_clock() {
	if [ -r /proc/uptime ] && read -r T_NOW _ </proc/uptime; then
		T_NOW=${T_NOW%%.*}
	else
		T_NOW=$(date +%s)
	fi
}

# t_run CMD ARG...: runs a command in $T_WORK with stdin from /dev/null under
# the guard timeout. Sets T_OUT, T_ERR, T_STATUS, T_ELAPSED, T_HUNG; a command
# that outlived the guard is recorded as a failed check.
t_run() {
	t_quote "$@"
	t_clock
	t_run_t0=$T_NOW
	# The outer 2>/dev/null silences the shell's own "Segmentation fault"
	# when a runner dies of a signal on purpose; the status tells it.
	{
		(cd "$T_WORK" && exec timeout -k 10 "$T_LIMIT" "$@") \
			</dev/null >"$T_OUT" 2>"$T_ERR"
		T_STATUS=$?
	} 2>/dev/null
	t_clock
	T_ELAPSED=$((T_NOW - t_run_t0))
	T_HUNG=0
	if [ -e "$T_WORK/all" ]; then
		rm -f "$T_WORK/all"
	fi
	if [ "$T_ELAPSED" -ge "$T_LIMIT" ]; then
		T_HUNG=1
		t_fail "command finishes" "exit within ${T_LIMIT}s" \
			"killed by the guard timeout after ${T_ELAPSED}s (status $T_STATUS)"
	fi
	return 0
}

# t_start_bg CMD ARG...: as t_run, but in the background; $T_BG is the pid of
# the command itself (not of the guard), for sending it signals.
t_start_bg() {
	t_quote "$@"
	rm -f "$T_WORK/bg.pid.tmp" "$T_WORK/all"
	# shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
	(cd "$T_WORK" && exec timeout -k 10 "$T_LIMIT" \
		sh -c 'echo $$ >"$0.tmp"; exec "$@"' "$T_WORK/bg.pid" "$@") \
		</dev/null >"$T_OUT" 2>"$T_ERR" &
	t_bg_guard=$!
	t_clock
	t_bg_t0=$T_NOW
	T_BG=
	if t_wait_file "$T_WORK/bg.pid.tmp" 30; then
		T_BG=$(cat "$T_WORK/bg.pid.tmp")
	fi
}

# t_wait_bg: waits for the command t_start_bg started; sets T_STATUS etc.
t_wait_bg() {
	wait "$t_bg_guard"
	T_STATUS=$?
	t_clock
	T_ELAPSED=$((T_NOW - t_bg_t0))
	T_BG=
	T_HUNG=0
	if [ "$T_ELAPSED" -ge "$T_LIMIT" ]; then
		T_HUNG=1
		t_fail "command finishes" "exit within ${T_LIMIT}s" \
			"killed by the guard timeout after ${T_ELAPSED}s (status $T_STATUS)"
	fi
	return 0
}

# t_wait_file FILE SECONDS: polls until FILE exists and is not empty.
t_wait_file() {
	t_wf_i=$(($2 * 20))
	while [ "$t_wf_i" -gt 0 ]; do
		[ -s "$1" ] && return 0
		sleep 0.05
		t_wf_i=$((t_wf_i - 1))
	done
	[ -s "$1" ]
}

# t_alive PID: true while PID runs (a zombie, dead but not yet reaped, is
# dead for our purposes).
t_alive() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	if [ -d /proc/self ]; then
		[ -r "/proc/$1/stat" ] || return 1
		t_al_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
		[ -n "$t_al_st" ] && [ "$t_al_st" != Z ] && [ "$t_al_st" != X ]
	else
		t_al_st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
		case $t_al_st in Z* | '') return 1 ;; esac
		return 0
	fi
}

# t_wait_gone PID SECONDS: polls until PID is dead; false if it outlives that.
t_wait_gone() {
	t_wg_i=$(($2 * 20))
	while [ "$t_wg_i" -gt 0 ]; do
		t_alive "$1" || return 0
		sleep 0.05
		t_wg_i=$((t_wg_i - 1))
	done
	! t_alive "$1"
}

# ---- assertions ----

# t_file NAME: sets T_FILE to the file an assertion reads ("out", "err",
# "all" or a path); no $(...): each assertion would pay a fork for it.
t_file() {
	case $1 in
	out) T_FILE=$T_OUT ;;
	err) T_FILE=$T_ERR ;;
	all)
		[ -f "$T_WORK/all" ] || cat "$T_OUT" "$T_ERR" >"$T_WORK/all"
		T_FILE=$T_WORK/all
		;;
	*) T_FILE=$1 ;;
	esac
}

# t_status WANT DESC
t_status() {
	if [ "$T_STATUS" -eq "$1" ]; then
		t_pass "$2"
	else
		t_fail "$2" "exit status $1" "exit status $T_STATUS"
	fi
}

# t_status_failed DESC: a non-zero status that is not the guard's.
t_status_failed() {
	if [ "$T_STATUS" -ne 0 ] && [ "$T_HUNG" -eq 0 ]; then
		t_pass "$1"
	else
		t_fail "$1" "a non-zero exit status, in time" \
			"exit status $T_STATUS${T_HUNG#0}"
	fi
}

# t_has FILE STRING DESC: the fixed string occurs in FILE.
t_has() {
	t_file "$1"
	t_has_f=$T_FILE
	if grep -qF -e "$2" "$t_has_f" 2>/dev/null; then
		t_pass "$3"
	else
		t_fail "$3" "the text '$2' in ${1##*/}" "not there" "$t_has_f"
	fi
}

# t_lacks FILE STRING DESC: the fixed string does not occur in FILE.
t_lacks() {
	t_file "$1"
	t_lacks_f=$T_FILE
	if ! grep -qF -e "$2" "$t_lacks_f" 2>/dev/null; then
		t_pass "$3"
	else
		t_fail "$3" "no '$2' in ${1##*/}" "found: $(t_lines "$t_lacks_f" -F "$2")" \
			"$t_lacks_f"
	fi
}

# t_match FILE ERE DESC: a line of FILE matches the extended regex.
t_match() {
	t_file "$1"
	t_match_f=$T_FILE
	if grep -qE -e "$2" "$t_match_f" 2>/dev/null; then
		t_pass "$3"
	else
		t_fail "$3" "a line matching /$2/ in ${1##*/}" "none" "$t_match_f"
	fi
}

# t_nomatch FILE ERE DESC: no line of FILE matches the extended regex.
t_nomatch() {
	t_file "$1"
	t_nomatch_f=$T_FILE
	if ! grep -qE -e "$2" "$t_nomatch_f" 2>/dev/null; then
		t_pass "$3"
	else
		t_fail "$3" "no line matching /$2/ in ${1##*/}" \
			"found: $(t_lines "$t_nomatch_f" -E "$2")" "$t_nomatch_f"
	fi
}

# t_lines FILE -F|-E PATTERN: the first matching lines, for messages.
t_lines() {
	tr -d '\000' <"$1" | grep "$2" -e "$3" | head -n 3 | cut -c1-200 | cat -v |
		tr '\n' '|'
}

# t_count FILE ERE WANT DESC: exactly WANT lines of FILE match.
t_count() {
	t_file "$1"
	t_count_f=$T_FILE
	t_count_n=$(tr -d '\000' <"$t_count_f" 2>/dev/null | grep -cE -e "$2")
	if [ "$t_count_n" -eq "$3" ]; then
		t_pass "$4"
	else
		t_fail "$4" "$3 lines matching /$2/" "$t_count_n" "$t_count_f"
	fi
}

# t_eq GOT WANT DESC: two strings are equal.
t_eq() {
	if [ "$1" = "$2" ]; then
		t_pass "$3"
	else
		t_fail "$3" "$2" "$1"
	fi
}

# t_lt GOT LIMIT DESC: an integer is below a limit.
t_lt() {
	if [ "$1" -lt "$2" ]; then
		t_pass "$3"
	else
		t_fail "$3" "less than $2" "$1"
	fi
}

# t_same FILE WANT_FILE DESC: two files are identical; shows a diff if not.
t_same() {
	t_file "$1"
	t_same_f=$T_FILE
	if cmp -s "$t_same_f" "$2"; then
		t_pass "$3"
	else
		t_fail "$3" "the contents of ${2##*/}" "a difference (diff want got):" \
			"$2" "$t_same_f"
		diff "$2" "$t_same_f" 2>&1 | head -n 40 | cut -c1-200 | cat -v |
			sed 's/^/  > /'
	fi
}

# t_want NAME LINE...: writes the lines to $T_WORK/NAME.want, for t_same.
t_want() {
	t_want_f=$T_WORK/$1.want
	shift
	: >"$t_want_f"
	for t_want_l in "$@"; do
		printf '%s\n' "$t_want_l" >>"$t_want_f"
	done
}

# ---- the runner's report ----

# t_re STRING: STRING with the extended-regex specials escaped.
t_re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'
}

# t_closing: the last non-empty line of stdout, the pytest-style closing line.
t_closing() {
	tr -d '\000' <"$T_OUT" | grep -v '^[[:space:]]*$' | tail -n 1
}

# t_summary COUNTS DESC: the closing line is "==== COUNTS in 1.23s ====" and it
# is the last line of stdout. COUNTS is an extended regex ("2 failed, 1 passed").
t_summary() {
	t_sum_l=$(t_closing)
	if printf '%s\n' "$t_sum_l" |
		grep -qE -e "^=+ ($1) in [0-9]+(\.[0-9]+)?s =+\$"; then
		t_pass "$2"
	else
		t_fail "$2" "closing line '==== $1 in <t>s ===='" "'$t_sum_l'"
	fi
}

# t_summary_n WORD: the number before WORD in the closing line, or 0.
t_summary_n() {
	t_closing | tr '=' ',' | tr ',' '\n' |
		sed -n "s/^ *\([0-9][0-9]*\) $1\( in .*\)\{0,1\} *\$/\1/p" | head -n 1 |
		grep . || echo 0
}

# t_outcome WORD ID DESC: with -v, the line "[ NN%] WORD ID" is in stdout.
# WORD is an extended regex ("PASSED", "(FAILED|CRASHED)").
t_outcome() {
	t_match out "^\[ *[0-9]+%\] ($1) $(t_re "$2")( .*)?\$" "$3"
}

# t_verbose_ids WORD: the ids of the -v lines with that outcome, in order.
t_verbose_ids() {
	tr -d '\000' <"$T_OUT" |
		sed -n "s/^\[ *[0-9]*%\] $1 \([^ ]*\).*/\1/p"
}

# t_section ID: copies the FAILURES (or ERRORS) section of item ID, from its
# "____ ID ____" (or "____ ERROR at ID ____") header to the next header, into
# $T_SECTION; records whether it exists.
t_section() {
	T_SECTION=$T_WORK/section
	tr -d '\000' <"$T_OUT" | awk -v id="$1" '
		/^_+ .* _+$/ {
			h = $0; sub(/^_+ /, "", h); sub(/ _+$/, "", h)
			on = (h == id || h == "ERROR at " id); if (on) found = 1; next
		}
		/^=+ .* =+$/ { on = 0; next }
		on { print }
		END { exit !found }' >"$T_SECTION"
	t_sec_st=$?
	if [ "$t_sec_st" -eq 0 ]; then
		t_pass "FAILURES has a section for $1"
	else
		t_fail "FAILURES has a section for $1" "a line '____ $1 ____'" "none"
	fi
}

# ---- JUnit XML ----

# t_xpath FILE EXPR: the value of an XPath 1.0 expression over FILE.
t_xpath() {
	xmllint --xpath "$2" "$1" 2>/dev/null | tr -d '\n'
}

# t_xml_valid FILE DESC: FILE exists and is well-formed XML.
t_xml_valid() {
	if [ ! -f "$1" ]; then
		t_fail "$2" "a file ${1##*/}" "no such file"
	elif xmllint --noout "$1" >"$T_WORK/xmllint.log" 2>&1; then
		t_pass "$2"
	else
		t_fail "$2" "xmllint --noout accepts it" "xmllint complains" \
			"$T_WORK/xmllint.log" "$1"
	fi
}

# t_junit_valid FILE DESC: FILE is valid against tests/junit-10.xsd, the
# schema of Jenkins' xunit plugin that herd's default JUnit family follows.
t_junit_valid() {
	if ! command -v xmllint >/dev/null 2>&1; then
		t_skip "$2" "xmllint is not installed"
	elif [ ! -f "$1" ]; then
		t_fail "$2" "a file ${1##*/}" "no such file"
	elif xmllint --noout --schema "$HERD_SRC/tests/junit-10.xsd" "$1" \
		>"$T_WORK/xmllint.log" 2>&1; then
		t_pass "$2"
	else
		t_fail "$2" "valid against tests/junit-10.xsd" "xmllint rejects it" \
			"$T_WORK/xmllint.log" "$1"
	fi
}

# t_xml_eq FILE EXPR WANT DESC: an XPath expression has the wanted value.
t_xml_eq() {
	t_xml_v=$(t_xpath "$1" "$2")
	if [ "$t_xml_v" = "$3" ]; then
		t_pass "$4"
	else
		t_fail "$4" "$2 = $3" "'$t_xml_v'" "$1"
	fi
}

# t_pycheck LOG "CHECK ARG..." ...: runs the script's own checker,
# $T_WORK/check.py, once over all the checks (starting python3 costs more than
# checking); t_answer N prints the N-th answer.
t_pycheck() {
	python3 "$T_WORK/check.py" "$@" >"$T_WORK/answers" 2>&1
}
t_answer() {
	sed -n "$1p" "$T_WORK/answers"
}

# t_jx FILE EXPR [KEY]: prints the Python expression EXPR over a JSON report:
# d the document, T its tests, W the test of each id (or of each value of
# KEY, such as name; the last one), C collections.Counter; "unreadable JSON:
# ..." when FILE is not JSON, the error when EXPR fails.
t_jx() {
	python3 - "$1" "$2" "${3:-id}" <<'EOF_JX' 2>&1
import collections, json, sys
try:
    with open(sys.argv[1]) as f:
        d = json.load(f)
except Exception as e:
    print("unreadable JSON: %s" % e)
    sys.exit(0)
T = d.get("tests", [])
W = {t[sys.argv[3]]: t for t in T}
print(eval(sys.argv[2], {"d": d, "T": T, "W": W, "C": collections.Counter,
                         "len": len, "sorted": sorted, "set": set, "all": all}))
EOF_JX
}
