import os

from conftest import record


def test_who():
    record("who", os.environ["PYTEST_XDIST_WORKER"], os.environ["PYTEST_XDIST_WORKER_COUNT"],
           os.getpid(), os.getpgrp(), os.environ.get("HERD_LISTED_BY", "-"))


def test_hang():
    record("hang", os.environ["PYTEST_XDIST_WORKER"], os.getpid())
    while True:
        pass
