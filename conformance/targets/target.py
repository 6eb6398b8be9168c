"""Targets: the server under test, and the three ways the suite talks to it.

- ``sdk``: a boto3 client with client-side parameter validation (what users send);
- ``wire``: the same with validation off, for values the SDK would refuse to send;
- ``raw()``: SigV4-signed HTTP built by hand, for what botocore cannot serialise.

All three go through one ``ResponseChecker`` before anything is parsed, and all three work on every target: the
in-process ones (``reference``, ``moto``) answer through botocore's ``before-send`` event, without sockets.
Every Provisioned Throughput the run creates is tracked by ARN; ``close()`` deletes only those.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError, EndpointConnectionError
from botocore.httpsession import URLLib3Session
from botocore.retries import quota as retry_quota
from botocore.retries import standard as retry_standard

import schemas
from conformance.catalogue.clauses import TargetUnavailable
from conformance.catalogue.settings import RUN_TAG_KEY, CustomModel, Settings, SettingsError
from conformance.checker.checks import ResponseChecker, describe_request, error_code, parse_timestamp
from conformance.targets.aws import PARALLEL_ON_AWS, BillableGuard, BillableRefused  # noqa: F401 - for tests

DUMMY_CREDENTIALS = ("testing", "testing")
IN_PROCESS_ENDPOINT = "https://bedrock.{region}.amazonaws.com"
PARALLEL = 4  # requests the concurrency clauses send at once (PARALLEL_ON_AWS on AWS)
MOTO_NOT_THREAD_SAFE = ("moto is not designed for multithreaded access (moto FAQ, "
                        "https://docs.getmoto.org/en/latest/docs/faq.html): parallel calls are not tried")


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    data: Any
    request: dict[str, Any]

    @property
    def code(self) -> str | None:
        return error_code(self.headers, self.data) if self.status >= 300 else None


def expand_faults(settings: Settings) -> Settings:
    """The settings with fault presets (bedrock_emulator.faults.PRESETS) replaced by their faults, so that reports
    and reproducers name each fault that is on."""
    if not settings.faults or not settings.kind.reference:
        return settings
    import dataclasses

    from bedrock_emulator.faults import expand

    return dataclasses.replace(settings, faults=tuple(sorted(expand(settings.faults))))


def new_run_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(6))


_CREATE, _LIST, _UPDATE, _DELETE = (schemas.operation(key).name for key in ("CREATE", "LIST", "UPDATE", "DELETE"))
_TRACKED = frozenset({_CREATE, _DELETE, _UPDATE})


def _body_member(request: dict[str, Any] | None, member: str) -> str | None:
    try:
        value = json.loads((request or {}).get("body") or "{}").get(member)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


# Emulators answer in milliseconds, not AWS's seconds: botocore's backoff at 1/20 of its throttling scale (the
# same truncated binary exponential backoff with jitter, first retry 0-50 ms, capped at 1 s). Measured with the
# throttling quirk (benchmarks/throughput.py): botocore's own 1 s scale makes a quick run several times slower.
EMULATOR_BACKOFF_SCALE = 0.05


@dataclass
class Retries:
    handler: retry_standard.RetryHandler  # needs-retry: seconds to wait, or None
    quota: retry_standard.RetryQuotaChecker  # after-call: gives retry capacity back


def retry_handler(settings: Settings) -> Retries:
    """botocore's standard-mode retry handler, shared by the three channels of a target (raw HTTP included).

    Real AWS: botocore's standard conditions (throttling, transient 5xx, dropped connections) and backoff.
    Emulators: a 5xx is a finding, not something to wait out, so only throttling (a ThrottlingException or a 429)
    and a connection dropped before any answer are retried, with the emulator backoff scale."""
    adapter = retry_standard.RetryEventAdapter()
    throttling = retry_standard.ThrottlingErrorDetector(adapter)
    attempts = settings.max_attempts
    if settings.kind.aws:
        checker: Any = retry_standard.StandardRetryConditions(max_attempts=attempts)
        backoff = retry_standard.ExponentialBackoff(service_name="bedrock", throttling_detector=throttling)
    else:
        checker = _AllOf(retry_standard.MaxAttemptsChecker(attempts), retry_standard.OrRetryChecker([
            retry_standard.ThrottledRetryableChecker(), retry_standard.ThrottlingStatusCodeChecker(),
            retry_standard.TransientRetryableChecker(transient_error_codes=[], transient_status_codes=[],
                                                     transient_exception_cls=(ConnectionClosedError,))]))
        backoff = retry_standard.ExponentialBackoff(
            throttling_detector=throttling, random=lambda: EMULATOR_BACKOFF_SCALE * random.random())
    quota = _AnswerQuota(retry_quota.RetryQuota(), throttling)
    return Retries(retry_standard.RetryHandler(
        retry_policy=retry_standard.RetryPolicy(retry_checker=checker, retry_backoff=backoff),
        retry_event_adapter=adapter, retry_quota=quota, service_name="bedrock"), quota)


THROTTLING_CODES = frozenset(retry_standard.ThrottledRetryableChecker._THROTTLED_ERROR_CODES)


class _AnswerQuota(retry_standard.RetryQuotaChecker):
    """botocore's retry budget, given back on every answer but a throttle or a 5xx.

    botocore gives capacity back only on a 2xx (``RetryQuotaChecker.release_retry_quota``), as refusals are rare for
    an application. Most of this suite's requests are refused on purpose (validation cases, unknown ids), so under
    throttling the budget drained (5 for each throttled retry, nothing back) and after about 100 throttled answers
    the next throttle reached a clause as its answer: a REJECT clause "answered ThrottlingException" on a conformant
    server (standard profile, ``--quirk all``). Here a refusal is a healthy answer and gives capacity back as a 2xx
    does; a throttle or a 5xx still gives nothing back, so a struggling server still stops the retries."""

    def release_retry_quota(self, context: Any, http_response: Any, **kwargs: Any) -> None:
        if http_response is None or http_response.status_code >= 500 or http_response.status_code == 429:
            return
        code = ((kwargs.get("parsed") or {}).get("Error") or {}).get("Code")
        if http_response.status_code < 300 or code not in THROTTLING_CODES:
            self._quota.release(context.get("retry_quota_capacity", self._NO_RETRY_INCREMENT))


class _AllOf(retry_standard.BaseRetryableChecker):
    def __init__(self, *checkers: Any) -> None:
        self._checkers = checkers

    def is_retryable(self, context: Any) -> bool:
        return all(checker.is_retryable(context) for checker in self._checkers)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise TargetUnavailable(f"the server process exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TargetUnavailable(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f}s")


class StatusTimeouts:
    """Which statuses a wait already timed out on in this run, and how (expect.wait_until). With ``directory``
    (one per run, under xdist) every worker of the run sees what the others recorded."""

    def __init__(self, directory: str | None = None) -> None:
        self._known: dict[str, str] = {}
        self._directory = Path(directory) if directory else None

    def get(self, status: str) -> str | None:
        if status not in self._known and self._directory is not None:
            with contextlib.suppress(OSError):
                text = (self._directory / f"timeout-{status}").read_text()
                if text:  # empty while its writer is still writing
                    self._known[status] = text
        return self._known.get(status)

    def record(self, status: str, first: str) -> None:
        self._known.setdefault(status, first)
        if self._directory is not None:
            path = self._directory / f"timeout-{status}"
            with contextlib.suppress(OSError):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)  # the first worker's record stays
                with os.fdopen(fd, "w") as handle:
                    handle.write(first)


class Target:
    """One target for one process (pytest-xdist workers each open their own)."""

    def __init__(self, settings: Settings, *, run_id: str | None = None, worker: str = "main",
                 shared_url: str | None = None, shared_dir: str | None = None) -> None:
        self.settings = settings
        self.run_id = run_id or new_run_id()
        self.worker = worker
        self.checker = ResponseChecker(real_aws=settings.kind.aws)
        self.created: dict[str, bool] = {}  # ARN -> still alive as far as the run knows
        self._arn_of_name: dict[str, str] = {}
        self.accepted_tokens: set[str] = set()
        self.guard = BillableGuard(settings, live=lambda: sum(self.created.values()),
                                   accepted_tokens=lambda: self.accepted_tokens) if settings.kind.billable else None
        self.plan: Any = None  # conformance.drivers.plan.Plan on a billable AWS run (the plugin sets it)
        self.canonical_models: dict[str, str] = {}  # aws: model id -> the ARN ListFoundationModels lists
        self.create_requests = 0
        # status -> the first wait that timed out on it (expect.wait_until: one timeout per run and status)
        self.timed_out = StatusTimeouts(shared_dir)
        self.account_id = settings.account_id
        self._names = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self._closers: list[Callable[[], None]] = []
        self._in_process: Callable[..., Any] | None = None
        self._parallel_clients: list[Any] = []
        self._http_url: str | None = None
        self.emulator: Any = None
        self.custom_models: tuple[CustomModel, ...] = settings.custom_models
        self.endpoint = self._start(shared_url)
        self.retries = retry_handler(settings)
        # Independent requests overlap where waiting is what costs: servers across a socket, a reference with
        # latency. In process, without latency, a thread would only add switching to a CPU-bound call.
        self.overlaps = settings.concurrency > 1 and (
            settings.latency > 0 or not settings.kind.in_process)
        self._pool: ThreadPoolExecutor | None = None
        credentials = self._credentials()
        self._credentials_obj = credentials
        self.sdk = self._client(validate=True)
        self.wire = self._client(validate=False)
        if settings.kind.aws:
            # AWS_ENDPOINT_URL(_BEDROCK), endpoint_url in the config file, FIPS / dual-stack settings and the
            # partition's DNS suffix are botocore's business: the raw channel and reports use what it resolved.
            self.endpoint = self.sdk.meta.endpoint_url.rstrip("/")
        self._http = URLLib3Session(timeout=(settings.connect_timeout, settings.read_timeout),
                                    max_pool_connections=max(10, settings.concurrency))
        if settings.kind.aws and not self.account_id:
            self.account_id = self._discover_account()
        elif not self.account_id:
            self.account_id = self._emulator_account()

    def _caller_account(self, endpoint_url: str | None, max_attempts: int) -> str:
        """The account of STS GetCallerIdentity at ``endpoint_url`` (None: the STS endpoint the SDK resolves for
        the session, which honours AWS_ENDPOINT_URL(_STS), the config file, FIPS and dual-stack settings)."""
        kwargs: dict[str, Any] = {"region_name": self.settings.region, "config": Config(
            connect_timeout=self.settings.connect_timeout, read_timeout=self.settings.read_timeout,
            retries={"mode": "standard", "max_attempts": max_attempts})}
        if endpoint_url:
            kwargs["endpoint_url"] = endpoint_url
        sts = boto3.Session(botocore_session=self._botocore_session()).client("sts", **kwargs)
        return str(sts.get_caller_identity().get("Account", ""))

    def _discover_account(self) -> str:
        """AWS: the account the ARNs must carry, from STS (credentials never printed)."""
        try:
            account = self._caller_account(self.settings.endpoint_url, self.settings.max_attempts)
        except ClientError as exc:
            raise TargetUnavailable(f"STS GetCallerIdentity refused the credentials: "
                                    f"{exc.response.get('Error', {}).get('Code')}") from None
        except BotoCoreError as exc:
            raise TargetUnavailable(f"STS GetCallerIdentity failed: {exc}") from None
        if not account:
            raise TargetUnavailable("STS GetCallerIdentity answered no account")
        return account

    def _emulator_account(self) -> str | None:
        """A URL target's account from its own STS GetCallerIdentity (moto, LocalStack and the reference serve it);
        None when it has none, and the account is then learned from the first ARN a create returns."""
        if self._in_process is not None:
            return None
        try:
            account = self._caller_account(self.endpoint, 1)
        except Exception:  # noqa: BLE001 - no STS there is normal for a Bedrock-only fake
            return None
        return account if account.isdigit() and len(account) == 12 else None

    # -- starting and stopping -----------------------------------------------------------------------------
    def _start(self, shared_url: str | None) -> str:
        s = self.settings
        kind = s.kind
        if kind.reference:
            from bedrock_emulator import faults as emulator_faults
            from bedrock_emulator.config import EmulatorConfig
            from bedrock_emulator.core import Emulator
            from bedrock_emulator.quirks import QUIRKS, expand

            faults = emulator_faults.expand(s.faults)
            unknown = sorted(faults - set(emulator_faults.FAULTS))
            if unknown:
                raise SettingsError(f"unknown fault {', '.join(unknown)} (see bedrock-conformance faults)")
            quirks = expand(s.quirks)
            unknown = sorted(quirks - set(QUIRKS))
            if unknown:
                raise SettingsError(f"unknown quirk {', '.join(unknown)} (see bedrock-conformance faults)")
            try:
                config = EmulatorConfig(region=s.region, account_id=s.account_id or "123456789012",
                                        faults=faults, quirks=quirks, account_modes=frozenset(s.account_modes),
                                        create_delay=s.create_delay, update_delay=s.update_delay,
                                        latency=s.latency)
            except ValueError as exc:  # an unknown account mode
                raise SettingsError(str(exc)) from None
            self.account_id = config.account_id
            if not self.custom_models:
                self.custom_models = tuple(CustomModel(c.arn, c.base_model_id) for c in config.custom_models)
            if shared_url:
                return shared_url
            self.emulator = Emulator(config)
            if kind.in_process:
                from bedrock_emulator.botocore_adapter import handler_for

                self._in_process = handler_for(self.emulator)
                return IN_PROCESS_ENDPOINT.format(region=s.region)
            from bedrock_emulator.server import start

            handle = start(self.emulator)
            self._closers.append(handle.stop)
            return handle.url
        if kind.moto and kind.in_process:
            from moto import mock_aws

            mock = mock_aws()
            mock.start()
            self._closers.append(mock.stop)
            self.account_id = self.account_id or "123456789012"
            return IN_PROCESS_ENDPOINT.format(region=s.region)
        if kind.moto:
            if shared_url:
                return shared_url
            port = _free_port()
            proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._closers.append(lambda: (proc.terminate(), proc.wait(10)))
            try:
                _wait_for_port(port, 30, proc)
            except TargetUnavailable:
                self.close()
                raise
            self.account_id = self.account_id or "123456789012"
            return f"http://127.0.0.1:{port}"
        if kind.aws:
            return ""  # the SDK resolves it (see __init__): one source of truth for every channel
        return s.target.rstrip("/")

    def _credentials(self) -> Credentials:
        if self.settings.kind.aws:
            session = botocore.session.Session()
            found = session.get_credentials()
            if found is None:
                raise TargetUnavailable("no AWS credentials found in the standard chain (environment, "
                                        "shared files, SSO, instance role)")
            return found
        return Credentials(*DUMMY_CREDENTIALS)

    def _client(self, *, validate: bool) -> Any:
        s = self.settings
        config = Config(
            region_name=s.region, parameter_validation=validate,
            connect_timeout=s.connect_timeout, read_timeout=s.read_timeout,
            # botocore's standard mode, its handler replaced below by the target's own (retry_handler: the same
            # handler serves the raw channel; emulators retry throttling only).
            retries={"mode": "standard", "max_attempts": s.max_attempts},
            max_pool_connections=max(10, s.concurrency),  # one kept-alive connection per request in flight
            signature_version="v4",
        )
        kwargs: dict[str, Any] = {"config": config, "region_name": s.region}
        if not s.kind.aws:
            kwargs.update(aws_access_key_id=DUMMY_CREDENTIALS[0], aws_secret_access_key=DUMMY_CREDENTIALS[1])
        if s.kind.aws and s.endpoint_url:
            kwargs["endpoint_url"] = s.endpoint_url
        elif not s.kind.aws:
            kwargs["endpoint_url"] = self.endpoint
        session = boto3.Session(botocore_session=self._botocore_session())
        client = session.client("bedrock", **kwargs)
        events = client.meta.events
        events.register_first("before-send.bedrock", self._record_request)
        if s.kind.billable:
            events.register_first("before-send.bedrock", self._guard_billable)
        events.register("before-parse.bedrock", self._check_parsed)
        events.unregister("needs-retry.bedrock", unique_id="retry-config-bedrock")
        events.register("needs-retry.bedrock", self.retries.handler.needs_retry, unique_id="retry-config-bedrock")
        events.register("after-call.bedrock", self.retries.quota.release_retry_quota)
        if self._in_process is not None:
            events.register("before-send.bedrock", self._route_in_process)
        return client

    def _botocore_session(self) -> botocore.session.Session:
        session = botocore.session.Session()
        session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
        if self.settings.kind.aws:
            return session
        # Emulator targets never read the user's AWS files or environment credentials.
        session.set_credentials(*DUMMY_CREDENTIALS)
        return session

    def gather(self, calls: Iterable[Callable[[], Any]]) -> list[Any]:
        """Run independent calls, up to ``concurrency`` in flight together, and return their results in order.

        Every call runs to its end; then the first exception in the calls' order is raised, so the verdict (and
        the report) is the one a sequential run in the same order would give."""
        calls = list(calls)
        if not self.overlaps or len(calls) < 2:
            return [call() for call in calls]
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="bc-request")
        futures = [self._pool.submit(call) for call in calls]
        results, first = [], None
        for future in futures:
            try:
                results.append(future.result())
            except BaseException as exc:  # noqa: BLE001 - re-raised below, in the calls' order
                results.append(None)
                first = first or exc
        if first is not None:
            raise first
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        try:
            self.cleanup()
        finally:
            while self._closers:
                with contextlib.suppress(Exception):
                    self._closers.pop()()

    def http_endpoint(self) -> str | None:
        """A URL any HTTP client (not only botocore) can reach, or None when the target has none.

        The endpoint itself for servers (reference-http, moto-server, URL, aws); for the in-process reference, a
        loopback server on the same emulator (same state as the SDK channel), started once and stopped on
        close(); None for in-process moto (it patches botocore: its endpoint is the real AWS URL).
        """
        if not self.settings.kind.http:
            return None
        if self._in_process is None:
            return self.endpoint
        with self._lock:
            if self._http_url is None:
                from bedrock_emulator.server import start

                handle = start(self.emulator)
                self._closers.append(handle.stop)
                self._http_url = handle.url
            return self._http_url

    # -- event handlers ------------------------------------------------------------------------------------
    def _record_request(self, request: Any, **_: Any) -> None:
        self._local.request = request  # described (and redacted) only when something reads last_request

    def _guard_billable(self, request: Any, event_name: str = "", **_: Any) -> None:
        if self.guard is not None and event_name.endswith(_CREATE):
            self.guard.check_create(request.body)

    def _route_in_process(self, request: Any, **_: Any) -> Any:
        return self._in_process(request)

    def _check_parsed(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        name = operation_model.name
        data = self.checker.check(name, response_dict["status_code"], response_dict["headers"],
                                  response_dict["body"], lambda: self.last_request, soft=True)
        if name in _TRACKED:
            self._track(name, response_dict["status_code"], data, self.last_request)

    def _track(self, operation: str, status: int, data: Any, request: dict[str, Any] | None) -> None:
        """Keep the run's own resources: every ARN a create returned, and whether it is still alive."""
        ok = 200 <= status < 300
        with self._lock:
            if operation == _CREATE:
                self.create_requests += 1
                if ok and isinstance(data, dict) and data.get("provisionedModelArn"):
                    arn = str(data["provisionedModelArn"])
                    self.created.setdefault(arn, True)
                    name = _body_member(request, "provisionedModelName")
                    if name:
                        self._arn_of_name[name] = arn
                    token = _body_member(request, "clientRequestToken")
                    if token:
                        self.accepted_tokens.add(token)
                if self.guard is not None:
                    self.guard.answered()  # after the ARN counts as live: the cap never has a gap
            elif ok and request and operation in (_DELETE, _UPDATE):
                ident = urllib.parse.unquote(urllib.parse.urlsplit(request["url"]).path.rsplit("/", 1)[-1])
                arn = ident if ident.startswith("arn:") else self._arn_of_name.get(ident)
                if arn and operation == _DELETE:
                    self.created[arn] = False
                elif arn:
                    new_name = _body_member(request, "desiredProvisionedModelName")
                    if new_name:
                        self._arn_of_name[new_name] = arn

    # -- raw HTTP ------------------------------------------------------------------------------------------
    def raw(self, operation: str, method: str, path: str, *, query: dict[str, Any] | str | None = None,
            body: bytes | str | dict | None = None, headers: dict[str, str] | None = None) -> RawResponse:
        """Send one hand-built request, SigV4-signed, and check its response like any other."""
        if isinstance(query, dict):
            query = urllib.parse.urlencode(query, doseq=True)
        url = self.endpoint + path + (f"?{query}" if query else "")
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        request = AWSRequest(method=method, url=url, data=body or b"", headers=all_headers)
        SigV4Auth(self._credentials_obj, "bedrock", self.settings.region).add_auth(request)
        prepared = request.prepare()
        if self.settings.kind.billable:
            self._guard_billable(prepared, event_name=operation)
        described = describe_request(method, url, prepared.headers, body)
        self._local.request = described
        model = self.sdk.meta.service_model.operation_model(operation)
        context: dict[str, Any] = {}
        attempt = 1
        while True:  # botocore's retry handler decides, as for the SDK channels
            response, caught = self._send_raw(operation, prepared)
            parsed = None
            if response is not None and response.status_code >= 300:
                parsed = {"Error": {"Code": error_code(dict(response.headers.items()), None) or ""}}
            delay = self.retries.handler.needs_retry(response=None if response is None else (response, parsed),
                                             attempts=attempt, caught_exception=caught,
                                             request_dict={"context": context}, operation=model)
            if delay is None:
                break
            time.sleep(delay)
            attempt += 1
        if response is None:
            raise TargetUnavailable(f"{prepared.method} {prepared.url}: {caught}") from None
        self.retries.quota.release_retry_quota(context, response)
        headers_out = dict(response.headers.items())
        content = response.content or b""
        data = self.checker.check(operation, response.status_code, headers_out, content, described, soft=True)
        self._track(operation, response.status_code, data, described)
        return RawResponse(response.status_code, headers_out, content, data, described)

    def _send_raw(self, operation: str, prepared: Any) -> tuple[Any, Exception | None]:
        """One attempt: (response, None), or (None, the exception) when no answer came."""
        try:
            if self._in_process is not None:
                return self._in_process(prepared), None
            responses = self.sdk.meta.events.emit(f"before-send.bedrock.{operation}", request=prepared)
            response = next((r for _, r in responses if r is not None), None)
            return (response if response is not None else self._http.send(prepared)), None
        except ConnectionClosedError as exc:
            return None, exc
        except (BotoCoreError, OSError) as exc:
            return None, exc

    # -- parallel requests (the concurrency clauses) ---------------------------------------------------------
    @property
    def parallel_unsupported(self) -> str | None:
        """Why this target kind cannot take parallel calls, or None when it can. The reference is thread-safe
        in-process and over HTTP; URL targets and AWS are servers (their answer is what is tested)."""
        if self.settings.kind.moto:
            return MOTO_NOT_THREAD_SAFE
        return None

    @property
    def parallelism(self) -> int:
        """How many requests the concurrency clauses send at once."""
        return PARALLEL_ON_AWS if self.settings.kind.billable else PARALLEL

    def parallel_clients(self, count: int) -> list[Any]:
        """``count`` SDK clients of their own (separate connection pools), made once and kept: each thread of a
        burst gets one. Every response still passes through the checker, the tracking and the billable guard."""
        with self._lock:
            while len(self._parallel_clients) < count:
                self._parallel_clients.append(self._client(validate=True))
            return self._parallel_clients[:count]

    # -- helpers for tests ---------------------------------------------------------------------------------
    def current_request(self) -> Any:
        """This thread's last request, as recorded (for restore_request in the thread that judges the answer)."""
        return getattr(self._local, "request", None)

    def restore_request(self, request: Any) -> None:
        self._local.request = request

    @property
    def last_request(self) -> dict[str, Any] | None:
        request = getattr(self._local, "request", None)
        if request is not None and not isinstance(request, dict):
            request = describe_request(request.method, request.url, request.headers, request.body)
            self._local.request = request
        return request

    def new_name(self, hint: str = "") -> str:
        """A fresh name carrying the run prefix (the only names this run ever creates or touches)."""
        with self._lock:
            self._names += 1
            number = self._names
        return f"{self.run_prefix}-{self.worker}-{hint}{number}"[:63]

    @property
    def run_prefix(self) -> str:
        return f"{self.settings.name_prefix}{self.run_id}"

    @property
    def run_tag(self) -> dict[str, str]:
        return {"key": RUN_TAG_KEY, "value": self.run_id}

    def forget(self, arn: str) -> None:
        with self._lock:
            self.created[arn] = False

    def _untracked_own(self) -> list[str]:
        """ARNs the server holds under this worker's own names and this run's tag that the run never saw answered:
        a create that Ctrl-C or SIGTERM interrupted after the server stored it. Nothing else qualifies."""
        prefix = f"{self.run_prefix}-{self.worker}-"
        found = []
        pages = self.sdk.get_paginator("list_provisioned_model_throughputs").paginate(nameContains=prefix)
        for page in pages:
            for summary in page.get("provisionedModelSummaries", []):
                arn = summary.get("provisionedModelArn")
                if not arn or arn in self.created or not str(summary.get("provisionedModelName", "")).startswith(prefix):
                    continue
                tags = self.sdk.list_tags_for_resource(resourceARN=arn).get("tags", [])
                if self.run_tag in tags:
                    found.append(arn)
        return found

    def cleanup(self) -> dict[str, str]:
        """Delete what this run created and is still alive; nothing else. Returns what it could not delete
        (ARN -> the error that refused it). On targets that outlive the run, a create interrupted between the
        server storing it and the answer arriving is found by this worker's names and the run's tag."""
        left: dict[str, str] = {}
        if self.settings.kind.outlives_run:
            try:
                for arn in self._untracked_own():
                    with self._lock:
                        self.created.setdefault(arn, True)
            except Exception:  # noqa: BLE001 - the tracked ARNs are still deleted below
                pass
        for arn, alive in list(self.created.items()):
            if not alive:
                continue
            try:
                self.sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
                self.forget(arn)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code == "ResourceNotFoundException":
                    self.forget(arn)
                else:
                    left[arn] = str(code)
            except Exception as exc:  # noqa: BLE001 - cleanup must never mask the run's own outcome
                left[arn] = type(exc).__name__
        return left


def probe(target: Target) -> None:
    """Fail fast with one line when the target does not answer at all."""
    try:
        target.raw(_LIST, "GET", "/provisioned-model-throughputs",
                   query={"maxResults": "1"})
    except TargetUnavailable:
        raise
    except Exception:  # a conformance failure here is for the clauses to report, not a reachability problem
        return


def open_target(settings: Settings, **kwargs: Any) -> Target:
    try:
        return Target(settings, **kwargs)
    except EndpointConnectionError as exc:
        raise TargetUnavailable(str(exc)) from None


def start_shared(settings: Settings) -> tuple[str, Callable[[], None]] | None:
    """Start one server for every xdist worker (reference-http, moto-server); None for other targets."""
    if not settings.kind.served_by_run:
        return None
    owner = Target(settings, worker="shared")
    url = owner.endpoint
    return url, owner.close
