#!/bin/sh
# bench/stage-click.sh GIT_DIR [COMMIT] - stages pallets/click, the real
# suite of bench/pytest.sh, from a clone of it that is already here (this
# script downloads nothing): COMMIT (default 2c8cd3a, the one docs/pytest.md
# checked) goes to bench/out/suites/click, with the metadata its tests read
# (they ask importlib.metadata for click's version, and run from the source
# tree with PYTHONPATH=src:meta), and bench/out/suites/click.env names it for
# bench/pytest.sh, which then runs it as its "real" set.
set -eu
[ $# -ge 1 ] || { echo "usage: bench/stage-click.sh GIT_DIR [COMMIT]" >&2; exit 4; }
git_dir=$1
commit=${2:-2c8cd3a}
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/bench/out/suites/click
full=$(git --git-dir="$git_dir" rev-parse --verify "$commit^{commit}") ||
	{ echo "bench/stage-click.sh: $git_dir has no commit $commit" >&2; exit 4; }
rm -rf "$dest" "$dest.env"
mkdir -p "$dest/meta/click-8.5.0.dev0.dist-info"
git --git-dir="$git_dir" archive "$full" | tar -x -C "$dest"
printf 'Metadata-Version: 2.1\nName: click\nVersion: 8.5.0.dev0\n' \
	>"$dest/meta/click-8.5.0.dev0.dist-info/METADATA"
short=$(printf '%.7s' "$full")
date=$(git --git-dir="$git_dir" log -1 --format=%cs "$full")
cat >"$dest.env" <<EOT
BENCH_PYTEST_REAL_NAME='pallets/click $short ($date)'
BENCH_PYTEST_REAL_ENV='PYTHONPATH=src:meta'
EOT
echo "bench/stage-click.sh: pallets/click $short staged in bench/out/suites/click"
