"""Items whose line herd's worker lists (line=) without asking pytest for
their location, and some that make it ask: each must list the line pytest's
own item.location gives (tests/e2e/pytest_report.sh)."""
import functools
import unittest

import pytest


def wrapped(f):
    @functools.wraps(f)
    def inner(*args, **kwargs):
        return f(*args, **kwargs)
    return inner


def unwrapped(f):
    def inner(*args, **kwargs):
        return f(*args, **kwargs)
    return inner


def test_plain():
    pass


@wrapped
def test_wrapped():
    pass


@unwrapped
def test_unwrapped():
    pass


@pytest.mark.parametrize("n", [1, 2])
def test_param(n):
    pass


class TestClass:
    def test_method(self):
        pass


class TestCase(unittest.TestCase):
    def test_unit(self):
        pass


def test_placed():
    pass


test_placed.place_as = test_plain


def test_compat():
    pass


test_compat.compat_co_firstlineno = 3
