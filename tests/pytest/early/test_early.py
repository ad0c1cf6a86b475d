import os

import pytest

from conftest import record


def test_who():
    record("who", os.environ["PYTEST_XDIST_WORKER"], os.environ["PYTEST_XDIST_WORKER_COUNT"],
           os.getpid(), os.getpgrp(), os.environ.get("HERD_LISTED_BY", "-"))


@pytest.mark.timeout(1)	# herd's limit for the item alone: test_who has none
def test_hang():
    record("hang", os.environ["PYTEST_XDIST_WORKER"], os.getpid())
    while True:
        pass
