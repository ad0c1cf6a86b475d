"""The same basename as a/test_same.py, and no __init__.py: pytest's default
import mode (prepend) cannot import both; --import-mode=importlib can, and
leaves sys.path alone."""
import os
import sys


def test_same():
    assert __name__.endswith("test_same")


def test_not_on_sys_path():
    assert os.path.dirname(os.path.abspath(__file__)) not in sys.path
