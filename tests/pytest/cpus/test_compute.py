"""Tests that compute: on one CPU they keep it busy, and a worker more would
only share it (tests/e2e/pytest_cpus.sh). Each computes for longer than its
process had lived when it began, so for longer than the collection took:
long enough for herd to think of starting another worker (a binary's next
worker waits until one has been on an item as long as the binary took to
start, docs/controller.md)."""
import os
import time

import pytest


def age():
    """Seconds since this process started."""
    with open("/proc/self/stat") as f:
        ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - ticks / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("k", range(2))
def test_compute(k):
    t0 = time.monotonic()
    spin = age() + 0.2
    n = 0
    while time.monotonic() - t0 < spin:
        n += 1
    assert n > 0
