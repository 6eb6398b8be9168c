"""Detection benchmark: every faulty variant of the reference emulator, run through the full suite (quick
profile) and through schemathesis alone (schemas/openapi.json, its best settings that stay silent on the
unmodified reference), in the same invocation.

    python -m benchmarks.detection [--only FAULT ...] [--examples N] [--profile quick]

For each variant: caught or not, the first failing clause, wall time and requests until that failure; the
same for schemathesis; totals and the ratio. Writes reports/benchmarks/detection.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from bedrock_emulator.config import EmulatorConfig
from bedrock_emulator.core import Emulator
from bedrock_emulator.faults import FAULTS, PRESETS
from bedrock_emulator.server import start
from benchmarks.fault_catalogue import preset_verdict
from conformance.catalogue.fault_catalogue import EXPECTED

OUT = Path("reports/benchmarks")
CAUGHT = ("failed", "not implemented")


QUIRKS_RUN = "(every quirk)"
RUN_TIMEOUT = 1800  # seconds: a run past it is recorded as timed out (exit code null), not a crash
QUIRK_ARGS = ("--quirk", "all", "--create-delay", "0.3", "--update-delay", "0.3")


def suite_run(fault: str | None, profile: str, seed: int) -> dict:
    """One full suite run (all clauses of the profile) against a variant, a preset of many (PRESETS), the reference
    (None), or the reference with every quirk on (QUIRKS_RUN: a conformant server that chose differently)."""
    if fault == QUIRKS_RUN:
        extra, fault_args = QUIRK_ARGS, []
    elif fault in PRESETS:
        extra, fault_args = (), ["--fault", fault]
    else:
        extra, fault_args = (EXPECTED[fault][1] if fault else ()), (["--fault", fault] if fault else [])
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, "-m", "conformance", "run", "--profile", profile, "--seed", str(seed),
                "--report-dir", tmp, "-q", *extra, *fault_args]
        started = time.perf_counter()
        try:
            result = subprocess.run(args, capture_output=True, text=True, timeout=RUN_TIMEOUT)
            exit_code: int | None = result.returncode
        except subprocess.TimeoutExpired:  # recorded as a run that timed out; the benchmark goes on
            exit_code = None
        seconds = time.perf_counter() - started
        report_path = Path(tmp) / "report.json"
        report = json.loads(report_path.read_text()) if report_path.exists() else {"clauses": []}
    failures = [c for c in report["clauses"] if c["status"] in CAUGHT]
    first = min(failures, key=lambda c: ((c.get("failure") or {}).get("elapsed_seconds") or 1e9), default=None)
    info = (first or {}).get("failure") or {}
    expected = EXPECTED[fault][0] if fault in EXPECTED else set()
    preset = preset_verdict(fault, report) if fault in PRESETS and report["clauses"] else None
    return {
        "preset": preset,
        "caught": exit_code == 1 and bool(failures),
        "timed_out": exit_code is None,
        "named_expected": bool(expected & {c["id"] for c in failures}) if fault in EXPECTED else None,
        "failing": sorted(c["id"] for c in failures),
        "exit_code": exit_code,
        "first_clause": first["id"] if first else None,
        "failing_clauses": len(failures),
        "seconds_to_first_failure": info.get("elapsed_seconds"),
        "requests_to_first_failure": info.get("requests_so_far"),
        "wall_seconds": round(seconds, 2),
    }


def schemathesis_run(fault: str | None, examples: int, seed: int) -> dict:
    from conformance.drivers.schemathesis_phase import run_schemathesis_only

    extra = EXPECTED[fault][1] if fault else ()
    delays = {"create_delay": float(extra[extra.index("--create-delay") + 1])} if "--create-delay" in extra else {}
    handle = start(Emulator(EmulatorConfig(faults=frozenset([fault]) if fault else frozenset(), **delays)))
    started = time.perf_counter()
    try:
        failed = run_schemathesis_only(handle.url, max_examples=examples, seed=seed)
        error = None
    except Exception as exc:  # noqa: BLE001 - a crash of the baseline tool is its outcome, not ours
        failed, error = [], f"{type(exc).__name__}: {exc}"
    finally:
        handle.stop()
    return {"caught": bool(failed), "checks": failed, "error": error,
            "wall_seconds": round(time.perf_counter() - started, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="just these faults")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--examples", type=int, default=25, help="schemathesis examples per operation")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="suite runs in parallel")
    parser.add_argument("--presets", nargs="*", default=None, help="just these presets (default: every one)")
    args = parser.parse_args(argv)
    faults = args.only or sorted(FAULTS)
    presets = sorted(PRESETS) if args.presets is None else args.presets

    started = time.perf_counter()

    def progress(kind: str, done: int, fault: str | None, result: dict) -> None:
        verdict = "caught" if result["caught"] else "TIMED OUT" if result.get("timed_out") else "missed"
        if fault in PRESETS and result.get("preset"):
            p = result["preset"]
            verdict = f"named {len(p['named'])}/{p['faults']}, blocked {len(p['blocked'])}"
            print(f"[{time.perf_counter() - started:6.0f}s] {kind} {done}/{len(names)} preset {fault}: {verdict}",
                  file=sys.stderr, flush=True)
            return
        if fault not in EXPECTED and not result.get("timed_out"):  # the reference, or it with every quirk
            verdict = "FALSE ALARM" if result["caught"] else "silent"
        print(f"[{time.perf_counter() - started:6.0f}s] {kind} {done}/{len(names)} {fault or '(reference)'}: "
              f"{verdict}", file=sys.stderr, flush=True)

    names: list[str | None] = [None, QUIRKS_RUN, *presets, *faults]
    suite: dict[str | None, dict] = {}
    with ThreadPoolExecutor(args.jobs) as pool:  # each suite run is its own process
        for done, (fault, result) in enumerate(zip(names, pool.map(
                lambda f: suite_run(f, args.profile, args.seed), names)), 1):
            suite[fault] = result
            shown = result if fault in EXPECTED or fault in PRESETS else {"caught": result["exit_code"] != 0,
                                                                          "timed_out": result["timed_out"]}
            progress("suite", done, fault, shown)
    st: dict[str | None, dict] = {}
    st_names = [n for n in names if n != QUIRKS_RUN and n not in PRESETS]
    with ProcessPoolExecutor(args.jobs) as pool:  # schemathesis runs in-process: one process each
        for done, (fault, result) in enumerate(zip(st_names, pool.map(
                schemathesis_run, st_names, [args.examples] * len(st_names), [args.seed] * len(st_names))), 1):
            st[fault] = result
            progress("schemathesis", done, fault, result)
    baseline_suite, baseline_st, quirks_suite = suite.pop(None), st.pop(None), suite.pop(QUIRKS_RUN)
    preset_runs = {p: suite.pop(p) for p in presets}

    caught_suite = sum(r["caught"] for r in suite.values())
    caught_st = sum(r["caught"] for r in st.values())
    results = {
        "date": time.strftime("%Y-%m-%d"), "wall_seconds": round(time.perf_counter() - started),
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
                   f"{os.cpu_count()} cores",
        "profile": args.profile, "seed": args.seed, "schemathesis_examples": args.examples,
        "reference": {"suite_exit_code": baseline_suite["exit_code"], "suite_false_alarms":
                      baseline_suite["failing"], "schemathesis_false_alarms": baseline_st["checks"]},
        "reference_with_every_quirk": {"suite_exit_code": quirks_suite["exit_code"],
                                       "suite_false_alarms": quirks_suite["failing"]},
        "variants": len(faults), "suite_caught": caught_suite, "schemathesis_caught": caught_st,
        "ratio": round(caught_suite / caught_st, 2) if caught_st else None,
        "faults": {f: {"description": FAULTS[f], "suite": suite[f], "schemathesis": st[f]} for f in faults},
        "presets": {p: {"faults": list(PRESETS[p]), **(r["preset"] or {}), "exit_code": r["exit_code"],
                        "wall_seconds": r["wall_seconds"]} for p, r in preset_runs.items()},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "detection.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Detection", "",
        f"{len(faults)} faulty variants · suite profile {args.profile} · schemathesis {args.examples} examples per "
        f"operation · seed {args.seed} · {results['machine']} · {results['date']} · {results['wall_seconds']} s", "",
        f"- unmodified reference: suite exit {baseline_suite['exit_code']} with "
        f"{baseline_suite['failing_clauses']} failing clauses; schemathesis alone failed checks: "
        f"{baseline_st['checks'] or 'none'}",
        f"- reference with every quirk (conformant alternatives) and 0.3 s status delays: suite exit "
        f"{quirks_suite['exit_code']} with {quirks_suite['failing_clauses']} failing clauses "
        f"{quirks_suite['failing'] or ''}",
        f"- **suite caught {caught_suite}/{len(faults)}; schemathesis alone caught {caught_st}/{len(faults)}**"
        + (f" (ratio {results['ratio']})" if results["ratio"] else ""), "",
        "Presets (many faults on at once, one run each): faults named by one of their expected clauses, out of the "
        "faults on; clauses blocked (left unjudged by another clause's failure).", "",
        "| preset | faults named / on | clauses blocked | failing clauses | score | wall s |", "|---|---|---|---|---|---|",
        *[f"| {p} | {len(r['preset']['named'])}/{r['preset']['faults']} | {len(r['preset']['blocked'])} "
          f"{sorted(r['preset']['blocked']) or ''} | {r['preset']['failed_clauses']} | "
          f"{r['preset']['score_percent']}% | {r['wall_seconds']} |" if r["preset"] else f"| {p} | no report | | | | |"
          for p, r in preset_runs.items()], "",
        "| fault | suite | first failing clause | s to first failure | requests | schemathesis alone |",
        "|---|---|---|---|---|---|",
    ]
    for f in faults:
        s, t = suite[f], st[f]
        verdict = "caught" if s["caught"] else "TIMED OUT" if s["timed_out"] else "MISSED"
        lines.append(f"| {f} | {verdict} | {s['first_clause'] or '-'} | "
                     f"{s['seconds_to_first_failure'] if s['seconds_to_first_failure'] is not None else '-'} | "
                     f"{s['requests_to_first_failure'] if s['requests_to_first_failure'] is not None else '-'} | "
                     f"{', '.join(t['checks']) if t['caught'] else ('error: ' + t['error'] if t['error'] else 'missed')} |")
    (OUT / "detection.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
