"""The group goes on in another module, in the same process."""
import time

import pytest

from conftest import BREAK, record
from test_serial_a import STATE

pytestmark = pytest.mark.mp_group("state", "serial")


def test_other_module(mod):
    record("item other-module")
    assert STATE[-1] == "after-crash"
    if BREAK:
        time.sleep(2)	# test_hang still gets its own 3 s


@pytest.mark.timeout(3)
def test_hang(mod):
    record("item hang")
    while BREAK:
        time.sleep(0.1)


def test_last(mod):
    record("item last")
    assert STATE == ([] if BREAK else ["first", "second", "crash", "after-crash"])
