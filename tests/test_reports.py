"""The run's report files: report.json (and its schema), report.md, junit.xml, report.html, reproducers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conformance.catalogue.clauses import CATALOGUE, CONFIDENCES, COST_CLASSES
from conformance.checker.outcomes import ERROR, FAILED, NOT_IMPLEMENTED, PASSED, SKIPPED, STATUSES
from conformance.report.report import REPORT_VERSION
from conformance.report.report_extra import render
from conformance.report.reproducer import reproducer_for, with_reproducer
from conformance.session.run import PROFILES

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
FILES = ("report.json", "report.md", "junit.xml", "report.html")
CHROMIUM = Path("/usr/bin/chromium")
ENDPOINT = "https://bedrock.us-east-1.amazonaws.com"
# A live SigV4 signature or credential would show as hex after Signature= or as the key after Credential=.
SECRETS = re.compile(r"Signature=[0-9a-f]{8}|Credential=(?!<redacted>|&lt;redacted&gt;)", re.IGNORECASE)


def validate(doc: dict[str, Any]) -> None:
    Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(doc)


def run_suite(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "conformance", "run", "--profile", "quick", "-q"]
    return subprocess.run([*command, "--report-dir", str(directory), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def moto_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """moto implements none of the Provisioned Throughput operations: a non-conformant run (exit 1)."""
    directory = tmp_path_factory.mktemp("moto")
    result = run_suite(directory, "--target", "moto")
    assert result.returncode == 1, result.stdout + result.stderr
    return directory


# clause -> (the faults and quirks of a run that fails it, how): a stateless request, and a call sequence
REPRODUCED = {
    "GET-WIRE-ERROR-DOCUMENTED": (["--fault", "undocumented-error-code", "--only", "GET-UNKNOWN-404"],
                                  {"faults": frozenset({"undocumented-error-code"})}),
    "LIST-PAGINATION-COMPLETE": (["--fault", "list-page-loses-item", "--quirk", "default-ascending", "--only",
                                  "LIST-PAGINATION-COMPLETE"],
                                 {"faults": frozenset({"list-page-loses-item"}),
                                  "quirks": frozenset({"default-ascending"})}),
}


@pytest.fixture(scope="module")
def faulty_reference_run(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
                         ) -> tuple[Path, dict[str, Any]]:
    directory = tmp_path_factory.mktemp("reference")
    result = run_suite(directory, "--target", "reference", *REPRODUCED[request.param][0])
    assert result.returncode == 1, result.stdout + result.stderr
    return directory, json.loads((directory / "report.json").read_text(encoding="utf-8"))


def read(directory: Path, name: str) -> str:
    return (directory / name).read_text(encoding="utf-8")


# -- a real run --------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_run_writes_every_report(moto_run: Path) -> None:
    for name in FILES:
        assert (moto_run / name).stat().st_size > 0, name


@pytest.mark.slow
def test_report_json_validates_against_the_schema(moto_run: Path) -> None:
    doc = json.loads(read(moto_run, "report.json"))
    validate(doc)
    assert doc["verdict"] == "non-conformant" and doc["exit_code"] == 1
    assert doc["totals"][NOT_IMPLEMENTED] > 0
    assert [c["id"] for c in doc["clauses"]] == list(CATALOGUE)


@pytest.mark.slow
def test_junit_has_one_testcase_per_clause(moto_run: Path) -> None:
    doc = json.loads(read(moto_run, "report.json"))
    root = ET.fromstring(read(moto_run, "junit.xml").encode())
    cases = root.findall("testsuite/testcase")
    assert sorted(c.get("name") for c in cases) == sorted(c["id"] for c in doc["clauses"])
    assert {s.get("name") for s in root.findall("testsuite")} == {c["operation"] for c in doc["clauses"]}
    not_implemented = [c for c in cases if c.find("failure[@type='not-implemented']") is not None]
    assert len(not_implemented) == doc["totals"][NOT_IMPLEMENTED]
    assert root.get("tests") == str(len(doc["clauses"]))
    properties = {p.get("name"): p.get("value") for p in root.findall("testsuite[1]/properties/property")}
    assert properties == {"target": "moto", "seed": str(doc["seed"]), "profile": "quick",
                          "run_id": doc["run_id"]}


@pytest.mark.slow
def test_html_shows_every_clause_and_loads_nothing_external(moto_run: Path) -> None:
    doc = json.loads(read(moto_run, "report.json"))
    page = read(moto_run, "report.html")
    for clause in doc["clauses"]:
        assert f'id="{clause["id"]}"' in page
    assert 'data-status="not-implemented"' in page and ">not implemented</span>" in page
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", page)


@pytest.mark.slow
def test_no_file_carries_a_signature_or_credential(moto_run: Path) -> None:
    doc = json.loads(read(moto_run, "report.json"))
    assert any(c["failure"] and c["failure"].get("request") for c in doc["clauses"])
    for name in FILES:
        text = read(moto_run, name)
        assert not SECRETS.search(text), (name, SECRETS.search(text))
        assert "<redacted>" in text or "&lt;redacted&gt;" in text, name


# -- render() on a synthetic document ----------------------------------------------------------------------
def clause_entry(clause_id: str, status: str, message: str = "", failure: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    c = CATALOGUE[clause_id]
    return {"id": c.id, "operation": c.operation, "statement": c.statement, "source": c.source,
            "confidence": c.confidence, "cost": c.cost, "status": status, "message": message, "examples": 1,
            "tests": ["test_x.py::test_y"], "failure": failure}


def synthetic_doc() -> dict[str, Any]:
    failure = {
        "clause": "GET-WIRE-SCHEMA", "message": "modelUnits is <script>alert(1)</script>",
        "request": {"method": "GET", "url": f"{ENDPOINT}/provisioned-model-throughput/x", "body": "",
                    "headers": {"Authorization": "AWS4-HMAC-SHA256 Credential=<redacted>/x, "
                                                 "Signature=<redacted>"}},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                     "body": '{"modelUnits": "1", "note": "bell \x07 here"}'},
        "schema_path": "properties/modelUnits/type", "reproducer": "print('reproduce me')\n",
    }
    clauses = [
        clause_entry("GET-WIRE-SCHEMA", FAILED, failure["message"], failure),
        clause_entry("GET-WIRE-STATUS", PASSED),
        clause_entry("LIST-WIRE-STATUS", NOT_IMPLEMENTED, "not yet", {"message": "not yet"}),
        clause_entry("LIST-WIRE-SCHEMA", ERROR, "KeyError: 'x' at suite.py:1"),
        clause_entry("TAG-WIRE-STATUS", SKIPPED, "not selected (--only)"),
        clause_entry("UNTAG-WIRE-STATUS", FAILED, "accepted gap", {"message": "accepted gap"}),
    ]
    totals = {s: sum(c["status"] == s for c in clauses) for s in STATUSES}
    return {
        "report_version": REPORT_VERSION, "target": "reference",
        "tool": {"name": "bedrock-conformance", "version": "0", "botocore": "1"},
        "settings": {"target": "reference", "region": "us-east-1", "faults": []},
        "run_id": "abc123", "seed": 7, "profile": "quick", "started": "2024-01-01T00:00:00Z",
        "finished": "2024-01-01T00:00:05Z", "duration_seconds": 5.0, "verdict": "non-conformant",
        "exit_code": 1,
        "totals": totals, "score_percent": 33.3, "judged": {"passed": 1, "judged": 2, "total": 3},
        "accepted_by_baseline": ["UNTAG-WIRE-STATUS"],
        "stale_baseline_entries": [], "problems": ["a <b>problem</b>"], "clauses": clauses,
    }


def test_synthetic_doc_is_a_valid_report() -> None:
    validate(synthetic_doc())


def test_html_escapes_and_expands_failures() -> None:
    page = render(synthetic_doc())["report.html"]
    assert "<script>alert(1)" not in page
    assert "modelUnits is &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &lt;b&gt;problem&lt;/b&gt;" in page
    row = page[page.index('id="GET-WIRE-SCHEMA"'):]
    row = row[:row.index("</tr>")]
    assert "<details>" in row and "<summary>" in row
    for part in ("properties/modelUnits/type", f"GET {ENDPOINT}", "HTTP 200", "&quot;modelUnits&quot;: ",
                 "print(&#x27;reproduce me&#x27;)", "documented", "free", "A success body matches"):
        assert part in row, part
    for status in ("all", "failed", "not-implemented", "passed", "skipped", "error"):
        assert f'data-filter="{status}"' in page
    assert "accepted by baseline" in page


def test_markdown_shows_the_warnings_the_html_shows() -> None:
    from conformance.report.report import build_markdown

    doc = {**synthetic_doc(), "warnings": ["could not delete 1 resource(s) this run created: arn:x (Conflict)"]}
    assert "could not delete 1 resource(s)" in render(doc)["report.html"]
    assert "- **warning:** could not delete 1 resource(s) this run created: arn:x (Conflict)" in build_markdown(doc)


def test_long_messages_are_cut_at_a_word_boundary() -> None:
    from conformance.report.report import shorten

    text = "following nextToken with maxResults=1 never returned the record named averyveryverylongname at all"
    short = shorten(text, 60)
    assert len(short) <= 60 and short.endswith("…")
    assert text.startswith(short[:-1]) and text[len(short) - 1] == " "  # the cut falls between words
    assert shorten("a  b\nc", 60) == "a b c"


def test_junit_maps_statuses() -> None:
    root = ET.fromstring(render(synthetic_doc())["junit.xml"].encode())
    case = {c.get("name"): c for c in root.iter("testcase")}
    failure = case["GET-WIRE-SCHEMA"].find("failure")
    assert failure is not None and failure.get("type") == "failed"
    assert failure.get("message") == "modelUnits is <script>alert(1)</script>"
    assert "reproducer:\nprint('reproduce me')" in failure.text and "HTTP 200" in failure.text
    assert case["LIST-WIRE-STATUS"].find("failure").get("type") == "not-implemented"
    assert case["LIST-WIRE-SCHEMA"].find("error") is not None
    assert case["TAG-WIRE-STATUS"].find("skipped").get("message") == "not selected (--only)"
    assert case["UNTAG-WIRE-STATUS"].find("skipped").get("message").startswith("accepted by baseline")
    assert list(case["GET-WIRE-STATUS"]) == []
    assert root.get("failures") == "2" and root.get("errors") == "1" and root.get("skipped") == "2"


def test_schema_enums_follow_the_code() -> None:
    defs, props = SCHEMA["$defs"], SCHEMA["properties"]
    assert props["report_version"]["const"] == REPORT_VERSION
    assert tuple(defs["status"]["enum"]) == STATUSES
    assert tuple(defs["clause"]["properties"]["confidence"]["enum"]) == CONFIDENCES
    assert tuple(defs["clause"]["properties"]["cost"]["enum"]) == COST_CLASSES
    assert set(props["profile"]["enum"]) == set(PROFILES)
    assert set(props["totals"]["required"]) == set(STATUSES)


# -- reproducers -------------------------------------------------------------------------------------------
ALLOWED_IMPORTS = {"__future__", "contextlib", "boto3", "botocore", "datetime", "json", "random", "re", "string", "sys", "time"}


def replay(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a reproducer as a user would: python alone, outside the project, nothing of it on the path."""
    return subprocess.run([sys.executable, str(script), *args], cwd=script.parent, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(script.parent)})


def imported(script: Path) -> set[str]:
    import ast

    names = set()
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(str(node.module).split(".")[0])
    return names


def failure_of(doc: dict[str, Any], clause_id: str) -> dict[str, Any]:
    clause = next(c for c in doc["clauses"] if c["id"] == clause_id)
    assert clause["status"] == FAILED and clause["failure"], clause
    return clause["failure"]


@pytest.mark.slow
@pytest.mark.parametrize(("faulty_reference_run", "clause_id"), [(c, c) for c in REPRODUCED],
                         indirect=["faulty_reference_run"])
def test_a_reproducer_checks_a_served_faulty_and_clean_reference(
        faulty_reference_run: tuple[Path, dict[str, Any]], clause_id: str) -> None:
    """Written as reproducers/<CLAUSE>.py; python + boto3 alone; exit 1 against the served faulty reference
    (again and again), 0 against a clean one, 2 without a URL (saying how to serve the same emulator)."""
    from bedrock_emulator import Emulator, EmulatorConfig
    from bedrock_emulator.server import start

    directory, doc = faulty_reference_run
    validate(doc)
    failure_of(doc, clause_id)
    script = directory / "reproducers" / f"{clause_id}.py"
    assert script.exists() and imported(script) <= ALLOWED_IMPORTS, imported(script)
    assert f"reproducers/{clause_id}.py" in read(directory, "report.md")
    config = REPRODUCED[clause_id][1]
    faulty = start(Emulator(EmulatorConfig(**config)))  # type: ignore[arg-type]
    clean = start(Emulator(EmulatorConfig()))
    try:
        for _ in range(2):  # the same server, twice: the replay renames what must be unique
            present = replay(script, faulty.url)
            assert present.returncode == 1, present.stdout + present.stderr
            assert f"{clause_id} still fails: " in present.stdout
        gone = replay(script, clean.url)
        assert gone.returncode == 0, gone.stdout + gone.stderr
        assert f"{clause_id} holds now." in gone.stdout
        assert faulty.url and not faulty_leftovers(faulty)
    finally:
        faulty.stop()
        clean.stop()
    usage = replay(script)
    assert usage.returncode == 2
    serve = "bedrock-conformance serve --port 5566 --region us-east-1 --account-id 123456789012"
    serve += "".join(f" --fault {f}" for f in sorted(config.get("faults", ())))
    serve += "".join(f" --quirk {q}" for q in sorted(config.get("quirks", ())))
    assert serve in usage.stderr, usage.stderr


def faulty_leftovers(handle: Any) -> list[str]:
    import boto3

    bedrock = boto3.client("bedrock", region_name="us-east-1", endpoint_url=handle.url,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    return [s["provisionedModelArn"] for s in bedrock.list_provisioned_model_throughputs()[
        "provisionedModelSummaries"]]


def test_a_request_about_a_created_resource_replays_on_one_of_its_own(tmp_path: Path) -> None:
    """A recorded request about a Provisioned Throughput the run had created: the script creates one of its own
    first and sends the request about it; a failure without a shared rule says why it has no script."""
    from conformance.catalogue import rules

    failure = {"clause": "GET-WIRE-SCHEMA", "message": "modelUnits is a string",
               "request": {"method": "GET", "url": f"{ENDPOINT}/provisioned-model-throughput/bcabc-m-walk1",
                           "headers": {}, "body": ""},
               "response": {"status": 200, "headers": {}, "body": '{"modelUnits": "1"}'},
               "check": rules.spec("body_schema", {"request": True}, schema={"type": "object"})}
    text = reproducer_for(failure, {"target": "reference", "faults": ["modelunits-as-string"]}, seed=42)
    assert text and "made = send('POST', '/provisioned-model-throughput'" in text
    assert "send('GET', f'/provisioned-model-throughput/bc{P}-repro', '')" in text
    script = tmp_path / "GET-WIRE-SCHEMA.py"
    script.write_text(text, encoding="utf-8")
    result = replay(script, "http://127.0.0.1:1")
    assert result.returncode == 2 and "the steps can no longer be taken" in result.stdout, result.stdout
    assert reproducer_for({**failure, "reproducer": "kept"}, {"target": "reference"}) == "kept"
    assert reproducer_for({"message": "no request"}, {"target": "reference"}) is None
    unruled = with_reproducer({"clause": "GET-WIRE-SCHEMA", "message": "m", "check": None}, {"target": "reference"})
    assert unruled and unruled["reproducer"] is None and "not one of the shared rules" in unruled["no_reproducer"]
    assert "check" not in unruled


# -- the screenshot script ---------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_screenshot_script_writes_a_png(moto_run: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    script = ROOT / "scripts" / "screenshot_report.py"
    result = subprocess.run([sys.executable, str(script), str(moto_run / "report.html"), str(png)],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
