"""herd_pytest - herd's worker for pytest suites (docs/pytest.md).

Tests may ask which worker runs them, as under pytest-xdist."""
import os

__version__ = "0.1"


def worker_id():
    """'gw0', 'gw1', ... under herd; 'master' outside it (xdist's value)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


def worker_count():
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


def testrun_uid():
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
