"""The emulator's state: the configuration it reads once, the live records and their indexes, and the lookups
every operation shares (find a PT by name or ARN, resolve a model, settle a pending status, render a record).

`Store` is the base of the emulator's parts (dispatch, listing, tagging and the operations in core); every
request's state access runs under its lock.
"""

from __future__ import annotations

import itertools
import random
import re
import string
import threading
import time
from collections import Counter
from typing import Any

from . import accounts, spec
from .config import EmulatorConfig
from .errors import ApiError, not_found
from .faults import (
    ARN_PARTITION_ALWAYS_AWS, COMMITMENT_EXPIRATION_MISSING, CUSTOM_FOUNDATION_ARN_WRONG, EPOCH_TIMESTAMPS,
    GET_BY_ARN_BROKEN, LIST_SUMMARY_STALE_STATUS, MALFORMED_ARN, MODEL_ARN_SHORT_ID,
    SERIALIZATION_FOR_CONSTRAINT, STATUS_MISSPELLED, STATUS_STUCK_CREATING, STATUS_STUCK_UPDATING,
    UNKNOWN_MODEL_ACCEPTED, WRONG_ACCOUNT_ARN, WRONG_REGION_ARN, apply_get_faults, apply_summary_faults,
    validation_skips,
)
from .quirks import (
    COMMITMENT_FROM_INSERVICE, FOREIGN_ACCOUNT_DENIED, FOUNDATION_ARN_UNQUALIFIED, MALFORMED_ID_404,
    SERIALIZATION_EXCEPTION_FOR_MALFORMED, THROTTLE_EVERY, THROTTLING, UNITS_RAMP,
)
from .records import Document, Model, Request, Throughput, foundation_model_arn, iso_timestamp, partition
from .tokens import PageTokens

_ARN_ID_ALPHABET = string.ascii_lowercase + string.digits
_FAULTY_REGION = "us-west-2"
_FAULTY_ACCOUNT = "000000000000"


class Store:
    """The in-memory state of one emulator and the helpers that read and settle it."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.faults = self.config.faults
        self.quirks = self.config.quirks
        self._skips = validation_skips(self.faults)
        if MALFORMED_ID_404 in self.quirks:  # an unmatched identifier is simply not found
            self._skips |= {("provisionedModelId", "pattern"), ("resourceARN", "pattern")}
        # Which code refuses a request that cannot be deserialised (Smithy: SerializationException) and one that
        # breaks a constraint (ValidationException); CHOICE: ValidationException for both.
        self._refusal_codes = {
            "malformed": "SerializationException" if SERIALIZATION_EXCEPTION_FOR_MALFORMED in self.quirks
            else spec.VALIDATION,
            "constraint": "SerializationException" if SERIALIZATION_FOR_CONSTRAINT in self.faults
            else spec.VALIDATION,
        }
        self._create_delay = round(self.config.create_delay * 1_000_000)
        self._update_delay = round(self.config.update_delay * 1_000_000)
        self._latency = self.config.latency
        self._throttle_every = self.config.throttle_every or (THROTTLE_EVERY if THROTTLING in self.quirks else 0)
        self._foundation_models = frozenset(self.config.foundation_models)
        self.account_modes = self.config.account_modes
        # canonical-model-arn: a model named without its context suffix -> its listed (canonical) id
        self._aliases = {accounts.context_free(m): m for m in reversed(self.config.foundation_models)
                         if accounts.CANONICAL_MODEL_ARN in self.account_modes and accounts.context_free(m)}
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
        self.reset()

    def reset(self) -> None:
        """Forget every PT, tag, idempotency token and the request counter."""
        with self._lock:
            self._live: dict[str, Throughput] = {}
            self._names: dict[tuple[str, str], str] = {}  # (region, name) -> ARN
            self._deleted: dict[str, Throughput] = {}  # kept only for the delete-* faults
            self._stale_list_names: dict[str, str] = {}  # kept only for rename-list-stale
            self._lingering: dict[str, tuple[Throughput, int]] = {}  # delete-lingers: ARN -> (PT, deleted at)
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

    # --- state helpers ----------------------------------------------------------------------------

    def _settle(self, pt: Throughput, now: int) -> None:
        """Settle a pending Creating/Updating whose delay has passed (lazily, on every read)."""
        if (
            pt.status == "Creating"
            and STATUS_STUCK_CREATING not in self.faults
            and now - pt.status_since >= self._create_delay
        ):
            in_service_at = pt.status_since + self._create_delay
            pt.status = "Failed" if pt.will_fail else "InService"
            if pt.will_fail:
                pt.failure_message = f"Provisioning {pt.model.short_id} failed (emulated failure)"
            elif pt.commitment is not None and COMMITMENT_FROM_INSERVICE in self.quirks:
                # The provisional estimate becomes final: the term counts from the InService moment.
                pt.commitment_expiration = in_service_at + self._commitment_micros(pt.commitment)
            if pt.status == "InService" and pt.desired_model != pt.model:
                # update-accepted-while-pending: a model change asked for while Creating continues as an
                # Updating that starts when Creating ends.
                pt.status = "Updating"
                pt.status_since = in_service_at
        if (
            pt.status == "Updating"
            and STATUS_STUCK_UPDATING not in self.faults
            and now - pt.status_since >= self._update_delay
        ):
            pt.model = pt.desired_model
            pt.status = "InService"

    def _pause_unlocked(self, seconds: float) -> None:
        """Let other requests in for ``seconds`` (the lock is held once, by handle())."""
        self._lock.release()
        try:
            time.sleep(seconds)
        finally:
            self._lock.acquire()

    def _commitment_micros(self, commitment: str) -> int:
        return self.config.commitment_seconds[commitment] * 1_000_000

    def _check_account(self, arn: str) -> None:
        """foreign-account-denied: an ARN naming another account is not the caller's to touch."""
        if FOREIGN_ACCOUNT_DENIED not in self.quirks:
            return
        parts = arn.split(":")
        if len(parts) > 4 and re.fullmatch(r"[0-9]{12}", parts[4]) and parts[4] != self.config.account_id:
            raise ApiError("AccessDeniedException", f"You are not authorized to access {arn}")

    def _resolve_model(self, model_id: str, region: str) -> Model:
        """A foundation model id or ARN, a custom model ARN or name; ResourceNotFoundException otherwise."""
        custom = self._custom_models.get(model_id)
        if custom is not None and custom.arn.split(":")[3] == region:  # custom models are regional
            base_arn = foundation_model_arn(region, custom.base_model_id)
            return Model(custom.arn, custom.name, custom.base_model_id, base_arn, custom=True)
        base_id = model_id.rpartition("/")[2] if model_id.startswith("arn:") else model_id
        if base_id in self._aliases and model_id in (base_id, foundation_model_arn(region, base_id)):
            base_id = model_id = self._aliases[base_id]  # answered with the canonical ARN
        arn = foundation_model_arn(region, base_id)
        if UNKNOWN_MODEL_ACCEPTED in self.faults and not model_id.startswith("arn:"):
            return Model(arn, base_id, base_id, arn, custom=False)
        if base_id not in self._foundation_models or model_id not in (base_id, arn):
            raise not_found(f"Model {model_id} was not found")
        if accounts.LEGACY in self.account_modes and base_id in accounts.LEGACY_MODELS:
            raise not_found(accounts.LEGACY_MESSAGE)
        return Model(arn, base_id, base_id, arn, custom=False)

    def _by_arn(self, request: Request, arn: str, *, include_deleted: bool = False) -> Throughput | None:
        pt = self._live.get(arn) or (self._deleted.get(arn) if include_deleted else None)
        return pt if pt is not None and pt.region == request.region else None

    def _find(self, request: Request, ident: str, *, include_deleted: bool = False) -> Throughput:
        """The PT a name or ARN names, settled; ResourceNotFoundException if there is none."""
        pt: Throughput | None = None
        if ident.startswith("arn:"):
            self._check_account(ident)
        if not ident.startswith("arn:"):
            arn = self._names.get((request.region, ident))
            pt = self._live.get(arn) if arn else None
        elif GET_BY_ARN_BROKEN not in self.faults:
            pt = self._by_arn(request, ident, include_deleted=include_deleted)
        if pt is None:
            raise not_found(f"Provisioned model {ident} was not found")
        self._settle(pt, request.now)
        return pt

    def _tagged(self, request: Request, arn: str, *, include_deleted: bool = False) -> Throughput:
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
        region = _FAULTY_REGION if WRONG_REGION_ARN in self.faults else region
        account = _FAULTY_ACCOUNT if WRONG_ACCOUNT_ARN in self.faults else self.config.account_id
        length = 10 if MALFORMED_ARN in self.faults else 12
        while True:
            suffix = "".join(self._rng.choices(_ARN_ID_ALPHABET, k=length))
            arn = f"arn:{self._partition(region)}:bedrock:{region}:{account}:provisioned-model/{suffix}"
            if arn not in self._live and arn not in self._deleted:
                return arn

    def _partition(self, region: str) -> str:
        return "aws" if ARN_PARTITION_ALWAYS_AWS in self.faults else partition(region)

    # --- rendering --------------------------------------------------------------------------------

    def _describe(self, pt: Throughput, *, summary: bool) -> Document:
        """A Get response (summary=False) or a List summary, members in model order, absent ones omitted."""
        faults = self.faults
        name = self._stale_list_names.get(pt.arn, pt.name) if summary else pt.name
        status = "InService" if summary and LIST_SUMMARY_STALE_STATUS in faults else pt.status
        if status == "InService" and STATUS_MISSPELLED in faults:
            status = "INSERVICE"
        foundation_arn = pt.model.foundation_arn
        if FOUNDATION_ARN_UNQUALIFIED in self.quirks:
            foundation_arn = _unqualified(foundation_arn)
        if pt.model.custom and CUSTOM_FOUNDATION_ARN_WRONG in faults:
            foundation_arn = pt.model.arn
        units = pt.model_units
        if pt.status == "Creating" and UNITS_RAMP in self.quirks:
            units = 1  # allocated so far; desiredModelUnits keeps the request
        stamp = _epoch_seconds if EPOCH_TIMESTAMPS in faults else iso_timestamp
        document: Document = {
            "modelUnits": units,
            "desiredModelUnits": pt.desired_model_units,
            "provisionedModelName": name,
            "provisionedModelArn": pt.arn,
            "modelArn": pt.model.short_id if MODEL_ARN_SHORT_ID in faults else pt.model.arn,
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
        if pt.commitment_expiration is not None and COMMITMENT_EXPIRATION_MISSING not in faults:
            document["commitmentExpirationTime"] = iso_timestamp(pt.commitment_expiration)
        if ARN_PARTITION_ALWAYS_AWS in faults:
            for member in ("modelArn", "desiredModelArn", "foundationModelArn"):
                document[member] = re.sub(r"^arn:[^:]+:", "arn:aws:", document[member])
        if not summary:
            apply_get_faults(self.faults, document)
        else:
            apply_summary_faults(self.faults, document)
        return document


def _unqualified(foundation_arn: str) -> str:
    """foundation-arn-unqualified: drop the ':<version>:<context>' qualifiers of the model id."""
    prefix, _, model_id = foundation_arn.rpartition("/")
    return f"{prefix}/{model_id.partition(':')[0]}"


def _epoch_seconds(micros: int) -> float:
    return micros / 1_000_000
