"""The schemathesis phase: schema-driven requests from ``schemas/openapi.json`` against the target.

For each of the eight operations, schemathesis' coverage cases (boundary and constraint-breaking values of every
parameter, deterministic) and then Hypothesis-generated cases (positive and negative, as many as the active
profile allows) are sent to the target over HTTP, SigV4-signed. Every response goes through two sets of checks:

- the suite's wire checker (``target.checker``): a violation names the operation's wire clause;
- the schemathesis checks that hold for AWS (``PHASE_CHECKS``): a violation becomes ``API-SCHEMATHESIS``.

Safety: the phase never touches what the run did not create. Generated names for Create (and for a rename)
are rewritten to carry the run prefix, generated ids that could name a live resource are replaced by the run's own
resources or by ids nothing has (``_Rewriter``); commitment terms are never requested (they cannot be deleted);
every Create the target accepts is tracked for cleanup. The phase never runs against real AWS.

``run_schemathesis_only`` is the baseline the benchmark compares the suite with: plain schemathesis, its own checks
and phases, against a URL, with the settings that keep it silent on the unmodified reference.
"""

from __future__ import annotations

import collections
import contextlib
import json
import random
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests
import requests.adapters
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from jsonschema import Draft4Validator

import schemas
from conformance.catalogue import contract
from conformance.catalogue import rules
from conformance.catalogue.clauses import ConformanceFailure, NotImplementedOutcome, TargetUnavailable
from conformance.checker.checks import describe_request, describe_response
from conformance.checker.judgement import current

if TYPE_CHECKING:
    from conformance.targets.target import Target

CLAUSE = "API-SCHEMATHESIS"
OPENAPI_PATH = schemas.SCHEMA_DIR / "openapi.json"
OPERATIONS = schemas.OPERATIONS
CREATE, LIST, UPDATE, DELETE = (schemas.operation(key).name for key in ("CREATE", "LIST", "UPDATE", "DELETE"))

# The schemathesis checks the phase runs on every response: they hold for AWS and stay silent on the reference.
PHASE_CHECKS = (
    "not_a_server_error",            # 5xx: AWS answers a well-formed or malformed request without a server error
    "status_code_conformance",       # only the documented statuses (200/201, 400, 403, 404, 429, 500 per operation)
    "content_type_conformance",      # application/json, as documented
    "response_schema_conformance",   # success and error bodies match their documented shape
    "response_headers_conformance",  # no response headers are documented: silent unless the schema grows some
    "negative_data_rejection",       # a request breaking a documented constraint is refused with a 4xx
    "missing_required_header",       # no required request header is documented: silent unless the schema grows some
    "allow_header_conformance",      # only looks at 405 answers, which the operations never give
)

# The schemathesis checks the phase leaves out, and why (each was tried against the reference).
EXCLUDED_CHECKS = {
    "positive_data_acceptance":
        "schema-valid data is refused by business rules the schema can't state: a modelId the target doesn't "
        "offer, a name or id nothing has (404), an Update naming no change, a duplicate name, a modelUnits "
        "quota, a clientRequestToken reused with other parameters, timestamps before year 1",
    "unsupported_method":
        "expects 405 with an Allow header for methods the document doesn't list; AWS answers those with its own "
        "403/404 forms (UnknownOperationException), which the contract doesn't cover",
    "use_after_free":
        "stateful-only (needs a link sequence Create -> Delete -> Get); the phase sends single requests; "
        "DELETE-GONE checks the same thing",
    "ensure_resource_availability":
        "stateful-only; and misfires by design on a conformant server: a Create retried with an earlier "
        "clientRequestToken returns the ARN of the first Create, which may have been deleted since (idempotency)",
    "ignored_auth":
        "a silent no-op here (SigV4 is not expressible in OpenAPI, so the document declares no security scheme); "
        "were one declared, it would misfire on the emulators, which don't verify signatures by design (and a "
        "refused signature is a TargetUnavailable for the wire checker, not a clause failure)",
    "object_level_authorization": "needs several identities; the run has one set of credentials",
}

# Unexpected HTTP methods (TRACE, OPTIONS...) on the documented paths are outside the contract (see
# unsupported_method above): the coverage phase does not send them.
SCHEMATHESIS_CONFIG: dict[str, Any] = {
    "phases": {"coverage": {"unexpected-methods": []}},
    "warnings": False,
}

# Fuzzed cases per operation, on top of the coverage cases (~100 a operation, deterministic): a quarter of the
# profile's max_examples (quick 4, standard 10, thorough 50). Generating from the model's long patterns costs
# 20-100 ms of CPU a case, so this keeps the phase to seconds on the reference.
FUZZ_SHARE = 4
FUZZ_MIN = 4
FUZZ_CAP = 50

_EPOCH_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_TIME_PARAMETERS = ("creationTimeAfter", "creationTimeBefore")


# ---------------------------------------------------------------------------------------------------------
# SigV4 for `requests`


class SigV4RequestsAuth(requests.auth.AuthBase):
    """Sign a prepared ``requests`` request with SigV4, after its body is serialised (requests applies auth last)."""

    def __init__(self, credentials: Any, region: str, service: str = "bedrock") -> None:
        self.credentials = credentials
        self.region = region
        self.service = service

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.url = aws_query_encoding(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("authorization", "x-amz-date", "x-amz-security-token")}
        signed = AWSRequest(method=request.method, url=request.url, data=body, headers=headers)
        SigV4Auth(self.credentials, self.service, self.region).add_auth(signed)
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in signed.headers:
                request.headers[name] = signed.headers[name]
        return request


def aws_query_encoding(url: str) -> str:
    """The URL with its query's spaces sent as ``%20``, the way AWS clients send them.

    ``requests`` form-encodes query values, so a space goes out as ``+`` (a literal ``+`` as ``%2B``). RFC 3986
    gives ``+`` no special meaning, and servers differ: one decodes ``+`` to a space, another keeps it (the
    reference keeps it). A schemathesis case meant to be invalid ("space inside" against ``^\\S*$``) then
    reaches such a server valid, and "accepted" is a false alarm. AWS clients never send ``+`` for a space:
    SigV4's canonical query string percent-encodes a space as ``%20`` (AWS docs, "Create a canonical request":
    "encode space as %20, not +"), and botocore's ``percent_encode`` does the same. After form encoding every
    ``+`` in the query is an encoded space, so the rewrite is exact.
    """
    parts = urllib.parse.urlsplit(url)
    return parts._replace(query=parts.query.replace("+", "%20")).geturl() if "+" in parts.query else url


# ---------------------------------------------------------------------------------------------------------
# Where the phase can reach the target over HTTP


def skip_reason(target: Target) -> str | None:
    """Why the phase can't run against this target, or None."""
    settings = target.settings
    if settings.kind.billable:
        return ("the schemathesis phase never runs against real AWS: its generated Creates would buy Provisioned "
                "Throughput and its requests are not bounded by the run's cost controls")
    if not settings.kind.http:
        return ("moto in-process has no HTTP endpoint (it patches botocore); use --target moto-server for the "
                "schemathesis phase")
    return None


def http_endpoint(target: Target) -> str:
    """A URL any HTTP client reaches: the target's endpoint, or a loopback server for the in-process reference."""
    url = target.http_endpoint()
    if url is None:
        raise TargetUnavailable("the target has no HTTP endpoint")
    return str(url)


# ---------------------------------------------------------------------------------------------------------
# The schemathesis schema and checks


def load_schema(base_url: str | None = None, extra_config: Mapping[str, Any] | None = None) -> Any:
    import schemathesis

    data = json.loads(json.dumps(SCHEMATHESIS_CONFIG))
    if base_url:
        data["base-url"] = base_url
    data.update(extra_config or {})
    config = schemathesis.Config.from_dict(data)
    return schemathesis.openapi.from_path(OPENAPI_PATH, config=config)


def _check_functions(names: Iterable[str]) -> list[Callable[..., Any]]:
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    known = {getattr(check, "__name__", ""): check for check in CHECKS.get_all()}
    missing = [name for name in names if name not in known]
    if missing:
        raise RuntimeError(f"the installed schemathesis has no check {', '.join(missing)}")
    return [known[name] for name in names]


def fuzz_examples() -> int:
    from hypothesis import settings

    active = settings.default  # the profile the plugin loaded
    max_examples = active.max_examples if active is not None else 100
    return max(FUZZ_MIN, min(FUZZ_CAP, max_examples // FUZZ_SHARE))


# ---------------------------------------------------------------------------------------------------------
# Making generated requests safe


@dataclass
class _Own:
    """The Provisioned Throughputs the phase itself created and has not deleted (ARN -> current name, if known).

    Only these: what other tests created (a session fixture's records, say) is theirs to rename, tag or delete.
    """

    names: dict[str, str | None]

    def arns(self, target: Target) -> list[str]:
        for arn in list(self.names):
            if not target.created.get(arn, True):  # deleted since, as far as the run knows
                self.names.pop(arn, None)
        return sorted(self.names)

    def arn_of(self, ident: str) -> str | None:
        if ident in self.names:
            return ident
        return next((arn for arn, name in self.names.items() if name == ident), None)


class _Rewriter:
    """Rewrites a generated case so it can only touch what this run created.

    - Create: a valid provisionedModelName gets the run prefix (same length where the length allows: the 1- and
      63-character boundaries stay); valid modelIds become one the target offers (all in negative cases, three in
      four otherwise), so Creates get past the model lookup;
      a valid commitmentDuration is dropped (a commitment term cannot be deleted before it ends).
    - Get/Update/Delete (path id), Tag/Untag/ListTags (resourceARN): a valid id that is not the run's own becomes
      one of the run's own resources or an id nothing has (a prefixed name, a random ARN).
    - Update: a valid desiredProvisionedModelName gets the run prefix.
    - Create: a valid clientRequestToken becomes one no other request uses (coverage cases all send "0").
    Values that break their schema are kept: a conformant target refuses them, which is what they test.

    Two rewrites keep negative_data_rejection from misfiring on a conformant server: a null body member is
    dropped (AWS JSON protocols read null as absent) and an epoch-seconds List time bound is spelled as text no
    timestamp parser reads (AWS parsers read epoch seconds as well as ISO 8601).
    """

    def __init__(self, target: Target, own: _Own, create_own: Callable[[], None]) -> None:
        self.target = target
        self._lock = threading.Lock()
        self._tokens = 0
        self.own = own
        self.create_own = create_own
        doc = schemas.openapi()
        create = doc["paths"]["/provisioned-model-throughput"]["post"]
        body = create["requestBody"]["content"]["application/json"]["schema"]["properties"]
        self.name_schema = Draft4Validator(body["provisionedModelName"])
        self.model_schema = Draft4Validator(body["modelId"])
        self.token_schema = Draft4Validator(body["clientRequestToken"])
        get = doc["paths"]["/provisioned-model-throughput/{provisionedModelId}"]["get"]
        self.id_schema = Draft4Validator(get["parameters"][0]["schema"])
        tag = doc["paths"]["/tagResource"]["post"]
        self.resource_schema = Draft4Validator(
            tag["requestBody"]["content"]["application/json"]["schema"]["properties"]["resourceARN"])

    # -- values --------------------------------------------------------------------------------------------
    def prefixed_name(self, like: str) -> str:
        """A fresh run-prefixed name, as long as ``like`` where possible, valid whenever ``like`` is."""
        return _same_length(self.target.new_name("st"), like)

    def fresh_token(self, like: str) -> str:
        """A clientRequestToken no other request of any run uses, as long as ``like`` where possible."""
        with self._lock:
            self._tokens += 1
            number = self._tokens
        return _same_length(f"{self.target.run_id}{self.target.worker}t{number}".replace("-", "").replace("_", ""),
                            like)

    def missing_arn(self) -> str:
        return contract.random_arn(self.target.settings.region, self.target.account_id)

    def own_or_missing(self, value: str, choose: Callable[[int], int], *, arn_only: bool = False) -> str:
        """Replace a valid id that isn't the run's own: one of the run's own resources, or an id nothing has."""
        if self.own.arn_of(value) is not None:
            return value
        arns = self.own.arns(self.target)
        if not arns and choose(2) == 0:
            self.create_own()
            arns = self.own.arns(self.target)
        pick = choose(len(arns) + 1) if arns else len(arns)
        if pick < len(arns):
            arn = arns[pick]
            name = self.own.names.get(arn)
            if name and not arn_only and not contract.is_arn(value):
                return name
            return arn
        if arn_only or contract.is_arn(value):
            return self.missing_arn()
        return self.prefixed_name(value)

    # -- cases ---------------------------------------------------------------------------------------------
    def rewrite(self, operation: str, case: Any, choose: Callable[[int], int]) -> None:
        body = case.body if isinstance(case.body, dict) else None
        if operation == CREATE and body is not None:
            body = dict(body)
            name = body.get("provisionedModelName")
            if isinstance(name, str):
                renamed = self.prefixed_name(name)
                # A name that breaks the schema stays broken (else the case would stop being negative).
                if self.name_schema.is_valid(name) or not self.name_schema.is_valid(renamed):
                    body["provisionedModelName"] = renamed
            model = body.get("modelId")
            models = list(self.target.settings.models)
            # A model nothing offers is refused before anything else is looked at, which would hide whether the
            # broken part of a negative case is refused: negative cases always get an offered model.
            if isinstance(model, str) and self.model_schema.is_valid(model) and models and (
                    _is_negative(case) or choose(4) != 0):
                body["modelId"] = models[choose(len(models))]
            token = body.get("clientRequestToken")
            if isinstance(token, str) and self.token_schema.is_valid(token):
                # Coverage cases share tokens ("0"): a token reused with other parameters is refused by design
                # (idempotency), which would hide everything else the case tests.
                body["clientRequestToken"] = self.fresh_token(token)
            if body.get("commitmentDuration") in contract.COMMITMENTS:
                del body["commitmentDuration"]
            case.body = body
        elif schemas.operation(operation).id_parameter == "provisionedModelId":
            ident = case.path_parameters.get("provisionedModelId")
            if isinstance(ident, str) and self.id_schema.is_valid(ident):
                case.path_parameters = {**case.path_parameters,
                                        "provisionedModelId": self.own_or_missing(ident, choose)}
            if operation == UPDATE and body is not None:
                new_name = body.get("desiredProvisionedModelName")
                if isinstance(new_name, str) and self.name_schema.is_valid(new_name):
                    case.body = {**body, "desiredProvisionedModelName": self.prefixed_name(new_name)}
        elif schemas.operation(operation).id_parameter == "resourceARN" and body is not None:
            arn = body.get("resourceARN")
            if isinstance(arn, str) and self.resource_schema.is_valid(arn):
                case.body = {**body, "resourceARN": self.own_or_missing(arn, choose, arn_only=True)}
        elif operation == LIST:
            # AWS timestamp parsers read epoch seconds as well as ISO 8601 (so does the reference): an epoch
            # number is not a constraint-breaking value. Spell it as text no timestamp parser reads.
            query = dict(case.query)
            changed = False
            for key in _TIME_PARAMETERS:
                value = query.get(key)
                if isinstance(value, (int, float)) and not isinstance(value, bool) or (
                        isinstance(value, str) and _EPOCH_TEXT.fullmatch(value)):
                    query[key] = f"not-a-time-{value}"
                    changed = True
            if changed:
                case.query = query
        # AWS JSON protocols read a null member as an absent one: null is not a constraint-breaking value for an
        # optional member (a required one still counts as missing).
        if isinstance(case.body, dict) and any(v is None for v in case.body.values()):
            case.body = {k: v for k, v in case.body.items() if v is not None}


# ---------------------------------------------------------------------------------------------------------
# The phase


# Operations whose cases never depend on another case's answer (see Phase._exercise_all).
INDEPENDENT = frozenset({"GetProvisionedModelThroughput", "ListProvisionedModelThroughputs",
                         "ListTagsForResource", "CreateProvisionedModelThroughput"})


_SHARED: dict[int, Phase] = {}
_SHARED_LOCK = threading.Lock()


def shared(target: Target) -> Phase:
    """The target's one Phase, made by the first test that asks (the tests of every operation share it, whether
    pytest's loop or a side-by-side lane runs them), closed when the target closes (``Target.on_close``)."""
    with _SHARED_LOCK:
        phase = _SHARED.get(id(target))
        if phase is None or phase.target is not target:
            phase = _SHARED[id(target)] = Phase(target)

            def close(phase: Phase = phase) -> None:
                with _SHARED_LOCK:
                    if _SHARED.get(id(phase.target)) is phase:
                        del _SHARED[id(phase.target)]
                phase.close()

            target.on_close(close)
        return phase


class Phase:
    """The schemathesis phase for one target (one per process; the tests share it: ``shared``)."""

    def __init__(self, target: Target) -> None:
        reason = skip_reason(target)
        if reason:
            raise ValueError(reason)
        self.target = target
        self.base_url = http_endpoint(target)
        self.schema = load_schema(self.base_url)
        self.checks = _check_functions(PHASE_CHECKS)
        self.auth = SigV4RequestsAuth(target.credentials, target.settings.region)
        self.session = requests.Session()
        pool = max(10, target.settings.concurrency)  # one kept-alive connection per request in flight
        self.session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=pool, pool_maxsize=pool))
        self.session.mount("https://", requests.adapters.HTTPAdapter(pool_connections=pool, pool_maxsize=pool))
        self.timeout = (target.settings.connect_timeout, target.settings.read_timeout)
        self.own = _Own({})
        self.rewriter = _Rewriter(target, self.own, self._create_own)
        self.sent: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def close(self) -> None:
        """Delete what the phase created (so later tests see the target as they would without it)."""
        try:
            for arn in self.own.arns(self.target):
                # A failure here is left to the run's cleanup, which tries again and reports what is left.
                with contextlib.suppress(Exception):
                    self.target.sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
                    self.target.forget(arn)
        finally:
            self.session.close()

    # -- own resources -------------------------------------------------------------------------------------
    def _create_own(self) -> None:
        """One run-owned Provisioned Throughput for generated ids to land on (a failure here is left to Create's
        own clauses: the phase then only has ids nothing has)."""
        models = list(self.target.settings.models)
        if not models:
            return
        name = self.target.new_name("stown")
        try:
            created = self.target.sdk.create_provisioned_model_throughput(
                modelUnits=1, provisionedModelName=name, modelId=models[0], tags=[self.target.run_tag])
        except Exception:  # noqa: BLE001 - see the docstring
            return
        self.own.names[created["provisionedModelArn"]] = name

    # -- running -------------------------------------------------------------------------------------------
    def operation(self, name: str) -> Any:
        return self.schema.find_operation_by_id(name)

    def coverage_cases(self, name: str) -> Iterator[Any]:
        from schemathesis import GenerationMode

        operation = self.operation(name)
        generation = self.schema.config.generation_for(operation=operation, phase="coverage")
        yield from self.schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode),
                                                   generation_config=generation)

    def fuzz_strategy(self, name: str) -> Any:
        from hypothesis import strategies as st
        from schemathesis import GenerationMode

        operation = self.operation(name)
        return st.one_of([operation.as_strategy(generation_mode=mode) for mode in GenerationMode])

    def run_operation(self, name: str, *, seed: int | None = None, fuzz_cases: int | None = None) -> int:
        """Coverage cases, then fuzzed cases; raises the first ConformanceFailure. Returns the requests sent.

        The fuzzed cases follow Hypothesis' seed (the plugin forces the run's seed); ``seed`` drives the choices
        made for coverage cases (default: the same forced seed). ``fuzz_cases`` defaults to ``fuzz_examples()``.
        """
        import hypothesis.core
        from hypothesis import HealthCheck, given, settings
        from hypothesis import Phase as HPhase
        from hypothesis import strategies as st

        if seed is None:
            seed = hypothesis.core.global_force_seed or 0
        chooser = random.Random(f"{seed}:{name}")
        self._exercise_all(name, ((case, chooser.randrange) for case in self.coverage_cases(name)))
        drawn: list[tuple[Any, Callable[[int], int]]] = []

        @settings(max_examples=fuzz_cases or fuzz_examples(), deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck), phases=[HPhase.generate], print_blob=False)
        # The choices the rewrite makes depend on the run's state (how many resources it owns), so they come from
        # a Random seeded by Hypothesis, not from Hypothesis draws (whose shape must not change between cases).
        @given(case=self.fuzz_strategy(name), salt=st.integers(0, 2**32 - 1))
        def fuzz(case: Any, salt: int) -> None:
            drawn.append((case, random.Random(salt).randrange))

        fuzz()  # draws the cases (the same seed draws the same ones); they are sent below
        self._exercise_all(name, drawn)
        return self.sent[name]

    def _exercise_all(self, name: str, cases: Iterable[tuple[Any, Callable[[int], int]]]) -> None:
        """Exercise cases in order. Where no case depends on another's answer (reads, and creates: each has a
        fresh name and token) the cases are rewritten in order, then sent up to the target's concurrency at
        once; the first failure in the cases' order is raised. Updates, deletes and tagging change resources
        later cases may land on: one at a time."""
        if name not in INDEPENDENT:
            for case, choose in cases:
                self.exercise(name, case, choose)
            return
        ready = []
        for case, choose in cases:
            if self.rewrite(name, case, choose):
                ready.append(case)
        self.target.gather(lambda case=case: self.send(name, case) for case in ready)

    def exercise(self, name: str, case: Any, choose: Callable[[int], int]) -> None:
        """Send one case and check its response (wire checker + schemathesis checks)."""
        if self.rewrite(name, case, choose):
            self.send(name, case)

    def rewrite(self, name: str, case: Any, choose: Callable[[int], int]) -> bool:
        """Rewrite the case onto the run's own names; False when it addresses no operation."""
        self.rewriter.rewrite(name, case, choose)
        # An empty path segment addresses no operation (a routing question, not this contract's).
        return not any(v in ("", None) for v in case.path_parameters.values())

    def send(self, name: str, case: Any) -> None:
        try:
            response = case.call(base_url=self.base_url, session=self.session, auth=self.auth,
                                 timeout=self.timeout)
        except requests.RequestException as exc:
            raise TargetUnavailable(f"{case.method} {self.base_url}{case.formatted_path}: {exc}") from None
        with self._lock:
            self.sent[name] += 1
        prepared = response.request
        request = describe_request(prepared.method or case.method, prepared.url or "",
                                   headers=prepared.headers,
                                   body=prepared.body)
        headers = {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in response.headers.items()}
        described = describe_response(response.status_code, headers, response.content)

        wire_failure: ConformanceFailure | None = None
        data: Any = None
        try:
            data = self.target.checker.check(name, response.status_code, headers=headers,
                                             body=response.content, request=request)
        except NotImplementedOutcome:
            raise
        except ConformanceFailure as exc:
            wire_failure = exc
            data = _json_or_none(response.content)
        self._after(name, case, status=response.status_code, data=data, request=request)

        found = []
        check_names = []
        try:
            case.validate_response(response, checks=self.checks)
        except BaseExceptionGroup as group:
            for failure in group.exceptions:
                found.append(f"{_check_names(failure)}: {_failure_text(failure)}")
                check_names.append(_check_names(failure))
        if found:
            message = f"schemathesis {'; '.join(found)}"
            if wire_failure is not None:
                message += f" (the wire checker also found [{wire_failure.clause_id}] {wire_failure.message})"
            raise ConformanceFailure(CLAUSE, _shorten(message), request=request, response=described,
                                     check=_shared_rule(check_names[0], self.target.checker.operation(name),
                                                        response.status_code))
        if wire_failure is not None:  # once its clause failed in this test, the phase goes on (see judgement)
            current().fail(wire_failure)

    def _after(self, name: str, case: Any, *, status: int, data: Any, request: dict[str, Any]) -> None:
        """Keep the run's own resources up to date (tracked for cleanup, renamed, deleted)."""
        self.target.track(name, status, data, request=request)
        if not 200 <= status < 300:
            return
        body = case.body if isinstance(case.body, dict) else {}
        if name == CREATE and isinstance(data, dict):
            arn = data.get("provisionedModelArn")
            if isinstance(arn, str):
                self.own.names[arn] = body.get("provisionedModelName") if isinstance(
                    body.get("provisionedModelName"), str) else None
            return
        ident = case.path_parameters.get("provisionedModelId")
        arn = self.own.arn_of(ident) if isinstance(ident, str) else None
        if arn is None:
            return
        if name == DELETE:
            self.target.forget(arn)
            self.own.names.pop(arn, None)
        elif name == UPDATE and isinstance(body.get("desiredProvisionedModelName"), str):
            self.own.names[arn] = body["desiredProvisionedModelName"]


def _same_length(head: str, like: str) -> str:
    """``head`` followed by the end of ``like``, as long as ``like`` when ``like`` is longer than ``head``.

    ``head`` is alphanumeric at both ends, so the result matches the name (or token) pattern whenever ``like`` does.
    """
    return head if len(like) <= len(head) else head + like[len(head):]


def _is_negative(case: Any) -> bool:
    meta = case.meta
    return bool(meta is not None and meta.generation.mode.is_negative)


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def _shared_rule(check: str, operation: Any, status: int) -> dict[str, Any] | None:
    """The suite's own rule that judges what schemathesis' ``check`` judges (a reproducer carries it), or None."""
    on = {"request": True}
    if check == "status_code_conformance":
        return (rules.spec("wire_status", on, expected=operation.status) if status < 300 else
                rules.spec("error_documented", on, documented=operation.documented))
    if check == "response_schema_conformance":  # the error body's documented shape: a string message
        return rules.spec("body_schema", on, schema=operation.schema) if status < 300 else rules.spec(
            "error_message", on)
    if check == "content_type_conformance":
        return rules.spec("json_content_type", on)
    if check == "not_a_server_error":
        return rules.spec("not_server_error", on)
    if check == "negative_data_rejection":
        return rules.spec("client_error", on)
    return None


def _check_names(failure: BaseException) -> str:
    """The check that reported this failure (its class names the checks that report it, the main one first)."""
    names = [name for name in getattr(failure, "checks", ()) if name in PHASE_CHECKS]
    return names[0] if names else type(failure).__name__


def _failure_text(failure: BaseException) -> str:
    title = getattr(failure, "title", None) or type(failure).__name__
    message = getattr(failure, "message", None) or str(failure)
    return f"{title}: {message}".strip()


def _shorten(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


# ---------------------------------------------------------------------------------------------------------
# The baseline: plain schemathesis


# The settings a user who knows the API would give plain schemathesis so that it stays silent on the unmodified
# reference (each found by trying; EXCLUDED_CHECKS says why for each check). The stateful phase runs here, so
# use_after_free stays on; ensure_resource_availability misfires there (an idempotent retry of an earlier token
# returns the ARN of a Provisioned Throughput deleted since). unsupported_method is off and the coverage phase
# sends no unexpected methods (the reference's HTTP server answers TRACE with an HTML 501, which would also trip
# not_a_server_error; the contract says nothing about TRACE).
BASELINE_EXCLUDED_CHECKS = ("positive_data_acceptance", "unsupported_method", "ensure_resource_availability",
                            "object_level_authorization")


def baseline_config(base_url: str, *, max_examples: int, seed: int, model_id: str) -> dict[str, Any]:
    return {
        "base-url": base_url,
        "seed": seed,
        "generation": {"max-examples": max_examples},
        "checks": {name: {"enabled": False} for name in BASELINE_EXCLUDED_CHECKS},
        "phases": {"coverage": {"unexpected-methods": []}},
        "warnings": False,
        "operations": [
            # Epoch-second timestamps are accepted (AWS parsers read them) but break `format: date-time`, and
            # schemathesis' coverage phase always sends one ("0.5"): negative_data_rejection misfires on List.
            # Fixed, wide time bounds keep the check on for List's other parameters.
            {"include-operation-id": LIST,
             "parameters": {"creationTimeAfter": "2000-01-01T00:00:00Z",
                            "creationTimeBefore": "2100-01-01T00:00:00Z"}},
            # A model the target offers, so Creates succeed and the stateful phase reaches Get/Update/Delete.
            # AWS JSON protocols read a null member as an absent one, so `"clientRequestToken": null` (a negative
            # case for schemathesis, and nothing in its settings stops it generating one) is accepted:
            # negative_data_rejection misfires on the operations with optional body members.
            {"include-operation-id": CREATE,
             "parameters": {"body.modelId": model_id},
             "checks": {"negative_data_rejection": {"enabled": False}}},
            {"include-operation-id": UPDATE,
             "checks": {"negative_data_rejection": {"enabled": False}}},
        ],
    }


def run_schemathesis_only(base_url: str, *, max_examples: int, seed: int,
                          model_id: str = "amazon.titan-text-express-v1:0:8k") -> list[str]:
    """Run plain schemathesis (all its phases, its own checks, no suite checker) against ``base_url``.

    The baseline "tool a user would otherwise reach for": configuration only, no hooks or custom code, with the
    settings (``baseline_config``) that keep it silent on the unmodified reference. Returns the names of the
    schemathesis checks that failed (sorted, unique); [] when it found nothing. Requests are unsigned: emulators
    only (the reference and moto don't verify signatures).
    """
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    config = schemathesis.Config.from_dict(baseline_config(base_url, max_examples=max_examples, seed=seed,
                                                           model_id=model_id))
    schema = schemathesis.openapi.from_path(OPENAPI_PATH, config=config)
    failed: set[str] = set()
    fatal = None
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for nodes in event.recorder.checks.values():
                failed.update(node.name for node in nodes if node.status == Status.FAILURE)
        elif isinstance(event, events.FatalError):
            fatal = event.exception
    if fatal is not None:
        raise RuntimeError(f"schemathesis stopped: {fatal}")
    return sorted(failed)
