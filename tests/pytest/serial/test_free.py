from conftest import record


def test_free():
    record("item free")
