"""Errors that stop the run before any test: the worker lists nothing and
leaves the message and exit status for the controller (docs/pytest.md)."""
import os


def leave(status, text):
    """Writes status and text where herd --pytest looks once the list is in."""
    d = os.environ.get("HERD_PYTEST_DIR")
    if not d:
        return
    tmp = os.path.join(d, "error.%d" % os.getpid())
    with open(tmp, "w", encoding="utf-8", errors="replace") as f:
        f.write("%d\n%s" % (status, text))
    os.rename(tmp, os.path.join(d, "error"))


def refuse(status, text):
    """Lists no item, so that the controller stops at once, with status and text."""
    from herd_pytest import proto
    if not os.environ.get("HERD_PYTEST_DIR") or "HERD_PROTOCOL_FD" not in os.environ:
        import sys
        sys.stderr.write("herd-pytest: %s\n" % text)
        return status
    leave(status, text)
    chan = proto.Channel(int(os.environ.pop("HERD_PROTOCOL_FD")))
    proto.hello(chan.fd)
    chan.send("collected", 0)
    while not chan.eof:
        for m in chan.read(True):
            if m[0] == b"stop":
                chan.send("bye")
                return 0
    return 0
