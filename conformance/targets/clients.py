"""The clients a target is reached by, and their retry and quota policy.

- ``sdk``: a boto3 client with client-side parameter validation (what users send);
- ``wire``: the same with validation off, for values the SDK would refuse to send;
- ``send()``: one hand-built (already signed) request, for what botocore cannot serialise.

One botocore standard-mode retry handler (`retry_handler`) serves all three. The target hands in its event hooks
(`Hooks`: record the request, guard billable creates, check every response before it is parsed), so every
channel passes through them; in-process targets answer through botocore's ``before-send`` event.

Public: `Clients`, `Hooks`, `Retries`, `retry_handler`, `DUMMY_CREDENTIALS`, `EMULATOR_BACKOFF_SCALE`,
`THROTTLING_CODES`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError
from botocore.httpsession import URLLib3Session
from botocore.retries import quota as retry_quota
from botocore.retries import standard as retry_standard

from conformance.catalogue.clauses import TargetUnavailable
from conformance.catalogue.settings import Settings
from conformance.checker.checks import error_code, parse_timestamp

DUMMY_CREDENTIALS = ("testing", "testing")

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


# botocore keeps the list private (ThrottledRetryableChecker._THROTTLED_ERROR_CODES) and offers no public one.
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


@dataclass(frozen=True)
class Hooks:
    """The target's handlers on every client's events."""

    record_request: Callable[..., None]  # before-send, first: the request being sent
    check_parsed: Callable[..., None]  # before-parse: the wire checker and the ledger
    guard_billable: Callable[..., None] | None = None  # before-send, first of all: billable targets only


class Clients:
    """The sdk and wire clients of one target, the raw channel's sender, and the credentials they sign with.

    ``credentials`` is public: the schemathesis phase signs its own requests with it."""

    def __init__(self, settings: Settings, endpoint: str, in_process: Callable[[Any], Any] | None,
                 hooks: Hooks) -> None:
        self.settings = settings
        self.endpoint = endpoint
        self.in_process = in_process
        self.hooks = hooks
        self.retries = retry_handler(settings)
        self.credentials = self._credentials()
        self.sdk = self.client(validate=True)
        self.wire = self.client(validate=False)
        if settings.kind.aws:
            # AWS_ENDPOINT_URL(_BEDROCK), endpoint_url in the config file, FIPS / dual-stack settings and the
            # partition's DNS suffix are botocore's business: the raw channel and reports use what it resolved.
            self.endpoint = self.sdk.meta.endpoint_url.rstrip("/")
        self.http = URLLib3Session(timeout=(settings.connect_timeout, settings.read_timeout),
                                   max_pool_connections=max(10, settings.concurrency))

    def _credentials(self) -> Credentials:
        if self.settings.kind.aws:
            found = botocore.session.Session().get_credentials()
            if found is None:
                raise TargetUnavailable("no AWS credentials found in the standard chain (environment, "
                                        "shared files, SSO, instance role)")
            return found
        return Credentials(*DUMMY_CREDENTIALS)

    def botocore_session(self) -> botocore.session.Session:
        session = botocore.session.Session()
        session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
        if self.settings.kind.aws:
            return session
        # Emulator targets never read the user's AWS files or environment credentials.
        session.set_credentials(*DUMMY_CREDENTIALS)
        return session

    def client(self, *, validate: bool) -> Any:
        """A new bedrock client (its own connection pool) with the target's hooks and retry policy."""
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
        session = boto3.Session(botocore_session=self.botocore_session())
        client = session.client("bedrock", **kwargs)
        events = client.meta.events
        events.register_first("before-send.bedrock", self.hooks.record_request)
        if self.hooks.guard_billable is not None:
            events.register_first("before-send.bedrock", self.hooks.guard_billable)
        events.register("before-parse.bedrock", self.hooks.check_parsed)
        events.unregister("needs-retry.bedrock", unique_id="retry-config-bedrock")
        events.register("needs-retry.bedrock", self.retries.handler.needs_retry, unique_id="retry-config-bedrock")
        events.register("after-call.bedrock", self.retries.quota.release_retry_quota)
        if self.in_process is not None:
            events.register("before-send.bedrock", self._route_in_process)
        return client

    def _route_in_process(self, request: Any, **_: Any) -> Any:
        return self.in_process(request)

    def send(self, operation: str, prepared: Any) -> Any:
        """Send a prepared (signed) request, retried as botocore's retry handler decides for the SDK channels."""
        model = self.sdk.meta.service_model.operation_model(operation)
        context: dict[str, Any] = {}
        attempt = 1
        while True:
            response, caught = self._send_once(operation, prepared)
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
        return response

    def _send_once(self, operation: str, prepared: Any) -> tuple[Any, Exception | None]:
        """One attempt: (response, None), or (None, the exception) when no answer came."""
        try:
            if self.in_process is not None:
                return self.in_process(prepared), None
            responses = self.sdk.meta.events.emit(f"before-send.bedrock.{operation}", request=prepared)
            response = next((r for _, r in responses if r is not None), None)
            return (response if response is not None else self.http.send(prepared)), None
        except ConnectionClosedError as exc:
            return None, exc
        except (BotoCoreError, OSError) as exc:
            return None, exc

    # -- the account ---------------------------------------------------------------------------------------
    def caller_account(self, endpoint_url: str | None, max_attempts: int) -> str:
        """The account of STS GetCallerIdentity at ``endpoint_url`` (None: the STS endpoint the SDK resolves for
        the session, which honours AWS_ENDPOINT_URL(_STS), the config file, FIPS and dual-stack settings)."""
        kwargs: dict[str, Any] = {"region_name": self.settings.region, "config": Config(
            connect_timeout=self.settings.connect_timeout, read_timeout=self.settings.read_timeout,
            retries={"mode": "standard", "max_attempts": max_attempts})}
        if endpoint_url:
            kwargs["endpoint_url"] = endpoint_url
        sts = boto3.Session(botocore_session=self.botocore_session()).client("sts", **kwargs)
        return str(sts.get_caller_identity().get("Account", ""))

    def aws_account(self) -> str:
        """AWS: the account the ARNs must carry, from STS (credentials never printed)."""
        try:
            account = self.caller_account(self.settings.endpoint_url, self.settings.max_attempts)
        except ClientError as exc:
            raise TargetUnavailable(f"STS GetCallerIdentity refused the credentials: "
                                    f"{exc.response.get('Error', {}).get('Code')}") from None
        except BotoCoreError as exc:
            raise TargetUnavailable(f"STS GetCallerIdentity failed: {exc}") from None
        if not account:
            raise TargetUnavailable("STS GetCallerIdentity answered no account")
        return account

    def server_account(self) -> str | None:
        """A URL target's account from its own STS GetCallerIdentity (moto, LocalStack and the reference serve it);
        None when it has none, and the account is then learned from the first ARN a create returns."""
        if self.in_process is not None:
            return None
        try:
            account = self.caller_account(self.endpoint, 1)
        except Exception:  # noqa: BLE001 - no STS there is normal for a Bedrock-only fake
            return None
        return account if account.isdigit() and len(account) == 12 else None
