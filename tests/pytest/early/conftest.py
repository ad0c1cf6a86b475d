"""The first worker, while it collects, waits (a bounded poll) for the
launchers of the later workers, which herd starts meanwhile, and logs each
one's worker name and pid (tests/e2e/pytest_start.sh)."""
import os
import time

LOG = os.environ["HERD_PYTEST_LOG"]


def record(*what):
    with open(LOG, "a") as f:
        f.write(" ".join(str(w) for w in what) + "\n")


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): herd's limit for the item")


def launchers(want, limit=30.0):
    """The launchers of this run that wait for the collection (their
    environment names the first worker in HERD_LISTED_BY): {worker: pid}."""
    uid = os.environb[b"HERD_TESTRUN_UID"]
    found = {}
    deadline = time.monotonic() + limit
    while len(found) < want and time.monotonic() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    env = dict(v.split(b"=", 1) for v in f.read().split(b"\0") if b"=" in v)
            except OSError:
                continue
            if env.get(b"HERD_TESTRUN_UID") == uid and b"HERD_LISTED_BY" in env:
                found[env[b"HERD_WORKER"].decode()] = int(pid)
        if len(found) < want:
            time.sleep(0.05)
    return found


record("collector", os.getpid())
for name, pid in sorted(launchers(int(os.environ["HERD_WORKER_COUNT"]) - 1).items()):
    record("launcher", name, pid)
