import os
import time

import pytest

LOG = os.environ.get("HERD_PYTEST_LOG")


def record(what):
    """Appends one line to the log the e2e script reads (one write: atomic)."""
    if LOG:
        with open(LOG, "a") as f:
            # Read now: the workers are forks of a collection made before it was set.
            f.write("%s %s\n" % (what, os.environ.get("PYTEST_XDIST_WORKER", "main")))


@pytest.fixture(scope="session", autouse=True)
def worker_up():
    record("up")


@pytest.fixture(autouse=True)
def item_run(request):
    record("run " + request.node.nodeid)


@pytest.fixture(scope="module")
def mod(request):
    name = request.module.__name__
    record("module-setup " + name)
    if name == "test_m0" and LOG:
        # Hold the first module until gw1 runs an item: by then the
        # controller has dealt both workers their first batch, while no
        # result came from gw0 to refill it, whatever the machine's load.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not has_line(LOG, "up gw1\n"):
            time.sleep(0.01)
    yield


def has_line(path, line):
    with open(path) as f:
        return line in f.readlines()
