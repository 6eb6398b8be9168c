"""The aws target's safety logic, tested against the reference emulator posing as AWS (there is no AWS account
here): STS account discovery, throttling, quota refusals, slow creates, caps, SIGTERM cleanup and sweep."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import load_report, safe_env

import schemas
from bedrock_emulator.config import EmulatorConfig
from bedrock_emulator.core import Emulator
from bedrock_emulator.server import start

SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
CREATE = schemas.operation("CREATE").name


class Recorder:
    """Wraps the emulator: remembers every create body and the most PTs alive at once."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.create_bodies: list[dict] = []
        self.max_live = 0
        self.created: set[str] = set()  # every ARN that was ever alive
        self.hold_create_answer = 0.0  # seconds a create's answer waits after the emulator stored the PT
        self._lock = threading.Lock()

    def handle(self, method, raw_path, query_string, headers, body):
        answer = self.emulator.handle(method, raw_path, query_string, headers, body)
        with self._lock:
            if method == "POST" and raw_path.startswith("/provisioned-model-throughput"):
                self.create_bodies.append(json.loads(body or b"{}"))
            live = self.emulator.live()
            self.created |= set(live)
            self.max_live = max(self.max_live, len(live))
        if self.hold_create_answer and method == "POST" and raw_path.startswith("/provisioned-model-throughput"):
            time.sleep(self.hold_create_answer)
        return answer


@pytest.fixture
def fake_aws():
    def make(**config):
        emulator = Emulator(EmulatorConfig(account_id="210987654321", **config))
        recorder = Recorder(emulator)
        handle = start(recorder)
        servers.append(handle)
        return recorder, handle.url

    servers: list = []
    yield make
    for handle in servers:
        handle.stop()


def aws_env(**extra: str) -> dict[str, str]:
    return safe_env(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET, **extra)


def run(url: str, tmp_path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--target", "aws", "--endpoint-url", url,
         "--report-dir", str(tmp_path / "out"), "--poll-interval", "0.05", *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=timeout, env=aws_env())


def test_free_run_sends_no_create_and_discovers_the_account(fake_aws, tmp_path):
    recorder, url = fake_aws(throttle_every=9)
    result = run(url, tmp_path, "--profile", "quick")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert recorder.emulator.calls[CREATE] == 0 and recorder.create_bodies == []
    assert recorder.emulator.calls["GetProvisionedModelThroughput"] > 0
    report = load_report(tmp_path / "out")
    assert report["settings"]["account_id"] is None  # discovered, not configured ...
    skipped = {c["id"]: c["message"] for c in report["clauses"] if c["status"] == "skipped"}
    assert "needs --allow-billable" in skipped["CREATE-ACCEPTS-VALID"]
    text = result.stdout + result.stderr + (tmp_path / "out" / "report.json").read_text()
    assert SECRET not in text and "AKIAIOSFODNN7EXAMPLE" not in text


def test_billable_run_stays_within_its_caps(fake_aws, tmp_path):
    recorder, url = fake_aws(create_delay=0.2)
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--yes", "--max-live", "1",
                 "--only", "CREATE,DELETE,GET")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "estimated cost" in result.stdout
    assert recorder.create_bodies, "the billable run created nothing"
    assert all("commitmentDuration" not in body for body in recorder.create_bodies)
    assert all(body.get("modelUnits") == 1 for body in recorder.create_bodies)
    assert recorder.max_live <= 1
    assert recorder.emulator.live() == {}


def test_billable_run_needs_confirmation(fake_aws, tmp_path):
    recorder, url = fake_aws()
    result = run(url, tmp_path, "--allow-billable")  # no terminal: not confirmed
    assert result.returncode == 2
    assert "not confirmed" in result.stderr
    assert recorder.emulator.calls[CREATE] == 0


@pytest.mark.parametrize("readable", [True, False], ids=["service-quotas-says-0", "create-refused"])
def test_quota_refusal_stops_the_run_before_anything_is_created(fake_aws, tmp_path, readable):
    """A fresh account has no model units: one line, exit 2, a report whose billable clauses are skipped
    with that reason; nothing created, in well under a minute. Service Quotas answers 0 (the preflight stops before
    the plan), or cannot be read (the plan's first create, refused at no cost, stops the run)."""
    modes = {"zero-quota"} | (set() if readable else {"xml-route-miss"})
    recorder, url = fake_aws(account_modes=frozenset(modes))
    started = time.monotonic()
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--yes")
    assert time.monotonic() - started < 60
    assert result.returncode == 2, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "can't buy a no-commitment Provisioned Throughput in us-east-1" in result.stderr + result.stdout
    assert recorder.emulator.live() == {} and not recorder.created
    assert (recorder.emulator.calls[CREATE] == 0) is readable  # the refused create was the plan's first
    report = load_report(tmp_path / "out")
    assert report["exit_code"] == 2 and "request model units first" in report["reason"]
    if not readable:
        clauses = {c["id"]: c for c in report["clauses"]}
        assert clauses["CREATE-LIFECYCLE"]["status"] == "skipped"
        assert "can't buy" in clauses["CREATE-LIFECYCLE"]["message"]


def _foreign(emulator: Emulator, url: str) -> dict[str, str]:
    """Resources the run did not create: a bare one, a prefixed one without the tag, a tagged one without
    the prefix. Neither the run nor sweep may touch them."""
    import boto3

    client = boto3.client("bedrock", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x",
                          aws_secret_access_key="y")
    made = {}
    for name, tags in [("someone-elses", []), ("bcdecoy1-untagged", []),
                       ("other-tagged", [{"key": "bedrock-conformance-run", "value": "zzzzzz"}])]:
        made[name] = client.create_provisioned_model_throughput(
            modelUnits=1, provisionedModelName=name, modelId="amazon.titan-text-express-v1:0:8k",
            tags=tags)["provisionedModelArn"]
    return made


@pytest.mark.parametrize(("sig", "hold"), [(signal.SIGTERM, 0.0), (signal.SIGTERM, 5.0), (signal.SIGKILL, 0.0)],
                         ids=["sigterm", "sigterm-before-the-create-answered", "sigkill"])
def test_killed_run_leaves_nothing_sweep_cannot_find(fake_aws, tmp_path, sig, hold):
    """hold: the signal lands after the server stored a create but before its answer arrived; cleanup finds it by
    the worker's names and the run's tag."""
    recorder, url = fake_aws(create_delay=60)
    recorder.hold_create_answer = hold
    foreign = _foreign(recorder.emulator, url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "run", "--target", "aws", "--endpoint-url", url, "--allow-billable",
         "--yes", "--only", "CREATE-LIFECYCLE", "--report-dir", str(tmp_path / "out"), "--create-timeout", "120"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=aws_env())
    deadline = time.monotonic() + 60
    while len(recorder.emulator.live()) == len(foreign) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(recorder.emulator.live()) > len(foreign), "the run created nothing"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    ours = {arn for arn in recorder.emulator.live() if arn not in foreign.values()}
    if sig == signal.SIGTERM:
        assert ours == set(), "SIGTERM cleanup left resources behind"
    else:
        assert ours, "SIGKILL gives no chance to clean up"
    sweep = [sys.executable, "-m", "conformance", "sweep", "--target", "aws", "--endpoint-url", url]
    listed = subprocess.run(sweep, cwd=tmp_path, capture_output=True, text=True, env=aws_env(), timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert {line.split()[0] for line in listed.stdout.splitlines() if line.startswith("arn:")} == ours
    removed = subprocess.run([*sweep, "--delete"], cwd=tmp_path, capture_output=True, text=True, env=aws_env(),
                             timeout=60)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert set(recorder.emulator.live()) == set(foreign.values())


def test_free_run_follows_the_sdks_endpoint_settings(fake_aws, tmp_path):
    """AWS_ENDPOINT_URL_BEDROCK (and AWS_ENDPOINT_URL_STS) and nothing else: every channel goes where the SDK
    resolves, the raw probe included, and nothing is created."""
    recorder, url = fake_aws()
    env = aws_env(AWS_ENDPOINT_URL_BEDROCK=url, AWS_ENDPOINT_URL_STS=url)
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--target", "aws", "--profile", "quick", "--report-dir",
         str(tmp_path / "out"), "--only", "LIST,GET,TAG"], cwd=tmp_path, capture_output=True, text=True,
        timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert recorder.emulator.calls["ListProvisionedModelThroughputs"] > 0
    assert recorder.emulator.calls["GetProvisionedModelThroughput"] > 0
    assert recorder.emulator.calls[CREATE] == 0 and recorder.emulator.live() == {}
    report = load_report(tmp_path / "out")
    assert report["verdict"] == "conformant"


def test_the_endpoint_is_the_one_botocore_resolves(monkeypatch):
    """FIPS, dual-stack, the aws-cn and aws-us-gov partitions, AWS_ENDPOINT_URL: botocore decides, the raw
    channel follows (no request is sent: the account is given)."""
    from conformance.catalogue.settings import Settings
    from conformance.targets.target import Target

    for key in [k for k in __import__("os").environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_CONFIG_FILE", __import__("os").devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", __import__("os").devnull)
    cases = [({}, "us-east-1", "https://bedrock.us-east-1.amazonaws.com"),
             ({"AWS_USE_FIPS_ENDPOINT": "true"}, "us-east-1", "https://bedrock-fips.us-east-1.amazonaws.com"),
             ({"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "us-west-2", "https://bedrock.us-west-2.api.aws"),
             ({}, "cn-north-1", "https://bedrock.cn-north-1.amazonaws.com.cn"),
             ({}, "us-gov-west-1", "https://bedrock.us-gov-west-1.amazonaws.com"),
             ({"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}, "us-east-1", "http://127.0.0.1:9"),
             ({"AWS_ENDPOINT_URL_BEDROCK": "http://127.0.0.1:8"}, "us-east-1", "http://127.0.0.1:8")]
    for env, region, expected in cases:
        with monkeypatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            target = Target(Settings(target="aws", region=region, account_id="210987654321"))
            try:
                assert target.endpoint == expected, (env, region)
                assert target.wire.meta.endpoint_url.rstrip("/") == expected
            finally:
                target.close()


def test_endpoint_url_in_the_config_file_is_followed(fake_aws, tmp_path):
    recorder, url = fake_aws()
    config = tmp_path / "aws-config"
    config.write_text(f"[default]\nendpoint_url = {url}\n")
    env = aws_env(AWS_CONFIG_FILE=str(config))
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--target", "aws", "--profile", "quick", "--report-dir",
         str(tmp_path / "out"), "--only", "GET-UNKNOWN-404"], cwd=tmp_path, capture_output=True, text=True,
        timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert recorder.emulator.calls["GetProvisionedModelThroughput"] > 0  # STS went there too (global setting)


class _BadServer:
    """A TCP server that accepts and then hangs, or accepts and resets the connection."""

    def __init__(self, mode: str) -> None:
        import socket

        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held: list = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        import socket
        import struct

        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "hang":
                self.held.append(conn)
            else:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.recv(65536)
                conn.close()

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize("mode", ["hang", "reset", "unreachable"])
def test_unusable_target_still_leaves_every_report(tmp_path, mode):
    server = _BadServer(mode)
    url = server.url
    if mode == "unreachable":
        server.close()
    try:
        started = time.monotonic()
        result = run(url, tmp_path, "--profile", "quick", "--read-timeout", "1", "--connect-timeout", "1",
                     "--max-attempts", "2", timeout=120)
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert elapsed < 60
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.md", "junit.xml", "report.html"}
    report = load_report(out)
    assert report["verdict"] == "error" and report["exit_code"] == 2 and report["reason"]
    assert report["problems"] and "not usable" in report["problems"][0]
    assert all(c["status"] == "skipped" for c in report["clauses"])


def test_unconfirmed_billable_run_leaves_a_report(fake_aws, tmp_path):
    recorder, url = fake_aws()
    result = run(url, tmp_path, "--allow-billable")
    assert result.returncode == 2
    assert "not confirmed" in load_report(tmp_path / "out")["problems"][0]
    assert recorder.emulator.calls[CREATE] == 0


def test_billable_quick_run_follows_its_plan(fake_aws, tmp_path):
    """The plan: two Provisioned Throughputs, Creating for seconds, throttled now and then; at least 90% of the
    billable clauses get a verdict, at most 2 alive at once and at most 6 created, nothing left behind."""
    from conformance.catalogue.clauses import CATALOGUE
    from conformance.targets import aws

    recorder, url = fake_aws(create_delay=2.0, update_delay=1.0, throttle_every=11)
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--yes", "--poll-interval", "0.2")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "expected duration" in result.stdout and "PT-hours" in result.stdout
    report = load_report(tmp_path / "out")
    billable = [c for c in report["clauses"] if CATALOGUE[c["id"]].cost == "billable"]
    judged = [c for c in billable if c["status"] in ("passed", "failed")]
    # of the billable clauses the plan can carry: some need what AWS cannot give (a custom model, a create that
    # fails, a create past the quota) and are skipped as not in the AWS plan (checked below)
    planned = [c for c in billable if "not in the AWS plan" not in c["message"]]
    assert len(judged) >= 0.9 * len(planned), [(c["id"], c["message"]) for c in planned if c not in judged]
    assert len(planned) >= len(billable) - 4
    assert recorder.max_live <= 2
    assert 1 <= len(recorder.created) <= 6, sorted(recorder.created)  # the plan's two and the families' own
    assert 2 + sum(step.own_creates for step in aws.SCHEDULE) <= 6
    assert all("commitmentDuration" not in body and body.get("modelUnits") == 1 for body in recorder.create_bodies)
    assert recorder.emulator.live() == {}
    skipped = {c["id"]: c["message"] for c in billable if c["status"] == "skipped"}
    assert all("not in the AWS plan" in why for why in skipped.values()), {c: w for c, w in skipped.items() if "not in the AWS plan" not in w}


# Lifecycle faults on the plan's shared PTs, each named by its clause. A billable test does not run again after a
# failure: it records the failure where it happens and goes on (Judgement.goes_on; the model adopts what the
# server did), so faults one walk meets one after another do not hide each other. A faulty retry creates a second
# PT with PT 2's name, which takes a max_live slot the later steps need: idempotency-ignored runs alone. DELETE-GONE selects the
# step that deletes PT 2, so that the uniqueness walk's create with PT 1's name fits in max_live.
WALK_FAULTS = {
    "walks": {"update-keeps-last-modified": "UPDATE-TIMESTAMPS", "duplicate-names-accepted": "CREATE-NAME-UNIQUE",
              "untag-ignored": "UNTAG-REMOVE"},
    "retry": {"idempotency-ignored": "CREATE-IDEMPOTENT"},
    # the create-to-delete walk adopts PT 2 and judges it as its create (adopt(judge=True))
    "record": {"model-arn-short-id": "CREATE-RECORD-FIELDS"},
    # Faults one walk meets one after another on the shared PTs: the first failure does not end the walk (a
    # billable test is not run again; its checks go on after a failure, and the model adopts what the server did)
    "stacked": {"rename-duplicate-accepted": "UPDATE-RENAME-DUPLICATE", "update-keeps-last-modified":
                "UPDATE-TIMESTAMPS", "untag-ignored": "UNTAG-REMOVE", "tag-limit-unchecked": "TAG-LIMIT"},
}
# ... and every group above at once, but the retry's (its second PT with PT 2's name takes a max_live slot)
WALK_FAULTS["together"] = {fault: clause for group, faults in list(WALK_FAULTS.items()) if group != "retry"
                           for fault, clause in faults.items()}


@pytest.mark.parametrize("faults", sorted(WALK_FAULTS))
def test_billable_walks_judge_through_the_machines(fake_aws, tmp_path, faults):
    """The lifecycle walks on the plan's shared PTs are the state machines' own actions (they adopt the PTs):
    each lifecycle fault is named by its clause, in a machine run's reproducer, and nothing is left behind (the
    shared PTs, the faults' extra creates) or touched that the run did not create."""
    from conformance.catalogue.fault_catalogue import EXPECTED

    expected = WALK_FAULTS[faults]
    assert all(clause in EXPECTED[fault][0] for fault, clause in expected.items())
    recorder, url = fake_aws(faults=frozenset(expected), create_delay=0.5, update_delay=0.3)
    foreign = _foreign(recorder.emulator, url)
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--yes", "--poll-interval", "0.1",
                 "--only", ",".join([*expected.values(), "DELETE-GONE"]))
    assert result.returncode == 1, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    clauses = {c["id"]: c for c in load_report(tmp_path / "out")["clauses"]}
    for fault, clause in expected.items():
        outcome = clauses[clause]
        assert outcome["status"] == "failed", (fault, outcome["status"], outcome["message"])
        assert "stateful machine" in outcome["failure"]["reproducer"], (fault, "not judged by a machine's step")
    assert set(recorder.emulator.live()) == set(foreign.values())
    assert all(body.get("modelUnits") == 1 and "commitmentDuration" not in body for body in recorder.create_bodies)


def test_billable_plan_refuses_workers(fake_aws, tmp_path):
    recorder, url = fake_aws()
    result = run(url, tmp_path, "--allow-billable", "--yes", "-n", "2")
    assert result.returncode == 2 and "one process" in result.stderr
    assert recorder.emulator.calls[CREATE] == 0


def test_plan_estimate_counts_registered_families():
    from conformance.catalogue.settings import Settings
    from conformance.targets import aws

    settings = Settings(target="aws")
    shared = [step for step in aws.SCHEDULE if not step.own_creates]  # without the registered families
    base = aws.estimate(settings, shared)
    assert base.slots == ("pt1", "pt2") and base.creates == 2 and base.most_alive == 2 and base.pt_hours >= 2
    family = [*shared, aws.Step("test_concurrent_family", own_creates=2, carries="concurrency")]
    grown = aws.estimate(settings, family)
    assert grown.creates == 4 and grown.most_alive == 2 and grown.minutes[0] > base.minutes[0]
    assert grown.pt_hours > base.pt_hours
    assert "test_concurrent_family: 2 of its own" in aws.describe_schedule(settings, family)


CONCURRENCY = "CREATE-NAME-UNIQUE-CONCURRENT,CREATE-IDEMPOTENT-CONCURRENT,API-NO-5XX-UNDER-LOAD," \
              "CREATE-TOKEN-REUSE-OTHER-PARAMS"


def test_concurrency_clauses_are_planned_and_stay_within_max_live(fake_aws, tmp_path):
    recorder, url = fake_aws(create_delay=0.2)
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--yes", "--max-live", "2",
                 "--only", CONCURRENCY)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    for test, own in (("test_create_name_unique_concurrent", 1), ("test_create_idempotent_concurrent", 1),
                      ("test_no_5xx_under_load", 2)):
        assert f"{test}: {own} of its own" in result.stdout, result.stdout[:3000]
    assert "CREATE-TOKEN-REUSE-OTHER-PARAMS: PT 2's token" in result.stdout  # on PT 2, no create of its own
    statuses = {c["id"]: c["status"] for c in load_report(tmp_path / "out")["clauses"]}
    assert all(statuses[c] == "passed" for c in CONCURRENCY.split(",")), statuses
    assert len(recorder.create_bodies) >= 8  # PT 2, two bursts of 2 creates, a burst of 2 workers, the reuse
    assert len(recorder.created) <= 5  # PT 2, one of each burst, the two workers: the reuse creates nothing
    assert all(body.get("modelUnits") == 1 and "commitmentDuration" not in body for body in recorder.create_bodies)
    assert recorder.max_live <= 2
    assert recorder.emulator.live() == {}


def test_concurrency_clauses_skip_when_max_live_leaves_no_room(fake_aws, tmp_path):
    recorder, url = fake_aws()
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--yes", "--max-live", "1",
                 "--only", CONCURRENCY)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    messages = {c["id"]: (c["status"], c["message"]) for c in load_report(tmp_path / "out")["clauses"]}
    for clause in ("CREATE-NAME-UNIQUE-CONCURRENT", "CREATE-IDEMPOTENT-CONCURRENT", "API-NO-5XX-UNDER-LOAD"):
        assert messages[clause][0] == "skipped" and "max_live=1" in messages[clause][1], messages[clause]
    assert recorder.max_live <= 1


class _HangsAfter:
    """Answers like the emulator for the first ``answers`` requests, then stops answering (never replies)."""

    def __init__(self, emulator: Emulator, answers: int) -> None:
        self.emulator = emulator
        self.left = answers
        self.release = threading.Event()
        self._lock = threading.Lock()

    def handle(self, method, raw_path, query_string, headers, body):
        with self._lock:
            self.left -= 1
            hang = self.left < 0
        if hang:
            self.release.wait(120)
        return self.emulator.handle(method, raw_path, query_string, headers, body)


def test_target_that_hangs_mid_run_times_out_and_leaves_a_report(tmp_path):
    hanging = _HangsAfter(Emulator(EmulatorConfig(account_id="210987654321")), answers=12)
    handle = start(hanging)
    try:
        started = time.monotonic()
        result = run(handle.url, tmp_path, "--profile", "quick", "--read-timeout", "1", "--max-attempts", "1",
                     timeout=180)
        elapsed = time.monotonic() - started
    finally:
        hanging.release.set()
        handle.stop()
    assert result.returncode == 2, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert elapsed < 90
    report = load_report(tmp_path / "out")
    assert report["verdict"] == "error" and report["reason"]
    assert any("timeout" in p.lower() or "timed out" in p.lower() for p in report["problems"]), report["problems"]
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"report.json", "report.md", "junit.xml",
                                                              "report.html"}


def test_plan_warns_when_the_budget_is_shorter_than_the_plan():
    from conformance.catalogue.settings import Settings
    from conformance.targets import aws

    est = aws.estimate(Settings(target="aws"))
    short = aws.describe_schedule(Settings(target="aws", budget_seconds=est.minutes[1] * 60 - 1))
    assert f"--budget-seconds {est.minutes[1] * 60} covers the whole plan" in short
    assert "warning" not in aws.describe_schedule(Settings(target="aws", budget_seconds=est.minutes[1] * 60))


# -- against the reference answering as real accounts do (bedrock_emulator.accounts) -------------------------------
# Each mode: exit 0, or exit 2 with one line and a report; never exit 1 for what the evidence attributes to AWS.
ACCOUNT_RUNS = {
    "legacy-models": ((), 0),
    "no-pt-region": ((), 2),
    "xml-route-miss": ((), 0),
    "coral-route-miss": ((), 0),
    "canonical-model-arn": (("--models", "amazon.nova-lite-v1:0"), 0),
    "slow-creating": ((), 0),
    "conflicts": (("--only", "CREATE-NAME-UNIQUE,UPDATE-RENAME-DUPLICATE,CREATE-TOKEN-REUSE-OTHER-PARAMS,"
                   "CREATE-NAME-UNIQUE-CONCURRENT,CREATE-WIRE-ERROR-DOCUMENTED,UPDATE-WIRE-ERROR-DOCUMENTED"), 0),
    "legacy-models,coral-route-miss": (("--models", "amazon.titan-text-express-v1:0:8k"), 2),
}


@pytest.mark.parametrize("modes", sorted(ACCOUNT_RUNS))
def test_billable_run_in_each_account_mode(fake_aws, tmp_path, modes):
    from conformance.catalogue.clauses import CATALOGUE

    args, expected = ACCOUNT_RUNS[modes]
    recorder, url = fake_aws(account_modes=frozenset(modes.split(",")), time_scale=0.001, update_delay=0.2)
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--yes", *args)
    assert result.returncode == expected, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    report = load_report(tmp_path / "out")
    assert report["exit_code"] == expected
    assert recorder.emulator.live() == {}
    if expected == 2:
        assert report["reason"] and "\n" not in report["reason"]
        assert not [c for c in report["clauses"] if c["status"] == "failed"]
        return
    assert "amazon.titan-text-express-v1" not in result.stdout.split("plan:", 1)[1].split("\n", 1)[0] \
        or "titan" in " ".join(args)
    billable = [c for c in report["clauses"] if CATALOGUE[c["id"]].cost == "billable" and c["status"] == "passed"]
    assert billable, "no billable clause was judged"
    if modes == "conflicts":
        assert any("Bedrock-typical" in w for w in report["warnings"]), report["warnings"]


def test_the_plan_names_an_active_model_and_why(fake_aws, tmp_path):
    """Legacy Titan is listed but not ACTIVE: the plan names the ACTIVE contextual variant AWS's own example buys,
    says why, and a Legacy --models is refused before anything is created."""
    recorder, url = fake_aws(account_modes=frozenset({"legacy-models"}))
    result = run(url, tmp_path, "--profile", "quick", "--allow-billable", "--only", "GET-UNKNOWN-404")
    assert result.returncode == 2  # not confirmed (no terminal), after the plan was printed
    assert "model: amazon.nova-lite-v1:0:24k (ACTIVE for Provisioned Throughput here" in result.stdout
    assert "of amazon.nova-lite-v1:0:24k" in result.stdout
    refused = run(url, tmp_path, "--allow-billable", "--yes", "--models", "amazon.titan-text-express-v1:0:8k")
    assert refused.returncode == 2 and "lists it LEGACY" in refused.stderr
    assert recorder.emulator.calls[CREATE] == 0


def test_aws_waits_an_hour_by_default_and_settings_still_win(tmp_path):
    """A create takes 15-30 minutes, a custom model's up to 45: 3,600 s on aws; the plan's high estimate
    waits each round out to it; a flag or a settings file still wins; no model is named until the preflight."""
    from conformance.catalogue import settings as settings_mod
    from conformance.targets import aws

    defaults = settings_mod.load({"target": "aws"}, environ={}, cwd=tmp_path)
    assert defaults.create_timeout == settings_mod.AWS_CREATE_TIMEOUT == 3600 and defaults.models == ()
    assert settings_mod.load({"target": "aws", "create_timeout": "900"}, environ={}, cwd=tmp_path
                             ).create_timeout == 900
    (tmp_path / "conformance.toml").write_text('target = "aws"\ncreate_timeout = 1200\n')
    assert settings_mod.load({}, environ={}, cwd=tmp_path).create_timeout == 1200
    assert settings_mod.load({"target": "reference"}, environ={}, cwd=tmp_path / "elsewhere"
                             ).models == settings_mod.DEFAULT_MODELS
    hour = aws.estimate(defaults)
    short = aws.estimate(settings_mod.load({"target": "aws", "create_timeout": "1800"}, environ={}, cwd=tmp_path))
    assert hour.minutes[1] > short.minutes[1] and hour.minutes[0] == short.minutes[0]
    assert "waited for up to create_timeout 3600s" in aws.describe_schedule(defaults)
