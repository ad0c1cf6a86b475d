"""unittest.TestCase classes, as boltons writes them, for tests/e2e/pytest.sh:
setUpClass runs once a worker (logged), setUp once a test, under both
isolations; under --isolation fork the class's fixture is set up in the
worker ahead of the item's child."""
import os
import unittest


def log(what):
    path = os.environ.get("HERD_PYTEST_LOG")
    if path:
        with open(path, "a") as f:
            f.write("%s %s\n" % (what, os.environ.get("PYTEST_XDIST_WORKER", "main")))


class TestShared(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        log("setUpClass")
        cls.shared = [1, 2, 3]

    @classmethod
    def tearDownClass(cls):
        log("tearDownClass")

    def setUp(self):
        self.mine = list(self.shared)

    def test_sees_class_state(self):
        self.assertEqual(self.mine, [1, 2, 3])

    def test_own_instance(self):
        self.mine.append(4)
        self.assertEqual(len(self.mine), 4)

    @unittest.skip("not this one")
    def test_skipped(self):
        self.fail("skipped tests do not run")


class TestPlain(unittest.TestCase):
    def test_fails(self):
        self.assertEqual(1, 2)
