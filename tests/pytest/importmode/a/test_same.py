def test_same():
    assert __name__.endswith("test_same")
