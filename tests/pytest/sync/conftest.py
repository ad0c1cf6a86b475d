import os

import herd_pytest

LOG = os.environ.get("HERD_PYTEST_LOG", "sync.log")


def record(what):
    """Appends one line to the log the e2e script reads (one write: atomic)."""
    with open(LOG, "a") as f:
        f.write("%s %s %d\n" % (what, herd_pytest.worker_id(), os.getpid()))


def start_db():
    record("global-setup")
    herd_pytest.board["db.url"] = "db-of-%d" % os.getpid()


def stop_db():
    record("global-teardown " + herd_pytest.board["db.url"])


db = herd_pytest.global_fixture("db", setup=start_db, teardown=stop_db)


def pytest_configure(config):
    config.addinivalue_line("markers", "timeout(seconds): herd's limit for the item")
