#!/bin/sh
# reliab.sh - nothing a user owns is replaced, and bad input stops early:
# reports, the cache and herd merge write through a symlink to its target and
# into a FIFO or a device in place; a closed stdout loses the terminal report,
# never a result; --durations-path wins over the cache; shards run one after
# another in one checkout split alike; an empty shard exits 0; a folder symlink
# cycle is walked once; repeated node ids and FIFOs given as paths are usage
# errors; runs ending together both keep their cache entries; no more workers
# than items; a cache_dir naming the project folder is refused.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init reliab

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"

src=tests/e2e/reliab.c
t_build r $src
t_build r2 -DRELIAB_SECOND $src
t_build rdup -DRELIAB_DUP_PARAM $src
bin=$T_WORK/r
D=$T_WORK/proj
mkdir -p "$D"
printf '[herd]\n' >"$D/herd.ini"

# h ARG...: herd in the project folder with the cache on.
h() {
	t_run env -C "$D" E2E_DIR="$D" HERD_ADDOPTS= "$herd" "$@"
}

# jcount FILE OUTCOME: how many items of a JSON report have that outcome.
jcount() {
	python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(sum(1 for t in d["tests"] if t["outcome"] == sys.argv[2]))' "$1" "$2" 2>/dev/null || echo invalid
}

# ---- 1. reports write through what stands at their path ----

ln -s "$T_WORK/target.json" "$T_WORK/link.json"
ln -s "target.xml" "$T_WORK/link.xml"
t_run "$herd" -n 2 --json link.json --junit-xml link.xml "$bin"
t_status 0 "a run with reports behind symlinks passes"
t_eq "$([ -L "$T_WORK/link.json" ] && echo link || echo replaced)" link "--json leaves the symlink in place"
t_eq "$([ -L "$T_WORK/link.xml" ] && echo link || echo replaced)" link "--junit-xml leaves a relative symlink in place"
t_eq "$(jcount "$T_WORK/target.json" passed)" 5 "--json writes the symlink's (dangling) target"
t_has "$T_WORK/target.xml" '<testsuite' "--junit-xml writes the symlink's target"

ln -s "$T_WORK/alone.xml" "$T_WORK/alone-link.xml"
t_run "$bin" --junit-xml alone-link.xml
t_eq "$([ -L "$T_WORK/alone-link.xml" ] && echo link || echo replaced)" link \
	"the test binary alone leaves a --junit-xml symlink in place"
t_has "$T_WORK/alone.xml" '<testsuite' "the test binary alone writes the symlink's target"

# A FIFO is written in place: its reader gets the report.
mkfifo "$T_WORK/pipe.json"
(timeout 60 cat "$T_WORK/pipe.json" >"$T_WORK/from-pipe.json") &
reader=$!
t_run "$herd" -n 2 --json pipe.json "$bin"
wait "$reader"
t_status 0 "a run with --json into a FIFO passes"
t_eq "$([ -p "$T_WORK/pipe.json" ] && echo fifo || echo replaced)" fifo "the FIFO is still a FIFO"
t_eq "$(jcount "$T_WORK/from-pipe.json" passed)" 5 "the FIFO's reader gets the whole report"

# A device is written in place, never replaced: a node of /dev/full's kind
# (the write fails) made in the scratch folder, so a broken herd replaces
# nothing of the machine's.
if mknod "$T_WORK/full" c 1 7 2>/dev/null; then
	t_run "$herd" -n 1 --junit-xml full "$bin"
	t_eq "$([ -c "$T_WORK/full" ] && echo device || echo replaced)" device "a device stays a device"
	t_status 3 "a report that cannot be written is an internal error"
	t_has err "full" "the failed write names the path"
else
	t_skip "a device stays a device" "mknod needs root"
fi

# The cache and herd merge write through symlinks too.
h -n 1 "$bin"
mv "$D/.herd_cache/v1/durations" "$T_WORK/durations.real"
ln -s "$T_WORK/durations.real" "$D/.herd_cache/v1/durations"
h -n 1 "$bin"
t_eq "$([ -L "$D/.herd_cache/v1/durations" ] && echo link || echo replaced)" link \
	"the cache's durations file stays a symlink"
t_count "$T_WORK/durations.real" 'reliab\.c::r::' 5 "the cache writes the link's target"

t_run "$herd" -n 1 --json a.json "$bin"
ln -s "$T_WORK/merged.json" "$T_WORK/merged-link.json"
t_run "$herd" merge merged-link.json a.json
t_status 0 "herd merge into a symlink passes"
t_eq "$([ -L "$T_WORK/merged-link.json" ] && echo link || echo replaced)" link \
	"herd merge leaves its output's symlink in place"
t_eq "$(jcount "$T_WORK/merged.json" passed)" 5 "herd merge writes the link's target"

# ---- 2. a closed stdout loses the terminal report, never a result ----

t_run sh -c "exec \"\$0\" -n 2 --json closed.json \"\$1\" >&-" "$herd" "$bin"
t_status 0 "herd with stdout closed exits 0 on a passing suite"
t_eq "$(jcount "$T_WORK/closed.json" passed)" 5 "with stdout closed every item still passes"
t_lacks err "unknown message" "the banner does not go down the protocol"
t_run sh -c "exec \"\$0\" --junit-xml closed.xml >&-" "$bin"
t_status 0 "the test binary alone with stdout closed exits 0"
t_has "$T_WORK/closed.xml" 'failures="0"' "the test binary alone writes its report with stdout closed"

# ---- 4. --durations-path wins over the cache ----

# durations FILE A B C D STEERED: a pytest-split file for the five items.
durations() {
	printf '{"tests/e2e/reliab.c::r::one": %s, "tests/e2e/reliab.c::r::two": %s, "tests/e2e/reliab.c::r::three": %s, "tests/e2e/reliab.c::r::four": %s, "tests/e2e/reliab.c::r::steered": %s}\n' \
		"$2" "$3" "$4" "$5" "$6" >"$1"
}
P4=$T_WORK/p4
mkdir -p "$P4"
printf '[herd]\n' >"$P4/herd.ini"
durations "$P4/.test_durations" 100 1 1 1 1
durations "$P4/other.json" 1 1 1 100 1
t_run env -C "$P4" HERD_ADDOPTS= "$herd" --collect-only --shard 1/2 "$bin"
t_eq "$(cat "$T_OUT")" "tests/e2e/reliab.c::r::one" "an empty cache is seeded by .test_durations"
t_run env -C "$P4" HERD_ADDOPTS= "$herd" -n 1 "$bin"
t_run env -C "$P4" HERD_ADDOPTS= "$herd" --collect-only --shard 1/2 --durations-path other.json "$bin"
t_eq "$(cat "$T_OUT")" "tests/e2e/reliab.c::r::four" "--durations-path wins over a warm cache"
echo '[1, 2]' >"$P4/bad.json"
t_run env -C "$P4" HERD_ADDOPTS= "$herd" --collect-only --durations-path bad.json "$bin"
t_has err "warning: bad.json: at byte 0" "a bad --durations-path file is warned of with a warm cache"
t_run env -C "$P4" HERD_ADDOPTS= "$herd" --collect-only --durations-path missing.json "$bin"
t_has err "missing.json" "a missing --durations-path file is warned of"

# ---- 5, 6. shards in one checkout; an empty shard ----

P5=$T_WORK/p5
# shard_round: runs shards 1..3 of 3 one after another in $P5, appending the
# ids each ran to shards.ids.
shard_round() {
	k=1
	while [ $k -le 3 ]; do
		t_run env -C "$P5" HERD_ADDOPTS= "$herd" -n 1 --shard $k/3 --json "s$k.json" "$bin"
		python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["tests"]: print(t["id"])' "$P5/s$k.json" >>"$T_WORK/shards.ids"
		k=$((k + 1))
	done
}
mkdir -p "$P5"
printf '[herd]\n' >"$P5/herd.ini"
# Bogus durations that the runs' real ones (all near 0) contradict.
durations "$P5/.test_durations" 9 8 7 6 5
shard_round
t_eq "$(sort "$T_WORK/shards.ids" | tr '\n' ' ')" \
	"tests/e2e/reliab.c::r::four tests/e2e/reliab.c::r::one tests/e2e/reliab.c::r::steered tests/e2e/reliab.c::r::three tests/e2e/reliab.c::r::two " \
	"shards 1..3 run one after another run every item exactly once"
: >"$T_WORK/shards.ids"
shard_round
t_eq "$(sort -u "$T_WORK/shards.ids" | wc -l | tr -d ' '),$(wc -l <"$T_WORK/shards.ids" | tr -d ' ')" "5,5" \
	"a second round of shards, split by what the first learned, covers the suite too"

t_run "$herd" -n 1 --shard 6/6 -k one --json empty.json "$bin"
t_status 0 "an empty shard exits 0"
t_has err "shard 6/6 holds no item" "an empty shard says so"
t_has "$T_WORK/empty.json" '"shard": 6' "an empty shard writes its report"
t_run "$herd" --collect-only --shard 6/6 -k one "$bin"
t_status 0 "an empty shard's --collect-only exits 0"

# ---- 7, 8. what herd collects ----

mkdir -p "$T_WORK/d1/sub"
ln "$bin" "$T_WORK/d1/r"
ln -s .. "$T_WORK/d1/sub/up"
t_run "$herd" --collect-only d1
t_status 0 "a folder with a symlink cycle collects"
t_eq "$(wc -l <"$T_OUT" | tr -d ' ')" 5 "a folder symlink cycle is walked once: 5 items, not 5 per lap"
t_run "$herd" --collect-only r d1/r ./r
t_eq "$(wc -l <"$T_OUT" | tr -d ' ')" 5 "one binary named three ways runs once"

t_run "$herd" -n 2 r r2
t_status 4 "two binaries built from one source are a usage error"
t_match err "r2?.* and .*r2? both have the node id 'tests/e2e/reliab\.c::r::" "the error names both binaries and the id"
t_eq "$(wc -l <"$T_ERR" | tr -d ' ')" 1 "the error is one line"
t_run "$herd" -n 2 rdup
t_status 4 "a TEST_P whose param ids repeat is a usage error"
t_has err "two items have the node id 'tests/e2e/reliab.c::r::dup[x]'" "the error names the repeated id"
t_run ./rdup
t_status 4 "run alone, a TEST_P whose param ids repeat is a usage error too"
t_has err "rdup: two items have the node id 'tests/e2e/reliab.c::r::dup[x]'" "alone, the error names the binary and the repeated id"
t_eq "$(wc -l <"$T_ERR" | tr -d ' ')" 1 "alone, the error is one line"
t_run ./rdup -k 'not dup'
t_status 0 "alone, a selection without the repeated id runs"

mkfifo "$T_WORK/fifo"
chmod +x "$T_WORK/fifo"
t_run "$herd" fifo
t_status 4 "a FIFO given as a path is a usage error"
t_has err "fifo: not a test binary or a folder (a FIFO)" "the error says what the path is"
t_lt "$T_ELAPSED" 30 "a FIFO given as a path does not hang"

# ---- 11. runs ending together keep each other's cache entries ----

P11=$T_WORK/p11
mkdir -p "$P11"
printf '[herd]\n' >"$P11/herd.ini"
# A loads the cache, then waits until B has run and saved; without a merge
# under the lock, A's save would drop B's failure.
t_start_bg env -C "$P11" E2E_DIR="$P11" HERD_ADDOPTS= RELIAB_TAG=a RELIAB_WAIT=1 RELIAB_FAIL=1 \
	"$herd" -n 1 -k steered "$bin"
bg_out=$T_OUT
t_wait_file "$P11/wait-a" 60 || t_fail "run A reaches its test" "wait-a" "nothing"
cp "$bin" "$P11/r-b"
t_run env -C "$P11" E2E_DIR="$P11" HERD_ADDOPTS= RELIAB_TAG=b RELIAB_FAIL=1 "$herd" -n 1 -k steered r-b
t_status 1 "run B fails its test"
: >"$P11/go-a"
t_wait_bg
t_status 1 "run A fails its test"
T_OUT=$bg_out
t_run env -C "$P11" HERD_ADDOPTS= "$herd" --cache-show
t_count out '^ *tests/e2e/reliab\.c::r::steered' 1 "one id is listed once"
t_run cat "$P11/.herd_cache/v1/lastfailed"
t_count out '^tests/e2e/reliab\.c::r::steered$' 1 "the failure both runs saved is in lastfailed"
# Different ids are needed to tell the runs apart: the second binary's.
P11b=$T_WORK/p11b
mkdir -p "$P11b"
printf '[herd]\n' >"$P11b/herd.ini"
t_start_bg env -C "$P11b" E2E_DIR="$P11b" HERD_ADDOPTS= RELIAB_TAG=a RELIAB_WAIT=1 RELIAB_FAIL=1 \
	"$herd" -n 1 -k steered "$bin"
t_wait_file "$P11b/wait-a" 60 || t_fail "run A reaches its test" "wait-a" "nothing"
t_run env -C "$P11b" E2E_DIR="$P11b" HERD_ADDOPTS= RELIAB_TAG=b "$herd" -n 1 -k "one or two" "$bin"
t_status 0 "run B passes"
: >"$P11b/go-a"
t_wait_bg
t_run cat "$P11b/.herd_cache/v1/durations"
t_count out 'reliab\.c::r::(one|two|steered)$' 3 "A's save keeps the durations B saved meanwhile"

# ---- rough edges: -n beyond the items, cache_dir ----

rm -f "$T_WORK/count"
t_run "$herd" -n 50 "$bin"
t_status 0 "-n 50 on 5 items passes"
t_has out "5 workers" "-n 50 on 5 items starts 5 workers"
t_eq "$(sort -u "$T_WORK/count" | tr '\n' ' ')" "5 " "herd_worker_count() says 5"
t_run "$herd" -n 10000 "$bin"
t_status 4 "-n 10000 is a usage error"
t_has err "0 to 4096" "the error gives the range"

P12=$T_WORK/p12
mkdir -p "$P12"
printf '[herd]\ncache_dir = .\n' >"$P12/herd.ini"
t_run env -C "$P12" HERD_ADDOPTS= "$herd" -n 1 "$bin"
t_status 4 "cache_dir = . is refused"
t_has err "names the project's own folder" "the error says why"
t_eq "$(ls -A "$P12" | tr '\n' ' ')" "herd.ini " "nothing was written into the project folder"
printf '[herd]\ncache_dir =\n' >"$P12/herd.ini"
t_run env -C "$P12" HERD_ADDOPTS= "$herd" -n 1 "$bin"
t_status 4 "an empty cache_dir is refused"
t_run env -C "$P12" HERD_ADDOPTS= "$herd" -n 1 --cache-dir . "$bin"
t_status 4 "--cache-dir . is refused"

t_finish
