import pytest


@pytest.mark.xdist_group(name="db")
def test_xdist_group():
    pass


@pytest.mark.mp_group("files", "isolated_serial")
def test_mp_group():
    pass


@pytest.mark.mp_group(group="net", strategy="serial")
class TestNet:
    def test_one(self):
        pass


@pytest.mark.timeout(7)
def test_limited():
    pass


def test_plain():
    pass
