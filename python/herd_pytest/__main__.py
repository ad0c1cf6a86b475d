"""Entry point of herd's pytest worker: python -m herd_pytest, or this file run
by python/herd-pytest-worker. Kept to syntax old interpreters parse, so that
one too old says so in one line."""
import os
import sys

if __package__ in (None, ""):
    # Run as a file: the package's parent takes the place of this folder on
    # sys.path, and the working folder comes first, as with python -m pytest.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, os.getcwd())


def main():
    from herd_pytest import bad
    if sys.version_info < (3, 8):
        return bad.refuse(4, "herd --pytest needs Python 3.8 or later; %s is %d.%d" %
                          (sys.executable, sys.version_info[0], sys.version_info[1]))
    from herd_pytest import forkserver, proto
    if forkserver.is_later():
        # A later worker: forked from the first one's collection when it can be.
        forkserver.launch()
        if sys.flags.no_site:
            # python/herd-pytest-worker starts a launcher without the site
            # packages (-S), which pytest needs: start again with them.
            py = sys.executable or os.environ.get("HERD_PYTEST_PYTHON", "python3")
            os.execvp(py, [py, os.path.abspath(__file__)])
    else:
        # The first worker: the controller starts the others once it has said
        # hello, and they wait on this socket while it collects.
        forkserver.listen()
    if "HERD_PROTOCOL_FD" in os.environ:
        proto.hello(int(os.environ["HERD_PROTOCOL_FD"]))
    try:
        import pytest  # noqa: F401
    except ImportError as e:
        return bad.refuse(4, "%s cannot import pytest (%s); install it or pick an "
                          "interpreter that has it with --python" % (sys.executable, e))
    from herd_pytest import worker
    return worker.main()


if __name__ == "__main__":
    sys.exit(main())
