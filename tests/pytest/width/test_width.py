import pytest


def test_long_message():
    assert "a" * 40 == "b" * 40 + " and a message that runs on past any terminal's edge"


def test_wide_message():
    raise ValueError("non-ASCII characters count one column each: " + "é" * 60)


@pytest.mark.parametrize("name", ["n" * 70])
def test_long_id(name):
    assert name == "x"


def test_short_message():
    assert 1 == 2


@pytest.mark.xfail(strict=True, reason="issue 7 is still open")
def test_strict_xpass():
    pass
