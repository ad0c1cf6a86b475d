# shellcheck shell=sh disable=SC2034 # SSHD_* are for the caller
# tests/remote/sshd.sh - a private sshd on loopback for the remote tests and
# benchmark, sourced (POSIX sh). It runs Debian's sshd as the current user on
# 127.0.0.1 at a free port, with a host key, a client key and an
# authorized_keys generated into a folder of its own, and puts a folder first
# on PATH whose `ssh` runs the system client with a private configuration
# (that key, a known_hosts naming the host key, BatchMode), since herd runs
# the system `ssh` for --tx ssh=.
#
#   sshd_start DIR   DIR is an absolute, empty folder (it holds the keys, the
#                    configurations, the log and sshd.pid). On success sets
#                    SSHD_PORT and SSHD_PID and prepends DIR/bin to PATH; on
#                    failure returns 1 with the reason in SSHD_WHY (the
#                    caller reports its checks skipped, never passed).
#   sshd_stop        stops it (TERM, then KILL) and waits for it to go.
#
# HERD_SSHD names another sshd binary (e.g. /bin/false, to see the skip).
#
# The far side's sessions get XDG_CACHE_HOME=DIR/cache and E2E_SSH=1
# (sshd's SetEnv), and the VAR=VALUE words of SSHD_SETENV: a test never fills
# the user's own cache, and a test binary can tell that it runs behind sshd.
# DIR/bin/ssh logs each command line it is given to DIR/ssh.log, one argument
# a line, a blank line after each. Safe under set -e.

# sshd_free_port: a port nobody listens on at this instant; sshd_start
# retries when another process takes it first.
sshd_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || :
}

# sshd_alive: true while sshd runs; a zombie (dead, not yet reaped by this
# shell) is dead.
sshd_alive() {
	sshd_al_st=$(sed 's/.*) //' "/proc/$SSHD_PID/stat" 2>/dev/null | cut -c1)
	[ -n "$sshd_al_st" ] && [ "$sshd_al_st" != Z ] && [ "$sshd_al_st" != X ]
}

# sshd_wait_log DIR: polls sshd's log (bounded, 10 s) until it says it listens
# or that it failed; 0 listening, 1 failed to bind, 2 anything else.
sshd_wait_log() {
	sshd_wl_i=200
	while [ "$sshd_wl_i" -gt 0 ]; do
		grep -q '^Server listening on ' "$1/sshd.log" 2>/dev/null && return 0
		grep -qE 'Bind to port .* failed|Cannot bind any address' "$1/sshd.log" 2>/dev/null &&
			return 1
		sshd_alive || return 2
		sleep 0.05
		sshd_wl_i=$((sshd_wl_i - 1))
	done
	return 2
}

# sshd_configure DIR PORT: sshd's configuration and the client's.
sshd_configure() {
	cat >"$1/sshd_config" <<EOF
Port $2
ListenAddress 127.0.0.1
HostKey $1/host_key
AuthorizedKeysFile $1/authorized_keys
PidFile $1/sshd.pid
AllowUsers $(id -un)
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
MaxStartups 64
MaxSessions 64
SetEnv XDG_CACHE_HOME=$1/cache E2E_SSH=1 ${SSHD_SETENV-}
LogLevel VERBOSE
EOF
	printf '[127.0.0.1]:%s %s\n' "$2" "$(cut -d' ' -f1,2 "$1/host_key.pub")" \
		>"$1/known_hosts"
	cat >"$1/ssh_config" <<EOF
Host *
	IdentityFile $1/client_key
	IdentitiesOnly yes
	UserKnownHostsFile $1/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 10
	LogLevel ERROR
EOF
}

# sshd_wrapper DIR: DIR/bin/ssh, the system ssh with DIR's configuration.
sshd_wrapper() {
	mkdir -p "$1/bin" || return 1
	cat >"$1/bin/ssh" <<EOF
#!/bin/sh
{ printf '%s\n' "\$@"; echo; } >>'$1/ssh.log'
exec '$SSHD_SSH' -F '$1/ssh_config' "\$@"
EOF
	chmod +x "$1/bin/ssh"
}

sshd_start() {
	SSHD_DIR=$1
	SSHD_PID=
	SSHD_PORT=
	SSHD_WHY=
	SSHD_SBIN=${HERD_SSHD:-$(command -v sshd || echo /usr/sbin/sshd)}
	SSHD_SSH=$(command -v ssh || echo /usr/bin/ssh)
	if [ ! -x "$SSHD_SBIN" ] || [ ! -x "$SSHD_SSH" ]; then
		SSHD_WHY="sshd or ssh is not installed (Debian packages openssh-server, openssh-client)"
		return 1
	fi
	case $SSHD_DIR in
	/*) ;;
	*) SSHD_WHY="sshd_start needs an absolute folder, not '$SSHD_DIR'"; return 1 ;;
	esac
	case $SSHD_DIR in *"'"* | *'
'*)
		SSHD_WHY="the folder's path has a quote or a newline: '$SSHD_DIR'"; return 1 ;;
	esac
	if ! command -v python3 >/dev/null 2>&1; then
		SSHD_WHY="python3 (to find a free port) is not installed"
		return 1
	fi
	if ! { ssh-keygen -q -t ed25519 -N '' -C herd-e2e-host -f "$SSHD_DIR/host_key" &&
		ssh-keygen -q -t ed25519 -N '' -C herd-e2e-client -f "$SSHD_DIR/client_key" &&
		cp "$SSHD_DIR/client_key.pub" "$SSHD_DIR/authorized_keys"; } \
		>"$SSHD_DIR/keygen.log" 2>&1; then
		SSHD_WHY="ssh-keygen failed: $(head -n 1 "$SSHD_DIR/keygen.log")"
		return 1
	fi
	if ! { mkdir -m 0700 "$SSHD_DIR/cache" && sshd_wrapper "$SSHD_DIR"; }; then
		SSHD_WHY="cannot write into $SSHD_DIR"
		return 1
	fi
	# Started as root, sshd wants its privilege separation folder, which a
	# booted Debian makes at sshd's service start (and a container has not).
	if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
		mkdir -m 0755 /run/sshd 2>/dev/null || :
	fi
	for _ in 1 2 3 4 5; do
		SSHD_PORT=$(sshd_free_port)
		[ -n "$SSHD_PORT" ] || { SSHD_WHY="no free port on 127.0.0.1"; return 1; }
		sshd_configure "$SSHD_DIR" "$SSHD_PORT"
		: >"$SSHD_DIR/sshd.log"
		# -D: stays in the foreground, so $! is sshd; -e -E: logs to the file.
		"$SSHD_SBIN" -D -e -E "$SSHD_DIR/sshd.log" -f "$SSHD_DIR/sshd_config" \
			</dev/null >/dev/null 2>&1 &
		SSHD_PID=$!
		sshd_st=0
		sshd_wait_log "$SSHD_DIR" || sshd_st=$?
		case $sshd_st in
		0) break ;;
		1) sshd_stop ;;
		*)
			sshd_said=$(tr -d '\r' <"$SSHD_DIR/sshd.log" | grep -v '^$' | head -n 1)
			SSHD_WHY="$SSHD_SBIN did not start: ${sshd_said:-it exited, saying nothing}"
			sshd_stop
			return 1
			;;
		esac
	done
	if [ -z "$SSHD_PID" ]; then
		SSHD_WHY="sshd could not bind a port on 127.0.0.1 (5 tries)"
		return 1
	fi
	# Never a listener beyond loopback: sshd's own word on what it bound
	# (its log lines end in CR LF).
	if [ "$(grep -c '^Server listening on ' "$SSHD_DIR/sshd.log")" != 1 ] ||
		! tr -d '\r' <"$SSHD_DIR/sshd.log" |
		grep -qxF "Server listening on 127.0.0.1 port $SSHD_PORT."; then
		SSHD_WHY="sshd listens elsewhere than 127.0.0.1:$SSHD_PORT: $(grep '^Server listening' "$SSHD_DIR/sshd.log" | tr '\n' ' ')"
		sshd_stop
		return 1
	fi
	PATH=$SSHD_DIR/bin:$PATH
	export PATH
	if ! ssh -p "$SSHD_PORT" 127.0.0.1 true </dev/null >"$SSHD_DIR/probe.log" 2>&1; then
		SSHD_WHY="ssh -p $SSHD_PORT 127.0.0.1 true fails: $(head -n 1 "$SSHD_DIR/probe.log")"
		sshd_stop
		return 1
	fi
	return 0
}

sshd_stop() {
	[ -n "${SSHD_PID-}" ] || return 0
	kill -TERM "$SSHD_PID" 2>/dev/null || :
	sshd_st_i=100
	while [ "$sshd_st_i" -gt 0 ] && sshd_alive; do
		sleep 0.05
		sshd_st_i=$((sshd_st_i - 1))
	done
	kill -KILL "$SSHD_PID" 2>/dev/null || :
	wait "$SSHD_PID" 2>/dev/null || :
	SSHD_PID=
}
