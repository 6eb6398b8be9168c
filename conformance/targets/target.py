"""Targets: the server under test, and the three ways the suite talks to it.

- ``sdk``: a boto3 client with client-side parameter validation (what users send);
- ``wire``: the same with validation off, for values the SDK would refuse to send;
- ``raw()``: SigV4-signed HTTP built by hand, for what botocore cannot serialise.

All three go through one ``ResponseChecker`` before anything is parsed, and all three work on every target: the
in-process ones (``reference``, ``moto``) answer through botocore's ``before-send`` event, without sockets.
Every Provisioned Throughput the run creates is tracked by ARN; ``close()`` deletes only those.

A `Target` puts together the parts of this folder, one role each: `starters` starts each kind of target,
`clients` makes the clients and their retry and quota policy, `ledger` keeps what the run created (names,
tracking, cleanup); this module adds the checker, the billable guard, the raw channel, the request being judged
and parallel calls. What other modules use of a target is public and documented on `Target`.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.exceptions import EndpointConnectionError

import schemas
from conformance.catalogue.clauses import TargetUnavailable
from conformance.catalogue.settings import CustomModel, Settings
from conformance.checker.checks import ResponseChecker, describe_request, error_code
from conformance.checker.judgement import Judgement, current
from conformance.targets.aws import PARALLEL_ON_AWS, BillableGuard, BillableRefused  # noqa: F401 - for tests
from conformance.targets.clients import Clients, Hooks
from conformance.targets.ledger import TRACKED, Ledger, new_run_id
from conformance.targets.starters import serve_http, start

if TYPE_CHECKING:
    from conformance.drivers.plan import Plan

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


_CREATE, _LIST = (schemas.operation(key).name for key in ("CREATE", "LIST"))


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
    """One target for one process (pytest-xdist workers each open their own).

    Public, for the suite, the drivers and the run: ``settings``, ``run_id``, ``worker``, ``checker``, ``guard``
    (None unless billable), ``plan`` (the billable plan; the plugin sets it), ``timed_out``, ``emulator`` (the
    reference emulator the run holds, else None), ``custom_models``, ``endpoint``, ``sdk``, ``wire``, ``raw()``,
    ``credentials`` (what the channels sign with: the schemathesis phase signs its own requests with them),
    ``account_id`` (read it; `learn_account` sets it once when no source named it), ``gather()``, the parallel
    helpers, ``http_endpoint()``, ``close()``; and the ledger's: ``ledger``, ``created``, ``create_requests``,
    ``new_name()``, ``run_prefix``, ``run_tag``, ``forget()``, ``track()`` (every channel's Create/Update/Delete
    answers; the schemathesis phase reports its own) and ``cleanup()``."""

    def __init__(self, settings: Settings, *, run_id: str | None = None, worker: str = "main",
                 shared_url: str | None = None, shared_dir: str | None = None) -> None:
        self.settings = settings
        self.run_id = run_id or new_run_id()
        self.worker = worker
        self.checker = ResponseChecker(real_aws=settings.kind.aws)
        self.ledger = Ledger(settings.name_prefix, self.run_id, worker)
        self.guard = BillableGuard(settings, live=self.ledger.live,
                                   accepted_tokens=lambda: self.ledger.accepted_tokens) if settings.kind.billable else None
        if self.guard is not None:
            self.ledger.on_create_answered = self.guard.answered
        self.plan: Plan | None = None  # the billable plan on AWS (the plugin sets it)
        self.canonical_models: dict[str, str] = {}  # aws: model id -> the ARN ListFoundationModels lists
        # status -> the first wait that timed out on it (expect.wait_until: one timeout per run and status)
        self.timed_out = StatusTimeouts(shared_dir)
        self._lock = threading.Lock()
        # what the wire checker finds outside any test (fixtures, cleanup); a test's own Judgement inside one
        self.outside = Judgement()
        self._parallel_clients: list[Any] = []
        self._http_url: str | None = None
        started = start(settings, shared_url)
        self._closers: list[Callable[[], None]] = started.closers
        self._on_close: list[Callable[[], None]] = []  # on_close(): before the cleanup, in the order given
        self.emulator: Any = started.emulator
        self.account_id: str | None = started.account_id or settings.account_id
        self.custom_models: tuple[CustomModel, ...] = started.custom_models or settings.custom_models
        # Independent requests overlap where waiting is what costs: servers across a socket, a reference with
        # latency. In process, without latency, a thread would only add switching to a CPU-bound call.
        self.overlaps = settings.overlaps
        self.side_by_side = False  # tests run side by side on it (conformance.session.sidebyside; the plugin sets it)
        self.halted = False  # halt(): every further request is refused before it is sent
        self._pool: ThreadPoolExecutor | None = None
        guard = self._guard_billable if settings.kind.billable else None
        self.clients = Clients(settings=settings, endpoint=started.endpoint, in_process=started.in_process,
                               hooks=Hooks(self._record_request, self._check_parsed, guard))
        self.credentials = self.clients.credentials
        self.sdk = self.clients.sdk
        self.wire = self.clients.wire
        self.endpoint = self.clients.endpoint
        if settings.kind.aws and not self.account_id:
            self.account_id = self.clients.aws_account()
        elif not self.account_id:
            self.account_id = self.clients.server_account()

    def learn_account(self, account: str | None) -> None:
        """The account the ARNs carry, learned from the first ARN when no setting, starter or STS named it."""
        if self.account_id is None and account:
            self.account_id = account

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
        # each call runs in a copy of this context: it reaches the test's Judgement and has a request of its own
        futures = [self._pool.submit(contextvars.copy_context().run, call) for call in calls]
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

    def on_close(self, closer: Callable[[], None]) -> None:
        """Call ``closer`` when the target closes, before the run's cleanup (a driver that holds resources of its
        own for the whole run, such as the schemathesis phase, deletes them there)."""
        with self._lock:
            self._on_close.append(closer)

    def close(self) -> None:
        for closer in self._on_close:
            with contextlib.suppress(Exception):
                closer()
        self._on_close.clear()
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
        if self.clients.in_process is None:
            return self.endpoint
        with self._lock:
            if self._http_url is None:
                self._http_url, stop = serve_http(self.emulator)
                self._closers.append(stop)
            return self._http_url

    # -- event handlers ------------------------------------------------------------------------------------
    def halt(self) -> None:
        """The run is stopping: every further request raises TargetUnavailable before it is sent, so that tests
        still running side by side end at their next call."""
        self.halted = True

    def _record_request(self, request: Any, **_: Any) -> None:
        if self.halted:
            raise TargetUnavailable("the run is stopping: no further requests")
        self.judgement.request = request  # described (and redacted) only when something reads last_request

    def _guard_billable(self, request: Any, event_name: str = "", **_: Any) -> None:
        if self.guard is not None and event_name.endswith(_CREATE):
            self.guard.check_create(request.body)

    def _check_parsed(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        name = operation_model.name
        data = self.checker.check(name, response_dict["status_code"], headers=response_dict["headers"],
                                  body=response_dict["body"], request=lambda: self.last_request,
                                  into=self.judgement)
        if name in TRACKED:
            self.track(name, response_dict["status_code"], data, request=self.last_request)

    # -- raw HTTP ------------------------------------------------------------------------------------------
    def raw(self, operation: str, method: str, path: str, *, query: dict[str, Any] | str | None = None,
            body: bytes | str | dict | None = None, headers: dict[str, str] | None = None) -> RawResponse:
        """Send one hand-built request, SigV4-signed, and check its response like any other."""
        if self.halted:
            raise TargetUnavailable("the run is stopping: no further requests")
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
        SigV4Auth(self.credentials, "bedrock", self.settings.region).add_auth(request)
        prepared = request.prepare()
        if self.settings.kind.billable:
            self._guard_billable(prepared, event_name=operation)
        described = describe_request(method, url, headers=prepared.headers, body=body)
        self.judgement.request = described
        response = self.clients.send(operation, prepared)  # retried as botocore decides for the SDK channels
        headers_out = dict(response.headers.items())
        content = response.content or b""
        data = self.checker.check(operation, response.status_code, headers=headers_out, body=content,
                                  request=described,
                                  into=self.judgement)
        self.track(operation, response.status_code, data, request=described)
        return RawResponse(response.status_code, headers_out, body=content, data=data, request=described)

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
                self._parallel_clients.append(self.clients.client(validate=True))
            return self._parallel_clients[:count]

    # -- helpers for tests ---------------------------------------------------------------------------------
    @property
    def judgement(self) -> Judgement:
        """The running test's Judgement (conformance.checker.judgement), or ``outside`` between tests."""
        return current(self.outside)

    @property
    def last_request(self) -> dict[str, Any] | None:
        """The last request sent in this context (each of gather's calls has its own), described and redacted."""
        judgement = self.judgement
        request = judgement.request
        if request is not None and not isinstance(request, dict):
            request = describe_request(request.method, request.url, headers=request.headers,
                                       body=request.body)
            judgement.request = request
        return request

    # -- the ledger (conformance.targets.ledger): what the run created ---------------------------------------
    @property
    def created(self) -> dict[str, bool]:
        """ARN -> still alive as far as the run knows, for every ARN a create of this run returned."""
        return self.ledger.created

    @property
    def create_requests(self) -> int:
        return self.ledger.create_requests

    def new_name(self, hint: str = "") -> str:
        """A fresh name carrying the run prefix (the only names this run ever creates or touches)."""
        return self.ledger.new_name(hint)

    @property
    def run_prefix(self) -> str:
        return self.ledger.run_prefix

    @property
    def run_tag(self) -> dict[str, str]:
        return self.ledger.run_tag

    def forget(self, arn: str) -> None:
        self.ledger.forget(arn)

    def track(self, operation: str, status: int, data: Any, *, request: dict[str, Any] | None) -> None:
        """Keep the run's own resources: every ARN a create returned, and whether it is still alive."""
        self.ledger.track(operation, status, data, request=request)

    def cleanup(self) -> dict[str, str]:
        """Delete what this run created and is still alive; nothing else (Ledger.cleanup). Returns what it could
        not delete (ARN -> the error that refused it)."""
        return self.ledger.cleanup(self.sdk, look_for_untracked=self.settings.kind.outlives_run)


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
