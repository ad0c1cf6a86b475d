"""tests/pytest/listing.py WORKER [HASH] - plays herd's controller for one
herd-pytest-worker: prints each message the worker sends until `collected`,
then the hash of the ids listed, as the controller computes it (`hash HEX`),
then sends stop and prints the worker's exit status. With HASH, the worker is
told the controller already has a list of that hash (HERD_COLLECT_HASH)."""
import os
import socket
import subprocess
import sys

ours, theirs = socket.socketpair()
env = dict(os.environ, HERD_PROTOCOL_FD=str(theirs.fileno()), HERD_WORKER="gw0",
           HERD_WORKER_COUNT="1", HERD_TESTRUN_UID="0123456789abcdef")
if len(sys.argv) > 2:
    env["HERD_COLLECT_HASH"] = sys.argv[2]
p = subprocess.Popen([sys.argv[1]], env=env, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
theirs.close()
f = ours.makefile("rb")
h = 0xcbf29ce484222325	# FNV-1a 64 over each id and a LF (docs/protocol.md)
for line in f:
    print(line.decode().rstrip("\n"))
    if line.startswith(b"item\t"):
        for b in line.split(b"\t")[1] + b"\n":
            h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    if line.startswith(b"collected"):
        break
print("hash %016x" % h)
ours.sendall(b"config\tisolation=none\ttimeout=0\tgrace=1\tcapture=1\nstop\n")
for line in f:
    print(line.decode().rstrip("\n"))
print("exit", p.wait())
