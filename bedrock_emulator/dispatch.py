"""The emulator's request dispatch: an HTTP request in, (status, headers, body) out.

It routes a percent-encoded path to its operation (spec), reads the caller's region from the SigV4 scope,
validates and parses the input, calls the operation's handler under the state lock and renders the answer or a
modelled error (in the forms Smithy's restJson1 allows, under the error-name-forms quirk).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Protocol

from . import accounts, spec, sts
from .errors import ApiError
from .faults import (
    BUSY_500, BUSY_SECONDS, CLOCK_TWO_DAYS_BEHIND, CONTENT_TYPE_TEXT, ERROR_CODE_NESTED, ERROR_NO_MESSAGE,
    MALFORMED_BODY_500, UNDOCUMENTED_ERROR_CODE, UNKNOWN_ID_VALIDATION_ERROR, VALIDATION_SERVER_ERROR,
    VALIDATION_STATUS_422, answer_faults,
)
from .quirks import CONFLICT_EXCEPTION, ERROR_NAME_FORMS, EXISTENCE_BEFORE_VALIDATION
from .records import Document, Request
from .store import Store

Response = tuple[int, dict[str, str], bytes]
Handler = Callable[[Request, Document], tuple[int, Document | None]]


class RequestHandler(Protocol):
    """What the HTTP server and the botocore adapter serve: an `Emulator`, or anything that answers like one."""

    def handle(
        self, method: str, raw_path: str, query_string: str, headers: Mapping[str, str], body: bytes
    ) -> Response: ...


log = logging.getLogger(__name__)

_CREDENTIAL_REGION = re.compile(r"Credential=[^/,\s]+/[^/,\s]+/([a-z0-9-]{1,20})/")
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


class Dispatcher(Store):
    """Answers HTTP requests; the operations behind `_handlers` are the emulator's (core.Emulator)."""

    _handlers: dict[str, Handler]  # operation name -> handler, set by the emulator

    def handle(
        self, method: str, raw_path: str, query_string: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        """Answer one HTTP request: (status, headers, body). The path is still percent-encoded. Thread-safe."""
        if BUSY_500 not in self.faults:
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
        extra = self._account_answer(method, raw_path, query_string, headers, body, request_id)
        if extra is not None:
            return extra
        routed = spec.route(method, raw_path)
        if routed is None:
            return accounts.route_miss(self.account_modes, request_id, method, raw_path)
        operation, labels = routed
        with self._lock:
            self.calls[operation.name] += 1
        try:
            if self._throttled():
                raise ApiError("ThrottlingException", "Rate exceeded")
            region = self._region(headers)
            if accounts.NO_PT_REGION in self.account_modes:
                raise ApiError("AccessDeniedException", accounts.NOT_SUPPORTED_MESSAGE.format(region=region))
            skew = -2 * 86_400 if CLOCK_TWO_DAYS_BEHIND in self.faults else 0
            if MALFORMED_BODY_500 in self.faults and operation.has_body:
                spec.json_object(body, "InternalServerException")  # the handler crashes on a non-object body
            if EXISTENCE_BEFORE_VALIDATION in self.quirks:
                self._exists_first(operation, labels, body, region)
            params = spec.parse_input(operation, labels, query_string, body, self._skips, **self._refusal_codes)
            with self._lock:
                request = Request(region, round((self.config.clock() + skew) * 1_000_000))
                status, document = self._handlers[operation.name](request, params)
            status, document = answer_faults(self.faults, operation.name, status, document)
        except ApiError as error:
            return self._error(operation, error, request_id)
        except Exception:  # an emulator bug still answers with a modelled error
            log.exception("emulator failure in %s", operation.name)
            return self._error(operation, ApiError("InternalServerException", "Internal failure"), request_id)
        return self._respond(status, request_id, document, text=CONTENT_TYPE_TEXT in self.faults)

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
        typical = accounts.TYPICAL_ERRORS if CONFLICT_EXCEPTION in self.quirks else {}
        if code not in operation.errors and code not in spec.PROTOCOL_ERRORS and code not in typical:
            # never outside the modelled list (ConflictException: Bedrock-typical, under conflict-exception)
            log.error("%s is not a modelled error of %s: %s", code, operation.name, error.message)
            code = "InternalServerException"
        status = operation.errors.get(code) or spec.PROTOCOL_ERRORS.get(code) or typical[code]
        if code == "ResourceNotFoundException" and UNDOCUMENTED_ERROR_CODE in self.faults:
            code = "NotFoundException"
        if code == "ResourceNotFoundException" and UNKNOWN_ID_VALIDATION_ERROR in self.faults:
            code, status = "ValidationException", operation.errors["ValidationException"]
        if code == "ValidationException" and VALIDATION_STATUS_422 in self.faults:
            status = 422
        if code == "ValidationException" and VALIDATION_SERVER_ERROR in self.faults:
            code, status = "InternalServerException", operation.errors["InternalServerException"]
        document: Document = dict(error.extra)
        if ERROR_NO_MESSAGE not in self.faults:
            document["message"] = error.message
        if ERROR_CODE_NESTED in self.faults:  # named only below the top level, where no client looks
            return self._respond(status, request_id, {**document, "error": {"__type": f"{_NAMESPACE}#{code}"}})
        if ERROR_NAME_FORMS in self.quirks:
            header, member = _ERROR_FORMS[next(self._error_forms) % len(_ERROR_FORMS)]
            if member is not None:
                document[member[0]] = member[1].format(code=code, ns=_NAMESPACE, uri=_CORAL_URI)
            error_type = header.format(code=code, ns=_NAMESPACE, uri=_CORAL_URI) if header else ""
            return self._respond(status, request_id, document, error_type=error_type)
        return self._respond(status, request_id, document, error_type=code)

    def _account_answer(self, method: str, raw_path: str, query_string: str, headers: Mapping[str, str],
                        body: bytes, request_id: str) -> Response | None:
        """STS, and what an account answers besides the PT routes (accounts: ListFoundationModels, Service Quotas);
        None for a request of the eight operations (or a route miss)."""
        target = next((str(v) for k, v in headers.items() if k.lower() == "x-amz-target"), "")
        route_misses = self.account_modes & {accounts.XML_ROUTE_MISS_MODE, accounts.CORAL_ROUTE_MISS_MODE}
        if method == "POST" and raw_path == "/" and target.startswith(accounts.SERVICE_QUOTAS_TARGET):
            if route_misses:
                return accounts.route_miss(self.account_modes, request_id, method, raw_path)
            return accounts.service_quotas(target, body, self.config.model_unit_quota, self._region(headers),
                                           self.config.account_id, request_id)
        if method == "POST" and raw_path == "/":
            return sts.respond(body, self.config.account_id, request_id)
        if method == "GET" and raw_path == "/foundation-models" and not route_misses:
            return accounts.foundation_models(self.config.foundation_models, self.account_modes,
                                              self._region(headers), query_string, request_id)
        return None

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

    def _exists_first(self, operation: spec.Operation, labels: Mapping[str, str], body: bytes, region: str) -> None:
        """CHOICE (quirk existence-before-validation): a well-formed identifier naming nothing answers 404 before
        the other members are validated (Smithy's framework validates first; AWS services need not)."""
        ident = spec.identifier(operation, labels, body, self._skips)
        if ident is None:
            return
        with self._lock:
            request = Request(region, round(self.config.clock() * 1_000_000))
            if operation.name in ("TagResource", "UntagResource", "ListTagsForResource"):
                self._tagged(request, ident)
            else:
                self._find(request, ident)
