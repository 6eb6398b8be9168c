"""junit.xml and report.html, rendered from the report.json document (see ``report.build_json``).

Both work from the document alone, so they can be re-rendered from any stored report.json:
``render(json.load(open("report.json")))``. report.html is one self-contained page (inline CSS and a few
lines of JavaScript, no external resources) that works when opened from disk.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import escape
from typing import Any
from urllib.parse import quote

from conformance.checker.outcomes import BLOCKED, ERROR, FAILED, NOT_IMPLEMENTED, PASSED, SKIPPED, STATUSES

Clause = dict[str, Any]
ORDER = (FAILED, NOT_IMPLEMENTED, ERROR, BLOCKED, PASSED, SKIPPED)  # how the page lists and stacks statuses
GAPS = (FAILED, NOT_IMPLEMENTED, ERROR, BLOCKED)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(doc: dict[str, Any]) -> dict[str, str]:
    return {"junit.xml": junit(doc), "report.html": html_page(doc)}


# -- shared ------------------------------------------------------------------------------------------------
def by_operation(doc: dict[str, Any]) -> dict[str, list[Clause]]:
    """Clauses grouped by operation, in catalogue order ("*" holds the cross-operation clauses)."""
    groups: dict[str, list[Clause]] = {}
    for clause in doc["clauses"]:
        groups.setdefault(clause["operation"], []).append(clause)
    return groups


def status_counts(clauses: list[Clause]) -> dict[str, int]:
    return {status: sum(c["status"] == status for c in clauses) for status in STATUSES}


def _pretty_body(body: Any) -> str:
    if not isinstance(body, str):
        return json.dumps(body, indent=2, default=str)
    try:
        return json.dumps(json.loads(body), indent=2)
    except ValueError:
        return body


def http_text(message: dict[str, Any] | None) -> str:
    """A recorded request or response as an HTTP message: first line, headers, pretty-printed JSON body."""
    if not message:
        return ""
    if "method" in message:
        first = f"{message.get('method')} {message.get('url')}"
    else:
        first = f"HTTP {message.get('status')}"
    headers = "".join(f"{k}: {v}\n" for k, v in (message.get("headers") or {}).items())
    body = message.get("body")
    return f"{first}\n{headers}" + (f"\n{_pretty_body(body)}\n" if body not in (None, "") else "")


def failure_sections(clause: Clause) -> list[tuple[str, str]]:
    """(title, text) of the parts a failure recorded, in reading order."""
    failure = clause.get("failure") or {}
    parts = [("schema path", failure.get("schema_path") or ""),
             ("request", http_text(failure.get("request"))),
             ("response", http_text(failure.get("response"))),
             ("reproducer", failure.get("reproducer") or "")]
    return [(title, text) for title, text in parts if text]


# -- junit.xml ---------------------------------------------------------------------------------------------
def _x(text: Any) -> str:
    """Text XML 1.0 can carry (a response may hold control characters)."""
    return _XML_ILLEGAL.sub("\ufffd", str(text))


def _junit_status(clause: Clause, accepted: set[str]) -> str:
    """A gap the baseline accepts is a skipped test, so the file agrees with the exit code."""
    gap = clause["status"] in (FAILED, NOT_IMPLEMENTED) and clause["id"] in accepted
    return SKIPPED if gap else clause["status"]


def _junit_counts(statuses: list[str]) -> dict[str, str]:
    failures = statuses.count(FAILED) + statuses.count(NOT_IMPLEMENTED)
    return {"tests": str(len(statuses)), "failures": str(failures), "errors": str(statuses.count(ERROR)),
            "skipped": str(statuses.count(SKIPPED) + statuses.count(BLOCKED))}


def _testcase(suite: ET.Element, clause: Clause, status: str) -> None:
    case = ET.SubElement(suite, "testcase", classname=clause["operation"], name=clause["id"])
    message = _x(clause["message"])
    if status == BLOCKED:  # not judged: a JUnit skip whose message names the clause that blocked it
        ET.SubElement(case, "skipped", message=message, type=BLOCKED)
    elif status == SKIPPED:
        if clause["status"] != SKIPPED:
            message = f"accepted by baseline: {clause['status']}: {message}"
        ET.SubElement(case, "skipped", message=message)
    elif status != PASSED:
        tag, junit_type = ("error", "error") if status == ERROR else ("failure", slug(status))
        body = [clause["statement"], *(f"{title}:\n{text}" for title, text in failure_sections(clause))]
        ET.SubElement(case, tag, message=message, type=junit_type).text = _x("\n\n".join(body))


def junit(doc: dict[str, Any]) -> str:
    """One testsuite per operation, one testcase per clause (classname = operation, name = clause id)."""
    accepted = set(doc.get("accepted_by_baseline") or ())
    status = {c["id"]: _junit_status(c, accepted) for c in doc["clauses"]}
    root = ET.Element("testsuites", {"name": "bedrock-conformance", "time": str(doc["duration_seconds"]),
                                     **_junit_counts(list(status.values()))})
    for operation, clauses in by_operation(doc).items():
        counts = _junit_counts([status[c["id"]] for c in clauses])
        suite = ET.SubElement(root, "testsuite",
                              {"name": operation, "timestamp": doc["started"].removesuffix("Z"), **counts})
        properties = ET.SubElement(suite, "properties")
        for name in ("target", "seed", "profile", "run_id"):
            ET.SubElement(properties, "property", name=name, value=_x(doc[name]))
        for clause in clauses:
            _testcase(suite, clause, status[clause["id"]])
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# -- report.html -------------------------------------------------------------------------------------------
_CSS = """
:root { --passed:#2e7d32; --failed:#c62828; --not-implemented:#e07b00; --skipped:#9aa0a6; --blocked:#795548; --error:#6a1b9a;
  --ink:#1f2328; --muted:#59636e; --line:#d8dee4; --soft:#f6f8fa; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); }
main { max-width:1280px; margin:0 auto; padding:0 24px 48px; }
header.verdict { color:#fff; padding:20px 24px; }
header.verdict .inner { max-width:1232px; margin:0 auto; }
.v-conformant { background:var(--passed); } .v-non-conformant { background:var(--failed); }
.v-error { background:#57606a; }
header h1 { margin:0 0 4px; font-size:26px; }
header .meta { display:flex; flex-wrap:wrap; gap:4px 22px; }
header .meta b { font-weight:600; }
.totals { display:flex; flex-wrap:wrap; gap:10px; margin:18px 0 8px; }
.total { border:1px solid var(--line); border-radius:8px; padding:8px 14px; min-width:118px; }
.total .n { font-size:22px; font-weight:700; display:block; }
.total.score { background:var(--soft); }
.notes { margin:12px 0; padding:10px 14px; border-left:4px solid var(--not-implemented); background:#fff8ec; }
.notes.problems { border-color:var(--failed); background:#fdf0f0; }
h2 { font-size:17px; margin:28px 0 8px; }
h2 small { color:var(--muted); font-weight:400; font-size:13px; margin-left:8px; }
table { border-collapse:collapse; width:100%; }
ul.attention { list-style:none; padding:0; margin:0; }
ul.attention li { padding:6px 0 6px 124px; text-indent:-124px; border-bottom:1px solid var(--line);
  overflow-wrap:anywhere; }
ul.attention .badge { min-width:112px; text-align:center; margin-right:8px; text-indent:0; }
ul.attention .ids { font-size:12px; margin-top:2px; text-indent:0; }
ul.attention .ids a { color:var(--muted); margin-right:10px; white-space:nowrap; }
.overview td { padding:5px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
.overview td.bar-cell { width:60%; }
.overview a { color:var(--ink); text-decoration:none; } .overview a:hover { text-decoration:underline; }
.bar { display:flex; height:18px; border-radius:4px; overflow:hidden; background:var(--soft); }
.bar span { display:block; color:#fff; font-size:11px; line-height:18px; text-align:center; overflow:hidden; }
.counts { color:var(--muted); font-size:12px; }
.passed { background:var(--passed); } .failed { background:var(--failed); }
.not-implemented { background:var(--not-implemented); } .skipped { background:var(--skipped); } .blocked { background:var(--blocked); }
.error { background:var(--error); }
nav.filters { position:sticky; top:0; z-index:2; background:#fff; padding:10px 0; display:flex;
  flex-wrap:wrap; gap:6px; border-bottom:1px solid var(--line); }
nav.filters button { font:inherit; border:1px solid var(--line); background:#fff; border-radius:16px;
  padding:3px 12px; cursor:pointer; }
nav.filters button.on { background:var(--ink); color:#fff; border-color:var(--ink); }
.matrix { table-layout:fixed; }
.matrix th { text-align:left; font-size:12px; color:var(--muted); font-weight:600; padding:4px 8px;
  border-bottom:2px solid var(--line); }
.matrix td { padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top;
  overflow-wrap:anywhere; }
.matrix col.id { width:280px; } .matrix col.st { width:132px; }
.matrix tr.s-failed td:first-child { box-shadow:inset 3px 0 var(--failed); }
.matrix tr.s-error td:first-child { box-shadow:inset 3px 0 var(--error); }
.matrix tr.s-not-implemented td:first-child { box-shadow:inset 3px 0 var(--not-implemented); }
.matrix tr.s-skipped { color:var(--muted); }
code { font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
.badge { display:inline-block; color:#fff; border-radius:10px; padding:1px 9px; font-size:12px;
  white-space:nowrap; }
.tag { display:inline-block; border:1px solid var(--line); border-radius:10px; padding:0 7px; font-size:11px;
  color:var(--muted); margin-left:6px; }
details summary { cursor:pointer; }
details[open] summary { margin-bottom:8px; }
dl { display:grid; grid-template-columns:max-content 1fr; gap:2px 14px; margin:0 0 8px; }
dt { color:var(--muted); } dd { margin:0; }
pre { background:var(--soft); border:1px solid var(--line); border-radius:6px; padding:10px;
  margin:4px 0 10px; overflow:auto; max-height:420px; white-space:pre-wrap; overflow-wrap:anywhere; }
pre.code { white-space:pre; overflow-wrap:normal; }
h4 { margin:10px 0 2px; font-size:12px; text-transform:uppercase; letter-spacing:.5px; color:var(--muted); }
h4 a { text-transform:none; letter-spacing:0; margin-left:8px; font-weight:400; }
footer { margin-top:32px; color:var(--muted); font-size:12px; }
"""

_JS = """
var buttons = document.querySelectorAll("nav.filters button");
buttons.forEach(function (button) {
  button.addEventListener("click", function () {
    var want = button.dataset.filter;
    buttons.forEach(function (b) { b.classList.toggle("on", b === button); });
    document.querySelectorAll("section.op").forEach(function (section) {
      var shown = 0;
      section.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = want !== "all" && row.dataset.status !== want;
        if (!row.hidden) { shown += 1; }
      });
      section.hidden = shown === 0;
    });
  });
});
function openLinked() {  // a link to a clause opens its failure
  var row = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var details = row && row.querySelector("details");
  if (details) { details.open = true; }
}
window.addEventListener("hashchange", openLinked);
openLinked();
"""


def _e(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def slug(status: str) -> str:
    return status.replace(" ", "-")


def _label(operation: str) -> str:
    return "All operations" if operation == "*" else operation


def _badge(status: str) -> str:
    return f'<span class="badge {slug(status)}">{_e(status)}</span>'


def _links(ids: list[str], sep: str = ", ") -> str:
    """Clause ids linking to their rows."""
    return sep.join(f'<a href="#{_e(i)}"><code>{_e(i)}</code></a>' for i in ids)


def _bar(counts: dict[str, int]) -> str:
    return '<div class="bar">' + "".join(
        f'<span class="{slug(s)}" style="flex:{counts[s]}" title="{counts[s]} {_e(s)}">{counts[s]}</span>'
        for s in ORDER if counts[s]) + "</div>"


def _counts_text(counts: dict[str, int]) -> str:
    return " · ".join(f"{counts[s]} {_e(s)}" for s in ORDER if counts[s])


def _header(doc: dict[str, Any]) -> str:
    meta = [("target", doc["target"]), ("profile", doc["profile"]), ("seed", doc["seed"]),
            ("duration", f"{doc['duration_seconds']} s"), ("started", doc["started"]), ("run", doc["run_id"])]
    faults = (doc.get("settings") or {}).get("faults")
    if faults:
        meta.append(("faults", ", ".join(faults)))
    meta.append(("exit code", doc["exit_code"]))
    spans = "".join(f"<span>{_e(k)} <b>{_e(v)}</b></span>" for k, v in meta)
    return (f'<header class="verdict v-{slug(doc["verdict"])}"><div class="inner">'
            f'<h1>{_e(doc["verdict"].capitalize())}</h1><div class="meta">{spans}</div></div></header>')


def _summary(doc: dict[str, Any]) -> str:
    """Totals, problems, warnings and baseline notes."""
    counts = status_counts(doc["clauses"])
    tiles = "".join(f'<div class="total"><span class="n" style="color:var(--{slug(s)})">{counts[s]}</span>'
                    f"{_e(s)}</div>" for s in ORDER)
    tiles += f'<div class="total score"><span class="n">{_e(doc["score_percent"])} %</span>score</div>'
    notes = [f'<div class="notes problems"><b>Problem:</b> {_e(p)}</div>' for p in doc.get("problems") or ()]
    notes += [f'<div class="notes"><b>Warning:</b> {_e(w)}</div>' for w in doc.get("warnings") or ()]
    if doc.get("accepted_by_baseline"):
        notes.append('<div class="notes"><b>Accepted by the baseline</b> (gaps that do not fail the run): '
                     f'{_links(doc["accepted_by_baseline"])}</div>')
    if doc.get("stale_baseline_entries"):
        notes.append('<div class="notes"><b>Stale baseline entries</b> (these pass now: prune them): '
                     f'{_links(doc["stale_baseline_entries"])}</div>')
    return f'<div class="totals">{tiles}</div>{"".join(notes)}'


def _overview(groups: list[tuple[str, list[Clause]]]) -> str:
    """One stacked bar per operation."""
    rows = "".join(
        f'<tr><td><a href="#op-{i}">{_e(_label(op))}</a></td><td class="bar-cell">{_bar(counts)}</td>'
        f'<td class="counts">{_counts_text(counts)}</td></tr>'
        for i, (op, counts) in enumerate((op, status_counts(clauses)) for op, clauses in groups))
    return f"<h2>By operation</h2><table class=overview>{rows}</table>"


def _attention(doc: dict[str, Any]) -> str:
    """The gaps, most serious first, one line per distinct (status, message) with the clauses it hit."""
    gaps: dict[tuple[str, str], list[str]] = {}
    for clause in sorted(doc["clauses"], key=lambda c: ORDER.index(c["status"])):
        if clause["status"] in GAPS:
            gaps.setdefault((clause["status"], clause["message"]), []).append(clause["id"])
    if not gaps:
        return ""
    items = []
    for (status, message), ids in gaps.items():
        times = f" <b>×{len(ids)}</b>" if len(ids) > 1 else ""
        items.append(f'<li>{_badge(status)} {_e(message) or "(no message)"}{times}'
                     f'<div class="ids">{_links(ids, " ")}</div></li>')
    total = sum(len(ids) for ids in gaps.values())
    return (f"<h2>Needs attention<small>{total} of {len(doc['clauses'])} clauses</small></h2>"
            f"<ul class=attention>{''.join(items)}</ul>")


def _details(clause: Clause) -> str:
    """The expandable failure: the clause's facts, then what the failure recorded."""
    facts = [("statement", clause["statement"]), ("source", clause["source"]),
             ("confidence", clause["confidence"]), ("cost", clause["cost"]),
             ("tests", ", ".join(clause.get("tests") or ()) or "none"),
             ("examples", clause.get("examples", 0))]
    blocks = [f"<dl>{''.join(f'<dt>{_e(k)}</dt><dd>{_e(v)}</dd>' for k, v in facts)}</dl>"]
    for title, text in failure_sections(clause):
        extra, cls = "", ""
        if title == "reproducer":
            href = "data:text/x-python;charset=utf-8," + quote(text)
            extra = f'<a download="reproduce-{_e(clause["id"])}.py" href="{_e(href)}">download .py</a>'
            cls = ' class="code"'
        blocks.append(f"<h4>{_e(title)}{extra}</h4><pre{cls}>{_e(text)}</pre>")
    summary = _e(clause["message"]) or "(no message)"
    return f"<details><summary>{summary}</summary>{''.join(blocks)}</details>"


def _row(clause: Clause, accepted: set[str]) -> str:
    status = slug(clause["status"])
    tag = '<span class="tag">accepted by baseline</span>' if clause["id"] in accepted else ""
    note = _details(clause) if clause.get("failure") else _e(clause["message"])
    return (f'<tr class="s-{status}" data-status="{status}" id="{_e(clause["id"])}">'
            f'<td><code>{_e(clause["id"])}</code></td><td>{_badge(clause["status"])}{tag}</td>'
            f"<td>{note}</td></tr>")


def _matrix(doc: dict[str, Any], groups: list[tuple[str, list[Clause]]]) -> str:
    """The filter buttons and one clause table per operation."""
    accepted = set(doc.get("accepted_by_baseline") or ())
    counts = status_counts(doc["clauses"])
    buttons = [("all", f"All ({len(doc['clauses'])})")]
    buttons += [(slug(s), f"{s.capitalize()} ({counts[s]})") for s in ORDER]
    nav = "".join(f'<button data-filter="{f}"{" class=on" if f == "all" else ""}>{_e(label)}</button>'
                  for f, label in buttons)
    sections = "".join(
        f'<section class="op" id="op-{i}"><h2>{_e(_label(op))}<small>{_counts_text(status_counts(clauses))}'
        f'</small></h2><table class=matrix><colgroup><col class="id"><col class="st"><col></colgroup>'
        f"<thead><tr><th>clause</th><th>status</th><th>note</th></tr></thead>"
        f"<tbody>{''.join(_row(c, accepted) for c in clauses)}</tbody></table></section>"
        for i, (op, clauses) in enumerate(groups))
    return f"<h2>Clauses</h2><nav class=filters>{nav}</nav>{sections}"


def _footer(doc: dict[str, Any]) -> str:
    tool = doc.get("tool") or {}
    settings = json.dumps(doc.get("settings") or {}, indent=2, default=str)
    return (f"<footer>{_e(tool.get('name'))} {_e(tool.get('version'))} · botocore {_e(tool.get('botocore'))}"
            f" · report {_e(doc['report_version'])} · finished {_e(doc['finished'])}"
            f"<details><summary>settings</summary><pre>{_e(settings)}</pre></details></footer>")


def html_page(doc: dict[str, Any]) -> str:
    title = f"bedrock-conformance: {doc['verdict']} · {doc['target']}"
    groups = list(by_operation(doc).items())
    body = _summary(doc) + _overview(groups) + _attention(doc) + _matrix(doc, groups) + _footer(doc)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
            f"<style>{_CSS}</style></head><body>{_header(doc)}<main>{body}</main>"
            f"<script>{_JS}</script></body></html>\n")
