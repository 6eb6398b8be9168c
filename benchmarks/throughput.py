"""Throughput benchmark: schema-checked requests per second against the in-process reference target, next to
the floor of plain boto3 calls answered by a canned response in the same process; wall time of the quick and
standard profiles with -n 1 and -n 2; peak memory.

    python -m benchmarks.throughput [--skip-profiles]

Writes reports/benchmarks/throughput.json and .md.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
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


def floor_rate(n: int = CALLS) -> float:
    """Plain boto3 Get calls answered by a canned response from a before-send handler."""
    body = json.dumps({
        "modelUnits": 1, "desiredModelUnits": 1, "provisionedModelName": "bench",
        "provisionedModelArn": "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghijkl",
        "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
        "desiredModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
        "foundationModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
        "status": "InService", "creationTime": "2023-10-02T12:00:00Z", "lastModifiedTime": "2023-10-02T12:00:00Z",
    }).encode()
    client = boto3.client("bedrock", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    headers = {"Content-Type": "application/json"}
    client.meta.events.register("before-send.bedrock",
                                lambda request, **_: AWSResponse(request.url, 200, headers, _Raw(body)))
    return _rate(lambda: client.get_provisioned_model_throughput(provisionedModelId="bench"), n)


def suite_rate(n: int = CALLS) -> tuple[float, int]:
    """The suite's own channel: the reference emulator in-process, every response checked on the wire."""
    from conformance import settings
    from conformance.targets import open_target

    target = open_target(settings.load({"target": "reference"}, environ={}))
    try:
        name = target.new_name("bench")
        target.sdk.create_provisioned_model_throughput(modelUnits=1, provisionedModelName=name,
                                                       modelId=target.settings.models[0])
        before = target.checker.responses
        rate = _rate(lambda: target.sdk.get_provisioned_model_throughput(provisionedModelId=name), n)
        return rate, target.checker.responses - before
    finally:
        target.close()


def profile_time(profile: str, workers: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", profile, "-n", workers,
                                 "--report-dir", tmp, "-q", "--seed", "1"], capture_output=True, text=True)
        seconds = time.perf_counter() - start
        report = json.loads((Path(tmp) / "report.json").read_text()) if (Path(tmp) / "report.json").exists() else {}
    return {"profile": profile, "workers": workers, "seconds": round(seconds, 1), "exit_code": result.returncode,
            "clauses_passed": report.get("totals", {}).get("passed"),
            "requests": sum(c.get("examples", 0) for c in report.get("clauses", [])
                            if "(wire checker)" in c.get("tests", []))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-profiles", action="store_true", help="measure request rates only")
    args = parser.parse_args(argv)
    floor = floor_rate()
    suite, checked = suite_rate()
    results = {
        "machine": f"{platform.machine()} {platform.processor() or ''} {platform.python_implementation()} "
                   f"{platform.python_version()}, {__import__('os').cpu_count()} cores",
        "floor_calls_per_second": round(floor), "suite_checked_requests_per_second": round(suite),
        "ratio_percent": round(100 * suite / floor, 1), "checked": checked, "profiles": [],
    }
    if not args.skip_profiles:
        for profile in ("quick", "standard"):
            for workers in ("1", "2"):
                results["profiles"].append(profile_time(profile, workers))
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results["peak_memory_mb"] = round(max(peak_self, peak_children), 1)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "throughput.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# Throughput", "", f"Machine: {results['machine']}", "",
             f"- floor (plain boto3, canned response): {results['floor_calls_per_second']} calls/s",
             f"- suite (reference in-process, every response schema-checked): "
             f"{results['suite_checked_requests_per_second']} requests/s = {results['ratio_percent']}% of the floor",
             f"- peak memory: {results['peak_memory_mb']} MB", "", "| profile | workers | seconds | exit |",
             "|---|---|---|---|"]
    lines += [f"| {p['profile']} | {p['workers']} | {p['seconds']} | {p['exit_code']} |" for p in results["profiles"]]
    (OUT / "throughput.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
