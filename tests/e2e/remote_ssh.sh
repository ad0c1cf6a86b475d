#!/bin/sh
# remote_ssh.sh - remote workers over a real sshd on loopback
# (tests/remote/sshd.sh: Debian's sshd as the current user on 127.0.0.1, keys
# of its own; skipped, with the reason, where it cannot start). Against
# `herd --tx 2*ssh=127.0.0.1:PORT//chdir=DIR//herd=PATH`: every outcome and
# the JSON report are the same as local `-n 2`'s; the header lists the host
# and its workers; herd runs the documented ssh command line; the binary is
# sent on the first run only and cached privately; a mixed pool (`-n 1` and
# the host) shares one global fixture (set up and torn down once, its board
# value read everywhere), one lock (no two holders at once) and the gwK
# numbering; ids, output, board values, the binary's path, chdir= and herd=
# made of shell payloads (`;`, `$()`, backquotes, quotes, newlines) execute
# nothing and report as locally; an unreachable port beside the good host is
# lost while the run finishes; HERD_SSH replaces the ssh command.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init remote_ssh
# shellcheck source=../remote/sshd.sh
. "$HERD_SRC/tests/remote/sshd.sh"

herd=$HERD_BUILD/herd
[ -x "$herd" ] || t_bail "the controller is built" "$herd" "no such file"
command -v python3 >/dev/null 2>&1 || t_bail "python3 is there" "python3" "not found"
# python3's own path: a version manager's python3 on PATH may be a script
# that takes seconds to start.
py=$(python3 -c 'import sys; print(sys.executable)')

# checks 'CHECK|ARG...' ...: a run's report checks in one python3
# (tests/remote/report.py); answer N prints the N-th answer.
checks() {
	"$py" "$HERD_SRC/tests/remote/report.py" "$@" >"$T_WORK/answers" 2>&1
}
answer() {
	sed -n "$1p" "$T_WORK/answers"
}

# Canaries: where a payload would leave one if a shell ever ran it.
E2E_CANARY=$T_WORK/canary
export E2E_CANARY
SSHD_SETENV="E2E_CANARY=$E2E_CANARY"
mkdir "$T_WORK/sshd" || t_bail "make the sshd folder" "a folder" "mkdir failed"
if ! sshd_start "$T_WORK/sshd"; then
	t_skip "remote workers over ssh" "$SSHD_WHY"
	t_finish
fi
# t_cleanup kills it if the script ends early (its command line names T_WORK).
echo "$SSHD_PID" >"$T_WORK/sshd.pid"
port=$SSHD_PORT
cache=$T_WORK/sshd/cache/herd/bin

t_build rssh tests/e2e/remote_ssh.c
bin=$T_WORK/rssh
tx="2*ssh=127.0.0.1:$port//chdir=$T_WORK//herd=$herd"

# canaries: the canary files anywhere a shell might have run a payload.
canaries() {
	{
		find "$T_WORK" -name 'canary*' -o -name 'herd-canary*'
		find "$HOME" -maxdepth 1 -name 'herd-canary*'
	} 2>/dev/null | sort | tr '\n' ' '
}

# --- the reference: local -n 2 ---
rm -f "$T_WORK/pool.log"
t_run "$herd" -n 2 --json "$T_WORK/local.json" "$bin"
t_status 1 "local -n 2: exit 1"
want_summary=$(t_closing | sed 's/ in [0-9.]*s / in Ts /')

# --- the same over ssh ---
rm -f "$T_WORK/pool.log"
t_run "$herd" --tx "$tx" --json "$T_WORK/ssh.json" "$bin"
if grep -q "unknown option '--tx'" "$T_ERR"; then
	t_bail "herd knows --tx" "a run" "$(head -n 1 "$T_ERR")"
fi
t_status 1 "ssh: exit 1, as locally"
t_eq "$(t_closing | sed 's/ in [0-9.]*s / in Ts /')" "$want_summary" "ssh: the closing line is local's"
checks "same|$T_WORK/ssh.json|$T_WORK/local.json" "summary|$T_WORK/ssh.json"
t_eq "$(answer 1)" ok "ssh: the JSON report gives every item local's outcome, message and output"
t_eq "$(answer 2)" ok "ssh: the JSON summary agrees with its tests"
t_match out "^herd [^ ]+ -- 2 workers \(127\.0\.0\.1:$port 2\), " \
	"ssh: the header lists the host and its 2 workers"
t_match err "^herd: 127\.0\.0\.1:$port: sending .*rssh \($(wc -c <"$bin") bytes\)\$" \
	"ssh: the first run sends the binary, its size said"
# Which of the two runs the pool's items is the scheduler's choice (one may
# be busy with the outcome suite throughout): each ran far, as one of the 2.
t_eq "$(awk '$1 == "ITEM" { print $4, $5, $6 }' "$T_WORK/pool.log" |
	sed -E 's/^gw[01] 2 far$/gwK 2 far/' | sort -u | tr '\n' ' ')" \
	"gwK 2 far " "ssh: the items ran behind sshd, as gw0 or gw1 of 2"
# The documented command line: ssh -T -o BatchMode=yes -p PORT -- HOST SCRIPT.
printf '%s\n' -T -o BatchMode=yes -p "$port" -- 127.0.0.1 \
	"cd '$T_WORK' && exec '$herd' --remote-worker" "" >"$T_WORK/ssh.want"
awk 'BEGIN { RS = ""; ORS = "\n\n" } NR == 2' "$T_WORK/sshd/ssh.log" >"$T_WORK/ssh.got"
t_same "$T_WORK/ssh.got" "$T_WORK/ssh.want" "ssh: herd ran ssh with the documented arguments"

# --- the cache: one private file; the second run sends nothing ---
t_eq "$(stat -c %a "$T_WORK/sshd/cache/herd" "$cache" 2>&1 | tr '\n' ' ')" "700 700 " \
	"cache: herd/ and herd/bin/ are 0700"
t_eq "$(find "$cache" -type f -perm 0500 -name '????????????????????????????????' | wc -l)" 1 \
	"cache: one file, 0500, named by a 32-digit hash"
if cmp -s "$cache"/* "$bin"; then
	t_pass "cache: it is the binary"
else
	t_fail "cache: it is the binary" "the same bytes" "$(ls -l "$cache")"
fi
t_run "$herd" --tx "$tx" --json "$T_WORK/ssh2.json" "$bin"
t_status 1 "second run: exit 1"
checks "same|$T_WORK/ssh2.json|$T_WORK/local.json"
t_eq "$(answer 1)" ok "second run: the same report"
t_nomatch err "sending" "second run: nothing sent"
t_eq "$(find "$cache" -type f | wc -l)" 1 "second run: still one file in the cache"

# --- a mixed pool: -n 1 and the host; HERD_SSH in place of ssh ---
printf '#!/bin/sh\necho "$@" >>"%s/herd_ssh.log"\nexec "%s/sshd/bin/ssh" "$@"\n' "$T_WORK" "$T_WORK" \
	>"$T_WORK/my-ssh"
chmod +x "$T_WORK/my-ssh"
rm -f "$T_WORK/pool.log" "$T_WORK/far-started"
t_run env E2E_GATE=1 HERD_SSH="$T_WORK/my-ssh -o LogLevel=ERROR" \
	"$herd" -n 1 --tx "$tx" -k pool --json "$T_WORK/mixed.json" "$bin"
t_status 0 "mixed: exit 0"
t_has "$T_WORK/herd_ssh.log" "-o LogLevel=ERROR -T -o BatchMode=yes -p $port -- 127.0.0.1 " \
	"mixed: HERD_SSH's command and words ran, before herd's arguments"
checks "outcomes|$T_WORK/mixed.json"
t_eq "$(answer 1)" passed=30 "mixed: the 30 pool items passed"
t_match out "^herd [^ ]+ -- 3 workers \(local 1, 127\.0\.0\.1:$port 2\), " \
	"mixed: the header lists the local worker and the host's"
cat >"$T_WORK/pool.py" <<'EOF'
import sys
ev = [l.split() for l in open(sys.argv[1])]
kinds = [e[0] for e in ev]
print("counts", kinds.count("SETUP"), kinds.count("TEARDOWN"), kinds.count("ITEM"))
setup = [e for e in ev if e[0] == "SETUP"]
items = sorted((int(e[1]), int(e[2])) for e in ev if e[0] == "ITEM")
tear = [e for e in ev if e[0] == "TEARDOWN"]
if setup and tear and items:
    ok = int(setup[0][2]) <= items[0][0] and items[-1][1] <= int(tear[0][1])
    print("order", "ok" if ok else "an item outside the fixture's life")
    value = set(e[6] for e in ev if e[0] == "ITEM")
    print("board", "ok" if value == {setup[0][6]} else "read %s, set %s" % (value, setup[0][6]))
over = sum(1 for a, b in zip(items, items[1:]) if b[0] < a[1])
print("lock", "ok" if not over else "%d overlaps" % over)
print("sides", " ".join(sorted(set("%s/%s/%s" % (e[3], e[4], e[5]) for e in ev if e[0] == "ITEM"))))
EOF
"$py" "$T_WORK/pool.py" "$T_WORK/pool.log" >"$T_WORK/pool.out" 2>&1
t_has "$T_WORK/pool.out" "counts 1 1 30" "mixed: the global fixture set up once, torn down once, 30 items"
t_has "$T_WORK/pool.out" "order ok" "mixed: set up before every item, torn down after every one"
t_has "$T_WORK/pool.out" "board ok" "mixed: every item read the board value the setup published"
t_has "$T_WORK/pool.out" "lock ok" "mixed: no two items held the lock at once"
t_match "$T_WORK/pool.out" '^sides (gw0/3/near )?(gw1/3/far ?)?(gw2/3/far)?$' \
	"mixed: gw0 is local, gw1 and gw2 behind sshd, all of 3"
t_match "$T_WORK/pool.out" '^sides .*far' "mixed: the host ran items"

# --- shell payloads everywhere: nothing runs, the report is local's ---
t_build hostile tests/e2e/remote_hostile.c
# payload KIND: a name for a folder that runs commands in a shell meeting it
# bare (KIND1-3), in single quotes (KIND4) or in double quotes (KIND2, 3, 5),
# with its quotes balanced in each case, and a newline.
payload() {
	# shellcheck disable=SC2016 # the $ and ` are the payload's
	printf '%s' ';touch${IFS}${E2E_CANARY:-herd-canary}.'"$1"'1;$(touch${IFS}${E2E_CANARY:-herd-canary}.'"$1"'2)`touch${IFS}${E2E_CANARY:-herd-canary}.'"$1"'3`'"'"';touch${IFS}${E2E_CANARY:-herd-canary}.'"$1"'4;'"'"'";touch${IFS}${E2E_CANARY:-herd-canary}.'"$1"'5;"
#'
}
bdir=$T_WORK/b$(payload bin)
cdir=$T_WORK/c$(payload cd)
hdir=$T_WORK/h$(payload herd)
mkdir "$bdir" "$cdir" "$hdir" || t_bail "make the hostile folders" "folders" "mkdir failed"
hbin="$bdir/t \$(x) 'y'"
if ! { cp "$T_WORK/hostile" "$hbin" && ln -s "$herd" "$hdir/herd"; }; then
	t_bail "place the hostile binary and herd" "files" "cp or ln failed"
fi

# The payloads are live: met by sh -c bare or in either quotes, the ids' and
# the folders' leave their canaries (here named proof.*).
"$T_WORK/hostile" --list -k passes | sed 's/.*passes\[\(.*\)\]$/\1/' >"$T_WORK/payloads"
(
	cd "$T_WORK" || exit
	E2E_CANARY=$T_WORK/proof
	live() {
		sh -c "true $1" 2>/dev/null
		sh -c "true '$1'" 2>/dev/null
		sh -c "true \"$1\"" 2>/dev/null
	}
	while IFS= read -r p; do
		live "$p"
	done <"$T_WORK/payloads"
	for d in "$bdir" "$cdir" "$hdir"; do
		live "$d"
	done
) </dev/null
t_eq "$(find "$T_WORK" -maxdepth 1 -name 'proof.*' | sed 's/.*proof\.//' | sort | tr '\n' ' ')" \
	"back bin1 bin2 bin3 bin4 bin5 cd1 cd2 cd3 cd4 cd5 dollar dquote herd1 herd2 herd3 herd4 herd5 pipe semi squote " \
	"payloads: each one runs in a naive shell"
rm -f "$T_WORK"/proof.*

rm -f "$T_WORK/cwd.log" "$cdir/cwd.log"
t_run "$herd" -n 2 --json "$T_WORK/hlocal.json" "$hbin"
t_status 1 "hostile, local: exit 1"
t_run "$herd" --tx "2*ssh=127.0.0.1:$port//chdir=$cdir//herd=$hdir/herd" --json "$T_WORK/hssh.json" "$hbin"
t_status 1 "hostile, ssh: exit 1"
checks "same|$T_WORK/hssh.json|$T_WORK/hlocal.json" "outcomes|$T_WORK/hssh.json"
t_eq "$(answer 1)" ok "hostile, ssh: the report is local's"
t_eq "$(answer 2)" "failed=7 passed=15" "hostile, ssh: 7 failed, 15 passed"
t_eq "$(cat "$cdir/cwd.log" 2>&1)" "far $cdir" "hostile, ssh: the tests ran in the chdir= folder"
t_eq "$(canaries)" "" "hostile, ssh: no canary anywhere"

# --- an unreachable port beside the good host ---
closed=$(sshd_free_port)
rm -f "$T_WORK/far-started"
t_run "$herd" -n 1 --tx "ssh=127.0.0.1:$closed" --tx "$tx" -k pool --json "$T_WORK/lost.json" "$bin"
t_status 0 "closed port: exit 0, the others ran everything"
t_match err "^herd: lost connection to 127\.0\.0\.1:$closed: ssh exited with status 255" \
	"closed port: one line says the host is lost"
checks "outcomes|$T_WORK/lost.json"
t_eq "$(answer 1)" passed=30 "closed port: the 30 items passed"

sshd_stop
t_finish
