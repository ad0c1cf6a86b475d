"""herd_pytest - herd's worker for pytest suites (docs/pytest.md).

What a test may use: which worker runs it, as under pytest-xdist, and what
herd's controller keeps for the whole run, shared by every worker: named
locks, a message board, trails and global fixtures (docs/protocol.md,
Requests). Outside herd (plain pytest, one process) they work as in a run
with one worker: locks are granted at once, the board and trails are this
process's own, a global fixture is set up at its first use and torn down at
the end of the session."""
import os

__version__ = "0.1"

# Set by the worker (herd_pytest.worker): sends one request, a list of
# fields, to the controller and returns its reply's fields. None outside herd.
_ask = None

# Global fixtures declared with global_fixture(): name -> teardown.
_globals = {}


def worker_id():
    """'gw0', 'gw1', ... under herd; 'master' outside it (xdist's value)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


def worker_count():
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


def testrun_uid():
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", "")


class Refused(Exception):
    """The controller refused a request (a lock the test already holds)."""


def _request(*fields):
    f = [v if isinstance(v, bytes) else str(v).encode("utf-8", "surrogateescape") for v in fields]
    reply = (_ask or _alone.serve)(f)
    if reply[0] == b"fail":
        raise Refused(reply[1].decode("utf-8", "replace") if len(reply) > 1 else "refused")
    return reply


def _text(v):
    return v.decode("utf-8", "surrogateescape")


class lock:
    """A lock held across every worker of the run (herd_lock in C):

        with herd_pytest.lock("db"):
            ...

    Waiters are served first come, first served; a lock a test still holds
    when it ends is released for it. acquire() and release() do the same by
    hand."""

    def __init__(self, name):
        self.name = name

    def acquire(self):
        _request("lock", self.name)

    def release(self):
        _request("unlock", self.name)

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


class _Board:
    """The run's message board (herd_board_set/get in C): str or bytes values
    by key, read back as str. board[key] raises KeyError for a key never set;
    board.get(key) returns None (or a default) instead."""

    def set(self, key, value):
        _request("board-set", key, value)

    def get(self, key, default=None):
        reply = _request("board-get", key)
        return _text(reply[2]) if reply[1] == b"1" else default

    def __setitem__(self, key, value):
        self.set(key, value)

    def __getitem__(self, key):
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v

    def __contains__(self, key):
        return self.get(key) is not None


board = _Board()


def trail_start(name):
    """Counts one consumer more on trail name; True for the first (pytest-mp's
    mp_trail(name, 'start'))."""
    return _request("trail-start", name)[1] == b"1"


def trail_finish(name):
    """Counts one consumer fewer; True for the last, when the trail is removed."""
    return _request("trail-finish", name)[1] == b"1"


class GlobalFixtureFailed(Exception):
    """The global fixture's setup failed, in this worker or another."""


def global_fixture(name, setup, teardown=None):
    """A pytest fixture whose setup runs once for the whole run, across all
    workers, before the first item that needs it, and whose teardown runs once
    after the last (HERD_SCOPE_GLOBAL in C). In a conftest.py:

        db = herd_pytest.global_fixture("db", setup=start_db, teardown=stop_db)

    Tests name it like any fixture (def test_x(db)); its value is None. The
    setup runs in one worker's process and the teardown may run in another,
    so what they share goes through the board, files or sockets, not memory."""
    import pytest

    _globals[name] = teardown

    def fixture():
        if _ask is None:	# plain pytest: this process is the whole run
            setup()
            yield None
            if teardown is not None:
                teardown()
            return
        _setup_global(name, setup)
        yield None	# herd asks for the teardown (fixture-teardown)

    fixture.herd_global = name
    return pytest.fixture(scope="session", name=name)(fixture)


def _setup_global(name, setup):
    reply = _request("fixture-setup", name)
    if reply[1] == b"ready":
        return
    if reply[1] != b"run":
        raise GlobalFixtureFailed("global fixture '%s' failed: %s" % (
            name, _text(reply[2]) if len(reply) > 2 else ""))
    try:
        setup()
    except BaseException as e:
        import traceback
        _request("fixture-done", name, "failed", "".join(
            traceback.format_exception(type(e), e, e.__traceback__)))
        raise
    _request("fixture-done", name, "ok", "")


def _teardown_global(name):
    """Runs global fixture name's teardown here; its fixture-torn fields."""
    teardown = _globals.get(name)
    try:
        if teardown is not None:
            teardown()
    except BaseException as e:
        import traceback
        return [b"fixture-torn", name.encode(), b"failed", "".join(
            traceback.format_exception(type(e), e, e.__traceback__)).encode("utf-8", "replace")]
    return [b"fixture-torn", name.encode(), b"ok", b""]


class _Alone:
    """Answers requests within this process, outside herd."""

    def __init__(self):
        self.locks, self.board, self.trails = set(), {}, {}

    def serve(self, f):
        kind, arg = f[0], f[1]
        if kind == b"lock":
            if arg in self.locks:
                return [b"fail", b"lock '%s' is already held by this test" % arg]
            self.locks.add(arg)
            return [b"locked"]
        if kind == b"unlock":
            self.locks.discard(arg)
            return [b"ok"]
        if kind == b"board-set":
            self.board[arg] = f[2]
            return [b"ok"]
        if kind == b"board-get":
            return [b"board", b"1", self.board[arg]] if arg in self.board else [b"board", b"0", b""]
        if kind == b"trail-start":
            self.trails[arg] = self.trails.get(arg, 0) + 1
            return [b"trail", b"1" if self.trails[arg] == 1 else b"0"]
        if kind == b"trail-finish":
            n = self.trails.get(arg, 0) - 1
            if n == 0:
                del self.trails[arg]
            elif n > 0:
                self.trails[arg] = n
            return [b"trail", b"1" if n == 0 else b"0"]
        return [b"fail", b"unknown request"]


_alone = _Alone()
