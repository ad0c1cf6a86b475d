"""A serial group's items share one process, also under --isolation fork:
each one sees what the items before it left in memory."""
import os

import pytest

from conftest import BREAK, record

pytestmark = pytest.mark.mp_group("state", "serial")

STATE = []


def test_first(mod):
    record("item first")
    STATE.append("first")


def test_second(mod):
    record("item second")
    assert STATE == ["first"]
    STATE.append("second")


def test_crash(mod):
    record("item crash")
    if BREAK:
        os._exit(9)
    STATE.append("crash")


def test_after_crash(mod):
    """After a crash the group goes on in a fresh child: what the dead one
    built is lost."""
    record("item after-crash")
    assert STATE == ([] if BREAK else ["first", "second", "crash"])
    STATE.append("after-crash")
