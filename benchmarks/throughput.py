"""Throughput benchmark: schema-checked requests per second against the in-process reference target, next to
the floor of plain boto3 calls answered by a canned response in the same process; wall time of the quick and
standard profiles with -n 1 and -n 2; peak memory.

    python -m benchmarks.throughput [--skip-profiles]

Writes reports/benchmarks/throughput.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    from conformance import settings
    from conformance.targets import open_target

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-profiles", action="store_true", help="measure request rates only")
    args = parser.parse_args(argv)
    results = {
        "machine": f"{platform.machine()} {platform.processor() or ''} {platform.python_implementation()} "
                   f"{platform.python_version()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}",
        "date": time.strftime("%Y-%m-%d"),
        "rates": [paired_rates("get"), paired_rates("error")],
        "profiles": [],
    }
    if not args.skip_profiles:
        for profile in ("quick", "standard"):
            for workers in ("1", "2"):
                print(f"timing --profile {profile} -n {workers} ...", file=sys.stderr, flush=True)
                results["profiles"].append(profile_time(profile, workers))
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results["peak_memory_mb"] = round(max(peak_self, peak_children), 1)
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
    (OUT / "throughput.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
