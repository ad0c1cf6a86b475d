"""A module fixture whose teardown fails: pytest counts it an error of the
module's last test, which passed (under --isolation fork, herd's worker
tears it down after that test's child)."""
import pytest


@pytest.fixture(scope="module")
def module_breaks_after():
    yield
    raise RuntimeError("module tear-down fails")


def test_last_of_module(module_breaks_after):
    pass
