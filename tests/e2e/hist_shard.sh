#!/bin/sh
# hist_shard.sh - --shard K/N and herd merge: for every N from 1 to 4 the
# shards are disjoint and their union is the selection, the same split every
# time; without durations they are balanced by count, with a warm cache by
# duration; the reports carry shard metadata; herd merge combines the JSON and
# the JUnit reports of a run's shards and fails clearly (exit 1, one line) on
# shards given twice, overlapping or missing, missing ids and mixed runs.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init hist_shard

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"
command -v xmllint >/dev/null 2>&1 || t_bail "xmllint is there" "xmllint" "not found"

src=tests/e2e/hist_shard.c
t_build sh $src
bin=$T_WORK/sh
D=$T_WORK/proj
mkdir -p "$D"
printf '[herd]\n' >"$D/herd.ini"

# h ARG...: herd in the project folder, the cache on unless told otherwise.
h() {
	t_run env -C "$D" E2E_DIR="$D" HERD_ADDOPTS= "$herd" "$@"
}

h --collect-only "$bin"
sort "$T_OUT" >"$T_WORK/all.ids"
t_eq "$(wc -l <"$T_WORK/all.ids" | tr -d ' ')" 50 "the suite has 50 items"

# split NAME N ARG...: the ids of each shard K/N (--collect-only) in
# $T_WORK/NAME.K; checks the exit status of each.
split() {
	sp_name=$1
	sp_n=$2
	shift 2
	sp_k=1
	sp_bad=
	while [ "$sp_k" -le "$sp_n" ]; do
		h --collect-only --shard "$sp_k/$sp_n" "$@" "$bin"
		[ "$T_STATUS" -eq 0 ] || sp_bad="$sp_bad $sp_k/$sp_n:$T_STATUS"
		cp "$T_OUT" "$T_WORK/$sp_name.$sp_k"
		sp_k=$((sp_k + 1))
	done
	t_eq "${sp_bad:-none}" none "$sp_name: every --shard K/$sp_n --collect-only exits 0"
}

# cover NAME N [IDS]: the shards hold every id of IDS (default all.ids)
# exactly once, none empty.
cover() {
	cat "$T_WORK/$1".[0-9]* | sort >"$T_WORK/$1.union"
	t_eq "$(sort -u "$T_WORK/$1.union" | cmp -s - "$T_WORK/$1.union" && echo once || echo twice)" once \
		"$1: no id is in two shards"
	t_same "$T_WORK/$1.union" "${3:-$T_WORK/all.ids}" "$1: the union of the $2 shards is the selection"
}

# sizes NAME N: the number of ids in each shard.
sizes() {
	sz_k=1
	sz=
	while [ "$sz_k" -le "$2" ]; do
		sz="$sz$(wc -l <"$T_WORK/$1.$sz_k" | tr -d ' ') "
		sz_k=$((sz_k + 1))
	done
	printf '%s' "${sz% }"
}

# same NAME1 NAME2 N: the two splits are identical.
same() {
	sm_k=1
	sm_diff=
	while [ "$sm_k" -le "$3" ]; do
		cmp -s "$T_WORK/$1.$sm_k" "$T_WORK/$2.$sm_k" || sm_diff="$sm_diff $sm_k"
		sm_k=$((sm_k + 1))
	done
	t_eq "${sm_diff:-none}" none "$2: the same split as $1 (shards differing:${sm_diff:- none})"
}

# balance NAME N: the largest shard's sum of durations over the ideal
# (total / N), from the cache's durations file, as a decimal.
balance() {
	python3 - "$D/.herd_cache/v1/durations" "$T_WORK/$1" "$2" <<'EOF' 2>&1 | tail -n 1
import sys
secs = {}
for line in open(sys.argv[1]):
    s, i = line.rstrip("\n").split("\t", 1)
    secs[i] = float(s)
n = int(sys.argv[3])
sums = [sum(secs[i] for i in open("%s.%d" % (sys.argv[2], k)).read().split()) for k in range(1, n + 1)]
print("%.2f" % (max(sums) / (sum(sums) / n)))
EOF
}

# slow FILE: how many of the ids in FILE are of the 40 ms items.
slow() {
	sed -n 's/.*::item\[\([0-9]*\)\]$/\1/p' "$1" | awk '$1 % 4 == 0 { n++ } END { print n + 0 }'
}

# --- no durations: balanced by count ---
for n in 1 2 3 4; do
	split cold$n $n --no-cache
	cover cold$n $n
	case $(sizes cold$n $n) in
	"50" | "25 25" | "17 17 16" | "13 13 12 12")
		t_pass "cold$n: balanced by count ($(sizes cold$n $n))" ;;
	*) t_fail "cold$n: balanced by count" "sizes differing by at most 1" "$(sizes cold$n $n)" ;;
	esac
	split cold${n}again $n --no-cache
	same cold$n cold${n}again $n
done
t_eq "$(head -n 1 "$T_WORK/cold2.1")" "$src::sh::item[0]" "cold2: shard 1 starts with item[0]"

# --- a warm cache: balanced by duration ---
h -n 2 "$bin"
t_status 0 "warm-up run: exit 0"
t_eq "$(wc -l <"$D/.herd_cache/v1/durations" | tr -d ' ')" 50 "warm-up run: 50 durations in the cache"
for n in 1 2 3 4; do
	split warm$n $n
	cover warm$n $n
	split warm${n}again $n
	same warm$n warm${n}again $n
done
for n in 2 3 4; do
	ratio=$(balance warm$n $n)
	case $ratio in
	[01].[0-9]*)
		if awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }'; then
			t_pass "warm$n: the largest shard is $ratio x the ideal (<= 1.5)"
		else
			t_fail "warm$n: balanced by duration" "largest shard / ideal <= 1.5" "$ratio"
		fi ;;
	*) t_fail "warm$n: balanced by duration" "largest shard / ideal <= 1.5" "$ratio" ;;
	esac
done
# Splitting by count puts all thirteen 40 ms items in shard 1 of 2 and of 4:
# the balance check above can fail.
t_eq "$(slow "$T_WORK/cold4.1")" 13 "cold4: shard 1/4 by count holds the thirteen slow items"
# With durations the slow items are spread (LPT deals them 4, 3, 3, 3): a
# check of structure, not of timings, which a loaded machine stretches.
most=0
for k in 1 2 3 4; do
	[ "$(slow "$T_WORK/warm4.$k")" -gt "$most" ] && most=$(slow "$T_WORK/warm4.$k")
done
t_lt "$most" 6 "warm4: no shard holds more than 5 of the thirteen slow items"
# printed for a post-mortem
printf '# slow items per warm shard of 4:'
for k in 1 2 3 4; do
	printf ' %s' "$(slow "$T_WORK/warm4.$k")"
done
printf '\n'

# With -k, the shards split the selection.
split sel 3 -k "not item[1] and not item[2]"
grep -vE '::item\[[12]\]$' "$T_WORK/all.ids" >"$T_WORK/sel.ids"
cover sel 3 "$T_WORK/sel.ids"

# --- runs of the shards, as CI machines sharing one cache would ---
rm -f "$D/runs.log"
k=1
while [ $k -le 4 ]; do
	rm -rf "$T_WORK/cache.$k"
	cp -r "$D/.herd_cache" "$T_WORK/cache.$k"
	t_run env -C "$D" E2E_DIR="$D" HERD_ADDOPTS= HIST_FAIL_INDEX=7 "$herd" -n 2 \
		--cache-dir "$T_WORK/cache.$k" --shard $k/4 "$bin" \
		--json "$T_WORK/s$k.json" --junit-xml "$T_WORK/s$k.xml"
	# item[7] fails: the shard LPT put it in exits 1.
	grep -qxF "$src::sh::item[7]" "$T_WORK/warm4.$k" && want=1 || want=0
	t_status "$want" "shard $k/4 run: exit $want"
	t_has out "shard $k/4" "shard $k/4 run: the header names the shard"
	python3 -c 'import json,sys; print("\n".join(t["id"] for t in json.load(open(sys.argv[1]))["tests"]))' \
		"$T_WORK/s$k.json" 2>&1 | sort >"$T_WORK/ran.$k"
	sort "$T_WORK/warm4.$k" >"$T_WORK/listed.$k"
	t_same "$T_WORK/ran.$k" "$T_WORK/listed.$k" "shard $k/4 run: the JSON holds the ids --collect-only listed"
	k=$((k + 1))
done
t_eq "$(sort "$D/runs.log" | uniq -d | wc -l | tr -d ' ') $(wc -l <"$D/runs.log" | tr -d ' ')" "0 50" \
	"the 4 shard runs ran 50 items, each once"
t_eq "$(python3 -c 'import json,sys; m = json.load(open(sys.argv[1]))["meta"]; print(m["shard"], m["shards"], m["selected"], len(m["collection"]) > 0)' "$T_WORK/s3.json" 2>&1 | tail -n 1)" \
	"3 4 50 True" "the JSON report's meta: shard 3 of 4, 50 selected, a collection hash"
t_xml_valid "$T_WORK/s3.xml" "the shard's JUnit file is well-formed"
t_junit_valid "$T_WORK/s3.xml" "the shard's JUnit file, properties and all, is valid against junit-10.xsd"
t_xml_eq "$T_WORK/s3.xml" "concat(//property[@name='herd.shard']/@value, ' ', //property[@name='herd.shards']/@value, ' ', //property[@name='herd.selected']/@value)" \
	"3 4 50" "the JUnit properties: herd.shard 3, herd.shards 4, herd.selected 50"
t_eq "$(t_xpath "$T_WORK/s3.xml" 'string(//property[@name="herd.collection"]/@value)')" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["meta"]["collection"])' "$T_WORK/s3.json" 2>&1)" \
	"the JUnit herd.collection is the JSON's collection hash"

# --- herd merge: JSON ---
cd "$T_WORK" || t_bail "cd to the scratch folder" "$T_WORK" "cd failed"
t_run "$herd" merge merged.json s1.json s2.json s3.json s4.json
t_status 0 "merge JSON: exit 0"
python3 -c 'import json,sys; print("\n".join(t["id"] for t in json.load(open(sys.argv[1]))["tests"]))' \
	merged.json 2>&1 | sort >"$T_WORK/merged.ids"
t_same "$T_WORK/merged.ids" "$T_WORK/all.ids" "merge JSON: every id, once"
t_eq "$(python3 -c 'import json,sys; s = json.load(open(sys.argv[1]))["summary"]; print(s["passed"], s["failed"], s["total"])' merged.json 2>&1 | tail -n 1)" \
	"49 1 50" "merge JSON: the summary counts 49 passed, 1 failed, 50 in all"
t_run "$herd" merge merged2.json s4.json s2.json s1.json s3.json
python3 -c 'import json,sys; print("\n".join(t["id"] for t in json.load(open(sys.argv[1]))["tests"]))' \
	merged2.json 2>&1 | sort >"$T_WORK/merged2.ids"
t_same "$T_WORK/merged2.ids" "$T_WORK/all.ids" "merge JSON, inputs in another order: every id, once"

# --- herd merge: JUnit ---
t_run "$herd" merge merged.xml s1.xml s2.xml s3.xml s4.xml
t_status 0 "merge JUnit: exit 0"
t_xml_valid merged.xml "merge JUnit: well-formed"
t_junit_valid merged.xml "merge JUnit: valid against junit-10.xsd"
t_xml_eq merged.xml "count(//testcase)" 50 "merge JUnit: 50 testcases"
t_xml_eq merged.xml "sum(//testsuite/@tests)" 50 "merge JUnit: the testsuites count 50 tests"
t_xml_eq merged.xml "sum(//testsuite/@failures)" 1 "merge JUnit: 1 failure counted"
t_xml_eq merged.xml "count(//testcase[failure])" 1 "merge JUnit: 1 testcase with a failure"
t_xml_eq merged.xml "count(//testcase[@name='item[7]']/failure)" 1 "merge JUnit: the failure is item[7]'s"

# merge_fails DESC PATTERN ARG...: herd merge ARG... exits 1 with one line
# on stderr matching PATTERN, nothing on stdout, and no output file.
merge_fails() {
	mf_desc=$1
	mf_pat=$2
	shift 2
	rm -f bad.json bad.xml
	t_run "$herd" merge "$@"
	t_status 1 "$mf_desc: exit 1"
	t_eq "$(wc -l <"$T_ERR" | tr -d ' ') $(wc -c <"$T_OUT" | tr -d ' ')" "1 0" \
		"$mf_desc: one line on stderr, nothing on stdout"
	t_match err "$mf_pat" "$mf_desc: the line says why"
	if [ -e bad.json ] || [ -e bad.xml ]; then
		t_fail "$mf_desc: no output file" "no $1" "one"
	else
		t_pass "$mf_desc: no output file"
	fi
}
merge_fails "merge, a shard twice" "shard 2/4 is given twice" bad.json s1.json s2.json s2.json s3.json s4.json
merge_fails "merge, a shard missing" "shard 3/4 is missing" bad.json s1.json s2.json s4.json
merge_fails "merge, two shards missing" "shards 1/4, 4/4 are missing" bad.json s2.json s3.json
merge_fails "merge JUnit, a shard missing" "shard 4/4 is missing" bad.xml s1.xml s2.xml s3.xml

# An id in two shards: shard 2 claims one of shard 1's ids instead of its own.
python3 - s1.json s2.json s2x.json <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
b["tests"][0]["id"] = a["tests"][0]["id"]
json.dump(b, open(sys.argv[3], "w"))
EOF
merge_fails "merge, overlapping shards" "shards overlap: .*item\[[0-9]+\] is in s1\.json and s2x\.json" \
	bad.json s1.json s2x.json s3.json s4.json
# An id lost: shard 4 without its last item.
python3 - s4.json s4x.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["tests"].pop()
json.dump(d, open(sys.argv[2], "w"))
EOF
merge_fails "merge, an id missing" "1 ids? missing" bad.json s1.json s2.json s3.json s4x.json
# A shard of another run (another selection).
t_run env -C "$D" E2E_DIR="$D" HERD_ADDOPTS= "$herd" -n 2 --no-cache --shard 4/4 -k "not item[3]" "$bin" \
	--json "$T_WORK/other4.json"
merge_fails "merge, a shard of another run" "different runs" bad.json s1.json s2.json s3.json other4.json
printf '{"not": "a report"' >junk.json
# Not JSON at all: a usage error naming the file and line (tests/e2e/limits.sh
# has more of these).
t_run "$herd" merge bad.json s1.json junk.json
t_status 4 "merge, not JSON: exit 4"
t_match err "^herd: merge: junk\.json:1:19: invalid JSON" "merge, not JSON: the line names file, line and column"

# More shards than selected items (a CI matrix wider than a -k selection):
# the empty shards still leave reports, so that their merge is the run.
k=1
empty_bad=
while [ $k -le 5 ]; do
	rm -f "$T_WORK/e$k.json" "$T_WORK/e$k.xml"
	t_run env -C "$D" E2E_DIR="$D" HERD_ADDOPTS= "$herd" -n 1 --no-cache --shard $k/5 \
		-k "item[1] or item[2] or item[3]" "$bin" --json "$T_WORK/e$k.json" --junit-xml "$T_WORK/e$k.xml"
	[ -f "$T_WORK/e$k.json" ] && [ -f "$T_WORK/e$k.xml" ] || empty_bad="$empty_bad $k/5"
	k=$((k + 1))
done
t_eq "${empty_bad:-none}" none "3 items in 5 shards: every shard writes its JSON and JUnit reports (missing:${empty_bad:- none})"
t_run "$herd" merge empty.json e1.json e2.json e3.json e4.json e5.json
t_status 0 "3 items in 5 shards: merging the 5 JSON reports succeeds"
t_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["tests"]))' empty.json 2>&1 | tail -n 1)" 3 \
	"3 items in 5 shards: the merged JSON holds the 3 items"
t_run "$herd" merge empty.xml e1.xml e2.xml e3.xml e4.xml e5.xml
t_status 0 "3 items in 5 shards: merging the 5 JUnit reports succeeds"

# Usage errors: exit 4.
t_run "$herd" merge bad.json
t_status 4 "merge with no input: exit 4"
t_run "$herd" merge bad.txt s1.json
t_status 4 "merge to a .txt: exit 4"
t_run "$herd" merge bad.xml s1.json s2.json s3.json s4.json
t_status 4 "merge JSON inputs into .xml: exit 4"
t_run "$herd" --shard 5/4 "$bin"
t_status 4 "--shard 5/4: exit 4"
t_run "$herd" --shard 0/4 "$bin"
t_status 4 "--shard 0/4: exit 4"
t_run "$herd" --shard 1 "$bin"
t_status 4 "--shard 1: exit 4"

t_finish
