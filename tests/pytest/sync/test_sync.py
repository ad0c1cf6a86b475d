import os
import time

import pytest

import herd_pytest
from conftest import record

WORKERS = herd_pytest.worker_count()


def arrivals(name):
    return [f for f in os.listdir(".") if f.startswith("arrived.%s." % name)]


@pytest.mark.parametrize("name", ["first", "second", "third"])
def test_exclusive(name):
    """Run on every worker (--dist each): each says it has arrived, then takes
    the lock and, inside, waits until every worker has arrived. Without
    mutual exclusion the "enter" lines of two workers would meet; with it,
    each "enter" is followed by its own "leave"."""
    open("arrived.%s.%s" % (name, herd_pytest.worker_id()), "w").close()
    with herd_pytest.lock("file"):
        record("enter " + name)
        for _ in range(2000):	# a bounded poll: at most 20 s
            if len(arrivals(name)) >= WORKERS:
                break
            time.sleep(0.01)
        record("leave " + name)


def test_lock_twice_refused():
    with herd_pytest.lock("twice"):
        with pytest.raises(herd_pytest.Refused):
            herd_pytest.lock("twice").acquire()


def test_board():
    key = "key." + herd_pytest.worker_id()
    assert herd_pytest.board.get(key) is None
    assert key not in herd_pytest.board
    herd_pytest.board[key] = "v\t1\n%"
    assert herd_pytest.board[key] == "v\t1\n%"
    with pytest.raises(KeyError):
        herd_pytest.board["never." + key]


def test_trail():
    name = "trail." + herd_pytest.worker_id()
    assert herd_pytest.trail_start(name) is True
    assert herd_pytest.trail_start(name) is False
    assert herd_pytest.trail_finish(name) is False
    assert herd_pytest.trail_finish(name) is True
    assert herd_pytest.trail_finish(name) is False


@pytest.mark.parametrize("n", range(3))
def test_uses_db(db, n):
    record("use-db %s" % herd_pytest.board["db.url"])
