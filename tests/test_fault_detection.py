"""The self-test of detection power: the quick profile catches every faulty variant of the reference emulator,
naming an expected clause, and passes the unmodified reference, with zero delay and with delays."""

from __future__ import annotations

import pytest
from conftest import load_report, run_cli

from bedrock_emulator.faults import FAULTS, PRESETS
from benchmarks.fault_catalogue import MAX_BLOCKED, preset_verdict
from conformance.catalogue.fault_catalogue import DELAY, EXPECTED, OVER_HTTP

CAUGHT = ("failed", "not implemented")


def test_every_fault_has_an_expectation():
    assert set(EXPECTED) == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_is_caught(fault, tmp_path):
    _caught(fault, tmp_path)


@pytest.mark.parametrize("fault", sorted(OVER_HTTP))
def test_concurrency_fault_is_caught_over_http(fault, tmp_path):
    assert fault in EXPECTED
    _caught(fault, tmp_path, "--target", "reference-http")


def _caught(fault, tmp_path, *target):
    clauses, extra = EXPECTED[fault]
    # The quick profile, narrowed to the tests that check the expected clauses (--only), keeps 59 runs within
    # CI's time; `python -m benchmarks.detection` runs the whole quick profile against every variant.
    result = run_cli("run", *target, "--fault", fault, "--profile", "quick", "--seed", "1", "--report-dir", "out",
                     "-q", "--only", ",".join(sorted(clauses)), *extra, cwd=tmp_path, timeout=900)
    # 900 s: a fault whose expected clauses select every state machine (server-error-on-empty-tag-value: 213 s
    # alone on an idle machine) ran past 300 s on a loaded one; slowness is measured in benchmarks, not here.
    report = load_report(tmp_path / "out")
    failed = {c["id"] for c in report["clauses"] if c["status"] in CAUGHT}
    assert result.returncode == 1, f"{fault}: exit {result.returncode}; failed {sorted(failed)}\n{result.stdout[-2000:]}"
    others = [f"{c['id']} {c['status']}: {str(c.get('message'))[:300]}" for c in report["clauses"]
              if c["status"] not in ("passed", "skipped", *CAUGHT)]
    assert failed & clauses, (f"{fault} was caught by {sorted(failed)}, none of the expected {sorted(clauses)}; "
                              f"neither passed nor failed: {others}\n{result.stdout[-2000:]}")
    assert "Traceback" not in result.stderr


def test_presets_are_faults_spread_over_every_operation_and_layer():
    from conformance.catalogue.clauses import CATALOGUE, OPERATIONS

    many = PRESETS["many"]
    assert len(many) >= 15
    clauses = {c for fault in many for c in EXPECTED[fault][0]}
    assert {CATALOGUE[c].operation for c in clauses if c in CATALOGUE} >= set(OPERATIONS.values())
    assert any("-WIRE-" in c for c in clauses) and any("-REJECT-" in c for c in clauses)
    assert {"UPDATE-RENAME", "CREATE-IDEMPOTENT", "TAG-LIMIT"} <= clauses  # lifecycle


@pytest.mark.parametrize(("preset", "workers"), [(p, ()) for p in sorted(PRESETS)] + [
    ("many", ("-n", "2")), ("many", ("--target", "reference-http"))],
    ids=[*sorted(PRESETS), "many-on-two-workers", "many-side-by-side-over-http"])
def test_preset_names_every_fault(preset, workers, tmp_path):
    """Many bugs at once, as real emulators carry them: one run names every fault of the preset by one of its
    expected clauses, and blocks at most MAX_BLOCKED clauses (one failure never hides an independent clause).
    On two xdist workers too: each worker's outcomes reach the report whatever their failure details hold; and
    over HTTP, where the tests that need only the target run side by side (conformance.session.sidebyside)."""
    result = run_cli("run", "--fault", preset, *workers, "--profile", "quick", "--seed", "1", "--report-dir", "out",
                     "-q", cwd=tmp_path, timeout=900)
    verdict = preset_verdict(preset, load_report(tmp_path / "out"))
    assert result.returncode == 1, result.stdout[-2000:]
    assert not verdict["missed"], f"{preset}: not named {verdict['missed']}\n{result.stdout[-3000:]}"
    assert len(verdict["blocked"]) <= MAX_BLOCKED, f"{preset}: blocked {verdict['blocked']}"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("delays", [(), DELAY], ids=["instant", "delayed"])
@pytest.mark.parametrize("seed", ["1", "random"])
def test_unmodified_reference_passes(delays, seed, tmp_path):
    seed_args = ("--seed", seed) if seed != "random" else ()
    result = run_cli("run", "--profile", "quick", "--report-dir", "out", "-q", *seed_args, *delays, cwd=tmp_path)
    report = load_report(tmp_path / "out")
    bad = {c["id"]: c["message"] for c in report["clauses"] if c["status"] in ("failed", "error")}
    assert result.returncode == 0 and not bad, f"seed {report['seed']}: {bad}\n{result.stdout[-2000:]}"


@pytest.mark.parametrize(("seed", "target"), [("1", ()), ("random", ()), ("2", ("--target", "reference-http"))],
                         ids=["1", "random", "2-side-by-side-over-http"])
def test_reference_with_every_quirk_passes(seed, target, tmp_path):
    """Silent on a conformant server that chose differently: every quirk of the reference (a behaviour the contract
    allows but the reference does not use by default) on at once, with status delays so Creating/Updating last;
    over HTTP too, the tests side by side."""
    seed_args = ("--seed", seed) if seed != "random" else ()
    result = run_cli("run", *target, "--quirk", "all", "--profile", "quick", "--report-dir", "out", "-q",
                     *seed_args, *DELAY, cwd=tmp_path)
    report = load_report(tmp_path / "out")
    bad = {c["id"]: c["message"] for c in report["clauses"] if c["status"] in ("failed", "error")}
    assert result.returncode == 0 and not bad, f"seed {report['seed']}: {bad}\n{result.stdout[-2000:]}"


@pytest.mark.parametrize("quirks", [(), ("--quirk", "all")], ids=["reference", "every-quirk"])
def test_concurrency_clauses_silent_over_http_with_two_workers(quirks, tmp_path):
    """The concurrency clauses on a conformant server with parallel workers: the reference, and every quirk (a
    loser of a race refused, a reused token answered with the original ARN), served over HTTP with -n 2."""
    only = "CREATE-NAME-UNIQUE-CONCURRENT,CREATE-IDEMPOTENT-CONCURRENT,CREATE-TOKEN-REUSE-OTHER-PARAMS," \
           "API-NO-5XX-UNDER-LOAD,TAG-CONCURRENT"
    result = run_cli("run", "--target", "reference-http", "-n", "2", *quirks, "--profile", "quick", "--report-dir",
                     "out", "-q", "--only", only, *DELAY, cwd=tmp_path)
    report = load_report(tmp_path / "out")
    status = {c["id"]: (c["status"], c["message"]) for c in report["clauses"] if c["id"] in only.split(",")}
    assert result.returncode == 0 and all(s == "passed" for s, _ in status.values()), f"{status}\n{result.stdout[-2000:]}"


@pytest.mark.xfail(strict=False, reason="known gap of issue 25 (open): side by side over HTTP, two --fault many runs "
                   "with one seed do not always give every clause the same status and tests (1 run of 4 here)")
def test_side_by_side_report_repeats_with_the_seed(tmp_path):
    """Over HTTP the tests that need only the target run side by side; the verdicts do not depend on which answered
    first: two runs with one seed and many faults give every clause the same status, from the same test."""
    reports = []
    for run in ("a", "b"):
        result = run_cli("run", "--target", "reference-http", "--fault", "many", "--profile", "quick", "--seed", "3",
                         "--report-dir", run, "-q", cwd=tmp_path, timeout=900)
        assert result.returncode == 1, result.stdout[-2000:]
        reports.append({c["id"]: (c["status"], c.get("tests")) for c in load_report(tmp_path / run)["clauses"]})
    statuses = [{clause: status for clause, (status, _) in report.items()} for report in reports]
    assert statuses[0] == statuses[1]
    if reports[0] != reports[1]:
        # Known gap (issue 25, still open): a wire clause failed by answers of several tests running side by side
        # (API-WIRE-ABSENT-OMITTED, GET-WIRE-ERROR-MESSAGE) lists a different set of tests from run to run.
        differ = {c: (reports[0][c][1], reports[1][c][1]) for c in reports[0] if reports[0][c] != reports[1][c]}
        pytest.xfail(f"same statuses, but the tests that reported them differ: {sorted(differ)}")
