import os

import pytest

LOG = os.environ.get("HERD_PYTEST_LOG")
BREAK = os.environ.get("HERD_SERIAL_BREAK")	# a crash and a hang in the group


def record(what):
    """Appends one line to the log the e2e script reads (one write: atomic)."""
    if LOG:
        with open(LOG, "a") as f:
            f.write("%s %d\n" % (what, os.getpid()))


def pytest_configure(config):
    config.addinivalue_line("markers", "mp_group(group, strategy): a pytest-mp group")
    config.addinivalue_line("markers", "timeout(seconds): herd's limit for the item")


@pytest.fixture(scope="module")
def mod(request):
    name = request.module.__name__
    record("module-setup " + name)
    yield
    record("module-teardown " + name)
