"""Reports of a run: report.json (versioned schema in schemas/report.schema.json), report.md, and the
terminal summary. Every failure carries its request and response with secrets redacted."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.catalogue.clauses import CATALOGUE, OPERATIONS
from conformance.checker.outcomes import BLOCKED, ERROR, FAILED, NOT_IMPLEMENTED, Outcome
from conformance.report import reproducer
from conformance.report.reproducer import with_reproducer

REPORT_VERSION = "1.1"
DEFAULT_ROOT = Path("reports")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_json(state: Any, outcomes: list[Outcome], summary: dict[str, Any]) -> dict[str, Any]:
    import botocore

    from conformance import __version__

    finished = time.time()
    settings = state.settings.public()
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "bedrock-conformance", "version": __version__, "botocore": botocore.__version__},
        "target": state.settings.target,
        "settings": settings,
        "run_id": state.run_id,
        "seed": state.seed,
        "profile": state.profile,
        "started": _iso(state.started),
        "finished": _iso(finished),
        "duration_seconds": round(finished - state.started, 3),
        "verdict": {0: "conformant", 1: "non-conformant", 2: "error"}[summary["verdict"]],
        "reason": "; ".join(summary["problems"]) if summary["verdict"] == 2 else None,
        "exit_code": summary["verdict"],
        "totals": summary["counts"],
        "score_percent": summary["score"],
        "judged": summary["judged"],
        "accepted_by_baseline": summary["accepted"],
        "stale_baseline_entries": summary["stale_baseline"],
        "problems": summary["problems"],
        "warnings": summary.get("warnings", []),
        "clauses": [
            {**{k: v for k, v in asdict(CATALOGUE[o.clause]).items()}, "status": o.status,
             "message": o.message, "examples": o.examples, "tests": o.tests, "blocked_by": o.blocked_by,
             "failure": with_reproducer(o.failure, settings, seed=state.seed,
                                        run_prefix=f"{state.settings.name_prefix}{state.run_id}")}
            for o in outcomes
        ],
    }


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary (never mid-word) with an ellipsis when longer than width."""
    line = " ".join(str(text).split())
    if len(line) <= width:
        return line
    cut = line.rfind(" ", 0, width - 1)
    return (line[:cut] if cut > width // 2 else line[:width - 1]) + "…"


def build_markdown(doc: dict[str, Any]) -> str:
    lines = [f"# bedrock-conformance report: {doc['verdict']}", "",
             f"Target `{doc['target']}` · profile {doc['profile']} · seed {doc['seed']} · "
             f"{doc['started']} · {doc['duration_seconds']} s", "",
             "| " + " | ".join(doc["totals"]) + " |", "|" + "---|" * len(doc["totals"]),
             "| " + " | ".join(str(v) for v in doc["totals"].values()) + " |", "",
             _score_text(doc["score_percent"], doc["judged"]), ""]
    for problem in doc["problems"]:
        lines.append(f"- **problem:** {problem}")
    for warning in doc.get("warnings") or ():
        lines.append(f"- **warning:** {warning}")
    for op in [*OPERATIONS.values(), "*"]:
        rows = [c for c in doc["clauses"] if c["operation"] == op]
        if not rows:
            continue
        lines += ["", f"## {op}", "", "| clause | status | note |", "|---|---|---|"]
        for c in rows:
            note = shorten(c["message"] or "", 200).replace("|", "\\|")
            lines.append(f"| `{c['id']}` | {c['status']} | {note} |")
    failures = [c for c in doc["clauses"] if c["status"] in (FAILED, NOT_IMPLEMENTED, ERROR) and c["failure"]]
    if failures:
        lines += ["", "## Failures", ""]
        for c in failures:
            f = c["failure"]
            lines += [f"### {c['id']} ({c['status']})", "", c["statement"], "", f"**{f['message']}**", ""]
            for part in ("request", "response"):
                if f.get(part):
                    lines += [f"{part}:", "```json", json.dumps(f[part], indent=2, default=str)[:3000], "```"]
            if f.get("reproducer"):
                lines += [f"reproducer: `{reproducer.DIRECTORY}/{c['id']}.py` (`python {reproducer.DIRECTORY}/"
                          f"{c['id']}.py URL` exits 1 while the clause fails, 0 when it holds, 2 when its steps "
                          "can no longer be taken)"]
            elif f.get("no_reproducer"):
                lines += [f"no reproducer: {f['no_reproducer']}"]
            lines.append("")
    return "\n".join(lines) + "\n"


def _score_text(score: float, judged: dict[str, int]) -> str:
    return (f"score {score}%: {judged['passed']} passed out of {judged['judged']} judged, {judged['judged']} "
            f"judged out of {judged['total']} clauses (blocked and skipped ones count against the score)")


def write_all(state: Any, outcomes: list[Outcome], summary: dict[str, Any], *,
              report_dir: str | None) -> list[Path]:
    doc = build_json(state, outcomes, summary)
    if report_dir:
        directory = Path(report_dir)
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{state.run_id}"
        directory = DEFAULT_ROOT / stamp
    directory.mkdir(parents=True, exist_ok=True)
    files = {"report.json": json.dumps(doc, indent=2, default=str) + "\n", "report.md": build_markdown(doc)}
    try:
        from conformance.report import report_extra
    except ImportError:  # pragma: no cover
        report_extra = None
    if report_extra is not None:
        files.update(report_extra.render(doc))
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    reproducer.write(directory, doc["clauses"])
    if not report_dir:
        latest = DEFAULT_ROOT / "latest"
        shutil.rmtree(latest, ignore_errors=True)
        shutil.copytree(directory, latest)
    return [directory / name for name in files]


def summary_lines(state: Any, outcomes: list[Outcome], summary: dict[str, Any], *,
                  paths: list[Path]) -> list[str]:
    counts = summary["counts"]
    lines = [f"target {state.settings.target} · seed {state.seed} · profile {state.profile} · clauses: "
             + ", ".join(f"{v} {k}" for k, v in counts.items() if v),
             f"  (the contract's {sum(counts.values())} clauses; pytest's own line counts its test functions, "
             f"each of which checks one or more clauses)"]
    lines.append(_score_text(summary["score"], summary["judged"]))
    for o in outcomes:
        if o.status in (FAILED, NOT_IMPLEMENTED, ERROR):
            mark = " (accepted by baseline)" if o.clause in summary["accepted"] else ""
            lines.append(f"  {o.status.upper():16} {o.clause}: {shorten(o.message, 200)}{mark}")
    blocked: dict[str, list[str]] = {}  # why (what the test needed, which clause took it away) -> the clauses
    for o in outcomes:
        if o.status == BLOCKED:
            why = o.message.removeprefix("blocked: ") or f"not judged, {o.blocked_by or '?'} failed first"
            blocked.setdefault(why, []).append(o.clause)
    for why, ids in blocked.items():
        lines.append(f"  {'BLOCKED':16} {', '.join(ids)}: {why}")
    for clause in summary["stale_baseline"]:
        lines.append(f"  baseline entry {clause} now passes: prune it (or --update-baseline)")
    for problem in summary["problems"]:
        lines.append(f"  problem: {problem}")
    for warning in summary.get("warnings", []):
        lines.append(f"  warning: {warning}")
    if paths:
        lines.append(f"reports: {paths[0].parent}")
    verdict = {0: "CONFORMANT", 1: "NON-CONFORMANT", 2: "COULD NOT RUN"}[summary["verdict"]]
    lines.append(f"verdict: {verdict} (exit {summary['verdict']})")
    return lines


def load_baseline(path: str | None) -> dict[str, str]:
    """A baseline file: JSON ``{"accepted": {"CLAUSE-ID": "reason", ...}}``."""
    if not path:
        return {}
    p = Path(path)
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        accepted = data.get("accepted", {})
        if not isinstance(accepted, dict):
            raise ValueError("'accepted' must map clause ids to reasons")
        return {str(k): str(v) for k, v in accepted.items()}
    except ValueError as exc:
        from conformance.catalogue.settings import SettingsError

        raise SettingsError(f"baseline {path} is not valid: {exc}") from None


def write_baseline(path: str, gaps: list[Outcome], old: dict[str, str]) -> None:
    accepted = {o.clause: old.get(o.clause, f"{o.status}: {o.message[:200]}") for o in gaps}
    Path(path).write_text(json.dumps({"accepted": accepted}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
