"""Collect once: later workers are forks of the first one's collection.

herd's controller starts every worker itself, as a process with its own fds
and process group. The first worker listens on a unix socket in the run's
private folder (HERD_PYTEST_DIR, which herd --pytest makes) before it says
hello, and collects; before it sends its list it forks a server that keeps
that collection and takes over the socket. A later worker starts as a thin
launcher that never imports pytest: the ones the controller starts with the
first (HERD_LISTED_BY) while it collects, the ones it starts after the list
(HERD_COLLECT_HASH). A launcher passes its fds (0-2, the protocol's, the
capture and the results file) and its environment to the server (SCM_RIGHTS;
a connection made before the server is up waits in the socket's queue), the
server forks a child that takes them, joins the launcher's process group (so
that the controller's kill of the group reaches it) and works on; the
launcher waits for the child's exit status, which the server sends it, and
ends the same way. A launcher that cannot reach the
socket collects by itself, as a first worker does."""
import array
import fcntl
import gc
import os
import select
import signal
import socket
import struct
import sys

NAME = "fork.sock"
HEADER = struct.Struct("=iI")	# the launcher's process group, the payload's length
NFDS = 6			# stdin, stdout, stderr, protocol, capture and results fds


_listener = None	# the first worker's socket, until the server takes it


def enabled():
    return os.environ.get("HERD_PYTEST_DIR") and os.environ.get("HERD_PYTEST_FORKSERVER", "1") != "0"


def is_later():
    """Whether this worker is a later one, which the first one's collection
    may serve: started with it (HERD_LISTED_BY) or after its list."""
    return bool(os.environ.get("HERD_LISTED_BY") or os.environ.get("HERD_COLLECT_HASH"))


def listen():
    """In the first worker, at its start: the socket later workers connect
    to, which the fork server serves once the collection is done."""
    global _listener
    if not enabled() or is_later():
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(os.path.join(os.environ["HERD_PYTEST_DIR"], NAME))
        s.listen(socket.SOMAXCONN)
        # Above the fds the server keeps busy (Server), which an fd made
        # this early may be among.
        high = fcntl.fcntl(s.fileno(), fcntl.F_DUPFD_CLOEXEC, NFDS + 1)
    except OSError:
        s.close()
        return
    s.close()
    _listener = socket.socket(fileno=high)


# ---- the launcher ----

def launch():
    """Runs as a worker forked from the collection; returns only if it cannot."""
    if not enabled() or "HERD_PROTOCOL_FD" not in os.environ:
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(os.path.join(os.environ["HERD_PYTEST_DIR"], NAME))
    except OSError:
        s.close()
        return
    # A fd the controller did not give stands in as stdin: the child
    # duplicates it onto 0 again, and its variable names nothing.
    fds = [0, 1, 2, int(os.environ["HERD_PROTOCOL_FD"]), int(os.environ.get("HERD_CAPTURE_FD", "0")),
           int(os.environ.get("HERD_RESULTS_FD", "0"))]
    env = b"\0".join(k + b"=" + v for k, v in os.environb.items())
    payload = os.getcwdb() + b"\0" + b" ".join(b"%d" % f for f in fds) + b"\0" + env
    try:
        s.sendmsg([HEADER.pack(os.getpgrp(), len(payload)) + payload],
                  [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    except OSError:
        s.close()
        return
    # The child has the channel now; this process only waits.
    for fd in set(fds[3:]) - {0, 1, 2}:
        os.close(fd)
    data = b""
    while len(data) < 4:
        try:
            b = s.recv(4 - len(data))
        except InterruptedError:
            continue
        except ConnectionResetError:
            # The first worker stopped before it served anyone (its
            # collection failed): the controller has its word on why.
            os._exit(3)
        if not b:
            sys.stderr.write("herd-pytest: the fork server went away\n")
            os._exit(3)
        data += b
    end_like(struct.unpack("=i", data)[0])


def end_like(status):
    """Exits as the child did, a signal included (without a core file)."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except (ImportError, ValueError, OSError):
            pass
        signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 3)


# ---- the server ----

def serve_if_first():
    """In the first worker, forks the server; returns in the worker and in
    every child the server forks for a launcher (with its fds and environment)."""
    global _listener
    lsock, _listener = _listener, None
    if lsock is None:
        return
    path = os.path.join(os.environ["HERD_PYTEST_DIR"], NAME)
    sys.stdout.flush()
    sys.stderr.flush()
    # The collection's objects leave the garbage collector's generations, in
    # the server and every worker: a collection that walked them would write
    # to (and so copy) every page they are on, in each forked worker.
    gc.freeze()
    if os.fork() != 0:
        lsock.close()
        return
    conn, pgid, fds, env, cwd = Server(lsock, path).run()	# returns in a child
    become(conn, pgid, fds, env, cwd)


class Server:
    def __init__(self, lsock, path):
        self.lsock = lsock
        self.path = path
        self.children = {}	# pid -> the launcher's connection
        # Out of the first worker's group (a kill of it must spare the server),
        # still in the controller's session (so that a child can join a
        # launcher's group); off the worker's pipes and channel.
        os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in range(NFDS + 1):
            os.dup2(null, fd)	# kept busy: received fds land above them
        os.close(null)
        self.ctl = int(os.environ.get("HERD_CONTROLLER_PID", "0"))
        try:
            self.ctlfd = os.pidfd_open(self.ctl)
        except (AttributeError, OSError):
            self.ctlfd = -1
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.signal(signal.SIGCHLD, lambda *a: None)
        signal.set_wakeup_fd(self.wake_w)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)

    def run(self):
        while True:
            watch = [self.lsock, self.wake_r] + ([self.ctlfd] if self.ctlfd >= 0 else [])
            try:
                ready, _, _ = select.select(watch, [], [], None if self.ctlfd >= 0 else 1.0)
            except InterruptedError:
                ready = []
            if self.controller_gone(ready):
                self.quit()
            if self.wake_r in ready:
                try:
                    os.read(self.wake_r, 512)
                except BlockingIOError:
                    pass
            self.reap()
            if self.lsock in ready:
                got = self.accept()
                if got:
                    return got

    def controller_gone(self, ready):
        if self.ctlfd >= 0:
            return self.ctlfd in ready
        try:
            os.kill(self.ctl, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        return os.getppid() == 1 and self.ctl <= 0

    def quit(self):
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os._exit(0)

    def reap(self):
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                try:
                    conn.sendall(struct.pack("=i", status))
                except OSError:
                    pass
                conn.close()

    def accept(self):
        """Takes one launcher's request and forks its worker; in the child,
        returns what the worker needs."""
        try:
            conn, _ = self.lsock.accept()
        except (InterruptedError, ConnectionAbortedError):
            return None
        except OSError:
            self.quit()	# for good (select would wake it again at once): later launchers collect
        try:
            pgid, payload, got = receive(conn)
        except (OSError, ValueError):
            conn.close()
            return None
        pid = os.fork()
        if pid == 0:
            self.lsock.close()
            for c in self.children.values():
                c.close()
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in (self.wake_r, self.wake_w, self.ctlfd):
                if fd >= 0:
                    os.close(fd)
            cwd, numbers, env = payload.split(b"\0", 2)
            return conn, pgid, list(zip(got, [int(n) for n in numbers.split()])), env, cwd
        for fd in got:
            os.close(fd)
        self.children[pid] = conn
        return None


def receive(conn):
    fdsize = array.array("i").itemsize
    data, anc, _, _ = conn.recvmsg(1 << 16, socket.CMSG_SPACE(NFDS * fdsize))
    got = array.array("i")
    for level, kind, raw in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            got.frombytes(raw[:len(raw) - len(raw) % fdsize])
    if len(got) != NFDS or len(data) < HEADER.size:
        for fd in got:
            os.close(fd)
        raise ValueError("a launcher sent a bad request")
    pgid, size = HEADER.unpack_from(data)
    data = data[HEADER.size:]
    while len(data) < size:
        b = conn.recv(size - len(data))
        if not b:
            raise ValueError("a launcher went away")
        data += b
    return pgid, data, list(got)


def become(conn, pgid, fds, env, cwd):
    """The forked child takes the launcher's place: its group, fds, variables."""
    conn.close()
    os.setpgid(0, pgid)
    for got, want in fds:
        if got != want:
            os.dup2(got, want)
    for got, want in fds:
        if got not in [w for _, w in fds]:
            try:
                os.close(got)
            except OSError:
                pass
    os.environb.clear()
    for kv in env.split(b"\0"):
        k, sep, v = kv.partition(b"=")
        if sep:
            os.environb[k] = v
    os.chdir(cwd)
