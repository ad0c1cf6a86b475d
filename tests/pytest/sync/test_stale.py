"""A forked test that dies waiting for a lock: its reply never comes, and the
next test's requests must still get their own replies. Run with --dist each
on 2 workers and --isolation fork: gw0 holds lock "L" until gw1's waiter has
timed out; gw1 then takes another lock."""
import os
import time

import pytest

import herd_pytest


def wait_for(path):
    for _ in range(3000):	# a bounded poll: at most 30 s
        if os.path.exists(path):
            return
        time.sleep(0.01)
    raise AssertionError("%s never came" % path)


def test_hold():
    if herd_pytest.worker_id() != "gw0":
        return
    with herd_pytest.lock("L"):
        open("held", "w").close()
        wait_for("waiter-died")


@pytest.mark.timeout(2)
def test_wait():
    if herd_pytest.worker_id() != "gw1":
        return
    wait_for("held")
    herd_pytest.lock("L").acquire()	# gw0 holds it until this test is dead


def test_after():
    if herd_pytest.worker_id() == "gw1":
        open("waiter-died", "w").close()
    with herd_pytest.lock("M"):
        herd_pytest.board["after." + herd_pytest.worker_id()] = "1"
    assert herd_pytest.board["after." + herd_pytest.worker_id()] == "1"
