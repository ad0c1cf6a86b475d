"""herd --pytest's closing line and the order of its last sections, against
pytest's own (tests/e2e/pytest_fidelity.sh): one of each outcome that pytest
counts once an item, two that it counts twice (a teardown that fails after
the test passed, or failed), and two warnings."""
import warnings

import pytest


@pytest.fixture
def broken():
    raise RuntimeError("set-up fails")


@pytest.fixture
def breaks_after():
    yield
    raise RuntimeError("tear-down fails")


def test_pass():
    pass


def test_warns():
    warnings.warn(UserWarning("first"))
    warnings.warn(DeprecationWarning("second"))


def test_fail():
    assert 1 == 2


def test_error(broken):
    pass


@pytest.mark.skip(reason="not here")
def test_skip():
    pass


@pytest.mark.xfail(reason="known")
def test_xfail():
    assert 0


@pytest.mark.xfail(reason="fixed")
def test_xpass():
    pass


def test_pass_teardown_fails(breaks_after):
    pass


def test_fail_teardown_fails(breaks_after):
    assert 0


def test_deselected_by_k():
    pass
