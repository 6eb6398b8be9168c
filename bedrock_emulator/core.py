"""The reference emulator: the Provisioned Model Throughput contract as executable code.

Where the contract is silent the code is marked CHOICE: each picks one answer the documented contract allows
and answers only with errors the operation models. A quirk (quirks.py) switches a CHOICE to another answer the
contract allows; a fault (faults.py) breaks the contract on purpose.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import re
import string
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from . import spec, sts
from .config import EmulatorConfig
from .errors import ApiError, not_found, validation
from .faults import BUSY_SECONDS, RACE_SECONDS, answer_faults, apply_get_faults, validation_skips
from .quirks import IN_FLIGHT_SECONDS, THROTTLE_EVERY
from .tokens import END, Bookmark, PageTokens, scope_digest

Response = tuple[int, dict[str, str], bytes]
Document = dict[str, Any]


class RequestHandler(Protocol):
    """What the HTTP server and the botocore adapter serve: an `Emulator`, or anything that answers like one."""

    def handle(
        self, method: str, raw_path: str, query_string: str, headers: Mapping[str, str], body: bytes
    ) -> Response: ...


log = logging.getLogger(__name__)

_CREDENTIAL_REGION = re.compile(r"Credential=[^/,\s]+/[^/,\s]+/([a-z0-9-]{1,20})/")
_ARN_ID_ALPHABET = string.ascii_lowercase + string.digits
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_TAGS = 50
_DEFAULT_MAX_RESULTS = 1000  # CHOICE: undocumented default; the model's maximum
_QUIRK_DEFAULT_MAX_RESULTS = 2  # default-page-2
_PENDING = frozenset({"Creating", "Updating"})
_FAULTY_REGION = "us-west-2"
_FAULTY_ACCOUNT = "000000000000"
# CHOICE (quirk error-name-forms): the ways Smithy's errors.smithy lets a restJson1 server name an error, used in
# turn: x-amzn-ErrorType with a ':' URI suffix and a '#' namespace, or no header and the body's code / __type
# with or without namespace and URI (RestJsonFooErrorUsingXAmznErrorTypeWithUri, ...WithUriAndNamespace,
# RestJsonFooErrorUsingCode, ...UsingCodeAndNamespace, ...UsingCodeUriAndNamespace, RestJsonFooErrorWithDunderType,
# ...WithDunderTypeAndNamespace, ...WithDunderTypeUriAndNamespace). The default is the plain header.
_NAMESPACE = "com.amazonaws.bedrock"
_CORAL_URI = "http://internal.amazon.com/coral/com.amazon.coral.validate/"
_ERROR_FORMS: tuple[tuple[str | None, tuple[str, str] | None], ...] = (
    ("{code}:{uri}", None),
    ("{ns}#{code}:{uri}", None),
    (None, ("code", "{code}")),
    (None, ("code", "{ns}#{code}")),
    (None, ("code", "{ns}#{code}:{uri}")),
    (None, ("__type", "{code}")),
    (None, ("__type", "{ns}#{code}")),
    (None, ("__type", "{ns}#{code}:{uri}")),
)
_DELETE_HISTORY_FAULTS = frozenset({"delete-leaves-listed", "delete-leaves-gettable", "delete-keeps-tags"})
_RACE_FAULTS = frozenset({"name-check-not-atomic", "token-check-not-atomic"})


def foundation_model_arn(region: str, model_id: str) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def iso_timestamp(micros: int) -> str:
    """ISO 8601 UTC with microseconds, e.g. 2023-10-02T12:00:00.123456Z."""
    return (_EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class _Model:
    """A model a PT serves, resolved for one region."""

    arn: str
    short_id: str  # the foundation model id, or the custom model's name
    base_id: str
    foundation_arn: str
    custom: bool


@dataclass(slots=True)
class _Throughput:
    arn: str
    region: str
    name: str
    purchased: _Model  # the model the PT was bought for: decides which model changes are allowed
    model: _Model
    desired_model: _Model
    model_units: int
    desired_model_units: int
    commitment: str | None
    commitment_expiration: int | None
    creation_time: int  # microseconds since the epoch
    last_modified_time: int
    status: str
    status_since: int  # when the pending Creating/Updating began
    will_fail: bool
    failure_message: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Request:
    region: str
    now: int  # microseconds since the epoch, read under the state lock


class Emulator:
    """Answers restJson1 Bedrock PT requests (and STS GetCallerIdentity) from in-memory state."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.faults = self.config.faults
        self.quirks = self.config.quirks
        self._skips = validation_skips(self.faults)
        if "malformed-id-404" in self.quirks:  # an unmatched identifier is simply not found
            self._skips |= {("provisionedModelId", "pattern"), ("resourceARN", "pattern")}
        # Which code refuses a request that cannot be deserialised (Smithy: SerializationException) and one that
        # breaks a constraint (ValidationException); CHOICE: ValidationException for both.
        self._refusal_codes = {
            "malformed": "SerializationException" if "serialization-exception-for-malformed" in self.quirks
            else spec.VALIDATION,
            "constraint": "SerializationException" if "serialization-for-constraint" in self.faults
            else spec.VALIDATION,
        }
        self._create_delay = round(self.config.create_delay * 1_000_000)
        self._update_delay = round(self.config.update_delay * 1_000_000)
        self._latency = self.config.latency
        self._throttle_every = self.config.throttle_every or (THROTTLE_EVERY if "throttling" in self.quirks else 0)
        self._foundation_models = frozenset(self.config.foundation_models)
        custom_models = self.config.custom_models or ()
        self._custom_models = {m.name: m for m in custom_models} | {m.arn: m for m in custom_models}
        self._tokens = PageTokens(self.config.page_token_secret)
        # Every request's state access runs under this lock (handle()), so concurrent callers (server threads,
        # botocore clients on several threads) are safe; only the race faults and the in-flight quirk let go of it.
        self._lock = threading.RLock()
        self._busy_lock = threading.Lock()  # busy-500: requests in flight
        self._in_flight = 0
        self._rng = random.Random()
        self._error_forms = itertools.count()
        self._handlers = {
            "CreateProvisionedModelThroughput": self._create,
            "GetProvisionedModelThroughput": self._get,
            "UpdateProvisionedModelThroughput": self._update,
            "DeleteProvisionedModelThroughput": self._delete,
            "ListProvisionedModelThroughputs": self._list,
            "TagResource": self._tag,
            "UntagResource": self._untag,
            "ListTagsForResource": self._list_tags,
        }
        self.reset()

    def reset(self) -> None:
        """Forget every PT, tag, idempotency token and the request counter."""
        with self._lock:
            self._live: dict[str, _Throughput] = {}
            self._names: dict[tuple[str, str], str] = {}  # (region, name) -> ARN
            self._deleted: dict[str, _Throughput] = {}  # kept only for the delete-* faults
            self._stale_list_names: dict[str, str] = {}  # kept only for rename-list-stale
            self._idempotency: dict[tuple[str, str], tuple[tuple[Any, ...], str]] = {}
            self._pending_tokens: set[tuple[str, str]] = set()  # retry-in-flight-refused: creates in progress
            self._pending_names: set[tuple[str, str]] = set()
            self._requests = 0
            self.calls: Counter[str] = Counter()  # operation name -> requests routed to it

    def live(self) -> dict[str, dict[str, Any]]:
        """Live PTs by ARN with their name, model units and tags (for operators and tests)."""
        with self._lock:
            return {arn: {"name": pt.name, "modelUnits": pt.model_units, "commitment": pt.commitment,
                          "tags": dict(pt.tags)} for arn, pt in self._live.items()}

    # --- HTTP -----------------------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, query_string: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        """Answer one HTTP request: (status, headers, body). The path is still percent-encoded. Thread-safe."""
        if "busy-500" not in self.faults:
            return self._handle(method, raw_path, query_string, headers, body)
        with self._busy_lock:
            busy = self._in_flight > 0
            self._in_flight += 1
        try:
            routed = spec.route(method.upper(), raw_path.partition("?")[0])
            if busy and routed is not None:  # a server that can only handle one request at a time
                error = ApiError("InternalServerException", "Internal failure")
                return self._error(routed[0], error, str(uuid.uuid4()))
            answer = self._handle(method, raw_path, query_string, headers, body)
            if method.upper() != "GET":
                time.sleep(BUSY_SECONDS)  # a write keeps the server busy a little longer
            return answer
        finally:
            with self._busy_lock:
                self._in_flight -= 1

    def _handle(
        self, method: str, raw_path: str, query_string: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        if self._latency:
            time.sleep(self._latency)  # outside the state lock: concurrent requests overlap
        request_id = str(uuid.uuid4())
        method = method.upper()
        if "?" in raw_path and not query_string:
            raw_path, _, query_string = raw_path.partition("?")
        if method == "POST" and raw_path == "/":
            return sts.respond(body, self.config.account_id, request_id)
        routed = spec.route(method, raw_path)
        if routed is None:
            error = ApiError("UnknownOperationException", f"No operation matches {method} {raw_path}")
            return self._respond(404, request_id, {"message": error.message}, error_type=error.code)
        operation, labels = routed
        with self._lock:
            self.calls[operation.name] += 1
        try:
            if self._throttled():
                raise ApiError("ThrottlingException", "Rate exceeded")
            region = self._region(headers)
            skew = -2 * 86_400 if "clock-two-days-behind" in self.faults else 0
            if "malformed-body-500" in self.faults and operation.has_body:
                spec.json_object(body, "InternalServerException")  # the handler crashes on a non-object body
            if "existence-before-validation" in self.quirks:
                self._exists_first(operation, labels, body, region)
            params = spec.parse_input(operation, labels, query_string, body, self._skips, **self._refusal_codes)
            with self._lock:
                request = _Request(region, round((self.config.clock() + skew) * 1_000_000))
                status, document = self._handlers[operation.name](request, params)
            status, document = answer_faults(self.faults, operation.name, status, document)
        except ApiError as error:
            return self._error(operation, error, request_id)
        except Exception:  # an emulator bug still answers with a modelled error
            log.exception("emulator failure in %s", operation.name)
            return self._error(operation, ApiError("InternalServerException", "Internal failure"), request_id)
        return self._respond(status, request_id, document, text="content-type-text" in self.faults)

    def _respond(
        self,
        status: int,
        request_id: str,
        document: Document | None,
        *,
        error_type: str = "",
        text: bool = False,
    ) -> Response:
        payload = b"" if document is None else json.dumps(document, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "text/plain" if text else "application/json",
            "x-amzn-RequestId": request_id,
            "Content-Length": str(len(payload)),
        }
        if error_type:
            headers["x-amzn-ErrorType"] = error_type
        return status, headers, payload

    def _error(self, operation: spec.Operation, error: ApiError, request_id: str) -> Response:
        code = error.code
        if code not in operation.errors and code not in spec.PROTOCOL_ERRORS:  # never outside the modelled list
            log.error("%s is not a modelled error of %s: %s", code, operation.name, error.message)
            code = "InternalServerException"
        status = operation.errors.get(code) or spec.PROTOCOL_ERRORS[code]
        if code == "ResourceNotFoundException" and "undocumented-error-code" in self.faults:
            code = "NotFoundException"
        if code == "ResourceNotFoundException" and "unknown-id-validation-error" in self.faults:
            code, status = "ValidationException", operation.errors["ValidationException"]
        if code == "ValidationException" and "validation-status-422" in self.faults:
            status = 422
        if code == "ValidationException" and "validation-server-error" in self.faults:
            code, status = "InternalServerException", operation.errors["InternalServerException"]
        document: Document = dict(error.extra)
        if "error-no-message" not in self.faults:
            document["message"] = error.message
        if "error-code-nested" in self.faults:  # named only below the top level, where no client looks
            return self._respond(status, request_id, {**document, "error": {"__type": f"{_NAMESPACE}#{code}"}})
        if "error-name-forms" in self.quirks:
            header, member = _ERROR_FORMS[next(self._error_forms) % len(_ERROR_FORMS)]
            if member is not None:
                document[member[0]] = member[1].format(code=code, ns=_NAMESPACE, uri=_CORAL_URI)
            error_type = header.format(code=code, ns=_NAMESPACE, uri=_CORAL_URI) if header else ""
            return self._respond(status, request_id, document, error_type=error_type)
        return self._respond(status, request_id, document, error_type=code)

    def _throttled(self) -> bool:
        every = self._throttle_every
        if not every:
            return False
        with self._lock:
            self._requests += 1
            return self._requests % every == 0

    def _region(self, headers: Mapping[str, str]) -> str:
        """The SigV4 credential scope's region, else the configured one."""
        for key, value in headers.items():
            if key.lower() == "authorization":
                match = _CREDENTIAL_REGION.search(value)
                if match:
                    return match.group(1)
        return self.config.region

    # --- state helpers ----------------------------------------------------------------------------

    def _settle(self, pt: _Throughput, now: int) -> None:
        """Settle a pending Creating/Updating whose delay has passed (lazily, on every read)."""
        if (
            pt.status == "Creating"
            and "status-stuck-creating" not in self.faults
            and now - pt.status_since >= self._create_delay
        ):
            in_service_at = pt.status_since + self._create_delay
            pt.status = "Failed" if pt.will_fail else "InService"
            if pt.will_fail:
                pt.failure_message = f"Provisioning {pt.model.short_id} failed (emulated failure)"
            elif pt.commitment is not None and "commitment-from-inservice" in self.quirks:
                # The provisional estimate becomes final: the term counts from the InService moment.
                pt.commitment_expiration = in_service_at + self._commitment_micros(pt.commitment)
            if pt.status == "InService" and pt.desired_model != pt.model:
                # update-accepted-while-pending: a model change asked for while Creating continues as an
                # Updating that starts when Creating ends.
                pt.status = "Updating"
                pt.status_since = in_service_at
        if (
            pt.status == "Updating"
            and "status-stuck-updating" not in self.faults
            and now - pt.status_since >= self._update_delay
        ):
            pt.model = pt.desired_model
            pt.status = "InService"

    def _commitment_micros(self, commitment: str) -> int:
        return self.config.commitment_seconds[commitment] * 1_000_000

    def _check_account(self, arn: str) -> None:
        """foreign-account-denied: an ARN naming another account is not the caller's to touch."""
        if "foreign-account-denied" not in self.quirks:
            return
        parts = arn.split(":")
        if len(parts) > 4 and re.fullmatch(r"[0-9]{12}", parts[4]) and parts[4] != self.config.account_id:
            raise ApiError("AccessDeniedException", f"You are not authorized to access {arn}")

    def _resolve_model(self, model_id: str, region: str) -> _Model:
        """A foundation model id or ARN, a custom model ARN or name; ResourceNotFoundException otherwise."""
        custom = self._custom_models.get(model_id)
        if custom is not None and custom.arn.split(":")[3] == region:  # custom models are regional
            base_arn = foundation_model_arn(region, custom.base_model_id)
            return _Model(custom.arn, custom.name, custom.base_model_id, base_arn, custom=True)
        base_id = model_id.rpartition("/")[2] if model_id.startswith("arn:") else model_id
        arn = foundation_model_arn(region, base_id)
        if "unknown-model-accepted" in self.faults and not model_id.startswith("arn:"):
            return _Model(arn, base_id, base_id, arn, custom=False)
        if base_id not in self._foundation_models or model_id not in (base_id, arn):
            raise not_found(f"Model {model_id} was not found")
        return _Model(arn, base_id, base_id, arn, custom=False)

    def _exists_first(self, operation: spec.Operation, labels: Mapping[str, str], body: bytes, region: str) -> None:
        """CHOICE (quirk existence-before-validation): a well-formed identifier naming nothing answers 404 before
        the other members are validated (Smithy's framework validates first; AWS services need not)."""
        ident = spec.identifier(operation, labels, body, self._skips)
        if ident is None:
            return
        with self._lock:
            request = _Request(region, round(self.config.clock() * 1_000_000))
            if operation.name in ("TagResource", "UntagResource", "ListTagsForResource"):
                self._tagged(request, ident)
            else:
                self._find(request, ident)

    def _by_arn(self, request: _Request, arn: str, *, include_deleted: bool = False) -> _Throughput | None:
        pt = self._live.get(arn) or (self._deleted.get(arn) if include_deleted else None)
        return pt if pt is not None and pt.region == request.region else None

    def _find(self, request: _Request, ident: str, *, include_deleted: bool = False) -> _Throughput:
        """The PT a name or ARN names, settled; ResourceNotFoundException if there is none."""
        pt: _Throughput | None = None
        if ident.startswith("arn:"):
            self._check_account(ident)
        if not ident.startswith("arn:"):
            arn = self._names.get((request.region, ident))
            pt = self._live.get(arn) if arn else None
        elif "get-by-arn-broken" not in self.faults:
            pt = self._by_arn(request, ident, include_deleted=include_deleted)
        if pt is None:
            raise not_found(f"Provisioned model {ident} was not found")
        self._settle(pt, request.now)
        return pt

    def _tagged(self, request: _Request, arn: str, *, include_deleted: bool = False) -> _Throughput:
        self._check_account(arn)
        pt = self._by_arn(request, arn, include_deleted=include_deleted)
        if pt is None:
            raise not_found(f"Resource {arn} was not found")
        return pt

    def _name_taken(self, region: str, name: str) -> bool:
        if (region, name) in self._pending_names:  # retry-in-flight-refused: a create of that name in progress
            return True
        arn = self._names.get((region, name))
        pt = self._live.get(arn) if arn else None
        return pt is not None and pt.name == name

    def _new_arn(self, region: str) -> str:
        region = _FAULTY_REGION if "wrong-region-arn" in self.faults else region
        account = _FAULTY_ACCOUNT if "wrong-account-arn" in self.faults else self.config.account_id
        length = 10 if "malformed-arn" in self.faults else 12
        while True:
            suffix = "".join(self._rng.choices(_ARN_ID_ALPHABET, k=length))
            arn = f"arn:aws:bedrock:{region}:{account}:provisioned-model/{suffix}"
            if arn not in self._live and arn not in self._deleted:
                return arn

    def _check_tag_count(self, existing: dict[str, str], new_keys: list[str], resource: str) -> None:
        if "tag-limit-unchecked" not in self.faults and len(existing.keys() | set(new_keys)) > _MAX_TAGS:
            raise ApiError(
                "TooManyTagsException",
                f"A resource can have at most {_MAX_TAGS} tags",
                resourceName=resource,
            )

    def _check_empty_tag_value(self, tags: list[tuple[str, str]]) -> None:
        if "server-error-on-empty-tag-value" in self.faults and any(value == "" for _, value in tags):
            raise ApiError("InternalServerException", "Internal failure")

    # --- operations -------------------------------------------------------------------------------

    def _create(self, request: _Request, params: Document) -> tuple[int, Document]:
        name: str = params["provisionedModelName"]
        units: int = params.get("modelUnits", 1)  # absent only under missing-required-accepted
        model_id: str = params["modelId"]
        commitment: str | None = params.get("commitmentDuration")
        if commitment not in self.config.commitment_seconds:  # only an unknown value under no-enum-validation
            commitment = None
        tags = _tag_pairs(params.get("tags", []))
        if "server-error-on-long-name" in self.faults and len(name) == 63:
            raise ApiError("InternalServerException", "Internal failure")
        self._check_empty_tag_value(tags)

        token = params.get("clientRequestToken")
        token_key = (request.region, token) if token is not None else None
        fingerprint = (name, units, model_id, commitment, tuple(tags))
        if token_key is not None and "idempotency-ignored" not in self.faults:
            if token_key in self._pending_tokens:  # retry-in-flight-refused
                raise validation("A create with this clientRequestToken is in progress; retry later")
            answer = self._retried(token_key, fingerprint)
            if answer is not None:
                return answer

        try:
            model = self._resolve_model(model_id, request.region)
        except ApiError as error:
            if error.code == "ResourceNotFoundException" and "unknown-model-access-denied" in self.quirks:
                raise ApiError("AccessDeniedException", f"You don't have access to the model {model_id}") from None
            raise
        if "duplicate-names-accepted" not in self.faults and self._name_taken(request.region, name):
            # CHOICE: the duplicate-name error is undocumented; Create models no ConflictException.
            raise validation(f"A provisioned model named {name} already exists")
        tag_error = None
        try:
            self._check_tag_count({}, [key for key, _ in tags], name)
        except ApiError as error:
            if "refused-create-leaves-record" not in self.faults:
                raise
            tag_error = error  # refused, but the record is stored anyway
        quota = self.config.model_unit_quota
        if quota is not None:
            used = sum(pt.model_units for pt in self._live.values() if pt.region == request.region)
            if used + units > quota:
                raise ApiError("ServiceQuotaExceededException", f"Model unit quota of {quota} exceeded")

        if self.faults & _RACE_FAULTS:
            # Checked, then inserted after a pause without the lock: concurrent creates all pass the checks.
            self._pause_unlocked(RACE_SECONDS)
            if "name-check-not-atomic" in self.faults and token_key is not None:
                answer = self._retried(token_key, fingerprint)  # only the token store is atomic with the insert
                if answer is not None:
                    return answer
        elif token_key is not None and "retry-in-flight-refused" in self.quirks:
            # Two phases: the token and the name are reserved while the create is in progress.
            name_key = (request.region, name)
            self._pending_tokens.add(token_key)
            self._pending_names.add(name_key)
            try:
                self._pause_unlocked(IN_FLIGHT_SECONDS)
            finally:
                self._pending_tokens.discard(token_key)
                self._pending_names.discard(name_key)

        now = request.now
        expiration = None
        if commitment is not None:
            # CHOICE: the term counts from creation, not from InService (commitment-from-inservice: this is a
            # provisional estimate, fixed when the PT reaches InService).
            expiration = now + self._commitment_micros(commitment)
        pt = _Throughput(
            arn=self._new_arn(request.region),
            region=request.region,
            name=name,
            purchased=model,
            model=model,
            desired_model=model,
            model_units=units,
            desired_model_units=units,
            commitment=commitment,
            commitment_expiration=expiration,
            creation_time=now,
            last_modified_time=now,
            status="Creating",
            status_since=now,
            will_fail=bool({model_id, model.arn, model.short_id} & set(self.config.fail_models)),
            tags={} if "tags-dropped" in self.faults else dict(tags),
        )
        self._settle(pt, now)
        self._live[pt.arn] = pt
        self._names[(request.region, name)] = pt.arn
        if token_key is not None:
            self._idempotency[token_key] = (fingerprint, pt.arn)
        if tag_error is not None:
            raise tag_error
        return self._created(pt.arn)

    def _retried(self, token_key: tuple[str, str], fingerprint: tuple[Any, ...]) -> tuple[int, Document] | None:
        """The answer to a create whose clientRequestToken was seen before; None when it was not."""
        seen = self._idempotency.get(token_key)
        if seen is None:
            return None
        if seen[0] == fingerprint:
            return self._created(seen[1])  # an identical retry: same ARN, nothing created
        if "token-reuse-original-arn" in self.quirks:
            return self._created(seen[1])  # ignored like an identical retry: the original ARN, nothing changed
        if "token-reuse-creates-second" in self.faults:
            return None  # treated as a new request
        # CHOICE: the docs only cover an identical retry; a token reused with other parameters is refused with
        # ValidationException (Create models no ConflictException).
        raise validation("clientRequestToken was already used with different parameters")

    def _pause_unlocked(self, seconds: float) -> None:
        """Let other requests in for ``seconds`` (the lock is held once, by handle())."""
        self._lock.release()
        try:
            time.sleep(seconds)
        finally:
            self._lock.acquire()

    def _created(self, arn: str) -> tuple[int, Document]:
        status = 200 if "create-status-200" in self.faults else 201
        return status, {} if "create-missing-arn" in self.faults else {"provisionedModelArn": arn}

    def _get(self, request: _Request, params: Document) -> tuple[int, Document]:
        include_deleted = "delete-leaves-gettable" in self.faults
        pt = self._find(request, params["provisionedModelId"], include_deleted=include_deleted)
        return 200, self._describe(pt, summary=False)

    def _update(self, request: _Request, params: Document) -> tuple[int, Document]:
        new_name: str | None = params.get("desiredProvisionedModelName")
        new_model_id: str | None = params.get("desiredModelId")
        if new_name is None and new_model_id is None:
            if "empty-update-server-error" in self.faults:
                raise ApiError("InternalServerException", "Internal failure")
            if "empty-update-ok" in self.quirks:
                self._find(request, params["provisionedModelId"])  # still 404 for an unknown PT
                return 200, {}
            # CHOICE: an Update that asks for nothing is refused.
            raise validation("Specify desiredProvisionedModelName or desiredModelId")
        pt = self._find(request, params["provisionedModelId"])
        pending_ok = pt.status in _PENDING and "update-accepted-while-pending" in self.quirks
        if pt.status != "InService" and not pending_ok:
            # CHOICE: only an InService PT can be updated; the code is undocumented.
            raise validation(f"Provisioned model {pt.name} is {pt.status}; only InService can be updated")
        if new_name == pt.name:
            new_name = None  # renaming to its own name is fine, and changes nothing but lastModifiedTime
        if (
            new_name is not None
            and "rename-duplicate-accepted" not in self.faults
            and self._name_taken(request.region, new_name)
        ):
            raise validation(f"A provisioned model named {new_name} already exists")
        new_model = None
        if new_model_id is not None:
            new_model = self._resolve_model(new_model_id, request.region)
            self._check_model_change(pt, new_model)
            if pt.purchased.custom and "custom-desired-model-ignored" in self.faults:
                new_model = None

        if new_name is not None:
            self._rename(pt, new_name)
        if new_model is not None:
            pt.desired_model = new_model
            if pt.status != "Creating":  # while Creating (a quirk) the change waits for Creating to end
                pt.status = "Updating"
                pt.status_since = request.now
        elif new_name is not None and pt.status == "InService" and "rename-via-updating" in self.quirks:
            pt.status = "Updating"  # desiredModelArn stays modelArn: only the name changes
            pt.status_since = request.now
        if "update-keeps-last-modified" not in self.faults:
            pt.last_modified_time = request.now
        if "update-rewrites-creation-time" in self.faults:
            pt.creation_time = request.now
        if "update-changes-model-units" in self.faults:
            pt.model_units += 1
        self._settle(pt, request.now)
        return 200, {}

    def _check_model_change(self, pt: _Throughput, model: _Model) -> None:
        # CHOICE: "bought for a custom model" is fixed at purchase, so a PT moved to its base model can move on
        # to another custom model of the same base.
        if not pt.purchased.custom:
            if "desired-model-on-base-accepted" in self.faults:
                return
            raise validation("The model of a provisioned model bought for a base model can't be changed")
        if model.base_id != pt.purchased.base_id:
            raise validation(f"{model.arn} doesn't derive from {pt.purchased.foundation_arn}")

    def _rename(self, pt: _Throughput, new_name: str) -> None:
        # CHOICE: a rename takes effect at once, without an Updating phase.
        if "rename-stale-index" not in self.faults:
            self._names.pop((pt.region, pt.name), None)
        if "rename-list-stale" in self.faults:
            self._stale_list_names.setdefault(pt.arn, pt.name)
        pt.name = new_name
        self._names[(pt.region, new_name)] = pt.arn

    def _delete(self, request: _Request, params: Document) -> tuple[int, Document | None]:
        pt = self._find(request, params["provisionedModelId"])  # CHOICE: in any status, Creating included
        if pt.status in _PENDING and "delete-refused-while-pending" in self.quirks:
            raise ApiError("ConflictException", f"Provisioned model {pt.name} is {pt.status}; try again later")
        expiration = pt.commitment_expiration
        if (
            expiration is not None
            and request.now < expiration
            and "commitment-delete-allowed" not in self.faults
        ):
            # CHOICE: ConflictException, the likely code (the refusal is documented, its code is not).
            raise ApiError("ConflictException", f"Provisioned model {pt.name} has a commitment term running")
        del self._live[pt.arn]
        if self._names.get((pt.region, pt.name)) == pt.arn:
            del self._names[(pt.region, pt.name)]
        if self.faults & _DELETE_HISTORY_FAULTS:
            self._deleted[pt.arn] = pt
        return (204, None) if "delete-status-204" in self.faults else (200, {})

    def _list(self, request: _Request, params: Document) -> tuple[int, Document]:
        status = params.get("statusEquals")
        model_arn = params.get("modelArnEquals")
        name_part = params.get("nameContains")
        after = params.get("creationTimeAfter")
        before = params.get("creationTimeBefore")
        sort_order = params.get("sortOrder")
        if sort_order is not None and params.get("sortBy") is None and "sort-needs-sortby" in self.quirks:
            sort_order = None  # ignored without sortBy: the default order applies
        default_size = _QUIRK_DEFAULT_MAX_RESULTS if "default-page-2" in self.quirks else _DEFAULT_MAX_RESULTS
        max_results: int = params.get("maxResults", default_size)
        if "maxResults" not in params and "list-needs-max-results" in self.faults:
            raise validation("maxResults is required")
        if model_arn is not None and "modelarn-filter-unknown-refused" in self.quirks:
            self._check_offered(model_arn, request.region)
        scope = scope_digest(
            request.region, status, model_arn, name_part, after, before, params.get("sortBy"), sort_order
        )
        bookmark = self._page_bookmark(params.get("nextToken"), scope)
        quirks = self.quirks
        inclusive = "time-bounds-inclusive" in quirks

        faults = self.faults
        candidates = list(self._live.values())
        if "delete-leaves-listed" in faults:
            candidates += self._deleted.values()
        items = []
        for pt in candidates:
            if pt.region != request.region:
                continue
            self._settle(pt, request.now)
            if status is not None and "list-ignores-status-filter" not in faults and pt.status != status:
                continue
            if (
                model_arn is not None
                and "list-ignores-model-filter" not in faults
                and pt.model.arn != model_arn
            ):
                continue
            # CHOICE: nameContains is a case-sensitive substring match (undocumented).
            if (
                name_part is not None
                and "list-ignores-name-filter" not in faults
                and not _contains(pt.name, name_part, fold="name-case-insensitive-filter" in quirks)
            ):
                continue
            # CHOICE: both time bounds are exclusive (undocumented).
            if "list-ignores-time-filters" not in faults and not _between(
                pt.creation_time, after, before, inclusive=inclusive
            ):
                continue
            items.append(pt)

        sort_key: Callable[[_Throughput], Bookmark]
        descending = False
        if sort_order is None and "list-default-unsorted" in faults:
            sort_key = _name_key
        else:
            # CHOICE: Descending by default, as sibling Bedrock list APIs document; ties broken by ARN.
            if sort_order is None and "default-ascending" in quirks:
                sort_order = "Ascending"
            descending = sort_order != "Ascending" or "list-sort-ignored" in faults
            sort_key = _time_key
        items.sort(key=sort_key, reverse=descending)

        offset = _after(items, bookmark, sort_key, descending)
        size = len(items) if "list-maxresults-ignored" in faults else max(max_results, 0)
        end = offset + size
        page = items[offset:end]
        document: Document = {"provisionedModelSummaries": [self._describe(pt, summary=True) for pt in page]}
        # trailing-token: a full page announces a next page even when it will be empty.
        full = "trailing-token" in quirks and len(page) == size
        if size and (end < len(items) or full):
            document["nextToken"] = self._tokens.encode(self._next_bookmark(items, offset, end, sort_key), scope)
        elif "list-token-never-ends" in faults and offset >= len(items) - size:
            # the last page points past the end: an empty page with a token, forever
            document["nextToken"] = self._tokens.encode(END, scope)
        return 200, document

    def _check_offered(self, model_arn: str, region: str) -> None:
        """modelarn-filter-unknown-refused: a model filter must name a model this server offers."""
        try:
            self._resolve_model(model_arn, region)
        except ApiError:
            raise validation(f"modelArnEquals names no model offered in {region}: {model_arn}") from None

    def _page_bookmark(self, token: str | None, scope: str) -> Bookmark | str | None:
        """Where the page starts: None (the first page), after a bookmark, or END (past every item)."""
        if token is None or "list-token-ignored" in self.faults:
            return None
        bookmark = self._tokens.decode(token, scope)
        if bookmark is not None:
            return bookmark
        if "list-garbage-token-accepted" in self.faults:
            return None
        if "garbage-token-empty" in self.quirks:
            return END  # past any list: an empty last page
        raise validation("Invalid nextToken (it must come from a List with the same filters and sort)")

    def _next_bookmark(self, items: list[_Throughput], offset: int, end: int,
                       sort_key: Callable[[_Throughput], Bookmark]) -> Bookmark:
        """The bookmark of the next page: the key of the last item this page returned."""
        last = min(end, len(items)) - 1
        if "list-page-loses-item" in self.faults and last + 1 < len(items):
            last += 1
        if "list-page-repeats-item" in self.faults and last - 1 >= offset:  # still makes progress
            last -= 1
        return sort_key(items[last])

    def _tag(self, request: _Request, params: Document) -> tuple[int, Document]:
        pt = self._tagged(request, params["resourceARN"])
        tags = _tag_pairs(params["tags"])
        self._check_empty_tag_value(tags)
        self._check_tag_count(pt.tags, [key for key, _ in tags], pt.arn)
        pt.tags.update(tags)
        if "lastmod-on-tag" in self.quirks:
            pt.last_modified_time = request.now
        return 200, {}

    def _untag(self, request: _Request, params: Document) -> tuple[int, Document]:
        pt = self._tagged(request, params["resourceARN"])
        if "untag-absent-refused" in self.quirks:
            absent = [key for key in params["tagKeys"] if key not in pt.tags]
            if absent:
                raise validation(f"Resource {pt.arn} has no tag(s) {', '.join(absent)}")
        if "untag-ignored" not in self.faults:
            for key in params["tagKeys"]:
                pt.tags.pop(key, None)  # CHOICE: unknown keys are ignored
        if "lastmod-on-tag" in self.quirks:
            pt.last_modified_time = request.now
        if "untag-answers-tag-list" in self.faults:
            return 200, [{"key": key, "value": value} for key, value in pt.tags.items()]  # type: ignore[return-value]
        return 200, {}

    def _list_tags(self, request: _Request, params: Document) -> tuple[int, Document]:
        pt = self._tagged(request, params["resourceARN"], include_deleted="delete-keeps-tags" in self.faults)
        return 200, {"tags": [{"key": key, "value": value} for key, value in pt.tags.items()]}

    # --- rendering --------------------------------------------------------------------------------

    def _describe(self, pt: _Throughput, *, summary: bool) -> Document:
        """A Get response (summary=False) or a List summary, members in model order, absent ones omitted."""
        faults = self.faults
        name = self._stale_list_names.get(pt.arn, pt.name) if summary else pt.name
        status = "InService" if summary and "list-summary-stale-status" in faults else pt.status
        if status == "InService" and "status-misspelled" in faults:
            status = "INSERVICE"
        foundation_arn = pt.model.foundation_arn
        if "foundation-arn-unqualified" in self.quirks:
            foundation_arn = _unqualified(foundation_arn)
        if pt.model.custom and "custom-foundation-arn-wrong" in faults:
            foundation_arn = pt.model.arn
        units = pt.model_units
        if pt.status == "Creating" and "units-ramp" in self.quirks:
            units = 1  # allocated so far; desiredModelUnits keeps the request
        stamp = _epoch_seconds if "epoch-timestamps" in faults else iso_timestamp
        document: Document = {
            "modelUnits": units,
            "desiredModelUnits": pt.desired_model_units,
            "provisionedModelName": name,
            "provisionedModelArn": pt.arn,
            "modelArn": pt.model.short_id if "model-arn-short-id" in faults else pt.model.arn,
            "desiredModelArn": pt.desired_model.arn,
            "foundationModelArn": foundation_arn,
            "status": status,
            "creationTime": stamp(pt.creation_time),
            "lastModifiedTime": stamp(pt.last_modified_time),
        }
        if pt.failure_message is not None and not summary:
            document["failureMessage"] = pt.failure_message
        if pt.commitment is not None:
            document["commitmentDuration"] = pt.commitment
        if pt.commitment_expiration is not None and "commitment-expiration-missing" not in faults:
            document["commitmentExpirationTime"] = iso_timestamp(pt.commitment_expiration)
        if not summary:
            apply_get_faults(self.faults, document)
        return document


def _tag_pairs(tags: list[Document]) -> list[tuple[str, str]]:
    return [(tag["key"], tag["value"]) for tag in tags]


def _between(moment: int, after: int | None, before: int | None, *, inclusive: bool = False) -> bool:
    if inclusive:  # time-bounds-inclusive
        return (after is None or moment >= after) and (before is None or moment <= before)
    return (after is None or moment > after) and (before is None or moment < before)


def _time_key(pt: _Throughput) -> Bookmark:
    return pt.creation_time, pt.arn


def _name_key(pt: _Throughput) -> Bookmark:
    return pt.name, pt.arn


def _after(items: list[_Throughput], bookmark: Bookmark | str | None, sort_key: Callable[[_Throughput], Bookmark],
           descending: bool) -> int:
    """The index of the first item sorted after ``bookmark`` (items deleted or created since do not shift it)."""
    if bookmark is None:
        return 0
    if bookmark == END:
        return len(items)
    for index, pt in enumerate(items):
        key = sort_key(pt)
        try:
            beyond = key < bookmark if descending else key > bookmark
        except TypeError:  # a bookmark of another sort key (cannot happen with a scoped token)
            return len(items)
        if beyond:
            return index
    return len(items)


def _contains(name: str, part: str, *, fold: bool) -> bool:
    return part.casefold() in name.casefold() if fold else part in name


def _unqualified(foundation_arn: str) -> str:
    """foundation-arn-unqualified: drop the ':<version>:<context>' qualifiers of the model id."""
    prefix, _, model_id = foundation_arn.rpartition("/")
    return f"{prefix}/{model_id.partition(':')[0]}"


def _epoch_seconds(micros: int) -> float:
    return micros / 1_000_000
