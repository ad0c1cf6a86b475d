import os

import pytest

from conftest import record


@pytest.fixture(scope="class")
def klass():
    record("class-setup b")
    yield
    record("class-teardown b")


class TestA:
    def test_0(self, sess, mod, klass):
        record("run b" + " 0")

    def test_1(self, sess, mod, klass):
        record("run b" + " 1")

    def test_2(self, sess, mod, klass):
        record("run b" + " 2")

    def test_3(self, sess, mod, klass):
        record("run b" + " 3")

    def test_4(self, sess, mod, klass):
        record("run b" + " 4")

    def test_5(self, sess, mod, klass):
        record("run b" + " 5")



def test_xdist(worker_id, testrun_uid):
    record("xdist %s %s %s %s %s" % (worker_id, testrun_uid, os.environ["PYTEST_XDIST_WORKER"],
                                    os.environ["PYTEST_XDIST_WORKER_COUNT"], os.environ.get("HERD_TESTRUN_UID")))


@pytest.mark.xdist_group(name="together")
@pytest.mark.parametrize("k", range(4))
def test_grouped(k):
    record("group")
