"""The worker: pytest collects, then herd's controller hands out the items.

pytest runs as usual (pytest.main), and this module's plugin takes over its
run loop, as pytest-xdist's workers do: the list is sent, and each item the
controller sends runs through pytest's own runtest protocol."""
import atexit
import collections
import gc
import io
import json
import mmap
import os
import select
import signal
import socket
import struct
import sys
import time
import types

import pytest
from _pytest.terminal import WarningReport
from _pytest.warnings import warning_record_to_str

try:	# what item_line needs to find a line as pytest does; else it asks pytest
    from _pytest import nodes as _nodes
    from _pytest.compat import get_real_func as _get_real_func
    from _pytest.python import PyobjMixin as _PyobjMixin
except ImportError:
    _get_real_func = None

import herd_pytest
from herd_pytest import bad, proto

OUTPUT_MAX = 1 << 20	# a result's output keeps both ends of what is longer
DESELECTED = "herd_deselected"	# the mark herd --pytest leaves out (main.c)
REPLIES = (b"ok", b"locked", b"fail", b"board", b"trail", b"fixture")
# After a forked test died waiting for a lock, whose grant may or may not come:
# an unlock of this name, answered "ok" whatever happens, marks where the
# replies to the next requests begin.
BARRIER = "herd_pytest.after-a-dead-test"
# The outcomes herd counts as failures (hd_outcome_fails): under config's
# hold each result with one is answered, and nothing starts until it is.
FAILS = ("failed", "error", "crashed", "timeout")
# The requests a forked test may relay, and how many fields each has.
REQUESTS = {b"lock": 2, b"unlock": 2, b"board-set": 3, b"board-get": 2, b"trail-start": 2,
            b"trail-finish": 2, b"fixture-setup": 2, b"fixture-done": 4}


def main():
    args = proto.unquote_args(os.environ.get("HERD_PYTEST_ARGS", ""))
    plugin = Worker()
    # pytest prints why it cannot start (a conftest that raises, a bad option)
    # on stderr: keep it for the one line the controller shows.
    err, sys.stderr = sys.stderr, io.StringIO()
    try:
        status = pytest.main(args + ["--capture=no"], plugins=[plugin, Quiet()])
    finally:
        if isinstance(sys.stderr, io.StringIO):
            plugin.early_err = sys.stderr.getvalue()
            sys.stderr = err
    if not plugin.started:
        return bad.refuse(int(status) if int(status) in (2, 3, 4) else 3,
                          "pytest stopped before collecting: " + first_error(plugin.early_err, status))
    leave()


def leave():
    """Exits without the interpreter's teardown, which frees the collection
    object by object while the controller waits for the worker to go. What
    must run at exit still does: the atexit functions, weakref.finalize's
    among them, and the flush of stdout and stderr."""
    atexit._run_exitfuncs()
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except (OSError, ValueError):
            pass
    os._exit(0)


def first_error(text, status):
    """The line of pytest's complaint that names the problem."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for l in lines:
        if ": error: " in l:	# argparse's, for a bad option
            return "pytest: error: " + l.split(": error: ", 1)[1]
    for l in lines:
        if l.startswith(("ImportError while loading conftest", "ERROR:", "E   ")):
            tail = [x for x in lines if x.startswith("E   ")]
            return l + ((" " + tail[-1][4:]) if tail and not l.startswith("E   ") else "")
    return lines[-1] if lines else "exit status %d" % int(status)


class Worker:
    def __init__(self):
        self.started = False
        self.early_err = ""
        self.deselected = []
        self.collect_errors = []
        self.reports = []
        self.warnings = []
        self.in_child = False	# a forked item's process (--isolation fork)

    # ---- pytest hooks ----

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config):
        # xdist's names, so that suites written for xdist run unchanged.
        wid = os.environ.get("HERD_WORKER", "gw0")
        count = os.environ.get("HERD_WORKER_COUNT", "1")
        config.workerinput = {"workerid": wid, "workercount": int(count),
                              "testrunuid": os.environ.get("HERD_TESTRUN_UID", ""),
                              "mainargv": sys.argv}
        config.workeroutput = {}
        set_xdist_env()
        if not config.pluginmanager.hasplugin("xdist"):
            config.pluginmanager.register(XdistFixtures(), "herd-xdist-fixtures")

    def pytest_deselected(self, items):
        self.deselected += items

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(report)

    def pytest_runtest_logreport(self, report):
        self.reports.append(report)

    def pytest_warning_recorded(self, warning_message, when, nodeid, location):
        if self.in_child:	# for the worker's reporter (Loop.child_stats)
            self.warnings.append((warning_message, when, nodeid, location))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        sys.stderr = sys.__stderr__
        self.started = True
        if self.collect_errors and not session.config.option.continue_on_collection_errors:
            return bad.refuse(2, errors_section(self.collect_errors)) or True
        chosen = set(session.items)
        items = list(session.items) + [i for i in self.deselected if i not in chosen]
        self.run_as_worker(session, items, len(session.items))
        return True

    def run_as_worker(self, session, items, nchosen):
        from herd_pytest import forkserver

        # The first worker's list is made before the fork server is forked:
        # what the collector reads after that fork, it copies page by page
        # (reading an object writes its reference count).
        listing = list_messages(items, nchosen) if "HERD_COLLECT_HASH" not in os.environ else None
        collector = os.getpid()
        forkserver.serve_if_first()	# returns in the workers it forks too
        forked = os.getpid() != collector
        if forked:
            # The collection's warnings are the collector's to report.
            tr = session.config.pluginmanager.get_plugin("terminalreporter")
            if tr is not None:
                tr.stats.pop("warnings", None)
        # A forked worker has its launcher's variables now: xdist's follow them.
        set_xdist_env()
        session.config.workerinput.update(workerid=os.environ["PYTEST_XDIST_WORKER"],
                                          workercount=int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))
        chan = take_channel()
        send_list(chan, items, nchosen, listing, forked)
        Loop(self, session, items, chan).run()


class Quiet:
    """pytest's terminal report is herd's to print: the worker's goes nowhere."""

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config):
        tr = config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            from _pytest.config import create_terminal_writer
            self.devnull = open(os.devnull, "w")
            tr._tw = create_terminal_writer(config, self.devnull)


class XdistFixtures:
    """worker_id and testrun_uid, with xdist's values, when xdist is absent."""

    @pytest.fixture(scope="session")
    def worker_id(self):
        return os.environ.get("PYTEST_XDIST_WORKER", "master")

    @pytest.fixture(scope="session")
    def testrun_uid(self):
        return os.environ.get("PYTEST_XDIST_TESTRUNUID", "")


def leave_summary(config):
    """Leaves, in the run's folder, what pytest prints at the end that herd's
    own report lacks: the lines of the short summary for the -r letters
    besides f and E (herd lists the failures), one file per letter, and the
    warnings summary, and the count of warnings. herd --pytest prints the
    warnings before its short summary and the lines after it, as pytest
    (src/pytest.c), the workers' files of one kind together."""
    d = os.environ.get("HERD_PYTEST_DIR")
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if not d or tr is None:
        return
    from _pytest.config import create_terminal_writer
    me = "%s.%d" % (os.environ.get("HERD_WORKER", "gw0"), os.getpid())
    chars = tr.reportchars
    for k, char in enumerate(chars):
        if char in "fEw":
            continue
        tr.reportchars = char
        write_part(d, "short.%02d.%s" % (k, me), capture(tr, tr.short_test_summary, create_terminal_writer))
    tr.reportchars = chars
    if "w" in chars:
        write_part(d, "warnings.%s" % me, capture(tr, tr.summary_warnings, create_terminal_writer))
    # pytest's closing line counts the warnings, shown or not.
    nwarnings = len(tr.stats.get("warnings", ()))
    if nwarnings:
        write_part(d, "nwarnings.%s" % me, "%d\n" % nwarnings)


def capture(tr, show, writer):
    """What show() writes, without its title and the warnings' closing line."""
    out = io.StringIO()
    tr.currentfspath = None	# else the title starts with the progress line's end
    tw, tr._tw = tr._tw, writer(tr.config, out)
    tr._tw.hasmarkup = False
    try:
        show()
    finally:
        tr._tw = tw
    lines = out.getvalue().splitlines(True)[1:]
    if lines and lines[-1].startswith("-- Docs: "):
        lines.pop()
    return "".join(lines)


def write_part(d, name, text):
    if not text.strip():
        return
    tmp = os.path.join(d, "." + name)
    with open(tmp, "w", encoding="utf-8", errors="replace") as f:
        f.write(text)
    os.rename(tmp, os.path.join(d, name))


def set_xdist_env():
    os.environ["PYTEST_XDIST_WORKER"] = os.environ.get("HERD_WORKER", "gw0")
    os.environ["PYTEST_XDIST_WORKER_COUNT"] = os.environ.get("HERD_WORKER_COUNT", "1")
    os.environ["PYTEST_XDIST_TESTRUNUID"] = os.environ.get("HERD_TESTRUN_UID", "")


def errors_section(reports):
    """pytest's report of a collection that failed, as pytest prints it."""
    out = [" ERRORS ".center(80, "=")]
    for r in reports:
        out.append((" ERROR collecting %s " % r.nodeid).center(80, "_"))
        out.append(str(r.longrepr))
    out.append(" short test summary info ".center(80, "="))
    for r in reports:
        out.append("ERROR %s" % r.nodeid)
    n = len(reports)
    out.append((" Interrupted: %d error%s during collection " %
                (n, "" if n == 1 else "s")).center(80, "!"))
    return "\n".join(out) + "\n"


def mark_arg(m, pos, key):
    if m is None:
        return None
    if len(m.args) > pos:
        return m.args[pos]
    return m.kwargs.get(key)


def item_keys(item):
    """The item message's key=value fields (docs/protocol.md, item keys)."""
    parts = item.nodeid.split("::")
    keys = ["file=" + parts[0], "name=" + parts[-1]]
    if len(parts) > 2:
        keys.append("suite=" + "::".join(parts[1:-1]))
    line = item_line(item)
    if line is not None:
        keys.append("line=%d" % line)
    closest = {}	# one walk up the chain: a name's first mark is its closest
    for m in item.iter_markers():
        closest.setdefault(m.name, m)
    if closest:
        keys.append("marks=" + " ".join(sorted(closest)))
    group = mark_arg(closest.get("xdist_group"), 0, "name")
    mp = closest.get("mp_group")
    if mp is not None:
        group = mark_arg(mp, 0, "group")
        strategy = mark_arg(mp, 1, "strategy") or "free"
        keys.append("strategy=" + str(strategy))
    if group is not None:
        keys.append("group=" + str(group))
    timeout = mark_arg(closest.get("timeout"), 0, "timeout")
    if isinstance(timeout, (int, float)) and timeout >= 0:
        keys.append("timeout=%g" % timeout)
    globals_ = global_fixtures(item)
    if globals_:
        keys.append("fixtures=" + " ".join(globals_))
    return keys


def item_line(item):
    """The 1-based line of item.location, which pytest computes with its
    path made relative to the root: a third of the collector's listing time
    on a suite of small tests, spent before any worker may start. A plain
    test function's line is its code's first line, as pytest's reportinfo
    finds it; anything else asks pytest."""
    cls = type(item)
    if _plain_location(cls):
        obj = getattr(item, "obj", None)
        if not isinstance(getattr(obj, "compat_co_firstlineno", None), int):
            real = _get_real_func(obj)
            code = getattr(real, "__code__", None)
            if isinstance(code, types.CodeType) and not hasattr(real, "place_as"):
                return code.co_firstlineno
    loc = item.location
    return loc[1] + 1 if loc and loc[1] is not None else None


def _plain_location(cls, cache={}):
    """Whether cls's location is pytest's, from PyobjMixin's reportinfo."""
    plain = cache.get(cls)
    if plain is None:
        owner = next((k for k in cls.__mro__ if "location" in k.__dict__), None)
        plain = (_get_real_func is not None and owner in (_nodes.Item, _nodes.Node) and
                 getattr(cls, "reportinfo", None) is _PyobjMixin.reportinfo)
        cache[cls] = plain
    return plain


def global_fixtures(item):
    """The global fixtures (herd_pytest.global_fixture) item uses."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    out = []
    for name in item.fixturenames:
        defs = info.name2fixturedefs.get(name)
        g = getattr(defs[-1].func, "herd_global", None) if defs else None
        if g is not None:
            out.append(g)
    return out


def take_channel():
    """The protocol fd, kept from the tests."""
    fd = int(os.environ.pop("HERD_PROTOCOL_FD"))
    os.set_inheritable(fd, False)
    return proto.Channel(fd)


class Held:
    """Results held back in HERD_RESULTS_FD's file and sent in batches
    (docs/protocol.md, Batched results): bytes 0-7 the batch's length, the
    batch from byte 64. A result's bytes go in before the length that covers
    them, so a worker that dies leaves only whole messages behind."""

    def __init__(self, chan):
        self.chan = chan
        self.map = None
        self.len = 0
        self.oldest = 0.0	# when the oldest held result was ready
        self.limit = None	# the timeout of the items held
        fd = os.environ.pop("HERD_RESULTS_FD", None)
        if fd is None:
            return
        fd = int(fd)
        try:
            size = os.fstat(fd).st_size
            if size >= 4096:
                self.map = mmap.mmap(fd, size)
        except (OSError, ValueError):
            self.map = None
        os.close(fd)
        chan.before_write = self.flush

    def hold(self, data, limit):
        """Keeps data back if it fits; False when it must be sent now."""
        if self.map is None:
            return False
        if self.len and 64 + self.len + len(data) > len(self.map):
            self.flush()
        if 64 + self.len + len(data) > len(self.map):
            return False
        self.map[64 + self.len:64 + self.len + len(data)] = data
        if not self.len:
            self.oldest, self.limit = time.monotonic(), limit
        self.len += len(data)
        self.map[0:8] = struct.pack("=Q", self.len)
        return True

    def must_flush(self, limit):
        """Before an item: a batch of another time limit, or one kept too long,
        goes now (the controller's timing of the running item stays sound)."""
        return self.len and (limit != self.limit or time.monotonic() - self.oldest > 0.05)

    def flush(self):
        if not self.len:
            return
        data = bytes(self.map[64:64 + self.len])
        self.len = 0
        self.chan.raw_write(data)
        self.map[0:8] = struct.pack("=Q", 0)


def list_hash(items):
    h = 0xcbf29ce484222325
    for item in items:
        for b in item.nodeid.encode("utf-8", "surrogateescape") + b"\n":
            h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h


def list_messages(items, nchosen):
    """The item and fixture messages of the list. The items pytest deselected
    are listed, for the header's count, by id and mark alone: they never run."""
    chosen = items[:nchosen]
    globals_ = sorted({g for i in chosen for g in global_fixtures(i)})
    out = [proto.message("fixture", g, "scope=global") for g in globals_]
    out += [proto.message("item", i.nodeid, *item_keys(i)) for i in chosen]
    out += [proto.message("item", i.nodeid, "marks=" + DESELECTED) for i in items[nchosen:]]
    return b"".join(out)


def send_list(chan, items, nchosen, listing, forked):
    """hello (unless said already), the list and collected. The first worker
    sends no hash: the controller computes it from the ids, faster than
    Python would. A later one, given the hash of the list the controller has
    (HERD_COLLECT_HASH), sends only the count and hash: a fork of the
    collection, which has the very list the controller took, at once; a
    worker that collected by itself, once it has compared the hashes (else
    its whole list, for the controller to show the difference). One started
    while the first collected (HERD_LISTED_BY) is given no hash: it sends the
    whole list (a fork, the first one's), which the controller checks id by
    id, as xdist does."""
    os.environ.pop("HERD_LISTED_BY", None)
    given = os.environ.pop("HERD_COLLECT_HASH", None)
    h = given if forked or given is None else list_hash(items)
    proto.hello(chan.fd)
    out = []
    if given is None:
        out.append(listing)
    elif h != given:
        out.append(list_messages(items, nchosen))
    out.append(proto.message("collected", len(items), *(["hash=" + h] if h else [])))
    chan.write(b"".join(out))


class Loop:
    """Runs what the controller sends, one item at a time, in order."""

    def __init__(self, plugin, session, items, chan):
        self.plugin = plugin
        self.session = session
        self.items = items
        self.chan = chan
        self.queue = []
        self.stopping = False
        self.fork = False
        self.timeout = 0.0
        self.grace = 1.0
        self.capture = True
        self.again = False	# the isolation check's worker: items reported already
        # config's hold=1 (-x, --maxfail): after a failure nothing starts
        # until the controller says to go on (an empty run) or to stop; owed
        # is the failures it has not answered yet.
        self.hold = False
        self.owed = 0
        self.capfd = capture_fd()
        self.saved = None
        self.held = Held(chan)
        # Requests (docs/protocol.md, Requests): who takes each awaited reply,
        # in order: ("self", type) a request of this process, ("relay", type)
        # a forked test's, ("drop", type) one whose test has died, ("barrier",)
        # the unlock of BARRIER.
        self.sinks = collections.deque()
        self.answer = None
        self.barrier_due = False
        self.teardowns = []	# fixture-teardown names, run between items
        self.relay = None	# the socketpair forked tests ask through
        self.relay_in = b""
        self.asked = 0
        # Forked items' reports and warnings, serialized, not yet replayed
        # to the worker's plugins (replay_child_stats).
        self.child_stats_due = []
        herd_pytest._ask = self.ask

    def run(self):
        while True:
            if not self.queue:
                self.held.flush()
                self.replay_child_stats()
            # A stop read during an item (a test's request, a forked child's
            # wait, a failure's answer) leaves nothing to wait for.
            idle = not self.queue and not self.teardowns and not self.stopping
            self.handle(self.chan.read(wait=idle))
            if self.chan.eof:
                os._exit(0)	# the controller is gone
            self.run_teardowns()
            if self.queue:
                self.redirect()
                k = self.queue.pop(0)
                if self.fork:
                    self.run_forked([k] + self.take_group_run(k))
                else:
                    self.run_one(k)
                self.await_answers()
            elif self.stopping:
                break
        self.replay_child_stats()
        self.teardown_all()
        self.restore()
        try:
            if not self.again:
                leave_summary(self.session.config)
        except Exception as e:  # noqa: B902 - the run's results are in: say it, go on
            self.chan.send("warning", "herd-pytest: pytest's end summary failed: %r\n" % e)
        self.chan.send("bye")

    # ---- requests: locks, board, trails, global fixtures ----

    def request(self, fields, sink):
        if self.barrier_due:
            self.barrier_due = False
            self.sinks.append(("barrier",))
            self.chan.send("unlock", BARRIER)
        self.sinks.append((sink, fields[0]))
        self.chan.send(*fields)

    def ask(self, fields):
        """herd_pytest._ask in the worker's own process: sends the request and
        handles what arrives until its reply does."""
        self.request(fields, "self")
        while self.answer is None:
            self.handle(self.chan.read(wait=True))
            if self.chan.eof:
                os._exit(0)
        reply, self.answer = self.answer, None
        self.asked += 1
        return reply

    def reply(self, m):
        while self.sinks:
            sink = self.sinks[0]
            if sink[0] == "barrier":
                if m[0] == b"ok":
                    self.sinks.popleft()
                return	# else the grant of a lock a dead test waited for
            self.sinks.popleft()
            if sink[0] == "self":
                self.answer = m
            elif sink[0] == "relay":
                self.relay[0].sendall(proto.message(*m))
            return
        # Nothing awaited: a reply to a test that has ended.

    def forget_child_requests(self):
        """A forked test ended: the replies it awaited go nowhere. Only a lock
        may stay unanswered (its worker leaves the queue with the result)."""
        kept = collections.deque()
        for sink in self.sinks:
            if sink[0] == "relay" and sink[1] == b"lock":
                self.barrier_due = True
            else:
                kept.append(("drop",) + sink[1:] if sink[0] == "relay" else sink)
        self.sinks = kept
        self.relay_in = b""
        for end in self.relay:
            try:
                while end.recv(65536, socket.MSG_DONTWAIT):
                    pass
            except (BlockingIOError, InterruptedError):
                pass

    def relay_input(self):
        """Forwards what a forked test asks; a test writing garbage is ignored."""
        try:
            data = self.relay[0].recv(65536, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return
        lines = (self.relay_in + data).split(b"\n")
        self.relay_in = lines.pop()
        for line in lines:
            try:
                f = proto.fields(line)
            except proto.ProtocolError:
                continue
            if f[0] in REQUESTS and len(f) >= REQUESTS[f[0]]:
                self.request(f, "relay")

    def run_teardowns(self):
        while self.teardowns and not self.sinks:
            self.chan.send(*herd_pytest._teardown_global(self.teardowns.pop(0)))

    def handle(self, msgs):
        for m in msgs:
            t = m[0]
            if t == b"config":
                kv = dict(f.split(b"=", 1) for f in m[1:] if b"=" in f)
                self.fork = kv.get(b"isolation") == b"fork"
                self.timeout = float(kv.get(b"timeout", b"0") or 0)
                self.grace = float(kv.get(b"grace", b"1") or 1)
                self.capture = kv.get(b"capture", b"1") != b"0"
                self.again = kv.get(b"again") == b"1"
                self.hold = kv.get(b"hold") == b"1"
            elif t == b"run":
                if len(m) == 1 and self.owed:
                    self.owed -= 1	# none: the word to go on after a failure
                self.queue += [int(i) for i in m[1:]]
            elif t == b"release":
                # The first queued item counts as running: never give it back.
                n = min(int(m[1]), max(len(self.queue) - 1, 0))
                back = self.queue[len(self.queue) - n:] if n else []
                del self.queue[len(self.queue) - n:]
                self.chan.send("released", *back)
            elif t == b"stop":
                self.queue, self.stopping = [], True
            elif t in REPLIES:
                self.reply(m)
            elif t == b"fixture-teardown":
                self.teardowns.append(m[1].decode("utf-8", "surrogateescape"))
            else:
                sys.stderr.write("herd-pytest: unknown message %r\n" % t)
                sys.exit(3)

    def next_item(self, k):
        """The item after k: the next queued, else a guess: the next collected,
        so that fixtures a following item shares stay alive."""
        if self.queue:
            return self.items[self.queue[0]]
        if k + 1 < len(self.items):
            return self.items[k + 1]
        return self.items[k - 1] if k > 0 else None

    def run_one(self, k):
        item = self.items[k]
        limit = self.limit(item)
        if not self.queue or self.held.must_flush(limit):
            self.held.flush()	# the last item queued, or see must_flush
        t0 = time.monotonic()
        left = self.leftover_teardown(item)
        asked = self.asked
        outcome, msg, tally = self.run_here(item, self.next_item(k))
        res = self.result(k, outcome, t0, msg, left, tally)
        # A test that used requests may have left a lock for the controller
        # to release, which it does when the result arrives: send it now. So
        # goes a failure under hold: held back, it would never be answered.
        if (self.asked != asked or self.holds(outcome) or
                not self.held.hold(res, limit)):
            self.send_result(res, outcome)

    def holds(self, outcome):
        """Whether a result of outcome is to be answered (config's hold)."""
        return self.hold and outcome in FAILS

    def send_result(self, res, outcome):
        if self.holds(outcome):
            self.owed += 1
        self.chan.write(res)	# what Held kept goes first (Channel.before_write)

    def await_answers(self):
        """Under hold, after an item (or a forked group): reads the channel
        until the controller has answered every failure sent, so that under
        -x nothing starts after the failure that stops the run, as in pytest."""
        while self.owed and not self.stopping:
            self.handle(self.chan.read(wait=True))
            if self.chan.eof:
                os._exit(0)	# the controller is gone

    def result(self, k, outcome, t0, msg, before=b"", tally=""):
        """Item k's result message, with what it wrote since the last one."""
        out = cut(before + self.output())
        return proto.message("result", k, outcome, "%.6f" % (time.monotonic() - t0), msg, out,
                             *(["tally=" + tally] if tally else []))

    def leftover_teardown(self, item):
        """Tears down what the guessed next item kept and item does not need."""
        state = getattr(self.session, "_setupstate", None)
        stack = getattr(state, "stack", None)
        if not stack:
            return b""
        chain = item.listchain()
        if list(stack)[:len(chain)] == chain[:len(stack)]:
            return b""
        try:
            state.teardown_exact(item)
        except BaseException as e:  # noqa: B902 - a teardown may raise anything
            return ("teardown before this item, of fixtures the previous item "
                    "kept alive, failed: %r\n" % e).encode()
        return b""

    def redirect(self):
        """Points fds 1 and 2 at the capture file while items run, so that
        what a test prints, forked children's output included, lands there."""
        if self.saved is not None or not self.capture or self.capfd < 0:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        os.ftruncate(self.capfd, 0)
        os.lseek(self.capfd, 0, os.SEEK_SET)
        self.saved = (os.dup(1), os.dup(2))
        os.dup2(self.capfd, 1)
        os.dup2(self.capfd, 2)

    def restore(self):
        if self.saved is None:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        os.close(self.saved[0])
        os.close(self.saved[1])
        self.saved = None

    def output(self):
        """What the item wrote; the capture file is emptied for the next one.
        fds 1 and 2 share the file's offset: where it stands is the length."""
        if self.saved is None:
            return b""
        sys.stdout.flush()
        sys.stderr.flush()
        end = os.lseek(self.capfd, 0, os.SEEK_CUR)
        if not end:
            return b""
        out = read_capture(self.capfd, end)
        os.ftruncate(self.capfd, 0)
        os.lseek(self.capfd, 0, os.SEEK_SET)
        return out

    def run_here(self, item, nextitem):
        self.plugin.reports = []
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        return judge(self.plugin.reports, item.config)

    def take_group_run(self, k):
        """The queued items after k of k's serial group, up to the first item
        of another: with fork they run in k's child (docs/protocol.md, Groups)."""
        group = serial_group(self.items[k])
        run = []
        while group is not None and self.queue and serial_group(self.items[self.queue[0]]) == group:
            run.append(self.queue.pop(0))
        return run

    def run_forked(self, ks):
        """--isolation fork: each item in a child of its own, as pytest-forked,
        and a run of a serial group's items in one child, one after another,
        so that state carries over from item to item. What outlives an item
        (the collectors above it, its fixtures of class, module, package and
        session scope) is set up here, in the worker, and inherited: once per
        worker, as without fork. When a child dies, the items it had left run
        on in a fresh one. Under hold a group's child runs on after a failure
        in it: the wait for the answers comes once it has ended."""
        while ks:
            ks = self.fork_child(ks)
            if ks:	# the child died: hold, and a stop, apply before the rest
                self.await_answers()
                if self.stopping:
                    break

    def fork_child(self, ks):
        """Runs ks in one child and sends each result as its item ends;
        returns the items left unrun when the child died."""
        self.held.flush()
        first = self.items[ks[0]]
        run = ChildRun(self, ks, self.leftover_teardown(first))
        self.setup_wide(first)
        if self.relay is None:
            self.relay = socket.socketpair()
        said_r, said_w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(said_r)
            os.close(go_w)
            self.child(ks, said_w, go_r)
        os.close(said_w)
        os.close(go_r)
        run.start(said_r, go_w)
        status, timed_out = self.wait_child(pid, run)
        self.forget_child_requests()
        run.take_said()
        os.close(said_r)
        os.close(go_w)
        tally = ""
        if run.done == len(ks):
            k, outcome, msg, tally = run.last
            left = []
        else:	# the child died in ks[run.done]
            k = ks[run.done]
            if timed_out:
                outcome, msg = "timeout", "timed out after %gs\n" % run.limit
            else:
                outcome, msg = "crashed", describe(status)
            left = ks[run.done + 1:]
        nextitem = self.items[left[0]] if left else self.next_item(ks[-1])
        outcome, msg, tally = self.teardown_wide(nextitem, outcome, msg, tally)
        self.send_result(self.result(k, outcome, run.t0, msg, run.before, tally), outcome)
        return left

    def child(self, ks, said, go):
        """The forked child: runs ks in order, telling the worker each item's
        end on said and, before the next, waiting for its go (the worker
        takes the item's output and sends its result first)."""
        os.setpgid(0, 0)
        os.close(self.chan.fd)
        self.relay[0].close()
        herd_pytest._ask = child_asker(self.relay[1])
        self.plugin.in_child = True
        # The worker's objects leave this process's garbage collector: a
        # collection that walked them would write to, and so copy, every
        # page they are on, and the child ends with os._exit, which frees
        # nothing anyway. Its own objects are collected as usual.
        gc.freeze()
        disown_worker_setup(self.session, [self.items[k] for k in ks])
        for j, k in enumerate(ks):
            item = self.items[k]
            nextitem = self.items[ks[j + 1]] if j + 1 < len(ks) else None
            self.plugin.reports, self.plugin.warnings = [], []
            try:
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                outcome, msg, tally = judge(self.plugin.reports, item.config)
            except BaseException as e:  # noqa: B902
                outcome, msg, tally = "failed", repr(e), ""
            sys.stdout.flush()
            sys.stderr.flush()
            write_all(said, proto.message(k, outcome, msg, self.child_stats(), tally))
            if nextitem is not None and os.read(go, 1) != b"g":
                break	# the worker is gone
        os._exit(0)

    def child_stats(self):
        """The child's reports and warnings, for the worker's terminal
        reporter (the end summary): serialized as pytest-xdist does."""
        config = self.session.config
        return json.dumps({
            "reports": [config.hook.pytest_report_to_serializable(config=config, report=r)
                        for r in self.plugin.reports],
            "warnings": [[warning_record_to_str(w), when, nodeid, list(loc) if loc else None]
                         for w, when, nodeid, loc in self.plugin.warnings]})

    def replay_child_stats(self):
        """Replays the forked items' reports and warnings to the worker's
        plugins, in order: in batches, when the queue runs dry and at the
        end, not item by item. Each fork write-protects the worker's pages,
        so that the worker pays a page fault for each page it writes between
        two forks: the replay's code would add hundreds per item. The
        plugins that keep what they see for the end (the terminal summary,
        junitxml) see it all before the session ends, as before."""
        due, self.child_stats_due = self.child_stats_due, []
        for data in due:
            self.take_child_stats(data)

    def take_child_stats(self, data):
        config = self.session.config
        got = json.loads(data)
        for r in got["reports"]:
            report = config.hook.pytest_report_from_serializable(config=config, data=r)
            if isinstance(getattr(report, "longrepr", None), list):
                report.longrepr = tuple(report.longrepr)	# a skip's (path, line, reason)
            if report is not None:
                config.hook.pytest_runtest_logreport(report=report)
        self.plugin.reports = []
        tr = config.pluginmanager.get_plugin("terminalreporter")
        if tr is None:
            return
        for text, when, nodeid, loc in got["warnings"]:
            tr.stats.setdefault("warnings", []).append(
                WarningReport(fslocation=tuple(loc) if loc else None, message=text, nodeid=nodeid))

    def setup_wide(self, item):
        """Sets up, in the worker, the collectors above item and the fixtures
        it uses that are wider than a function, as pytest's setup would. What
        fails is left for the child to meet again and report."""
        state = self.session._setupstate
        for col in item.listchain()[:-1]:
            if col in state.stack:
                continue
            state.stack[col] = ([col.teardown], None)
            try:
                col.setup()
            except Exception as e:  # noqa: B902 - pytest keeps it for the subtree
                state.stack[col] = (state.stack[col][0], e)
                return
        info = getattr(item, "_fixtureinfo", None)
        if info is None or not hasattr(item, "_initrequest"):
            return
        if not item._request:
            item._initrequest()	# a rerun: pytest dropped the last one
        lend_testcase(item)
        try:
            for name in item.fixturenames:
                defs = info.name2fixturedefs.get(name)
                if defs and defs[-1].scope != "function":
                    item._request.getfixturevalue(name)
            if "tmp_path_factory" in item.fixturenames:
                # One base folder per worker, not one per forked item.
                item._request.getfixturevalue("tmp_path_factory").getbasetemp()
        except BaseException:  # noqa: B902 - pytest caches it; the child reports it
            pass
        finally:
            take_testcase_back(item)
            item._initrequest()	# the child starts from a fresh request

    def teardown_wide(self, nextitem, outcome, msg, tally):
        """After the child: what nextitem does not share is torn down here; a
        failure is the item's error, as pytest counts it: one error more."""
        try:
            self.session._setupstate.teardown_exact(nextitem)
        except BaseException as e:  # noqa: B902 - a teardown may raise anything
            import traceback
            text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
            tally = (tally or outcome) + ",error"
            if outcome in ("passed", "skipped", "xfailed", "xpassed"):
                outcome = "error"
            msg = (msg.decode(errors="replace") if isinstance(msg, bytes) else msg)
            msg = (msg + "\n" if msg else "") + "error at teardown:\n" + text
        return outcome, msg, tally

    def limit(self, item):
        t = mark_arg(item.get_closest_marker("timeout"), 0, "timeout")
        return float(t) if isinstance(t, (int, float)) and t >= 0 else self.timeout

    def wait_child(self, pid, run):
        """The child's wait status, and whether it ran out of time: past the
        running item's limit its group gets SIGTERM, then SIGKILL after the
        grace period. Meanwhile the worker takes the ends of the child's
        items, relays its requests and reads the channel (replies, run,
        release, stop, fixture-teardown)."""
        deadline = run.deadline()
        fd = pidfd(pid)
        killed = 0
        try:
            while True:
                wpid, status = os.waitpid(pid, os.WNOHANG)
                if wpid:
                    return status, killed > 0
                wait = None if deadline is None else max(deadline - time.monotonic(), 0)
                if fd < 0:
                    wait = 0.005 if wait is None else min(wait, 0.005)	# no pidfd (Python 3.8): poll
                watch = [self.chan.fd, self.relay[0]] + ([fd] if fd >= 0 else [])
                watch += [run.fd] if run.fd >= 0 else []
                try:
                    ready, _, _ = select.select(watch, [], [], wait)
                except InterruptedError:
                    ready = []
                if self.chan.fd in ready:
                    self.handle(self.chan.read(wait=False))
                    if self.chan.eof:	# the controller is gone
                        try:
                            os.killpg(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                        os._exit(0)
                    self.run_teardowns()
                if self.relay[0] in ready:
                    self.relay_input()
                if run.fd in ready and run.take_said() and not killed:
                    deadline = run.deadline()	# the next item has its own time
                if deadline is not None and time.monotonic() >= deadline:
                    try:
                        os.killpg(pid, signal.SIGKILL if killed else signal.SIGTERM)
                    except ProcessLookupError:
                        pass
                    killed += 1
                    deadline = time.monotonic() + (self.grace if killed == 1 else 3600)
        finally:
            if fd >= 0:
                os.close(fd)

    def teardown_all(self):
        state = getattr(self.session, "_setupstate", None)
        if state is None or not getattr(state, "stack", None):
            return
        try:
            state.teardown_exact(None)
        except BaseException as e:  # noqa: B902
            self.chan.send("warning", "pytest fixtures' teardown at the end of the worker "
                           "failed: %r" % e)


class ChildRun:
    """The worker's side of a forked child running items ks: each item's end,
    as the child says it on its pipe, is taken here; the result of each but
    the last is sent at once and the child told to go on. The last one's
    waits for the worker's teardown after the child (Loop.fork_child)."""

    def __init__(self, loop, ks, before):
        self.loop = loop
        self.ks = ks
        self.before = before	# output of the teardown before the first item
        self.done = 0		# ks[done] is running
        self.last = None	# (k, outcome, msg, tally) of ks[-1], once said
        self.fd = self.go = -1
        self.said = b""
        self.t0 = time.monotonic()
        self.limit = loop.limit(loop.items[ks[0]])

    def start(self, fd, go):
        os.set_blocking(fd, False)	# a grandchild may hold the pipe's other end
        self.fd, self.go = fd, go

    def deadline(self):
        return time.monotonic() + self.limit if self.limit > 0 else None

    def take_said(self):
        """Reads what the child said; True when an item ended (the next
        runs)."""
        ended = False
        while self.fd >= 0:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not data:
                self.fd = -1	# the child closed it: its exit says the rest
                break
            lines = (self.said + data).split(b"\n")
            self.said = lines.pop()
            for line in lines:
                ended |= self.item_ended(proto.fields(line))
        return ended

    def item_ended(self, f):
        if self.done >= len(self.ks):
            return False
        loop, k = self.loop, self.ks[self.done]
        outcome, msg, tally = f[1].decode(), f[2], f[4].decode()
        loop.child_stats_due.append(f[3])
        self.done += 1
        if self.done == len(self.ks):
            self.last = (k, outcome, msg, tally)
            return False
        loop.send_result(loop.result(k, outcome, self.t0, msg, self.before, tally), outcome)
        self.before = b""
        self.t0 = time.monotonic()
        self.limit = loop.limit(loop.items[self.ks[self.done]])
        try:
            os.write(self.go, b"g")
        except OSError:
            pass	# the child is gone: its exit says the rest
        return True


def lend_testcase(item):
    """A unittest.TestCase's item makes its TestCase in its setup, and
    pytest binds the class's fixtures (setUpClass's) to that instance: set up
    ahead, in the worker, they need one too. The item gets one as its setup
    would make it; take_testcase_back drops it, so that the child's setup
    makes its own."""
    cls = getattr(item.parent, "obj", None)
    if "_testcase" in dir(type(item)) and isinstance(cls, type) and item._testcase is None:
        item._testcase = cls(item.name)
        item._obj = getattr(item._testcase, item.name)


def take_testcase_back(item):
    if "_testcase" in dir(type(item)):
        item._testcase = None
        item._obj = None


def disown_worker_setup(session, items):
    """In a forked child running items: what the worker set up is the
    worker's to tear down (it does after the child, Loop.teardown_wide), so
    the child drops those finalizers, the collectors' and the fixtures' alike,
    and runs only its own. A fixture the child tears down (a group's run
    moving on to another module) is set up again in the child if needed.
    Only the fixtures the items use are looked at: touching every fixture
    of the session would copy the pages they are on."""
    state = session._setupstate
    for node, (_, exc) in list(state.stack.items()):
        state.stack[node] = ([], exc)
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        for defs in (info.name2fixturedefs.values() if info is not None else ()):
            for d in defs:
                if d.cached_result is not None:
                    d._finalizers.clear()


def serial_group(item):
    """The item's group when its strategy is serial or isolated_serial (only
    pytest-mp's mark names a strategy: item_keys)."""
    mp = item.get_closest_marker("mp_group")
    if mp is None or mark_arg(mp, 1, "strategy") not in ("serial", "isolated_serial"):
        return None
    group = mark_arg(mp, 0, "group")
    return None if group is None else str(group)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def judge(reports, config):
    """One herd outcome and message from an item's setup, call and teardown,
    and the tally: what pytest's closing line counts the item as (its
    reports' categories, "passed,error"), when that is more than its outcome:
    after a failed teardown. A failure's message starts with the line
    pytest's short summary shows after the id (the exception's message,
    "assert 1 == 2"): herd's short summary and JUnit's message attribute
    take the message's first line."""
    outcome, msg, crash = "passed", "", None
    extra = []
    for r in reports:
        if r.failed and crash is None:
            crash = crash_line(r) or ""	# the first failure's, as pytest's first line
        if r.when == "setup":
            if r.failed:
                outcome, msg = "error", r.longreprtext
            elif r.skipped:
                outcome = "xfailed" if hasattr(r, "wasxfail") else "skipped"
                msg = r.wasxfail if hasattr(r, "wasxfail") else skip_reason(r)
        elif r.when == "call":
            if hasattr(r, "wasxfail"):
                outcome = "xfailed" if r.skipped else "xpassed"
                msg = r.wasxfail
            elif r.failed:
                outcome, msg = "failed", r.longreprtext
            elif r.skipped:
                outcome, msg = "skipped", skip_reason(r)
        elif r.failed:
            if outcome != "failed":
                outcome = "error"
            msg = (msg + "\n" if msg else "") + "error at teardown:\n" + r.longreprtext
        for name, content in getattr(r, "sections", []):
            if "stdout" not in name and "stderr" not in name and content:
                extra.append(" %s ".center(40, "-") % name + "\n" + content)
    if extra and outcome in ("failed", "error"):
        msg = msg + "\n" + "\n".join(extra)
    if crash and outcome in ("failed", "error"):
        msg = crash + "\n\n" + msg
    if msg and not msg.endswith("\n"):
        msg += "\n"
    tally = ""
    if any(r.when == "teardown" and r.failed for r in reports):
        cats = [config.hook.pytest_report_teststatus(report=r, config=config)[0] for r in reports]
        tally = ",".join(c for c in cats if c)
    return outcome, msg, tally


def crash_line(report):
    """What pytest's short summary adds after a failure's id: the first line
    of the crash's message (terminal.py, _get_line_with_reprcrash_message),
    without pytest's cut to the terminal's width; None when the report has no
    crash (a strict xfail that passed: a plain string)."""
    msg = getattr(getattr(report.longrepr, "reprcrash", None), "message", None)
    if not msg:
        return None
    return msg.split("\n", 1)[0]


def skip_reason(r):
    if isinstance(r.longrepr, tuple) and len(r.longrepr) == 3:
        return r.longrepr[2]
    return str(r.longrepr)


def describe(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "signal %d" % sig
        return "crashed by %s (%s)\n" % (name, signal.strsignal(sig) or name)
    return "crashed: the test's process exited with status %d\n" % os.WEXITSTATUS(status)


def child_asker(sock):
    """herd_pytest._ask in a forked test: the worker relays the request."""
    def ask(fields):
        sock.sendall(proto.message(*fields))
        data = b""
        while not data.endswith(b"\n"):
            b = sock.recv(65536)
            if not b:
                os._exit(125)	# the worker is gone
            data += b
        return proto.fields(data[:-1])
    return ask


def pidfd(pid):
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return -1


def capture_fd():
    v = os.environ.pop("HERD_CAPTURE_FD", None)
    if v is None:
        return -1
    fd = int(v)
    os.set_inheritable(fd, False)
    return fd


def read_capture(fd, end):
    chunks, at = [], 0
    while at < end:
        b = os.pread(fd, min(end - at, 1 << 20), at)
        if not b:
            break
        chunks.append(b)
        at += len(b)
    return b"".join(chunks)


def cut(out):
    if len(out) <= OUTPUT_MAX:
        return out
    half = OUTPUT_MAX // 2
    return out[:half] + b"\n[... %d bytes left out ...]\n" % (len(out) - 2 * half) + out[-half:]
