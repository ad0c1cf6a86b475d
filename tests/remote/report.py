#!/usr/bin/env python3
"""tests/remote/report.py 'CHECK|JSON|ARG...' ... - reads herd's --json
reports for tests/e2e/remote_*.sh and prints one answer line per check, in
order: "ok", or a value, or what is wrong (several lines of an answer are
joined by " | "). The scripts compare each line with what they expect. One
call does all the checks of a run: starting python3 costs more than checking.

  outcomes JSON            "crashed=1 passed=199": the outcomes and their counts
  once JSON IDS            ok when every id listed in the file IDS (one a line)
                           has exactly one entry and no other id has any
  summary JSON             ok when the summary's counts are the tests' outcomes
  where JSON OUTCOME       "gw1": the sorted workers of the items with OUTCOME
  messages JSON OUTCOME    the items with OUTCOME as "ID<TAB>MESSAGE", one a line
  allsay JSON OUTCOME TEXT ok when every item with OUTCOME has TEXT in its message
  reruns JSON              the items rerun as "ID OUTCOME WORKER RERUNS"
  same JSON WANT_JSON      ok when both reports give each id the same fields
                           (outcome, message, output, reruns, file, line,
                           suite, name), worker names in messages aside
"""

import collections
import json
import re
import sys

FIELDS = ("outcome", "message", "output", "reruns", "file", "line", "suite", "name")


def tests(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return json.load(f)["tests"]


def outcomes(path):
    c = collections.Counter(t["outcome"] for t in tests(path))
    return " ".join("%s=%d" % kv for kv in sorted(c.items()))


def once(path, ids_path):
    with open(ids_path, encoding="utf-8", errors="replace") as f:
        want = [line.rstrip("\n") for line in f if line.strip()]
    got = collections.Counter(t["id"] for t in tests(path))
    missing = [i for i in want if got[i] == 0]
    twice = [i for i in want if got[i] > 1]
    other = [i for i in got if i not in set(want)]
    if not (missing or twice or other):
        return "ok"
    return "missing %d %r, more than once %d %r, unknown %d %r" % (
        len(missing), missing[:3], len(twice), twice[:3], len(other), other[:3])


def summary(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        d = json.load(f)
    c = collections.Counter(t["outcome"] for t in d["tests"])
    s = {k: v for k, v in d["summary"].items() if k not in ("total", "deselected") and v}
    return "ok" if s == dict(c) else "summary %r, tests %r" % (s, dict(c))


def where(path, outcome):
    return " ".join(sorted(set(t["worker"] for t in tests(path) if t["outcome"] == outcome)))


def messages(path, outcome):
    return "\n".join("%s\t%s" % (t["id"], (t.get("message") or "").strip())
                     for t in tests(path) if t["outcome"] == outcome)


def allsay(path, outcome, text):
    bad = [t["id"] for t in tests(path)
           if t["outcome"] == outcome and text not in (t.get("message") or "")]
    return "ok" if not bad else "%d do not say %r, e.g. %s" % (len(bad), text, bad[0])


def reruns(path):
    return "\n".join("%s %s %s %d" % (t["id"], t["outcome"], t["worker"], t.get("reruns", 0))
                     for t in tests(path) if t.get("reruns", 0))


def same(path, want_path):
    def norm(v):
        return re.sub(r"\bgw[0-9]+\b", "gwN", v) if isinstance(v, str) else v

    def table(p):
        return {t["id"]: tuple(norm(t.get(k)) for k in FIELDS) for t in tests(p)}

    got, want = table(path), table(want_path)
    if got == want:
        return "ok"
    diff = []
    for i in sorted(set(got) | set(want)):
        g, w = got.get(i), want.get(i)
        if g != w:
            if g is None or w is None:
                diff.append("%r only in %s" % (i, "the wanted report" if g is None else "this one"))
            else:
                k = [FIELDS[n] for n in range(len(FIELDS)) if g[n] != w[n]]
                diff.append("%r: %s: %r, wanted %r" % (
                    i, k[0], g[FIELDS.index(k[0])], w[FIELDS.index(k[0])]))
    return "%d ids differ; %s" % (len(diff), "; ".join(diff[:3]))


CHECKS = {"outcomes": outcomes, "once": once, "summary": summary, "where": where,
          "messages": messages, "allsay": allsay, "reruns": reruns, "same": same}


def main():
    for spec in sys.argv[1:]:
        check, *args = spec.split("|")
        try:
            out = CHECKS[check](*args)
        except (OSError, ValueError, KeyError, TypeError) as e:
            out = "cannot check %r: %r" % (spec, e)
        print(out.replace("\n", " | "))


if __name__ == "__main__":
    main()
