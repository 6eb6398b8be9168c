"""Throughput benchmark: schema-checked requests per second against the in-process reference target, next to
the floor of plain boto3 calls answered by a canned response in the same process; wall time of the quick and
standard profiles with -n 1 and -n 2; slow servers: the quick profile on reference-http answering after 50, 150 and
300 ms (the default invocation and -n 4), with Creating and Updating lasting 4 s, throttling 10% of answers, or with
an Updating that never ends, each as a ratio to the plain reference-http run of the same invocation (alternating
rounds, medians); peak memory.

    python -m benchmarks.throughput [--skip-profiles] [--skip-slow] [--only-slow]

Writes reports/benchmarks/throughput.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.awsrequest import AWSResponse

OUT = Path("reports/benchmarks")
CALLS = 3000


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_):
        yield self._body

    def read(self, *_):
        return self._body


def _rate(call, n: int) -> float:
    for _ in range(50):
        call()
    start = time.perf_counter()
    for _ in range(n):
        call()
    return n / (time.perf_counter() - start)


GET_BODY = json.dumps({
    "modelUnits": 1, "desiredModelUnits": 1, "provisionedModelName": "bench",
    "provisionedModelArn": "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl",
    "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
    "desiredModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
    "foundationModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
    "status": "InService", "creationTime": "2023-10-02T12:00:00Z", "lastModifiedTime": "2023-10-02T12:00:00Z",
}).encode()
NOT_FOUND_BODY = json.dumps({"message": "Provisioned model not found"}).encode()


def floor_calls(kind: str):
    """Plain boto3 (default config, signed) answered by a canned response from a before-send handler."""
    client = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    if kind == "get":
        status, body, headers = 200, GET_BODY, {"Content-Type": "application/json"}
    else:
        status, body, headers = 404, NOT_FOUND_BODY, {"Content-Type": "application/json",
                                                      "x-amzn-ErrorType": "ResourceNotFoundException"}
    client.meta.events.register("before-send.bedrock",
                                lambda request, **_: AWSResponse(request.url, status, headers, _Raw(body)))

    def call():
        try:
            client.get_provisioned_model_throughput(provisionedModelId="bench")
        except client.exceptions.ResourceNotFoundException:
            pass
    return call


def suite_calls(kind: str):
    """The suite's own SDK channel: the reference emulator in-process, every response checked on the wire."""
    from conformance.catalogue import settings
    from conformance.targets.target import open_target

    target = open_target(settings.load({"target": "reference"}, environ={}))
    name = target.new_name("bench")
    target.sdk.create_provisioned_model_throughput(modelUnits=1, provisionedModelName=name,
                                                   modelId=target.settings.models[0])
    ident = name if kind == "get" else target.new_name("absent")
    sdk = target.sdk

    def call():
        try:
            sdk.get_provisioned_model_throughput(provisionedModelId=ident)
        except sdk.exceptions.ResourceNotFoundException:
            pass
    return call, target


def paired_rates(kind: str, rounds: int = 5, n: int = CALLS // 5) -> dict:
    """Floor and suite measured in alternating rounds (so both see the same machine load); medians."""
    floor = floor_calls(kind)
    suite, target = suite_calls(kind)
    try:
        before = target.checker.responses
        floors, suites = [], []
        for _ in range(rounds):
            floors.append(_rate(floor, n))
            suites.append(_rate(suite, n))
        checked = target.checker.responses - before
    finally:
        target.close()
    f, s = statistics.median(floors), statistics.median(suites)
    return {"call": f"GetProvisionedModelThroughput ({'200' if kind == 'get' else '404 ResourceNotFound'})",
            "floor_calls_per_second": round(f), "suite_checked_requests_per_second": round(s),
            "ratio_percent": round(100 * s / f, 1), "checked": checked}


def profile_time(profile: str, workers: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", profile, "-n", workers,
                                 "--report-dir", tmp, "-q", "--seed", "1"], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        report = json.loads((Path(tmp) / "report.json").read_text()) if (Path(tmp) / "report.json").exists() else {}
    return {"profile": profile, "workers": workers, "seconds": round(seconds, 1), "exit_code": result.returncode,
            "clauses_passed": report.get("totals", {}).get("passed"),
            # every checked response counts once: a success under *-WIRE-STATUS, an error under *-ERROR-DOCUMENTED
            "requests": sum(c.get("examples", 0) for c in report.get("clauses", [])
                            if c["id"].endswith(("-WIRE-STATUS", "-WIRE-ERROR-DOCUMENTED")))}


# The default invocation (no -n: the suite keeps tests and requests in flight itself) and -n 4, each on
# reference-http at these latencies (seconds per answer) against itself without latency; goals of issue 25.
INVOCATIONS = (("default (no -n)", ()), ("-n 4", ("-n", "4")))
LATENCIES = ((0.05, "<= 3x"), (0.15, "<= 4x"), (0.3, ""))
# (row, the variant's run flags, goal): the default invocation on reference-http, plain vs the variant.
SLOW_VARIANTS = (
    ("Creating and Updating last 4 s", ("--create-delay", "4", "--update-delay", "4"), "<= 3x"),
    ("10% of answers ThrottlingException 429 (quirk throttling)", ("--quirk", "throttling"), "<= 2.5x"),
    ("an Updating that never ends (fault status-stuck-updating, default 60 s create timeout)",
     ("--fault", "status-stuck-updating"), "one timeout per run"),
)


def slow_run(flags: tuple[str, ...], invocation: tuple[str, ...] = ()) -> dict:
    """One quick run on reference-http; its wall time, exit code and how its failed status waits ended."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "conformance", "run", "--target", "reference-http",
                                 "--profile", "quick", *invocation, "--report-dir", tmp, "-q", "--seed", "1",
                                 *flags], capture_output=True, text=True)
        seconds = time.perf_counter() - start
    # one line per failed test, "<CLAUSE> FAILED: <message>": expect.wait_until's two endings of a status wait
    failures = re.findall(r"^\S+ FAILED: .*$", result.stdout, re.MULTILINE)
    return {"seconds": round(seconds, 1), "exit_code": result.returncode,
            "timeouts": sum("not reached within" in line for line in failures),
            "failed_at_once": sum("not waited for again" in line for line in failures)}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def latency_rows(rounds: int = 3) -> list[dict]:
    """Each invocation without latency and at every latency, in alternating rounds (each round runs them all,
    so all see the same load); medians, and the ratio of each latency's median to the one without."""
    rows = []
    for name, invocation in INVOCATIONS:
        runs: dict[float, list[dict]] = {0.0: [], **{latency: [] for latency, _ in LATENCIES}}
        for n in range(rounds):
            for latency in runs:
                print(f"timing {name} at {latency * 1000:.0f} ms (round {n + 1} of {rounds}) ...", file=sys.stderr,
                      flush=True)
                flags = ("--latency", str(latency)) if latency else ()
                runs[latency].append({**slow_run(flags, invocation), "load": _load()})
        plain = statistics.median(r["seconds"] for r in runs[0.0])
        row = {"invocation": name, "flags": " ".join(invocation), "rounds": rounds, "plain_seconds": plain,
               "exit_codes": sorted({r["exit_code"] for rs in runs.values() for r in rs}),
               "loads": [r["load"] for rs in runs.values() for r in rs],
               "all_seconds": {f"{latency:g}": [r["seconds"] for r in rs] for latency, rs in runs.items()},
               "latencies": []}
        for latency, goal in LATENCIES:
            seconds = statistics.median(r["seconds"] for r in runs[latency])
            row["latencies"].append({"latency": latency, "seconds": seconds, "ratio": round(seconds / plain, 2),
                                     "goal": goal})
        rows.append(row)
    return rows


def slow_rows(rounds: int = 3) -> list[dict]:
    """Each variant in alternating rounds with the plain run (the default invocation, same load); medians."""
    rows = []
    for name, flags, goal in SLOW_VARIANTS:
        plains, variants = [], []
        for n in range(rounds):
            print(f"timing slow server: {name} (round {n + 1} of {rounds}) ...", file=sys.stderr, flush=True)
            plains.append(slow_run(()))
            variants.append(slow_run(flags))
        plain = statistics.median(r["seconds"] for r in plains)
        variant = statistics.median(r["seconds"] for r in variants)
        rows.append({"variant": name, "flags": " ".join(flags), "workers": "default", "goal": goal,
                     "rounds": rounds, "plain_seconds": round(plain, 1),
                     "plain_exit_codes": [r["exit_code"] for r in plains],
                     "seconds": round(variant, 1), "exit_code": variants[-1]["exit_code"],
                     "all_seconds": {"plain": [r["seconds"] for r in plains],
                                     "variant": [r["seconds"] for r in variants]},
                     "ratio": round(variant / plain, 2), "extra_seconds": round(variant - plain, 1),
                     "timeouts": max(r["timeouts"] for r in variants),
                     "failed_at_once": max(r["failed_at_once"] for r in variants)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-profiles", action="store_true", help="skip the profile wall times")
    parser.add_argument("--skip-slow", action="store_true", help="skip the slow-server rows")
    parser.add_argument("--only-slow", action="store_true", help="only the slow-server rows")
    parser.add_argument("--slow-rounds", type=int, default=3, help="alternating rounds per slow-server row")
    args = parser.parse_args(argv)
    machine = (f"{platform.machine()} {platform.processor() or ''} {platform.python_implementation()} "
               f"{platform.python_version()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    previous = OUT / "throughput.json"
    if args.only_slow and previous.exists():  # keep the other figures of the last full run
        results = json.loads(previous.read_text())
    else:
        results = {"machine": machine, "date": time.strftime("%Y-%m-%d"),
                   "rates": [paired_rates("get"), paired_rates("error")], "profiles": []}
        if not args.skip_profiles:
            for profile in ("quick", "standard"):
                for workers in ("1", "2"):
                    print(f"timing --profile {profile} -n {workers} ...", file=sys.stderr, flush=True)
                    results["profiles"].append(profile_time(profile, workers))
    if args.skip_slow and previous.exists() and "slow" not in results:  # keep the last slow-server rows
        last = json.loads(previous.read_text())
        results.update({k: last[k] for k in ("slow", "slow_machine", "latency") if k in last})
    results.setdefault("slow", [])
    results.setdefault("latency", [])
    if not args.skip_slow:
        results["latency"] = latency_rows(rounds=args.slow_rounds)
        results["slow"] = slow_rows(rounds=args.slow_rounds)
        results["slow_machine"] = f"{machine} before, {os.getloadavg()[0]:.2f} after ({time.strftime('%Y-%m-%d')})"
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if not args.only_slow:
        results["peak_memory_mb"] = round(max(peak_self, peak_children), 1)
    write(results)
    return 0


def write(results: dict) -> None:
    """reports/benchmarks/throughput.json and .md (printed too)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "throughput.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# Throughput", "", f"Machine: {results['machine']} ({results['date']})", "",
             "Floor: plain boto3 (default config, SigV4-signed, botocore's own parsing) answered by a canned response "
             "from a before-send handler. Suite: the suite's SDK channel against the in-process reference emulator, "
             "every response checked by the wire checker (compiled schema predicate, jsonschema for the message on "
             "failure; timestamps parsed by a fast ISO 8601 path with botocore's parser as fallback). Medians of "
             "alternating rounds.", "",
             "| call | floor calls/s | suite checked requests/s | suite / floor |", "|---|---|---|---|"]
    lines += [f"| {r['call']} | {r['floor_calls_per_second']} | {r['suite_checked_requests_per_second']} | "
              f"{r['ratio_percent']}% |" for r in results["rates"]]
    lines += ["", f"Peak memory (largest process): {results['peak_memory_mb']} MB", ""]
    if results["profiles"]:
        lines += ["| profile | workers | wall s | exit | clauses passed | checked requests | requests/s |",
                  "|---|---|---|---|---|---|---|"]
        lines += [f"| {p['profile']} | {p['workers']} | {p['seconds']} | {p['exit_code']} | {p['clauses_passed']} | "
                  f"{p['requests']} | {round(p['requests'] / p['seconds']) if p['seconds'] else '-'} |"
                  for p in results["profiles"]]
    if results.get("latency"):
        lines += ["", f"Latency ({results.get('slow_machine', results['machine'])}): the quick profile (seed 1) on "
                  "reference-http answering each request after the latency, as invoked (the default: no -n; or -n 4), "
                  "in alternating rounds with the same invocation without latency; medians of wall seconds, the load "
                  "average of every run in throughput.json.", "",
                  "| invocation | no latency s | " + " | ".join(f"{l * 1000:.0f} ms s (ratio, goal)" for l, _ in
                                                          LATENCIES) + " | exit codes |",
                  "|---|---|" + "---|" * len(LATENCIES) + "---|"]
        for row in results["latency"]:
            cells = [f"{c['seconds']} ({c['ratio']}x{', ' + c['goal'] if c['goal'] else ''})" for c in row["latencies"]]
            lines.append(f"| {row['invocation']} | {row['plain_seconds']} | " + " | ".join(cells) +
                         f" | {row['exit_codes']} |")
    if results["slow"]:
        lines += ["", f"Slow servers ({results.get('slow_machine', results['machine'])}): the quick profile (seed 1) "
                  "on reference-http with the variant's flags, in alternating rounds with the same run without them; "
                  "medians of wall seconds (every round in throughput.json).", "",
                  "| variant | flags | -n | plain s | variant s | ratio | extra s | goal | exit | status waits timed "
                  "out | failed at once, naming the first |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['variant']} | `{r['flags']}` | {r['workers']} | {r['plain_seconds']} | {r['seconds']} | "
                  f"{r['ratio']}x | {r['extra_seconds']} | {r['goal']} | {r['exit_code']} | {r['timeouts']} | "
                  f"{r['failed_at_once']} |"
                  for r in results["slow"]]
    (OUT / "throughput.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
