"""What pytest prints at the end besides failures: the warnings summary and
the short summary's -r lines (pytest.sh runs it with -- -rA)."""
import warnings

import pytest


def test_warns_once():
    warnings.warn(UserWarning("careful with this"))


@pytest.mark.parametrize("n", range(2))
def test_warns_param(n):
    warnings.warn(DeprecationWarning("old api %d" % 7))


def test_plain():
    pass


@pytest.mark.skip(reason="not today")
def test_skipped():
    pass


@pytest.mark.xfail(reason="known bug")
def test_xfailed():
    assert 0


@pytest.mark.xfail(reason="fixed already")
def test_xpassed():
    pass


def test_failed():
    assert 1 == 2
