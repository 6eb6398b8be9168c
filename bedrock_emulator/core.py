"""The reference emulator: the Provisioned Model Throughput contract as executable code.

Where the contract is silent the code is marked CHOICE: each picks one answer the documented contract allows
and answers only with errors the operation models. A quirk (quirks.py) switches a CHOICE to another answer the
contract allows; a fault (faults.py) breaks the contract on purpose.
"""

from __future__ import annotations

from typing import Any

from .accounts import CONFLICT
from .config import EmulatorConfig
from .dispatch import Dispatcher
from .errors import ApiError, not_found, validation
from .faults import (
    COMMITMENT_DELETE_ALLOWED, CREATE_MISSING_ARN, CREATE_STATUS_200, CUSTOM_DESIRED_MODEL_IGNORED,
    DELETE_KEEPS_TAGS, DELETE_LEAVES_GETTABLE, DELETE_LEAVES_LISTED, DELETE_STATUS_204,
    DESIRED_MODEL_ON_BASE_ACCEPTED, DUPLICATE_NAMES_ACCEPTED, EMPTY_UPDATE_SERVER_ERROR, GET_BY_NAME_REFUSED,
    IDEMPOTENCY_IGNORED, NAME_CHECK_NOT_ATOMIC, RACE_SECONDS, REFUSED_CREATE_LEAVES_RECORD,
    RENAME_DUPLICATE_ACCEPTED, RENAME_LIST_STALE, RENAME_STALE_INDEX, SERVER_ERROR_ON_LONG_NAME, TAGS_DROPPED,
    TOKEN_CHECK_NOT_ATOMIC, TOKEN_REUSE_CREATES_SECOND, UPDATE_CHANGES_MODEL_UNITS,
    UPDATE_CROSS_BASE_ACCEPTED, UPDATE_KEEPS_LAST_MODIFIED, UPDATE_REWRITES_CREATION_TIME,
    UPDATE_SWITCHES_MODEL_AT_ONCE,
    FAILED_NOT_DELETABLE, QUOTA_FAULT_UNITS, QUOTA_REFUSAL_LEAVES_RECORD, RENAME_REISSUES_ARN,
)
from .listing import Listing
from .quirks import (
    CONFLICT_EXCEPTION, DELETE_LINGERS, DELETE_REFUSED_WHILE_PENDING, LINGER_SECONDS, EMPTY_UPDATE_OK,
    IN_FLIGHT_SECONDS, RENAME_VIA_UPDATING,
    RETRY_IN_FLIGHT_REFUSED, TOKEN_REUSE_ORIGINAL_ARN, UNKNOWN_MODEL_ACCESS_DENIED,
    UPDATE_ACCEPTED_WHILE_PENDING,
)
from .records import PENDING, Document, Model, Request, Throughput
from .tagging import Tagging, store_tags, tag_pairs

_DELETE_HISTORY_FAULTS = frozenset({DELETE_LEAVES_LISTED, DELETE_LEAVES_GETTABLE, DELETE_KEEPS_TAGS})
_RACE_FAULTS = frozenset({NAME_CHECK_NOT_ATOMIC, TOKEN_CHECK_NOT_ATOMIC})


class Emulator(Dispatcher, Listing, Tagging):
    """Answers restJson1 Bedrock PT requests (and STS GetCallerIdentity) from in-memory state.

    Its parts: `Store` (state and shared lookups), `Dispatcher` (HTTP in and out), `Listing`, `Tagging`; the
    create, get, update and delete operations are here.
    """

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        super().__init__(config)
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

    # --- operations -------------------------------------------------------------------------------

    def _create(self, request: Request, params: Document) -> tuple[int, Document]:
        name: str = params["provisionedModelName"]
        units: int = params.get("modelUnits", 1)  # absent only under missing-required-accepted
        model_id: str = params["modelId"]
        commitment: str | None = params.get("commitmentDuration")
        if commitment not in self.config.commitment_seconds:  # only an unknown value under no-enum-validation
            commitment = None
        tags = tag_pairs(params.get("tags", []))
        if SERVER_ERROR_ON_LONG_NAME in self.faults and len(name) == 63:
            raise ApiError("InternalServerException", "Internal failure")
        self._check_empty_tag_value(tags)

        token = params.get("clientRequestToken")
        token_key = (request.region, token) if token is not None else None
        fingerprint = (name, units, model_id, commitment, tuple(tags))
        if token_key is not None and IDEMPOTENCY_IGNORED not in self.faults:
            if token_key in self._pending_tokens:  # retry-in-flight-refused
                raise validation("A create with this clientRequestToken is in progress; retry later")
            answer = self._retried(token_key, fingerprint)
            if answer is not None:
                return answer

        try:
            model = self._resolve_model(model_id, request.region)
        except ApiError as error:
            if error.code == "ResourceNotFoundException" and UNKNOWN_MODEL_ACCESS_DENIED in self.quirks:
                raise ApiError("AccessDeniedException", f"You don't have access to the model {model_id}") from None
            raise
        if DUPLICATE_NAMES_ACCEPTED not in self.faults and self._name_taken(request.region, name):
            # CHOICE: the duplicate-name error is undocumented; Create models no ConflictException.
            raise self._conflict(f"A provisioned model named {name} already exists")
        tag_error = None
        try:
            self._check_tag_count({}, [key for key, _ in tags], name)
        except ApiError as error:
            if REFUSED_CREATE_LEAVES_RECORD not in self.faults:
                raise
            tag_error = error  # refused, but the record is stored anyway
        quota = self.config.model_unit_quota
        if quota is None and QUOTA_REFUSAL_LEAVES_RECORD in self.faults:
            quota = QUOTA_FAULT_UNITS
        quota_error = None
        if quota is not None:
            used = sum(pt.model_units for pt in self._live.values() if pt.region == request.region)
            if used + units > quota:
                quota_error = ApiError("ServiceQuotaExceededException", f"Model unit quota of {quota} exceeded")
                if QUOTA_REFUSAL_LEAVES_RECORD not in self.faults:
                    raise quota_error

        if self.faults & _RACE_FAULTS:
            # Checked, then inserted after a pause without the lock: concurrent creates all pass the checks.
            self._pause_unlocked(RACE_SECONDS)
            if NAME_CHECK_NOT_ATOMIC in self.faults and token_key is not None:
                answer = self._retried(token_key, fingerprint)  # only the token store is atomic with the insert
                if answer is not None:
                    return answer
        elif token_key is not None and RETRY_IN_FLIGHT_REFUSED in self.quirks:
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
        pt = Throughput(
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
            tags={},
        )
        if TAGS_DROPPED not in self.faults:
            store_tags(pt.tags, tags, self.faults)
        self._settle(pt, now)
        self._live[pt.arn] = pt
        self._names[(request.region, name)] = pt.arn
        if token_key is not None:
            self._idempotency[token_key] = (fingerprint, pt.arn)
        if tag_error is not None:
            raise tag_error
        if quota_error is not None:
            raise quota_error  # quota-refusal-leaves-record: refused, but stored
        return self._created(pt.arn)

    def _retried(self, token_key: tuple[str, str], fingerprint: tuple[Any, ...]) -> tuple[int, Document] | None:
        """The answer to a create whose clientRequestToken was seen before; None when it was not."""
        seen = self._idempotency.get(token_key)
        if seen is None:
            return None
        if seen[0] == fingerprint:
            return self._created(seen[1])  # an identical retry: same ARN, nothing created
        if TOKEN_REUSE_ORIGINAL_ARN in self.quirks:
            return self._created(seen[1])  # ignored like an identical retry: the original ARN, nothing changed
        if TOKEN_REUSE_CREATES_SECOND in self.faults:
            return None  # treated as a new request
        # CHOICE: the docs only cover an identical retry; a token reused with other parameters is refused with
        # ValidationException (Create models no ConflictException).
        raise self._conflict("clientRequestToken was already used with different parameters")

    def _conflict(self, message: str) -> ApiError:
        """A refusal for a state conflict: ValidationException (CHOICE), ConflictException under conflict-exception."""
        return ApiError(CONFLICT if CONFLICT_EXCEPTION in self.quirks else "ValidationException", message)

    def _created(self, arn: str) -> tuple[int, Document]:
        status = 200 if CREATE_STATUS_200 in self.faults else 201
        return status, {} if CREATE_MISSING_ARN in self.faults else {"provisionedModelArn": arn}

    def _get(self, request: Request, params: Document) -> tuple[int, Document]:
        include_deleted = DELETE_LEAVES_GETTABLE in self.faults
        if GET_BY_NAME_REFUSED in self.faults and not params["provisionedModelId"].startswith("arn:"):
            raise not_found(f"Provisioned model {params['provisionedModelId']} was not found")
        try:
            pt = self._find(request, params["provisionedModelId"], include_deleted=include_deleted)
        except ApiError:
            lingering = self._lingering_pt(request, params["provisionedModelId"])
            if lingering is None:
                raise
            pt = lingering
        return 200, self._describe(pt, summary=False)

    def _lingering_pt(self, request: Request, ident: str) -> Throughput | None:
        """delete-lingers: a PT deleted less than LINGER_SECONDS ago, by ARN or name (else None)."""
        for pt, deleted_at in self._lingering.values():
            if ident in (pt.arn, pt.name) and request.now - deleted_at < LINGER_SECONDS * 1_000_000:
                return pt
        return None

    def _update(self, request: Request, params: Document) -> tuple[int, Document]:
        new_name: str | None = params.get("desiredProvisionedModelName")
        new_model_id: str | None = params.get("desiredModelId")
        if new_name is None and new_model_id is None:
            if EMPTY_UPDATE_SERVER_ERROR in self.faults:
                raise ApiError("InternalServerException", "Internal failure")
            if EMPTY_UPDATE_OK in self.quirks:
                self._find(request, params["provisionedModelId"])  # still 404 for an unknown PT
                return 200, {}
            # CHOICE: an Update that asks for nothing is refused.
            raise validation("Specify desiredProvisionedModelName or desiredModelId")
        pt = self._find(request, params["provisionedModelId"])
        pending_ok = pt.status in PENDING and UPDATE_ACCEPTED_WHILE_PENDING in self.quirks
        if pt.status != "InService" and not pending_ok:
            # CHOICE: only an InService PT can be updated; the code is undocumented.
            raise self._conflict(f"Provisioned model {pt.name} is {pt.status}; only InService can be updated")
        if new_name == pt.name:
            new_name = None  # renaming to its own name is fine, and changes nothing but lastModifiedTime
        if (
            new_name is not None
            and RENAME_DUPLICATE_ACCEPTED not in self.faults
            and self._name_taken(request.region, new_name)
        ):
            raise self._conflict(f"A provisioned model named {new_name} already exists")
        new_model = None
        if new_model_id is not None:
            new_model = self._resolve_model(new_model_id, request.region)
            self._check_model_change(pt, new_model)
            if pt.purchased.custom and CUSTOM_DESIRED_MODEL_IGNORED in self.faults:
                new_model = None

        if new_name is not None:
            self._rename(pt, new_name)
        if new_model is not None:
            pt.desired_model = new_model
            if UPDATE_SWITCHES_MODEL_AT_ONCE in self.faults:
                pt.model = new_model
            if pt.status != "Creating":  # while Creating (a quirk) the change waits for Creating to end
                pt.status = "Updating"
                pt.status_since = request.now
        elif new_name is not None and pt.status == "InService" and RENAME_VIA_UPDATING in self.quirks:
            pt.status = "Updating"  # desiredModelArn stays modelArn: only the name changes
            pt.status_since = request.now
        if UPDATE_KEEPS_LAST_MODIFIED not in self.faults:
            pt.last_modified_time = request.now
        if UPDATE_REWRITES_CREATION_TIME in self.faults:
            pt.creation_time = request.now
        if UPDATE_CHANGES_MODEL_UNITS in self.faults:
            pt.model_units += 1
        self._settle(pt, request.now)
        return 200, {}

    def _check_model_change(self, pt: Throughput, model: Model) -> None:
        # CHOICE: "bought for a custom model" is fixed at purchase, so a PT moved to its base model can move on
        # to another custom model of the same base.
        if not pt.purchased.custom:
            if DESIRED_MODEL_ON_BASE_ACCEPTED in self.faults:
                return
            raise validation("The model of a provisioned model bought for a base model can't be changed")
        if model.base_id != pt.purchased.base_id and UPDATE_CROSS_BASE_ACCEPTED not in self.faults:
            raise validation(f"{model.arn} doesn't derive from {pt.purchased.foundation_arn}")

    def _rename(self, pt: Throughput, new_name: str) -> None:
        # CHOICE: a rename takes effect at once, without an Updating phase.
        if RENAME_STALE_INDEX not in self.faults:
            self._names.pop((pt.region, pt.name), None)
        if RENAME_LIST_STALE in self.faults:
            self._stale_list_names.setdefault(pt.arn, pt.name)
        pt.name = new_name
        if RENAME_REISSUES_ARN in self.faults:
            del self._live[pt.arn]
            pt.arn = self._new_arn(pt.region)
            self._live[pt.arn] = pt
        self._names[(pt.region, new_name)] = pt.arn

    def _delete(self, request: Request, params: Document) -> tuple[int, Document | None]:
        pt = self._find(request, params["provisionedModelId"])  # CHOICE: in any status, Creating included
        if pt.status == "Failed" and FAILED_NOT_DELETABLE in self.faults:
            raise validation(f"Provisioned model {pt.name} is Failed")
        if pt.status in PENDING and DELETE_REFUSED_WHILE_PENDING in self.quirks:
            raise ApiError("ConflictException", f"Provisioned model {pt.name} is {pt.status}; try again later")
        expiration = pt.commitment_expiration
        if (
            expiration is not None
            and request.now < expiration
            and COMMITMENT_DELETE_ALLOWED not in self.faults
        ):
            # CHOICE: ConflictException, the likely code (the refusal is documented, its code is not).
            raise ApiError("ConflictException", f"Provisioned model {pt.name} has a commitment term running")
        del self._live[pt.arn]
        if DELETE_LINGERS in self.quirks:
            self._lingering[pt.arn] = (pt, request.now)
        if self._names.get((pt.region, pt.name)) == pt.arn:
            del self._names[(pt.region, pt.name)]
        if self.faults & _DELETE_HISTORY_FAULTS:
            self._deleted[pt.arn] = pt
        return (204, None) if DELETE_STATUS_204 in self.faults else (200, {})
