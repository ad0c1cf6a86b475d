#!/bin/sh
# pytest_report.sh - herd --pytest as pytest's users read and configure it:
# pytest's -r lines and warnings summary at the end; --import-mode and the
# rootdir, testpaths and addopts of pyproject.toml, setup.cfg and tox.ini;
# groups and marks in the worker's list and the list's hash handshake; and
# bad input: a collection error (exit 2 with pytest's ERRORS section), a
# conftest that raises, no such interpreter, no pytest, Python < 3.8 (exit 4,
# one line). Skipped when no interpreter here can import pytest.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=pytest.inc
. "$(dirname "$0")/pytest.inc"
t_init pytest_report
pt_init outcomes groups bad_collect bad_conftest report importmode lines

# ---- the end of pytest's report: -r lines, warnings summary ----
rep=report/test_report.py
for iso in none fork; do
	# loadfile: the two items that raise the same warning share a worker.
	t_run "$herd" --pytest --python "$py" -n 2 --dist loadfile --isolation $iso report -- -rA
	t_summary "1 failed, 5 passed, 1 skipped, 1 xfailed, 1 xpassed, 4 warnings" "$iso: the report suite's outcomes and warnings, as pytest counts them"
	t_count out "short test summary info" 1 "$iso: one short summary, herd's failures and pytest's -r lines"
	t_match out "^PASSED $(t_re "$rep::test_warns_param[1]")\$" "$iso: -rA: passed items listed (p)"
	t_match out "^SKIPPED \[1\] $(t_re "$rep"):21: not today\$" "$iso: ... skips with their place (s)"
	t_match out "^XFAIL $(t_re "$rep::test_xfailed") - known bug\$" "$iso: ... xfailed (x)"
	t_match out "^XPASS $(t_re "$rep::test_xpassed") fixed already\$" "$iso: ... xpassed (X)"
	t_eq "$(sed -n '/short test summary info/,$p' "$T_OUT" | sed '1d;$d' | cut -d' ' -f1 | uniq | tr '\n' ' ')" \
		"FAILED PASSED SKIPPED XFAIL XPASS " \
		"$iso: ... in pytest's order of the letters, failures first"
	t_count out "= warnings summary =" 1 "$iso: one warnings summary for both workers"
	t_match out "test_report.py:9: UserWarning: careful with this\$" "$iso: ... with the warning's place and text"
	t_match out "test_report2.py:5: RuntimeWarning: from another module\$" "$iso: ... those of the other module too"
	t_eq "$(grep -A 2 "^$(t_re "$rep::test_warns_param[0]")\$" "$T_OUT" | sed -n '2,3p' | sed 's/^ *//; s/.*\(:14: \)/\1/' | tr '\n' '|')" \
		"$rep::test_warns_param[1]|:14: DeprecationWarning: old api 7|" \
		"$iso: ... one entry for the same warning of two items"
	t_match out "^-- Docs: https://docs.pytest.org/" "$iso: ... closed as pytest closes it"
done
t_run "$herd" --pytest --python "$py" -n 1 report
t_count out "^(PASSED|SKIPPED|XFAIL|XPASS) " 0 "without -r: pytest's default letters, the failures alone"
t_count out "= warnings summary =" 1 "... and the warnings summary"
t_run "$herd" --pytest --python "$py" -n 1 report -- -p no:warnings
t_count out "warnings summary" 0 "-p no:warnings: no warnings summary"

# ---- --import-mode; pytest's own configuration files ----
t_run "$herd" --pytest --python "$py" -n 2 importmode
t_status 2 "two test_same.py without __init__.py: pytest's default import mode fails to collect"
t_has out "ERROR importmode/b/test_same.py" "... naming the second module"
t_run "$herd" --pytest --python "$py" -n 2 -v importmode -- --import-mode=importlib
t_summary "3 passed" "--import-mode=importlib reaches pytest: both modules import, sys.path untouched"
t_match out " PASSED $(t_re importmode/b/test_same.py::test_not_on_sys_path)\$" "... the test that checks sys.path passes"
# One project per file pytest reads its [pytest] options from: each names
# testpaths (other/ is left out), addopts (-k keep) and python_files
# (check_*.py); herd runs in the project with no path, then in a subfolder,
# where pytest finds the file above: the rootdir, so ids are relative to it.
project() {
	mkdir -p "$T_WORK/$1/checks/sub" "$T_WORK/$1/other"
	printf 'def test_keep():\n    pass\n\n\ndef test_drop():\n    pass\n' >"$T_WORK/$1/checks/sub/check_a.py"
	printf 'def test_keep():\n    pass\n' >"$T_WORK/$1/checks/sub/test_ignored.py"
	printf 'def test_keep():\n    assert 0, "outside testpaths"\n' >"$T_WORK/$1/other/check_o.py"
	cat >"$T_WORK/$1/$2"
}
project toml pyproject.toml <<'EOF'
[tool.pytest.ini_options]
testpaths = ["checks"]
addopts = "-k keep"
python_files = ["check_*.py"]
EOF
project cfg setup.cfg <<'EOF'
[tool:pytest]
testpaths = checks
addopts = -k keep
python_files = check_*.py
EOF
project tox tox.ini <<'EOF'
[tox]
envlist = py3

[pytest]
testpaths = checks
addopts = -k keep
python_files = check_*.py
EOF
for p in toml cfg tox; do
	t_run sh -c 'cd "$1" && shift && exec "$@"' sh "$T_WORK/$p" "$herd" --pytest --python "$py" -n 2 -v
	t_summary "1 passed, 1 deselected" "$p: testpaths, addopts and python_files from its file"
	t_outcome PASSED "checks/sub/check_a.py::test_keep" "$p: ... the one item, its id from the rootdir"
	t_run sh -c 'cd "$1" && shift && exec "$@"' sh "$T_WORK/$p/checks/sub" "$herd" --pytest --python "$py" \
		--collect-only .
	t_eq "$(cat "$T_OUT")" "checks/sub/check_a.py::test_keep" "$p: from a subfolder: the rootdir is the file's folder"
done

# ---- the worker's list: groups, marks, the hash handshake ----
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS=groups "$py" "$HERD_SRC/tests/pytest/listing.py" \
	"$HERD_SRC/python/herd-pytest-worker"
t_match out "^item	groups/test_groups.py::test_xdist_group	.*	group=db(	|\$)" \
	"xdist_group(name=) is the item's herd group"
t_match out "^item	groups/test_groups.py::test_mp_group	.*	strategy=isolated_serial	group=files" \
	"mp_group(name, strategy) gives group and strategy"
t_match out "^item	groups/test_groups.py::TestNet::test_one	.*suite=TestNet	.*strategy=serial	group=net" \
	"a class's mp_group mark reaches its methods; the class is the suite"
t_match out "^item	groups/test_groups.py::test_limited	.*	timeout=7" "a timeout mark is the item's limit"
t_match out "^exit 0\$" "the worker ends with 0 after stop"
t_match out "^collected	5\$" "the first worker sends no hash: the controller computes it"
hash=$(sed -n 's/^hash //p' "$T_OUT")
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS=groups "$py" "$HERD_SRC/tests/pytest/listing.py" \
	"$HERD_SRC/python/herd-pytest-worker" "${hash:-none}"
t_count out "^item	" 0 "given its list's hash, a worker sends no items"
t_match out "^collected	5	hash=$hash\$" "... only the count and the hash"
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS=groups "$py" "$HERD_SRC/tests/pytest/listing.py" \
	"$HERD_SRC/python/herd-pytest-worker" 0123456789abcdef
t_count out "^item	" 5 "given another list's hash, a worker sends its whole list"
t_match out "^collected	5	hash=$hash\$" "... with its own hash"
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS="groups	-k	plain" "$py" \
	"$HERD_SRC/tests/pytest/listing.py" "$HERD_SRC/python/herd-pytest-worker"
t_match out "^item	groups/test_groups.py::test_plain	file=groups/test_groups.py	" "-k: the item kept is listed with its keys"
t_match out "^item	groups/test_groups.py::test_limited	marks=herd_deselected\$" \
	"... one pytest deselected by its id and the mark alone"

# Each item's line= is the line of pytest's own item.location, which the
# worker does not ask pytest for when the item is a plain function.
t_run env HERD_PYTEST_PYTHON="$py" HERD_PYTEST_ARGS=lines "$py" "$HERD_SRC/tests/pytest/listing.py" \
	"$HERD_SRC/python/herd-pytest-worker"
sed -n 's/^item	\([^	]*\)	.*	line=\([0-9]*\).*/\1 \2/p' "$T_OUT" >"$T_WORK/lines.herd"
(cd "$T_WORK" && "$py" - lines.pytest) >/dev/null 2>&1 <<'EOF'
import sys
import pytest
class Locations:
    def pytest_collection_finish(self, session):
        with open(sys.argv[1], "w") as f:
            for i in session.items:
                f.write("%s %d\n" % (i.nodeid, i.location[1] + 1))
pytest.main(["-q", "--co", "-p", "no:cacheprovider", "lines"], plugins=[Locations()])
EOF
t_eq "$(wc -l <"$T_WORK/lines.herd" | tr -d ' ')" 9 "lines: every item of tests/pytest/lines is listed with a line"
t_eq "$(cat "$T_WORK/lines.herd")" "$(cat "$T_WORK/lines.pytest" 2>/dev/null)" \
	"lines: each item's line is pytest's location (plain, wrapped, unwrapped, parametrized, method, unittest, place_as, compat)"

# ---- bad input ----
t_run "$herd" --pytest --python "$py" bad_collect
t_status 2 "a collection error: exit 2, as pytest's interrupted collection"
t_has out "ERROR collecting bad_collect/test_broken.py" "... with pytest's ERRORS section"
t_has out "Interrupted: 1 error during collection" "... and its closing line"
t_run "$herd" --pytest --python "$py" bad_conftest
t_status 4 "a conftest that raises: exit 4, as pytest"
t_count err "." 1 "... one line"
t_match err "^herd: .*conftest.*this conftest is broken" "... naming the conftest and the error"
t_run "$herd" --pytest --python "$T_WORK/no-such-python" outcomes
t_status 4 "no such interpreter: exit 4"
t_match err "^herd: --python: .*no-such-python: no such interpreter\$" "... in one line"
printf '#!/bin/sh\nexec %s -S "$@"\n' "$py" >"$T_WORK/nopytest" && chmod +x "$T_WORK/nopytest"
t_run "$herd" --pytest --python "$T_WORK/nopytest" outcomes
t_status 4 "an interpreter without pytest: exit 4"
t_count err "." 1 "... one line"
t_match err "^herd: .* cannot import pytest" "... saying so"
cat >"$T_WORK/oldpython" <<EOF
#!/bin/sh
exec $py -S -c 'import sys; sys.version_info = (3, 7, 9); f = sys.argv[1]; sys.argv = sys.argv[1:]; exec(compile(open(f).read(), f, "exec"), {"__name__": "__main__", "__file__": f})' "\$@"
EOF
chmod +x "$T_WORK/oldpython"
t_run "$herd" --pytest --python "$T_WORK/oldpython" outcomes
t_status 4 "Python < 3.8: exit 4"
t_match err "^herd: herd --pytest needs Python 3.8 or later; .* is 3.7\$" "... in one line"
t_finish
