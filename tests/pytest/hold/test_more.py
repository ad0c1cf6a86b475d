"""The failures under hold that are not a plain failed call
(tests/e2e/pytest_hold.sh): a strict xfail that passes, a teardown that
fails after a pass (counted passed and error), a test that fails once and
passes on its rerun; test_last leaves a file in $HOLD_MARKS when it runs."""
import os

import pytest


@pytest.mark.xfail(strict=True)
def test_xpass_strict():
    pass


@pytest.fixture
def breaks_after():
    yield
    raise RuntimeError("tear-down fails")


def test_teardown_error(breaks_after):
    pass


def test_flaky():
    mark = os.path.join(os.environ["HOLD_MARKS"], "flaky")
    if not os.path.exists(mark):
        open(mark, "w").close()
        assert 0, "fails the first time"


def test_last():
    open(os.path.join(os.environ["HOLD_MARKS"], "last"), "w").close()
