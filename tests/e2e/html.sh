#!/bin/sh
# html.sh - --html FILE.html (src/plugin_html.c), checked in a real browser:
# headless Chromium loads the page (once: it dumps the DOM after the page's
# script ran and takes a screenshot) and the DOM must hold the summary's
# counts, the table's rows, a failure's message and output with their
# markup, quotes and control bytes as text (never as elements), and one
# timeline bar per item try. The page is self-contained: no URL it would
# fetch. Skipped when chromium is not installed (scripts/setup check).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t_init html

herd=$HERD_BUILD/herd
t_build trace_a -DSIDE_A -I tests/e2e tests/e2e/trace.c
t_build trace_b -I tests/e2e tests/e2e/trace.c
page=$T_WORK/run.html

t_run "$herd" --no-cache -q -n 2 --isolation none --reruns 1 --timeout 60 --html "$page" \
	"$T_WORK/trace_a" "$T_WORK/trace_b"
t_status 1 "exit 1"
t_eq "$(ls "$T_WORK" | grep -c 'run\.html')" 1 "the page is written, nothing beside it"
# The SVG namespace is a name, never fetched.
t_eq "$(grep -v "= 'http://www.w3.org/2000/svg';" "$page" |
	grep -cE '(src|href) *= *"?[a-z]+:|https?://|@import|url\(')" 0 \
	"self-contained: no URL, stylesheet or script it would fetch"
t_nomatch "$page" '<b>bold|<i>x</i>' "the output's and the message's markup is not in the page as markup"

if ! command -v chromium >/dev/null 2>&1; then
	t_skip "the page in a browser" "chromium is not installed (scripts/setup check installs it)"
	t_finish
fi
# One start of the browser: the DOM after the scripts ran, and a picture.
t_run timeout 120 chromium --headless --disable-gpu --no-sandbox --no-first-run \
	--user-data-dir="$T_WORK/profile" --hide-scrollbars --window-size=1200,900 \
	--screenshot="$T_WORK/shot.png" --dump-dom "file://$page"
dom=$T_OUT
t_status 0 "chromium renders the page"
t_has "$dom" 'data-ready="1"' "the page's script ran to its end"
t_has "$dom" 'data-outcome="failed" data-n="2">2 failed<' "the summary counts 2 failed"
t_has "$dom" 'data-outcome="passed" data-n="7">7 passed<' "the summary counts 7 passed"
t_has "$dom" 'data-outcome="flaky" data-n="2">2 flaky<' "the summary counts 2 flaky"
t_count "$dom" '<tr class="item"' 11 "the table has a row per item"
# Tries: 11 items, 4 of them twice (rerun::flaky, rerun::never, crash::once, msg::hostile).
t_eq "$(grep -o '<rect class="bar ' "$dom" | wc -l)" 15 "the timeline has a bar per item try"
t_eq "$(grep -o '<rect class="bar o-rerun' "$dom" | wc -l)" 4 "the reruns' first tries are bars of their own"
t_has "$dom" 'boom &lt;/script&gt;&lt;i&gt;x&lt;/i&gt; &amp; "quoted" '"'single'"' \x02 '"$(printf '\357\277\275')"'(' \
	"a failure's message: markup, quotes as text, a control byte shown as \\xNN, invalid UTF-8 as U+FFFD"
t_has "$dom" 'out: &lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; "q"' "a failure's captured output, as text"
t_has "$dom" '<rect class="mark crash"' "the worker's crash is marked on the timeline"
t_has "$dom" '<rect class="sync lock"' "the lock wait is drawn on the timeline"
if [ -s "$T_WORK/shot.png" ] && [ "$(head -c 4 "$T_WORK/shot.png" | od -An -c | tr -d ' ')" = '211PNG' ]; then
	t_pass "chromium took a screenshot of the page"
else
	t_fail "chromium took a screenshot of the page" "a PNG file" "$(ls -l "$T_WORK/shot.png" 2>&1)"
fi
t_finish
