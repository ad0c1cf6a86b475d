import os
import sys

import pytest


def test_pass():
    pass


def test_fail():
    assert 1 + 1 == 3


def test_error_setup(broken_setup):
    pass


def test_error_teardown(broken_teardown):
    pass


def test_skip():
    pytest.skip("not today")


@pytest.mark.skipif(sys.platform != "nonexistent", reason="never here")
def test_skipif():
    pass


@pytest.mark.xfail(reason="known bug")
def test_xfail():
    assert 0


@pytest.mark.xfail(reason="fixed already")
def test_xpass():
    pass


@pytest.mark.xfail(strict=True, reason="must fail")
def test_xpass_strict():
    pass


@pytest.mark.parametrize("a,b", [(1, 2), (3, 4)])
def test_param(a, b):
    assert a < b


class TestGroup:
    def test_method(self):
        print("hello from a method")

    def test_capsys(self, capsys):
        print("captured")
        assert capsys.readouterr().out == "captured\n"


@pytest.mark.slow
@pytest.mark.network
def test_marked_slow():
    pass


def test_crash():
    if os.environ.get("HERD_PYTEST_CRASH"):
        os._exit(7)


@pytest.mark.timeout(2)
def test_hang():
    if os.environ.get("HERD_PYTEST_HANG"):
        while True:
            pass
