import atexit
import os

import pytest

LOG = os.environ.get("HERD_PYTEST_LOG")


def record(what):
    """Appends one line to the log the e2e script reads (one write: atomic)."""
    if LOG:
        with open(LOG, "a") as f:
            f.write("%s %s %d\n" % (what, os.environ.get("PYTEST_XDIST_WORKER", "-"), os.getpid()))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a slow test")
    config.addinivalue_line("markers", "network: a test that needs the network")
    config.addinivalue_line("markers", "timeout(seconds): herd's limit for the item")


record("conftest-import")


@pytest.fixture(scope="session")
def sess():
    record("session-setup")
    atexit.register(record, "atexit")	# the worker's quick exit still runs it
    yield "s"
    record("session-teardown")


@pytest.fixture(scope="module")
def mod(request):
    record("module-setup " + request.module.__name__)
    yield
    record("module-teardown " + request.module.__name__)


@pytest.fixture
def broken_setup():
    raise RuntimeError("setup went wrong")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown went wrong")
