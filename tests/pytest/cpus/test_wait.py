"""Tests that wait rather than compute: each one waits (a bounded poll) until
both workers of the run are in a test of this module, which they can only be
if herd started the second worker while the first one waited
(tests/e2e/pytest_cpus.sh)."""
import os
import time

import pytest

WORKERS = 2


@pytest.mark.parametrize("k", range(WORKERS))
def test_meet(k):
    here = os.environ["HERD_CPUS_DIR"]
    open(os.path.join(here, os.environ["PYTEST_XDIST_WORKER"]), "w").close()
    deadline = time.monotonic() + 60
    while len(os.listdir(here)) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(os.listdir(here)) == WORKERS, "the other worker never came"
