#!/usr/bin/env python3
"""tests/remote/cut.py N COMMAND... - a transport that loses its connection.

Used as `--tx 'cmd=python3 tests/remote/cut.py N sh -c'`: it runs COMMAND
(with herd's SCRIPT as its last argument, so COMMAND starts the relay) and
relays bytes both ways between its own stdin/stdout and COMMAND's, as a
network would. It reads the relay's side as docs/protocol.md section 9 frames
it, counts the `result` messages inside the `D` frames, and once it has passed
N of them on to the controller it cuts the connection: it closes both
directions and exits 255, as ssh does when the network goes away. Nothing is
timed: the cut follows the Nth result, whatever the machine's load.

With CUT_PIDFILE set it writes its own pid there first.
"""

import os
import select
import struct
import subprocess
import sys

GREETING = b"herd-relay 1\n"


def write_all(fd, data):
    while data:
        n = os.write(fd, data)
        data = data[n:]


class Counter:
    """Counts the complete `result` lines in each worker's D bytes."""

    def __init__(self):
        self.partial = {}
        self.results = 0

    def feed(self, channel, payload):
        text = self.partial.get(channel, b"") + payload
        lines = text.split(b"\n")
        self.partial[channel] = lines.pop()
        self.results += sum(1 for line in lines if line.startswith(b"result\t"))


def main():
    limit = int(sys.argv[1])
    if os.environ.get("CUT_PIDFILE"):
        with open(os.environ["CUT_PIDFILE"], "w") as f:
            f.write("%d\n" % os.getpid())
    child = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, bufsize=0)
    to_child = child.stdin.fileno()
    from_child = child.stdout.fileno()
    buf = b""
    greeted = False
    count = Counter()
    inputs = [0, from_child]
    while inputs:
        ready, _, _ = select.select(inputs, [], [])
        if 0 in ready:
            data = os.read(0, 65536)
            if data:
                write_all(to_child, data)
            else:
                inputs.remove(0)
                child.stdin.close()
        if from_child in ready:
            data = os.read(from_child, 65536)
            if not data:
                inputs.remove(from_child)
                write_all(1, buf)
                continue
            buf += data
            if not greeted:
                at = buf.find(GREETING)
                if at < 0:
                    continue
                write_all(1, buf[:at + len(GREETING)])
                buf = buf[at + len(GREETING):]
                greeted = True
            while len(buf) >= 9:
                kind = buf[0:1]
                channel, length = struct.unpack(">II", buf[1:9])
                if len(buf) < 9 + length:
                    break
                write_all(1, buf[:9 + length])
                if kind == b"D":
                    count.feed(channel, buf[9:9 + length])
                buf = buf[9 + length:]
                if count.results >= limit:
                    os._exit(255)
    sys.exit(child.wait())


if __name__ == "__main__":
    main()
