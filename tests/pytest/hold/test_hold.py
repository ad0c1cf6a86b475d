"""-x and --maxfail against pytest's (tests/e2e/pytest_hold.sh): the 6th
test fails, and each test after it leaves a file named after itself and its
worker in $HOLD_MARKS, so that whatever ran after the failure shows."""
import os

import pytest


@pytest.mark.parametrize("n", range(1, 6))
def test_before(n):
    pass


def test_fails():
    assert 1 == 2


@pytest.mark.parametrize("n", range(7, 11))
def test_after(n):
    marks = os.environ.get("HOLD_MARKS")
    if marks:
        name = "%s.%d" % (os.environ.get("PYTEST_XDIST_WORKER", "master"), n)
        open(os.path.join(marks, name), "w").close()
