/*
 * plugin_html.c - --html FILE.html, a built-in plugin: the run as one
 * self-contained page (inline CSS and script; nothing fetched) with the
 * summary, a table of the items that sorts and filters, every failure's
 * message and output, and the worker timeline from the same data as
 * --trace (src/timeline.h). The data travels as one JSON blob the page's
 * script turns into the table and the timeline: for 10,000 items that is
 * far smaller than rows of markup, and every string reaches the page through
 * textContent, never as markup. Written with the plugin API alone.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "herd_plugin.h"
#include "herd_version.h"
#include "plugin.h"
#include "report_json.h"
#include "timeline.h"
#include "util.h"

/* Captured output kept per failure: a flood would make the page unusable. */
#define OUTPUT_MAX (64 * 1024)

static struct timeline tl = TIMELINE_INIT;
static const char *path;	/* --html's value, or NULL when off */

static const char page_head[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<title>herd report</title>\n<style>\n"
"body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;background:#fff}\n"
"h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}\n"
"#summary .count{display:inline-block;padding:.15em .6em;margin:.1em .3em .1em 0;"
"border-radius:3px;color:#fff;font-weight:600}\n"
"#summary .elapsed{color:#555}\n"
".o-passed{background:#2e7d32;fill:#2e7d32}.o-failed{background:#c62828;fill:#c62828}\n"
".o-error{background:#ef6c00;fill:#ef6c00}.o-skipped{background:#757575;fill:#9e9e9e}\n"
".o-xfailed{background:#6d4c41;fill:#8d6e63}.o-xpassed{background:#ad1457;fill:#ad1457}\n"
".o-crashed{background:#4a0000;fill:#4a0000}.o-timeout{background:#6a1b9a;fill:#6a1b9a}\n"
".o-flaky{background:#f9a825;fill:#f9a825}.o-not-run{background:#90a4ae;fill:#90a4ae}\n"
".o-rerun{background:#e57373;fill:#e57373}\n"
"#timeline{overflow-x:auto;border:1px solid #ddd}\n"
"#timeline svg{display:block}#timeline text{font:12px monospace;fill:#333}\n"
"#timeline .collect{fill:#90caf9}#timeline .sync{fill:#ffb74d}"
"#timeline .mark{fill:#fdd835;stroke:#000;stroke-width:.5}#timeline .row{fill:#f7f7f7}\n"
"#filters{margin:.4em 0}#filters input{width:24em}\n"
"table{border-collapse:collapse;width:100%}th,td{padding:.2em .5em;"
"border-bottom:1px solid #eee;text-align:left;vertical-align:top}\n"
"th{cursor:pointer;user-select:none;background:#f3f3f3;position:sticky;top:0}\n"
"th[aria-sort=ascending]::after{content:\" \\25b2\"}"
"th[aria-sort=descending]::after{content:\" \\25bc\"}\n"
"td.id{font-family:monospace;word-break:break-all}td.num{text-align:right}\n"
"td .badge{color:#fff;padding:0 .4em;border-radius:3px}\n"
"details{margin:.5em 0;border:1px solid #e0e0e0;border-radius:3px;padding:.3em .6em}\n"
"summary{cursor:pointer;font-family:monospace}\n"
"pre{white-space:pre-wrap;word-break:break-all;background:#fafafa;padding:.4em;"
"margin:.3em 0;max-height:30em;overflow:auto}\npre.msg{color:#b71c1c}\n"
"</style>\n</head>\n<body>\n"
"<h1>herd report</h1>\n<p id=\"meta\"></p>\n<p id=\"summary\"></p>\n"
"<h2>Timeline</h2>\n<div id=\"timeline\"></div>\n"
"<h2>Failures</h2>\n<div id=\"failures\"></div>\n"
"<h2>Items</h2>\n<div id=\"filters\"><select id=\"f-outcome\">"
"<option value=\"\">every outcome</option></select>\n"
"<input id=\"f-text\" type=\"search\" placeholder=\"filter: id, worker or message\">\n"
"<span id=\"shown\"></span></div>\n"
"<table id=\"items\"><thead><tr><th data-k=\"0\">id</th><th data-k=\"1\">outcome</th>"
"<th data-k=\"2\">duration (s)</th><th data-k=\"3\">worker</th><th data-k=\"7\">tries</th>"
"<th data-k=\"6\">message</th></tr></thead><tbody></tbody></table>\n"
"<noscript><p>This page builds its tables with JavaScript.</p></noscript>\n"
"<script type=\"application/json\" id=\"herd-data\">";

/*
 * The page's script. D.items: [id, outcome, duration, worker, file, line,
 * message's first line, tries]; D.fail: [item, message, output, bytes of
 * output left out];
 * D.tracks: worker names (0 is the controller); D.tries: [track, start,
 * duration, outcome, try, item]; D.events: [track, sync, cat, name, start,
 * duration, detail], duration -1 for an instant.
 */
static const char page_tail[] =
"</script>\n<script>\n"
"(function () {\n"
"'use strict';\n"
"var D = JSON.parse(document.getElementById('herd-data').textContent);\n"
"var ORDER = ['failed', 'crashed', 'timeout', 'error', 'passed', 'flaky', 'skipped',\n"
"\t'xfailed', 'xpassed', 'not-run'];\n"
"var SVG = 'http://www.w3.org/2000/svg';\n"
"function $(id) { return document.getElementById(id); }\n"
"/* Control bytes made visible, as the XML reports show them. */\n"
"function vis(s) {\n"
"\treturn s == null ? '' : String(s).replace(/[\\x00-\\x08\\x0b-\\x1f\\x7f]/g, function (c) {\n"
"\t\treturn '\\\\x' + ('0' + c.charCodeAt(0).toString(16)).slice(-2);\n"
"\t});\n"
"}\n"
"function el(tag, cls, text) {\n"
"\tvar e = document.createElement(tag);\n"
"\tif (cls) e.className = cls;\n"
"\tif (text != null) e.textContent = vis(text);\n"
"\treturn e;\n"
"}\n"
"function summary() {\n"
"\tvar n = {}, p = $('summary');\n"
"\tD.items.forEach(function (it) { n[it[1]] = (n[it[1]] || 0) + 1; });\n"
"\tORDER.forEach(function (o) {\n"
"\t\tif (!n[o]) return;\n"
"\t\tvar s = el('span', 'count o-' + o, n[o] + ' ' + o.replace('-', ' '));\n"
"\t\ts.dataset.outcome = o;\n"
"\t\ts.dataset.n = n[o];\n"
"\t\tp.appendChild(s);\n"
"\t});\n"
"\tif (!D.items.length) p.appendChild(el('span', 'count o-not-run', 'no tests ran'));\n"
"\tp.appendChild(el('span', 'elapsed', ' in ' + D.elapsed.toFixed(2) + 's'));\n"
"\t$('meta').textContent = D.generator + ', run ' + D.uid + ', ' + D.workers +\n"
"\t\t' worker' + (D.workers == 1 ? '' : 's');\n"
"}\n"
"function bar(svg, cls, x, y, w, h, tip) {\n"
"\tvar r = document.createElementNS(SVG, 'rect'), t = document.createElementNS(SVG, 'title');\n"
"\tr.setAttribute('class', cls);\n"
"\tr.setAttribute('x', x.toFixed(1));\n"
"\tr.setAttribute('y', y);\n"
"\tr.setAttribute('width', Math.max(w, 1).toFixed(1));\n"
"\tr.setAttribute('height', h);\n"
"\tt.textContent = vis(tip);\n"
"\tr.appendChild(t);\n"
"\tsvg.appendChild(r);\n"
"\treturn r;\n"
"}\n"
"function timeline() {\n"
"\tvar L = 70, H = 22, W = Math.max(900, $('timeline').clientWidth - 2), end = D.end || 1;\n"
"\tvar rows = [], svg = document.createElementNS(SVG, 'svg'), scale = (W - L - 10) / end;\n"
"\tfunction row(t) {\n"
"\t\tif (rows[t] == null) rows[t] = rows.filter(function (r) { return r != null; }).length;\n"
"\t\treturn rows[t];\n"
"\t}\n"
"\tD.tries.forEach(function (t) { row(t[0]); });\n"
"\tD.events.forEach(function (e) { if (e[0]) row(e[0]); });\n"
"\tvar nrows = rows.filter(function (r) { return r != null; }).length;\n"
"\tsvg.setAttribute('width', W);\n"
"\tsvg.setAttribute('height', nrows * H + 20);\n"
"\trows.forEach(function (r, t) {\n"
"\t\tif (r == null) return;\n"
"\t\tbar(svg, 'row', 0, r * H, W, H - 2, D.tracks[t]);\n"
"\t\tvar tx = document.createElementNS(SVG, 'text');\n"
"\t\ttx.setAttribute('x', 4);\n"
"\t\ttx.setAttribute('y', r * H + 15);\n"
"\t\ttx.textContent = D.tracks[t];\n"
"\t\tsvg.appendChild(tx);\n"
"\t});\n"
"\tD.events.forEach(function (e) {\n"
"\t\tif (!e[0]) return;\n"
"\t\tvar y = row(e[0]) * H, x = L + e[4] * scale;\n"
"\t\tvar tip = e[3] + (e[6] ? ': ' + e[6] : '') + ' (' + D.tracks[e[0]] + ')';\n"
"\t\tif (e[5] < 0)\n"
"\t\t\tbar(svg, 'mark ' + e[2], x - 1, y, 3, H - 2, tip);\n"
"\t\telse if (e[1])\n"
"\t\t\tbar(svg, 'sync ' + e[2], x, y + H - 7, e[5] * scale, 5, tip);\n"
"\t\telse\n"
"\t\t\tbar(svg, 'collect', x, y + 2, e[5] * scale, H - 6, tip);\n"
"\t});\n"
"\tD.tries.forEach(function (t) {\n"
"\t\tvar it = D.items[t[5]], id = it ? it[0] : '?';\n"
"\t\tvar b = bar(svg, 'bar o-' + t[3], L + t[1] * scale, row(t[0]) * H + 2, t[2] * scale,\n"
"\t\t\tH - 10, id + '\\n' + t[3] + ', ' + t[2].toFixed(3) + 's, try ' + t[4]);\n"
"\t\tb.dataset.id = id;\n"
"\t\tb.dataset.try = t[4];\n"
"\t});\n"
"\tvar ax = document.createElementNS(SVG, 'text');\n"
"\tax.setAttribute('x', L);\n"
"\tax.setAttribute('y', nrows * H + 14);\n"
"\tax.textContent = '0s' + ' \\u2192 ' + end.toFixed(2) + 's';\n"
"\tsvg.appendChild(ax);\n"
"\t$('timeline').appendChild(svg);\n"
"}\n"
"function failures() {\n"
"\tvar box = $('failures');\n"
"\tif (!D.fail.length) box.appendChild(el('p', null, 'none'));\n"
"\tD.fail.forEach(function (f) {\n"
"\t\tvar it = D.items[f[0]], d = el('details', 'failure');\n"
"\t\tvar s = el('summary', null, it[0] + ' \\u2014 ' + it[1] + ' (' + it[4] + ':' + it[5] + ')');\n"
"\t\td.open = D.fail.length <= 20;\n"
"\t\td.dataset.id = it[0];\n"
"\t\td.appendChild(s);\n"
"\t\td.appendChild(el('pre', 'msg', f[1]));\n"
"\t\tif (f[2]) d.appendChild(el('pre', 'out', f[2] +\n"
"\t\t\t(f[3] ? '\\n[... ' + f[3] + ' more bytes left out]' : '')));\n"
"\t\tbox.appendChild(d);\n"
"\t});\n"
"}\n"
"function table() {\n"
"\tvar body = document.querySelector('#items tbody'), sel = $('f-outcome'), rows = [];\n"
"\tvar frag = document.createDocumentFragment(), seen = {};\n"
"\tD.items.forEach(function (it, i) {\n"
"\t\tvar tr = el('tr', 'item'), b = el('span', 'badge o-' + it[1], it[1]);\n"
"\t\ttr.appendChild(el('td', 'id', it[0]));\n"
"\t\tvar td = el('td');\n"
"\t\ttd.appendChild(b);\n"
"\t\ttr.appendChild(td);\n"
"\t\ttr.appendChild(el('td', 'num', it[2].toFixed(3)));\n"
"\t\ttr.appendChild(el('td', null, it[3] || ''));\n"
"\t\ttr.appendChild(el('td', 'num', it[7]));\n"
"\t\ttr.appendChild(el('td', null, it[6] || ''));\n"
"\t\ttr.dataset.outcome = it[1];\n"
"\t\ttr.dataset.text = (it[0] + '\\n' + (it[3] || '') + '\\n' + (it[6] || '')).toLowerCase();\n"
"\t\trows.push({tr: tr, it: it, i: i});\n"
"\t\tfrag.appendChild(tr);\n"
"\t\tseen[it[1]] = 1;\n"
"\t});\n"
"\tbody.appendChild(frag);\n"
"\tORDER.forEach(function (o) {\n"
"\t\tif (!seen[o]) return;\n"
"\t\tvar op = el('option', null, o.replace('-', ' '));\n"
"\t\top.value = o;\n"
"\t\tsel.appendChild(op);\n"
"\t});\n"
"\tfunction filter() {\n"
"\t\tvar o = sel.value, q = $('f-text').value.toLowerCase(), shown = 0;\n"
"\t\trows.forEach(function (r) {\n"
"\t\t\tvar ok = (!o || r.tr.dataset.outcome == o) && (!q || r.tr.dataset.text.indexOf(q) >= 0);\n"
"\t\t\tr.tr.hidden = !ok;\n"
"\t\t\tshown += ok;\n"
"\t\t});\n"
"\t\t$('shown').textContent = shown + ' of ' + rows.length + ' shown';\n"
"\t}\n"
"\tsel.addEventListener('change', filter);\n"
"\t$('f-text').addEventListener('input', filter);\n"
"\tdocument.querySelectorAll('#items th').forEach(function (th) {\n"
"\t\tth.addEventListener('click', function () {\n"
"\t\t\tvar k = +th.dataset.k, dir = th.getAttribute('aria-sort') == 'ascending' ? -1 : 1;\n"
"\t\t\tdocument.querySelectorAll('#items th').forEach(function (h) { h.removeAttribute('aria-sort'); });\n"
"\t\t\tth.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');\n"
"\t\t\trows.sort(function (a, b) {\n"
"\t\t\t\tvar x = a.it[k], y = b.it[k];\n"
"\t\t\t\tif (k == 1) { x = ORDER.indexOf(x); y = ORDER.indexOf(y); }\n"
"\t\t\t\tif (x == null) x = '';\n"
"\t\t\t\tif (y == null) y = '';\n"
"\t\t\t\treturn (x < y ? -1 : x > y ? 1 : a.i - b.i) * dir;\n"
"\t\t\t});\n"
"\t\t\tvar f = document.createDocumentFragment();\n"
"\t\t\trows.forEach(function (r) { f.appendChild(r.tr); });\n"
"\t\t\tbody.appendChild(f);\n"
"\t\t});\n"
"\t});\n"
"\tfilter();\n"
"}\n"
"summary();\n"
"timeline();\n"
"failures();\n"
"table();\n"
"document.body.dataset.ready = '1';\n"
"})();\n"
"</script>\n</body>\n</html>\n";

static int
html_addoption(herd_parser *p)
{
	static const struct herd_option o = {
		"--html", "FILE", "the run as one self-contained HTML page", NULL, NULL,
	};

	return herd_addoption(p, &o);
}

static int
html_configure(herd_session *s)
{
	path = herd_getoption(s, "--html");
	if (path && !*path) {
		herd_plugin_error(s, "--html takes a file name");
		return -1;
	}
	return 0;
}

static int
html_logstart(herd_session *s, herd_item *it, herd_node *n)
{
	(void)s;
	if (path)
		tl_logstart(&tl, it, n);
	return 0;
}

static int
html_logreport(herd_session *s, const struct herd_report *r)
{
	(void)s;
	if (path)
		tl_logreport(&tl, r);
	return 0;
}

static int
html_event(herd_session *s, const struct herd_event *e)
{
	(void)s;
	if (path)
		tl_event(&tl, e);
	return 0;
}

static void
jstr(struct buf *b, const char *s)
{
	hd_json_string(b, s, s ? strlen(s) : 0);
}

static void
num(struct buf *b, double d)
{
	buf_printf(b, "%.6f", isfinite(d) && d > 0 ? d : 0.0);
}

/* An item's index in the reports, by its handle: the reports sorted by item. */
struct slot {
	const herd_item *item;
	size_t i;
};

static int
by_item(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct slot *)a)->item;
	uintptr_t y = (uintptr_t)((const struct slot *)b)->item;

	return x < y ? -1 : x > y;
}

static long
index_of(const struct slot *v, size_t n, const herd_item *it)
{
	struct slot key = { it, 0 };
	const struct slot *s = bsearch(&key, v, n, sizeof(*v), by_item);

	return s ? (long)s->i : -1;
}

static int
failing(enum herd_outcome o)
{
	return o == HERD_OUTCOME_FAILED || o == HERD_OUTCOME_ERROR ||
	       o == HERD_OUTCOME_CRASHED || o == HERD_OUTCOME_TIMEOUT;
}

static void
items(struct buf *b, const struct herd_report *r, size_t n)
{
	size_t i;

	buf_adds(b, ",\n\"items\":[");
	for (i = 0; i < n; i++) {
		char *m = tl_first_line(r[i].message);

		buf_adds(b, i ? ",\n[" : "\n[");
		jstr(b, r[i].id);
		buf_printf(b, ",\"%s\",", herd_outcome_name(r[i].outcome));
		num(b, r[i].duration);
		buf_addc(b, ',');
		jstr(b, r[i].worker);
		buf_addc(b, ',');
		jstr(b, r[i].file);
		buf_printf(b, ",%d,", r[i].line);
		jstr(b, m);
		buf_printf(b, ",%d]", r[i].worker ? r[i].reruns + 1 : 0);
		free(m);
	}
	buf_adds(b, "],\n\"fail\":[");
	for (i = 0; i < n; i++) {
		size_t len = r[i].output ? r[i].outlen : 0;

		if (!failing(r[i].outcome))
			continue;
		buf_printf(b, "%s[%zu,", b->data[b->len - 1] == '[' ? "\n" : ",\n", i);
		jstr(b, r[i].message ? r[i].message : "");
		buf_addc(b, ',');
		hd_json_string(b, r[i].output, len > OUTPUT_MAX ? OUTPUT_MAX : len);
		if (len > OUTPUT_MAX)
			buf_printf(b, ",%zu", len - OUTPUT_MAX);
		buf_addc(b, ']');
	}
	buf_addc(b, ']');
}

static void
tracks(struct buf *b, const struct slot *v, size_t n)
{
	size_t i;

	buf_adds(b, ",\n\"tracks\":[");
	for (i = 0; i < tl.ntracks; i++) {
		buf_adds(b, i ? "," : "");
		jstr(b, tl.tracks[i].name);
	}
	buf_adds(b, "],\n\"tries\":[");
	for (i = 0; i < tl.nev; i++) {
		const struct tl_entry *e = &tl.ev[i];

		if (!e->item)
			continue;
		buf_printf(b, "%s[%zu,", b->data[b->len - 1] == '[' ? "\n" : ",\n", e->track);
		num(b, e->ts);
		buf_addc(b, ',');
		num(b, e->dur);
		buf_printf(b, ",\"%s\",%d,%ld]", herd_outcome_name(e->outcome), e->tryno,
			   index_of(v, n, e->item));
	}
	buf_adds(b, "],\n\"events\":[");
	for (i = 0; i < tl.nev; i++) {
		const struct tl_entry *e = &tl.ev[i];

		if (e->item)
			continue;
		buf_printf(b, "%s[%zu,%d,\"%s\",", b->data[b->len - 1] == '[' ? "\n" : ",\n",
			   e->track, e->sync, e->cat);
		jstr(b, e->name);
		buf_addc(b, ',');
		num(b, e->ts);
		buf_adds(b, ",");
		if (e->kind == TL_SLICE)
			num(b, e->dur);
		else
			buf_adds(b, "-1");
		buf_addc(b, ',');
		jstr(b, e->detail ? e->detail : e->message);
		buf_addc(b, ']');
	}
	buf_adds(b, "]");
}

/*
 * The blob sits in a <script> element, which ends at the first "</": '<'
 * only occurs inside JSON strings, where \u003c means the same.
 */
static void
add_blob(struct buf *page, const struct buf *blob)
{
	size_t i, run;

	for (i = 0; i < blob->len; i = run + 1) {
		run = i + strcspn(blob->data + i, "<");
		buf_add(page, blob->data + i, run - i);
		if (run < blob->len)
			buf_adds(page, "\\u003c");
	}
}

static int
html_sessionfinish(herd_session *s, int *status)
{
	const struct herd_report *r;
	struct buf blob = BUF_INIT, page = BUF_INIT;
	struct slot *v;
	size_t n, i;

	if (!path)
		return 0;
	tl_finish(&tl);
	r = herd_session_reports(s, &n);
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].item = r[i].item;
		v[i].i = i;
	}
	qsort(v, n, sizeof(*v), by_item);
	buf_adds(&blob, "{\"generator\":\"herd " HERD_VERSION "\",\"uid\":");
	jstr(&blob, herd_session_uid(s));
	buf_printf(&blob, ",\"workers\":%d,\"elapsed\":", herd_session_workers(s));
	num(&blob, herd_session_time(s));
	buf_adds(&blob, ",\"end\":");
	num(&blob, tl.end);
	items(&blob, r, n);
	tracks(&blob, v, n);
	buf_adds(&blob, "}\n");
	buf_adds(&page, page_head);
	add_blob(&page, &blob);
	buf_adds(&page, page_tail);
	if (hd_write_file_atomic(path, page.data, page.len) < 0) {
		herd_warn(s, "cannot write %s: %s", path, strerror(errno));
		*status = HD_EXIT_INTERNAL;
	}
	free(v);
	buf_clear(&blob);
	buf_clear(&page);
	return 0;
}

static int
html_unconfigure(herd_session *s)
{
	(void)s;
	tl_clear(&tl);
	return 0;
}

const struct herd_plugin plug_html = {
	.abi = HERD_PLUGIN_ABI,
	.name = "html",
	.addoption = html_addoption,
	.configure = html_configure,
	.runtest_logstart = html_logstart,
	.runtest_logreport = html_logreport,
	.event = html_event,
	.sessionfinish = html_sessionfinish,
	.unconfigure = html_unconfigure,
};
