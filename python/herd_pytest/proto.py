"""The herd wire protocol, version 1 (docs/protocol.md): framing and the channel."""
import os
import re
import select

_ESC = re.compile(rb"[%\t\n\r]")
_ESC_TEXT = re.compile(r"[%\t\n\r]")
_ESCAPES = str.maketrans({"%": "%25", "\t": "%09", "\n": "%0A", "\r": "%0D"})
_BAD = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_HEX = re.compile(rb"%([0-9A-Fa-f]{2})")


_greeted = 0	# the pid of the process that said hello


class ProtocolError(Exception):
    pass


def hello(fd):
    """Says hello on the protocol fd, once per process: at once, before
    anything slow (docs/protocol.md). A forked worker says its own. hold=1:
    it can wait after a failure until the controller answers (config's hold)."""
    global _greeted
    if _greeted != os.getpid():
        _greeted = os.getpid()
        Channel(fd).send("hello", 1, "pid=%d" % _greeted, "impl=herd_pytest/0.1", "hold=1")


def field(v):
    """One field, escaped: '%', TAB, LF and CR become %XX. Text is escaped
    before it is encoded, and only when it must be: a list's fields rarely
    need it, and its messages are on the way to the first item."""
    if isinstance(v, bytes):
        return _ESC.sub(lambda m: b"%%%02X" % m.group()[0], v)
    v = str(v)
    if _ESC_TEXT.search(v):
        v = v.translate(_ESCAPES)
    return v.encode("utf-8", "surrogateescape")


def message(*fields):
    return b"\t".join(map(field, fields)) + b"\n"


def fields(line):
    """Splits one line (without its LF) and unescapes each field."""
    if not line or b"\r" in line:
        raise ProtocolError("an empty line or a raw CR")
    out = []
    for f in line.split(b"\t"):
        if _BAD.search(f):
            raise ProtocolError("a bad escape in %r" % f[:40])
        out.append(_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), f))
    return out


def unquote_args(s):
    """HERD_PYTEST_ARGS: arguments as protocol fields, TAB-separated."""
    if not s:
        return []
    return [f.decode("utf-8", "surrogateescape") for f in fields(s.encode("utf-8", "surrogateescape"))]


class Channel:
    """The protocol socket: buffered reads split into messages, whole writes."""

    def __init__(self, fd):
        self.fd = fd
        self.rest = b""
        self.eof = False
        self.before_write = None	# sends what is held back first (worker.Held)

    def send(self, *f):
        self.write(message(*f))

    def write(self, data):
        if self.before_write is not None:
            self.before_write()
        self.raw_write(data)

    def raw_write(self, data):
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.fd, view)
            except BrokenPipeError:
                raise SystemExit(0)	# the controller is gone: nothing to tell it
            except InterruptedError:
                continue
            view = view[n:]

    def read(self, wait):
        """The messages that have arrived; with wait, blocks until at least one."""
        msgs = []
        while not self.eof:
            r, _, _ = select.select([self.fd], [], [], None if wait and not msgs else 0)
            if not r:
                break
            data = os.read(self.fd, 65536)
            if not data:
                self.eof = True
                break
            lines = (self.rest + data).split(b"\n")
            self.rest = lines.pop()
            msgs += [fields(l) for l in lines]
            if msgs:
                wait = False
        return msgs
