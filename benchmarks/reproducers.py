"""The reproducers of a `--fault many` run against one fault at a time (issue 26's done-when).

    python -m benchmarks.reproducers [--report-dir DIR] [--preset many] [--jobs 2]

Runs `python -m conformance run --profile quick --fault <preset>` (or reads the report already in DIR), then,
for every failed clause: its reproducer must exit 1 against a reference served with only the preset's fault that
causes it (conformance/catalogue/fault_catalogue.py names the clauses each fault must fail; a clause no fault of the
preset names is tried against each fault of the preset until one reproduces it) and 0 against a clean reference.
Prints one line per clause and the figures: clauses failed, reproducers written, line counts (median, longest),
and how many reproduced in both directions. The issue's own example is checked too: a run with
list-sort-ignored,create-status-200, LIST-SORT-ORDER replayed against list-sort-ignored alone exits 1.
Exit 0 when every figure meets the issue's bar (every reproducer both ways, none over 150 lines, median under 80).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bedrock_emulator import Emulator, EmulatorConfig
from bedrock_emulator.faults import PRESETS
from bedrock_emulator.server import start
from conformance.catalogue.fault_catalogue import EXPECTED


def suite_run(directory: Path, faults: str, seed: int | None = None) -> dict[str, Any]:
    subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", "quick", "--fault", faults,
                    "--report-dir", str(directory), *(["--seed", str(seed)] if seed is not None else [])],
                   capture_output=True, text=True, timeout=900, check=False)
    return json.loads((directory / "report.json").read_text(encoding="utf-8"))


def replay(script: Path, url: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, str(script), url], cwd=script.parent, capture_output=True, text=True,
                          timeout=180, env={"PATH": "/usr/bin:/bin", "HOME": str(script.parent)}, check=False)
    return done.returncode, (done.stdout + done.stderr).strip().splitlines()[-1:][0] if (
        done.stdout + done.stderr).strip() else ""


class Servers:
    """One served reference per fault (and a clean one), started on first use."""

    def __init__(self) -> None:
        self.handles: dict[str, Any] = {}

    def url(self, fault: str | None) -> str:
        key = fault or ""
        if key not in self.handles:
            self.handles[key] = start(Emulator(EmulatorConfig(faults=frozenset({fault} if fault else ()))), port=0)
        return str(self.handles[key].url)

    def stop(self) -> None:
        for handle in self.handles.values():
            handle.stop()


def judge(doc: dict[str, Any], directory: Path, preset: tuple[str, ...], servers: Servers, jobs: int
          ) -> list[dict[str, Any]]:
    failed = [c for c in doc["clauses"] if c["status"] == "failed"]

    def one(clause: dict[str, Any]) -> dict[str, Any]:
        row: dict[str, Any] = {"clause": clause["id"], "lines": None, "fault": None, "faulty": None, "clean": None}
        script = directory / "reproducers" / f"{clause['id']}.py"
        if not script.exists():
            row["why"] = (clause.get("failure") or {}).get("no_reproducer") or "no reproducer"
            return row
        row["lines"] = len(script.read_text(encoding="utf-8").splitlines())
        named = [f for f in preset if clause["id"] in EXPECTED.get(f, (set(),))[0]]
        for fault in named or preset:
            code, said = replay(script, servers.url(fault))
            if code == 1 or fault == (named or preset)[-1]:
                row["fault"], row["faulty"], row["said"] = fault, code, said
                break
        row["clean"], row["clean_said"] = replay(script, servers.url(None))
        return row

    for fault in (*preset, None):  # start the servers before the threads ask for them
        servers.url(fault)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, failed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report-dir", type=Path, help="a run's report directory (default: run the suite now)")
    parser.add_argument("--preset", default="many")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=None, help="the suite run's seed (default: a random one)")
    args = parser.parse_args(argv)
    preset = PRESETS[args.preset]
    servers = Servers()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            directory = args.report_dir or Path(scratch) / "many"
            doc = (json.loads((directory / "report.json").read_text(encoding="utf-8")) if args.report_dir
                   else suite_run(directory, args.preset, args.seed))
            rows = judge(doc, directory, preset, servers, args.jobs)
            example = suite_run(Path(scratch) / "example", "list-sort-ignored,create-status-200")
            sort_script = Path(scratch) / "example" / "reproducers" / "LIST-SORT-ORDER.py"
            example_code = replay(sort_script, servers.url("list-sort-ignored"))[0] if sort_script.exists() else None
            clean_code = replay(sort_script, servers.url(None))[0] if sort_script.exists() else None
            assert example["clauses"]
    finally:
        servers.stop()
    for row in rows:
        ok = row["faulty"] == 1 and row["clean"] == 0
        print(f"{'ok ' if ok else 'NO '} {row['clause']:<36} {row['lines'] or '-':>4} lines  fault {row['fault']}: "
              f"exit {row['faulty']}, clean: exit {row['clean']}"
              + (f"  ({row.get('why') or row.get('said') if not ok else ''})" if not ok else ""))
    lines = [r["lines"] for r in rows if r["lines"]]
    both = sum(1 for r in rows if r["faulty"] == 1 and r["clean"] == 0)
    print(f"\nseed {doc.get('seed')}: failed clauses {len(rows)}, reproducers {len(lines)}, reproduced both ways "
          f"{both}/{len(rows)}")
    if lines:
        print(f"lines: median {statistics.median(lines):.0f}, longest {max(lines)}, over 150: "
              f"{sum(1 for n in lines if n > 150)}")
    print(f"issue example (LIST-SORT-ORDER, run with list-sort-ignored,create-status-200): exit {example_code} "
          f"against list-sort-ignored alone, {clean_code} against a clean reference")
    good = (both == len(rows) and lines and max(lines) <= 150 and statistics.median(lines) < 80
            and example_code == 1 and clean_code == 0)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
