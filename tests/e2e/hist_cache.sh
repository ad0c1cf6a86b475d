#!/bin/sh
# hist_cache.sh - what herd learns from past runs: the .herd_cache folder and
# its files; --lf, --ff and --nf; a corrupt cache (one warning, the run goes
# on); --cache-clear, --cache-show, --cache-dir, herd.ini's cache_dir and
# --no-cache; longest-first order from known durations; --random-order and
# --random-seed; pytest-split's .test_durations (--store-durations,
# --durations-path).
#
# tests/run.sh sets HERD_ADDOPTS=--no-cache to keep other scripts hermetic:
# every herd here runs with it empty, each scenario in its own project folder.
# The items' order is read from the -v lines of runs with one worker.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init hist_cache

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/hist_cache.c
t_build hc $src
bin=$T_WORK/hc

# project NAME: a fresh project folder $D (holding a herd.ini) for a scenario.
project() {
	D=$T_WORK/$1
	mkdir -p "$D"
	printf '[herd]\n' >"$D/herd.ini"
}

# h ARG...: herd in $D with the cache on; the items named in $FAIL fail, and
# the items log to $D/runs.log. H_IN names another folder to run in.
FAIL=
H_IN=
h() {
	t_run env -C "${H_IN:-$D}" E2E_DIR="$D" HERD_ADDOPTS= HIST_FAIL="$FAIL" "$herd" "$@"
}

# order: the names of the items in the -v lines of the last run, in order.
order() {
	t_verbose_ids '[A-Z]*' | sed "s|^$src::[a-z]*::||" | tr '\n' ' ' | sed 's/ $//'
}

# lines FILE: its lines, sorted, on one line; "" if there is no such file.
lines() {
	[ -f "$1" ] && sort "$1" | tr '\n' ' ' | sed 's/ $//'
}

# nlines FILE: how many lines FILE has (0 if it does not exist).
nlines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# durations NAME=SECONDS...: writes $D/.herd_cache/v1/durations by hand for
# items hc::NAME, so that the order history gives is known exactly.
durations() {
	mkdir -p "$D/.herd_cache/v1"
	: >"$D/.herd_cache/v1/durations.tmp"
	for du in "$@"; do
		printf '%s\t%s::hc::%s\n' "${du#*=}" "$src" "${du%%=*}" >>"$D/.herd_cache/v1/durations.tmp"
	done
	mv "$D/.herd_cache/v1/durations.tmp" "$D/.herd_cache/v1/durations"
}

# verdict DESC EXPECTED GOT CMD...: a check that CMD succeeds.
verdict() {
	vd_desc=$1
	vd_want=$2
	vd_got=$3
	shift 3
	if "$@"; then
		t_pass "$vd_desc"
	else
		t_fail "$vd_desc" "$vd_want" "$vd_got"
	fi
}

# hc_ids NAME...: the ids of hc::NAME..., sorted, on one line.
hc_ids() {
	for n in "$@"; do printf '%s::hc::%s\n' "$src" "$n"; done | sort | tr '\n' ' ' | sed 's/ $//'
}

# --- the cache files appear after a run ---
project files
FAIL="b d"
h -n 1 -v -k hc "$bin"
t_status 1 "files: two failures, exit 1"
t_summary "2 failed, 3 passed, 33 deselected" "files: 2 failed, 3 passed"
# shellcheck disable=SC2012 # herd's own file names
t_eq "$(ls "$D/.herd_cache/v1" 2>&1 | tr '\n' ' ')" "durations lastfailed lock " \
	"files: v1 holds lastfailed, durations and the lock, no temporary file left"
t_eq "$(lines "$D/.herd_cache/v1/lastfailed")" "$(hc_ids b d)" \
	"files: lastfailed holds exactly the failed ids"
t_eq "$(cut -f 2 "$D/.herd_cache/v1/durations" 2>/dev/null | sort | tr '\n' ' ' | sed 's/ $//')" \
	"$(hc_ids a b c d e)" "files: durations has a line for each item run, and only those"
t_eq "$(grep -cvE '^[0-9]+\.[0-9]+	' "$D/.herd_cache/v1/durations" 2>&1)" 0 \
	"files: every durations line is 'SECONDS<TAB>ID'"
t_has "$D/.herd_cache/CACHEDIR.TAG" "Signature: 8a477f597d28d172789f06886806bc55" \
	"files: CACHEDIR.TAG carries the standard signature"
verdict "files: a .gitignore keeps the folder out of git" ".herd_cache/.gitignore" "none" \
	test -f "$D/.herd_cache/.gitignore"

# --- --lf: exactly the failed ids ---
: >"$D/runs.log"
FAIL=d
h -n 1 -v -k hc --lf "$bin" --json "$D/lf.json"
t_status 1 "--lf: d still fails, exit 1"
t_eq "$(order | tr ' ' '\n' | sort | tr '\n' ' ')" "b d " "--lf: the -v lines are b and d only"
t_eq "$(lines "$D/runs.log")" "$(hc_ids b d)" "--lf: only b and d ran"
t_eq "$(python3 -c 'import json,sys; print(" ".join(sorted(t["id"] for t in json.load(open(sys.argv[1]))["tests"])))' "$D/lf.json" 2>&1)" \
	"$(hc_ids b d)" "--lf: the JSON report holds b and d only"
t_summary "1 failed, 1 passed, 36 deselected" "--lf: the others count as deselected"
t_eq "$(lines "$D/.herd_cache/v1/lastfailed")" "$(hc_ids d)" \
	"--lf: b passed, so lastfailed now holds d only"

# An item not selected keeps its mark: d did not run here.
FAIL=
h -n 1 -k "hc and not d" "$bin"
t_status 0 "deselected: a run without d passes"
t_eq "$(lines "$D/.herd_cache/v1/lastfailed")" "$(hc_ids d)" \
	"deselected: d is still marked failed after a run that did not select it"

h -n 1 -v -k hc --lf "$bin"
t_status 0 "--lf: d passes now, exit 0"
t_eq "$(order)" d "--lf: only d ran"
t_eq "$(nlines "$D/.herd_cache/v1/lastfailed")" 0 "--lf: lastfailed is empty once d passed"

: >"$D/runs.log"
h -n 1 -v -k hc --lf "$bin"
t_status 0 "--lf, nothing failed: exit 0"
t_eq "$(order | tr ' ' '\n' | sort | tr '\n' ' ')" "a b c d e " "--lf, nothing failed: every item ran"
t_has err "no previously failed tests, running all 5" "--lf, nothing failed: stderr says so"
t_lacks out "no previously failed" "--lf, nothing failed: the message is not on stdout"

# --- --ff: failed first; durations otherwise longest first ---
project ff
FAIL="d e"
h -n 1 -k hc "$bin"
t_status 1 "--ff setup: d and e fail"
durations a=3 b=2 c=1 d=0.001 e=0.002
h -n 1 -v -k hc "$bin"
t_eq "$(order)" "a b c e d" "known durations, no --ff: longest first (a 3s, b, c, e, d 0.001s)"
durations a=3 b=2 c=1 d=0.001 e=0.002
h -n 1 -v -k hc --ff "$bin"
t_status 1 "--ff: exit 1"
t_eq "$(order)" "e d a b c" "--ff: the failed d and e first (longest first), then the others"
t_summary "2 failed, 3 passed, 33 deselected" "--ff: every item ran"
# -x and --maxfail want the first failure soon: known failures first, unasked.
durations a=3 b=2 c=1 d=0.001 e=0.002
h -n 1 -v -k hc -x "$bin"
t_status 1 "-x with history: exit 1"
t_eq "$(order | cut -d" " -f1)" "e" "-x with history: the known failure e runs first"
durations a=3 b=2 c=1 d=0.001 e=0.002
h -n 1 -v -k hc --maxfail 2 --nf "$bin"
t_eq "$(order | cut -d' ' -f1)" "a" "--maxfail with --nf keeps the asked order: longest first"

# --- --nf: items the cache has never seen first ---
project nf
durations a=3 b=2 c=1
FAIL=
h -n 1 -v -k hc "$bin"
t_eq "$(order)" "a b d e c" "no --nf: unknown d and e count as the mean (2s): a, b, d, e, c"
durations a=3 b=2 c=1
h -n 1 -v -k hc --nf "$bin"
t_status 0 "--nf: exit 0"
t_eq "$(order)" "d e a b c" "--nf: the new d and e first, then the known longest first"

# --- a corrupt cache: one warning naming the file, the run goes on ---
# corrupt FILE WHAT CONTENT-PRINTF-FORMAT
corrupt() {
	project "corrupt_$2"
	FAIL=b
	h -n 1 -k hc "$bin"
	# shellcheck disable=SC2059 # the content is given as a printf format
	printf -- "$3" >"$D/.herd_cache/v1/$1"
	FAIL=
	h -n 1 -v -k hc "$bin"
	t_status 0 "corrupt $1 ($2): the exit status is the run's (0)"
	t_summary "5 passed, 33 deselected" "corrupt $1 ($2): the run goes on, 5 passed"
	t_count err 'warning' 1 "corrupt $1 ($2): exactly one warning line"
	t_match err "^herd: warning: .*\.herd_cache/v1/$1([: ].*)?\$" "corrupt $1 ($2): the warning names the file"
	t_count err '^herd:' 1 "corrupt $1 ($2): no other line from herd on stderr"
	h -n 1 -k hc "$bin"
	t_count err 'warning' 0 "corrupt $1 ($2): the next run rewrote it, no warning"
}
corrupt lastfailed binary 'tests/e2e/hist_cache.c::hc::a\n\000\001\377\376junk\n'
corrupt lastfailed invalid_utf8 '\377\376\375\n'
corrupt lastfailed truncated 'tests/e2e/hist_cache.c::hc::b\ntests/e2e/hist_cache.c::hc'
corrupt durations truncated '0.5\ttests/e2e/hist_cache.c::hc::a\n0.2\ttests/e2e/hist'
corrupt durations bad_number '0.5\ttests/e2e/hist_cache.c::hc::a\nabc\ttests/e2e/hist_cache.c::hc::b\n'
corrupt durations negative '-1\ttests/e2e/hist_cache.c::hc::a\n'
corrupt durations no_tab '0.5 tests/e2e/hist_cache.c::hc::a\n'
corrupt durations binary '\000\000\000\000\177ELF\002\001\001\n'

# A corrupt durations file is ignored whole: its first, valid line does not
# reorder the run (e would be first by it).
project corrupt_whole
printf '9.5\t%s::hc::e\n1e999\t%s::hc::a\n' "$src" "$src" >"$T_WORK/dur.txt"
mkdir -p "$D/.herd_cache/v1"
cp "$T_WORK/dur.txt" "$D/.herd_cache/v1/durations"
h -n 1 -v -k hc "$bin"
t_eq "$(order)" "a b c d e" "corrupt durations (an infinite number): ignored whole, collection order"
t_count err 'warning' 1 "corrupt durations (an infinite number): one warning"

# Both files corrupt: one warning each, still no crash.
project corrupt_both
mkdir -p "$D/.herd_cache/v1"
printf '\000\n' >"$D/.herd_cache/v1/lastfailed"
printf 'x\n' >"$D/.herd_cache/v1/durations"
h -n 1 -k hc --lf "$bin"
t_status 0 "both corrupt, --lf: exit 0"
t_summary "5 passed, 33 deselected" "both corrupt, --lf: no failures known, every item ran"
t_count err 'warning: .*v1/lastfailed' 1 "both corrupt: one warning for lastfailed"
t_count err 'warning: .*v1/durations' 1 "both corrupt: one warning for durations"

# The cache's file is a folder: a warning, never a crash.
project corrupt_dir
mkdir -p "$D/.herd_cache/v1/lastfailed"
h -n 1 -k hc "$bin"
t_status 0 "lastfailed is a folder: the exit status is the run's (0)"
t_summary "5 passed, 33 deselected" "lastfailed is a folder: the run goes on"
t_match err 'warning: .*v1/lastfailed' "lastfailed is a folder: a warning names it"

# --- --cache-clear ---
project clear
FAIL=b
h -n 1 -k hc "$bin"
echo mine >"$D/.herd_cache/notes.txt"
FAIL=
h -n 1 -v -k hc --cache-clear --lf "$bin"
t_status 0 "--cache-clear --lf: exit 0"
t_eq "$(order | wc -w | tr -d ' ')" 5 "--cache-clear --lf: the failure is forgotten, every item ran"
t_has err "no previously failed tests" "--cache-clear --lf: says nothing failed before"
t_eq "$(cat "$D/.herd_cache/notes.txt" 2>&1)" mine "--cache-clear: a file herd did not write is left alone"
h -n 1 -k order --cache-clear "$bin"
t_eq "$(grep -c '::hc::' "$D/.herd_cache/v1/durations" 2>&1) $(grep -c '::order::' "$D/.herd_cache/v1/durations" 2>&1)" \
	"0 30" "--cache-clear then a run: the durations are this run's only"
rm -f "$D/.herd_cache/notes.txt"
h --cache-clear --collect-only -k hc "$bin"
if [ -e "$D/.herd_cache" ]; then
	t_fail "--cache-clear --collect-only: the cache folder is gone" "no .herd_cache" \
		"$(find "$D/.herd_cache" | sed "s|$T_WORK/||" | tr '\n' ' ')"
else
	t_pass "--cache-clear --collect-only: the cache folder is gone"
fi

# --- --cache-show ---
project show
FAIL="c e"
h -n 1 -k hc "$bin"
: >"$D/runs.log"
H_IN=$D h --cache-show
t_status 0 "--cache-show: exit 0"
t_has out "$src::hc::c" "--cache-show: lists the failed c"
t_match out "^lastfailed: 2 ids" "--cache-show: 2 last-failed ids"
t_match out "^durations: 5 ids" "--cache-show: 5 durations"
t_has out "$D/.herd_cache" "--cache-show: names the folder"
t_eq "$(nlines "$D/runs.log")" 0 "--cache-show: runs nothing"
t_lacks out "test session starts" "--cache-show: prints no run header"
t_eq "$(sed -n '/^lastfailed:/,/^durations:/p' "$T_OUT" | grep -c '::hc::')" 2 \
	"--cache-show: exactly the 2 failed ids under lastfailed"

# --- --cache-dir: elsewhere ---
project cachedir
FAIL=a
h -n 1 -k hc --cache-dir "$T_WORK/elsewhere/deep/c" "$bin"
t_eq "$(lines "$T_WORK/elsewhere/deep/c/v1/lastfailed")" "$(hc_ids a)" \
	"--cache-dir: the cache is written there (parents made)"
verdict "--cache-dir: nothing in the project root" "no .herd_cache" "one" test ! -e "$D/.herd_cache"
FAIL=
h -n 1 -v -k hc --lf --cache-dir "$T_WORK/elsewhere/deep/c" "$bin"
t_eq "$(order)" a "--cache-dir: --lf reads the failure back from there"
h -n 1 -v -k hc --cache-dir=rel_cache "$bin"
verdict "--cache-dir=REL: relative to where herd runs" "rel_cache/v1/durations" "none" \
	test -f "$D/rel_cache/v1/durations"

# --- the project root, herd.ini's cache_dir ---
project root
mkdir -p "$D/sub/deeper"
FAIL=b
H_IN=$D/sub/deeper h -n 1 -k hc "$bin"
if [ -f "$D/.herd_cache/v1/lastfailed" ] && [ ! -e "$D/sub/deeper/.herd_cache" ]; then
	t_pass "root: from a subfolder, the cache goes beside herd.ini"
else
	t_fail "root: from a subfolder, the cache goes beside herd.ini" \
		"root/.herd_cache only" "$(find "$D" -name .herd_cache | sed "s|$T_WORK/||")"
fi
printf '[herd]\ncache_dir = my/cache\n' >"$D/herd.ini"
H_IN=$D/sub h -n 1 -k hc "$bin"
t_eq "$(lines "$D/my/cache/v1/lastfailed")" "$(hc_ids b)" \
	"herd.ini cache_dir: relative to herd.ini's folder"
FAIL=
H_IN=$D/sub h -n 1 -v -k hc --lf "$bin"
t_eq "$(order)" b "herd.ini cache_dir: --lf reads it"
H_IN=$D/sub h -n 1 -k hc --cache-dir "$D/override" "$bin"
verdict "--cache-dir overrides herd.ini's cache_dir" "override/v1" "none" test -d "$D/override/v1"

# Without a herd.ini, the cache goes in the folder herd runs in.
D=$T_WORK/noini
mkdir -p "$D"
up=$T_WORK
ini_above=
while [ "$up" != / ] && [ -n "$up" ]; do
	[ -e "$up/herd.ini" ] && ini_above=$up/herd.ini
	up=$(dirname "$up")
done
if [ -n "$ini_above" ]; then
	t_skip "no herd.ini: the cache goes in the cwd" "$ini_above is above the scratch folder"
else
	h -n 1 -k hc "$bin"
	verdict "no herd.ini: the cache goes in the cwd" "noini/.herd_cache" "none" \
		test -f "$D/.herd_cache/v1/durations"
fi

# --- --no-cache: neither read nor written ---
project nocache
FAIL=c
h -n 1 -k hc --no-cache "$bin"
t_status 1 "--no-cache: c fails, exit 1"
# shellcheck disable=SC2012 # names we chose
t_eq "$(ls -A "$D" | tr '\n' ' ')" "herd.ini runs.log " "--no-cache: no cache folder appears"
t_run env -C "$D" E2E_DIR="$D" HERD_ADDOPTS=--no-cache "$herd" -n 1 -k hc "$bin"
# shellcheck disable=SC2012 # names we chose
t_eq "$(ls -A "$D" | tr '\n' ' ')" "herd.ini runs.log " "HERD_ADDOPTS=--no-cache: no cache folder appears"
h -n 1 -k hc "$bin"
FAIL=
h -n 1 -v -k hc --no-cache --lf "$bin"
t_eq "$(order | wc -w | tr -d ' ')" 5 "--no-cache --lf: the cache is not read, every item ran"
t_eq "$(lines "$D/.herd_cache/v1/lastfailed")" "$(hc_ids c)" "--no-cache: the cache is left as it was"

# --- durations: longest first once known ---
project durs
h -n 1 -v -k dur --cache-clear "$bin"
t_eq "$(order)" "fast medium slow" "cold cache: collection order"
t_eq "$(awk -F '\t' '/::dur::slow$/ { print ($1 >= 0.19) }' "$D/.herd_cache/v1/durations" 2>&1)" 1 \
	"the durations file has slow at about 200 ms or more"
# The order the learnt durations give: on a loaded machine "fast" (0 ms) may
# have taken longer than "medium" (50 ms); "slow" (200 ms) has not.
learnt=$(awk -F '\t' '/::dur::/ { sub(/.*::/, "", $2); print $1, $2 }' \
	"$D/.herd_cache/v1/durations" | sort -k1,1gr -k2,2 | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//')
h -n 1 -v -k dur "$bin"
t_eq "$(order)" "$learnt" "warm cache: longest first by the learnt durations"
t_eq "$(order | cut -d' ' -f1)" slow "warm cache: the 200 ms item first"

# --- --random-order, --random-seed ---
project random
collection=$(i=0; while [ $i -lt 30 ]; do printf 'many[%d] ' $i; i=$((i + 1)); done | sed 's/ $//')
h -n 1 -v -k order --random-order "$bin"
t_status 0 "--random-order: exit 0"
seed=$(sed -n 's/.*random order (--random-seed \([0-9][0-9]*\)).*/\1/p' "$T_OUT" | head -n 1)
verdict "--random-order: the header prints --random-seed N ($seed)" \
	"'random order (--random-seed N)'" "none" test -n "$seed"
first=$(order)
t_eq "$(printf '%s\n' "$first" | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "$collection" | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"--random-order: all 30 items ran once"
if [ "$first" != "$collection" ]; then
	t_pass "--random-order: not the collection order"
else
	t_fail "--random-order: not the collection order" "a shuffle" "$first"
fi
h -n 1 -v -k order --random-seed "${seed:-1}" "$bin"
t_eq "$(order)" "$first" "--random-seed $seed: the same order again"
t_has out "random order (--random-seed ${seed:-1})" "--random-seed: the header prints the seed given"
h -n 1 -v -k order --random-seed "${seed:-1}" "$bin"
t_eq "$(order)" "$first" "--random-seed $seed: and again, with a warm cache"
h -n 1 -v -k order --random-seed $((${seed:-1} + 1)) "$bin"
second=$(order)
if [ "$second" != "$first" ] && [ "$second" != "$collection" ]; then
	t_pass "--random-seed: another seed, another order"
else
	t_fail "--random-seed: another seed, another order" \
		"differs from seed $seed's and from the collection order" "$second"
fi
h -n 1 -v -k order --random-seed "${seed:-1}" --random-order "$bin"
t_eq "$(order)" "$first" "--random-seed $seed --random-order: the seed wins, whatever the order of the options"
t_has out "random order (--random-seed ${seed:-1})" "--random-seed N --random-order: the header prints N"
h -n 1 -v -k order "$bin"
t_lacks out "random order" "no --random-order: the header says nothing of a seed"

# --- pytest-split's .test_durations ---
project split
h -n 2 --store-durations "$bin"
t_status 0 "--store-durations: exit 0"
h --collect-only "$bin"
sort "$T_OUT" >"$T_WORK/all.ids"
t_eq "$(wc -l <"$T_WORK/all.ids" | tr -d ' ')" 38 "the binary has 38 items"
cat >"$T_WORK/td.py" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ids = set(open(sys.argv[2]).read().split())
bad = [k for k, v in d.items()
       if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0]
if isinstance(d, dict) and set(d) == ids and not bad:
    print("ok")
else:
    print("keys %d, missing %s, extra %s, bad %s" % (
        len(d), sorted(ids - set(d))[:3], sorted(set(d) - ids)[:3], bad[:3]))
EOF
t_eq "$(python3 "$T_WORK/td.py" "$D/.test_durations" "$T_WORK/all.ids" 2>&1 | tail -n 1)" ok \
	".test_durations: valid JSON, id -> seconds >= 0, every id"
mkdir -p "$D/sub"
rm -f "$D/.test_durations"
H_IN=$D/sub h -n 2 --store-durations "$bin"
if [ -f "$D/.test_durations" ] && [ ! -e "$D/sub/.test_durations" ]; then
	t_pass "--store-durations from a subfolder: .test_durations goes in the project root"
else
	t_fail "--store-durations from a subfolder: .test_durations goes in the project root" \
		"$D/.test_durations only" "$(find "$D" -name .test_durations | sed "s|$T_WORK/||")"
fi
t_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]] >= 0.19)' \
	"$D/.test_durations" "$src::dur::slow" 2>&1 | tail -n 1)" True \
	".test_durations: slow took 200 ms or more"

# --durations-path F: read when it exists (the cache not needed), written by
# --store-durations.
project import
printf '{"%s::hc::e": 5.0, "%s::hc::c": 4, "%s::hc::a": 0.5}\n' "$src" "$src" "$src" >"$D/my.json"
h -n 1 -v -k hc --no-cache --durations-path my.json "$bin"
t_eq "$(order)" "e c b d a" \
	"--durations-path: its durations order the run (e 5, c 4, the unknown the mean 3.17, a 0.5)"
t_count err 'warning' 0 "--durations-path: no warning"
h -n 1 -v -k hc --no-cache "$bin"
t_eq "$(order)" "a b c d e" "without it: collection order"
# The project root's .test_durations is read when present, without the option.
mkdir -p "$D/sub"
cp "$D/my.json" "$D/.test_durations"
H_IN=$D/sub h -n 1 -v -k hc --no-cache "$bin"
t_eq "$(order)" "e c b d a" ".test_durations in the project root: read when present, even from a subfolder"
rm -f "$D/.test_durations"
printf '{"%s::hc::e": "slow"}\n' "$src" >"$D/bad.json"
h -n 1 -v -k hc --no-cache --durations-path bad.json "$bin"
t_status 0 "--durations-path, a bad file: the exit status is the run's"
t_eq "$(order)" "a b c d e" "--durations-path, a bad file: ignored"
t_count err 'warning: .*bad\.json' 1 "--durations-path, a bad file: one warning naming it"
h -n 1 -k hc --store-durations --durations-path out.json "$bin"
t_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$D/out.json" 2>&1 | tail -n 1)" 5 \
	"--store-durations --durations-path F: F holds the 5 ids"
if [ -e "$D/.test_durations" ]; then
	t_fail "--durations-path F: no .test_durations" "none" "one"
else
	t_pass "--durations-path F: no .test_durations"
fi

# --- the test binary alone shares the controller's cache ---
# a ARG...: the test binary alone in $D (or $H_IN), with HIST_FAIL from $FAIL.
a() {
	t_run env -C "${H_IN:-$D}" E2E_DIR="$D" HIST_FAIL="$FAIL" "$bin" "$@"
}
project alone
FAIL="b d"
h -n 2 -k hc "$bin"
t_status 1 "alone setup: the controller fails b and d"
FAIL=
a -v -k hc --lf
t_status 0 "alone --lf: b and d pass now"
t_eq "$(order)" "b d" "alone --lf after herd -n 2 runs what failed there"
t_eq "$(lines "$D/.herd_cache/v1/lastfailed")" "" "alone: the passes clear the marks in the shared cache"
FAIL=e
a -v -k hc
t_status 1 "alone: e fails"
h -n 1 -v -k hc --lf "$bin"
t_eq "$(order)" "e" "herd --lf after the binary alone runs what failed there"
FAIL=
durations a=3 b=2 c=1 d=0.001 e=0.002
printf 'tests/e2e/hist_cache.c::hc::d\n' >"$D/.herd_cache/v1/lastfailed"
a -v -k hc --ff
t_eq "$(order)" "d a b c e" "alone --ff: the failed d first, then collection order"
printf 'tests/e2e/hist_cache.c::hc::d\n' >"$D/.herd_cache/v1/lastfailed"
a -v -k hc -x
t_eq "$(order | cut -d' ' -f1)" "d" "alone -x with history: the known failure first"
durations a=3 b=2 c=1
a -v -k hc --nf
t_eq "$(order)" "d e a b c" "alone --nf: the items the cache has not seen first"
H_IN=$D/sub
mkdir -p "$H_IN"
a -v -k hc --lf
t_eq "$(order | wc -w | tr -d ' ')" 5 "alone in a subfolder finds the project's cache (nothing failed: all run)"
H_IN=
a -k hc --cache-dir "$D/elsewhere"
verdict "alone --cache-dir writes there" "elsewhere/v1" "none" test -f "$D/elsewhere/v1/durations"
a -k hc --cache-clear --no-cache
verdict "alone --cache-clear empties the cache" "no .herd_cache" ".herd_cache" test ! -e "$D/.herd_cache"
a -k hc --no-cache
verdict "alone --no-cache writes nothing" "no .herd_cache" ".herd_cache" test ! -e "$D/.herd_cache"
# Outside a project the binary keeps no history of its own, but uses the one
# the controller made in its folder.
if [ -z "$ini_above" ]; then
	D=$T_WORK/alone-noini
	mkdir -p "$D"
	FAIL=c
	a -k hc
	t_status 1 "alone, no herd.ini: c fails"
	verdict "alone, no herd.ini, no cache yet: none is made" "no .herd_cache" ".herd_cache" \
		test ! -e "$D/.herd_cache"
	h -n 1 -k hc "$bin"
	FAIL=
	a -v -k hc --lf
	t_eq "$(order)" "c" "alone, no herd.ini: --lf reads the cache the controller made here"
	t_eq "$(lines "$D/.herd_cache/v1/lastfailed")" "" "alone, no herd.ini: and records its results in it"
else
	t_skip "alone, no herd.ini: no cache of its own" "a herd.ini above the scratch folder: $ini_above"
fi
D=$T_WORK/alone
printf '[herd]\ncache_dir = .\n' >"$D/herd.ini"
a -k hc
t_status 4 "alone: cache_dir = . is refused"
t_has err "names the project's own folder" "alone: the refusal says why"

t_finish
