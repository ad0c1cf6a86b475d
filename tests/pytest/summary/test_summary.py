"""Failures of each kind, for the short summary's lines: herd's must read as
pytest's (the id, then the first line of the crash's message)."""
import pytest


def test_assert():
    assert 1 == 2


def test_compare():
    assert [1, 2, 3] == [1, 2, 4]


def test_raise():
    raise ValueError("boom\nthe second line is left out")


def test_fail():
    pytest.fail("said so")


@pytest.fixture
def broken_setup():
    raise RuntimeError("setup broke")


def test_setup_error(broken_setup):
    pass


@pytest.fixture
def broken_teardown():
    yield
    raise KeyError("teardown")


def test_teardown_error(broken_teardown):
    pass


def test_passes():
    pass
