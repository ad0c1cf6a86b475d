"""bench/docsection.py - writes one bench script's section of docs/benchmarks.md.

A section starts at its "## " heading and runs to the next one. It replaces
the section of that heading, or goes at the end of the file, below the
marker line bench.py keeps (bench.py rewrites only what is above it). The
file is replaced whole (written aside, then renamed), so an interrupted run
leaves the old one.

    python3 bench/docsection.py DOC < SECTION    (its first line is the heading)
"""
import os
import sys

MARKER = "<!-- The sections below come from other bench/ scripts; bench.py keeps them. -->"


def replace_section(doc, section):
    """Puts section (heading first) into doc; exits with a line if doc has no marker."""
    head = section.split("\n", 1)[0]
    text = open(doc).read() if os.path.exists(doc) else MARKER + "\n"
    if MARKER not in text:
        sys.exit("bench: %s has no marker line" % doc)
    at = text.find(head)
    if at < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        nxt = text.find("\n## ", at + len(head))
        text = text[:at] + section + (text[nxt:] if nxt >= 0 else "")
    with open(doc + ".tmp", "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    os.rename(doc + ".tmp", doc)


LOADED = (" The load average was above the 2 cores: wall times here are mostly waits "
          "for a CPU, and these verdicts need a run on a quiet machine.")


def loaded(*loads):
    """LOADED when any of the load averages given ("1 5 15" strings) passed 2."""
    return LOADED if max(float(l.split()[0]) for l in loads) > 2 else ""


def write_with_intro(doc, intro, table):
    """The section made of the text in file intro, then table, into doc."""
    text = open(intro).read().strip("\n")
    replace_section(doc, text + "\n\n" + table + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 bench/docsection.py DOC < SECTION")
    replace_section(sys.argv[1], sys.stdin.read())
