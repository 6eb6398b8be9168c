"""The command line as a user meets it: exit codes 0/1/2, one clear line for bad input, no tracebacks."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import pytest
from conftest import load_report, statuses


def _one_line_exit_2(result):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("bedrock-conformance:")
    return lines[0]


@pytest.mark.parametrize("args", [
    ["run", "--no-such-flag"],
    ["run", "--target", "nonsense"],
    ["run", "--profile", "huge"],
    ["run", "--region", "mars-1"],
    ["run", "--account-id", "12"],
    ["run", "--create-timeout", "-3"],
    ["run", "--fault", "no-such-fault", "--no-report"],
    ["run", "--fault", "create-status-200", "--target", "http://127.0.0.1:1"],
    ["run", "--quirk", "no-such-quirk", "--no-report"],
    ["run", "--quirk", "all", "--target", "http://127.0.0.1:1"],
    ["run", "--only", "NO-SUCH-CLAUSE"],
    ["run", "--config", "missing.toml"],
])
def test_bad_flags_give_one_line_and_exit_2(cli, args):
    _one_line_exit_2(cli(*args))


@pytest.mark.parametrize("args", [["faults"], ["clauses", "--format", "json"], ["clauses"]])
def test_a_listing_whose_reader_stops_early_ends_quietly(args):
    """`bedrock-conformance faults | head -1` printed a BrokenPipeError traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "conformance", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line
    error = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in error and proc.returncode == 0, error[-2000:]


def test_unreachable_url_gives_one_line_and_exit_2(cli):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = cli("run", "--target", f"http://127.0.0.1:{port}", "--connect-timeout", "1", timeout=60)
    line = _one_line_exit_2(result)
    assert f"127.0.0.1:{port}" in line


def test_aws_without_credentials_gives_one_line_and_exit_2(cli):
    line = _one_line_exit_2(cli("run", "--target", "aws"))
    assert "credentials" in line


def test_bad_settings_file_gives_one_line(cli, tmp_path):
    (tmp_path / "conformance.toml").write_text("region = [\n")
    _one_line_exit_2(cli("run"))
    (tmp_path / "conformance.toml").write_text('colour = "blue"\n')
    assert "unknown setting 'colour'" in _one_line_exit_2(cli("run"))


def test_reference_run_is_conformant_and_writes_a_report(cli, tmp_path):
    result = cli("run", "--profile", "quick", "--seed", "7")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = load_report(tmp_path / "reports" / "latest")
    assert report["seed"] == 7 and report["exit_code"] == 0
    assert report["totals"]["failed"] == 0 and report["totals"]["passed"] > 0
    assert "verdict: CONFORMANT" in result.stdout
    # the two counts are explained: clauses in the suite's section, test functions in pytest's line
    assert f"clauses: {report['totals']['passed']} passed" in result.stdout
    assert "pytest's own line counts its test functions" in result.stdout
    # progress lines name the suite's files from the package root, never through site-packages or ../
    progress = [line for line in result.stdout.splitlines() if line.startswith(("conformance/", "."))]
    assert progress and "site-packages" not in result.stdout and "../" not in result.stdout
    assert any(line.startswith("conformance/suite/test_validation.py ") for line in progress)
    # a clean run ends clean: the reference dies with the run, so its unexpired commitment is nothing to warn about
    assert report["warnings"] == [] and "could not delete" not in result.stdout + result.stderr


def test_leftovers_on_a_lasting_target_get_a_hint_that_works(cli, tmp_path):
    """A URL target outlives the run: the commitment it could not delete is named, with a sweep command that
    works for that target."""
    from bedrock_emulator import Emulator, EmulatorConfig
    from bedrock_emulator.server import start

    handle = start(Emulator(EmulatorConfig()))
    try:
        result = cli("run", "--target", handle.url, "--profile", "quick", "--only", "CREATE-COMMITMENT",
                     "--only", "DELETE-COMMITMENT-REFUSED", "--report-dir", "out", timeout=300)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        warnings = load_report(tmp_path / "out")["warnings"]
        hint = f"`bedrock-conformance sweep --target {handle.url}`"
        assert len(warnings) == 1 and "ConflictException" in warnings[0] and hint in warnings[0], warnings
        swept = cli("sweep", "--target", handle.url)
        assert swept.returncode == 0, swept.stderr
        listed = [line.split()[0] for line in swept.stdout.splitlines() if line.startswith("arn:")]
        # every leftover the sweep finds is one the warning named, and the warning named nothing else
        assert listed and f"could not delete {len(listed)} resource(s)" in warnings[0], (listed, warnings)
        assert all(arn in warnings[0] for arn in listed)
    finally:
        handle.stop()


def test_moto_is_reported_not_implemented(cli, tmp_path):
    result = cli("run", "--target", "moto", "--profile", "quick", "--report-dir", "out")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "Traceback" not in result.stderr
    got = statuses(load_report(tmp_path / "out"))
    for clause in ("GET-UNKNOWN-404", "LIST-ANSWERS", "DELETE-UNKNOWN-404", "CREATE-ACCEPTS-VALID",
                   "UPDATE-UNKNOWN-404"):
        assert got[clause] == "not implemented", clause


def test_a_fault_fails_the_clause_that_names_it(cli, tmp_path):
    result = cli("run", "--fault", "create-status-200", "--profile", "quick", "--report-dir", "out")
    assert result.returncode == 1
    assert statuses(load_report(tmp_path / "out"))["CREATE-WIRE-STATUS"] == "failed"
    assert "CREATE-WIRE-STATUS" in result.stdout


def test_schemas_check_passes_and_detects_drift(cli, tmp_path):
    from schemas import SCHEMA_DIR

    assert cli("schemas", "--check").returncode == 0
    copy = tmp_path / "drifted"
    shutil.copytree(SCHEMA_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    target = copy / "json" / "GetProvisionedModelThroughput.json"
    target.write_text(target.read_text().replace('"maxLength": 63', '"maxLength": 64', 1))
    result = cli("schemas", "--check", "--dir", str(copy))
    assert result.returncode == 1
    assert "GetProvisionedModelThroughput.json" in result.stdout and "+" in result.stdout


def test_clauses_prints_the_catalogue(cli):
    from conformance.catalogue.clauses import CATALOGUE

    result = cli("clauses")
    assert result.returncode == 0
    for clause_id in CATALOGUE:
        assert f"`{clause_id}`" in result.stdout


def test_serve_with_a_quirk_and_a_fault(tmp_path):
    """`serve` takes --quirk (and 'all') and --fault, and the served emulator shows them to any boto3 client."""
    import subprocess
    import sys
    import time

    import boto3

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "serve", "--port", str(port), "--quirk",
                             "default-page-2", "--fault", "create-status-200"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        client = boto3.client("bedrock", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        deadline = time.monotonic() + 30
        while True:
            try:
                client.list_provisioned_model_throughputs()
                break
            except Exception:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
                time.sleep(0.2)
        for i in range(3):
            answer = client.create_provisioned_model_throughput(
                modelUnits=1, provisionedModelName=f"served{i}", modelId="amazon.titan-text-express-v1:0:8k")
            assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200  # the fault: 200, not 201
        page = client.list_provisioned_model_throughputs()
        assert len(page["provisionedModelSummaries"]) == 2 and page.get("nextToken")  # the quirk: pages of 2
    finally:
        proc.terminate()
        proc.wait(10)


def test_clauses_json_lists_every_clause_with_its_fields(cli):
    import json

    from conformance.catalogue.clauses import CATALOGUE

    result = cli("clauses", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [c["id"] for c in listed] == list(CATALOGUE)
    for item in listed:
        assert set(item) == {"id", "operation", "statement", "source", "confidence", "cost"}
        assert item["operation"] == CATALOGUE[item["id"]].operation and item["statement"]


def test_faults_json_lists_faults_with_expected_clauses_quirks_and_unproven(cli):
    import json

    from bedrock_emulator.faults import FAULTS
    from bedrock_emulator.quirks import QUIRKS
    from conformance.catalogue.clauses import CATALOGUE
    from conformance.catalogue.fault_catalogue import EXPECTED, UNPROVEN

    result = cli("faults", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert set(listed) == {"faults", "quirks", "unproven"}
    assert [f["name"] for f in listed["faults"]] == list(FAULTS)
    for fault in listed["faults"]:
        assert fault["description"] == FAULTS[fault["name"]]
        assert fault["expected_clauses"] == sorted(EXPECTED[fault["name"]][0])
        assert set(fault["expected_clauses"]) <= set(CATALOGUE)
    assert listed["quirks"] == [{"name": n, "description": d} for n, d in QUIRKS.items()]
    assert listed["unproven"] == UNPROVEN
    text = cli("faults")
    assert text.returncode == 0 and "create-status-200" in text.stdout


def test_listing_formats_are_checked(cli):
    _one_line_exit_2(cli("clauses", "--format", "yaml"))
