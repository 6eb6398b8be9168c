"""Each quirk changes the one conformant choice it names, defaults stay the reference's, and quirks compose.

A quirk is a behaviour the contract allows but the reference does not choose (bedrock_emulator/quirks.py). A
probe runs the same few raw requests against the default emulator and against one with the quirk on; the two
observations must be the expected default and quirky ones.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import botocore.session
import pytest
from emulator_wire import START, Answer, Clock, parallel

from bedrock_emulator import (
    ALL_QUIRKS,
    FAULTS,
    QUIRKS,
    Emulator,
    EmulatorConfig,
    core,
    dispatch,
    listing,
    quirks as quirk_module,
    store,
    tagging,
)
from bedrock_emulator.config import custom_model_arn
from bedrock_emulator.records import iso_timestamp
from bedrock_emulator.server import _parser

TITAN = "amazon.titan-text-express-v1:0:8k"
REGION, ACCOUNT = "us-east-1", "123456789012"
TITAN_ARN = f"arn:aws:bedrock:{REGION}::foundation-model/{TITAN}"
CUSTOM_A = custom_model_arn(REGION, ACCOUNT, "conformance-titan-custom-a", TITAN)
CUSTOM_B = custom_model_arn(REGION, ACCOUNT, "conformance-titan-custom-b", TITAN)
COLLECTION = "/provisioned-model-throughput"
UNKNOWN_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/abcdefabcdef"
FOREIGN_ARN = f"arn:aws:bedrock:{REGION}:999999999999:provisioned-model/abcdefabcdef"


class Wire:
    """Raw requests to one emulator."""

    def __init__(self, emulator: Emulator, clock: Clock) -> None:
        self.emulator, self.clock = emulator, clock

    def call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Answer:
        payload = b"" if body is None else json.dumps(body).encode()
        return Answer(*self.emulator.handle(method, path, urlencode(query or {}), {}, payload))

    def create(self, name: str = "pt", model: str = TITAN, **extra: Any) -> Answer:
        self.clock.now += 1  # distinct creation times keep orders deterministic
        return self.call(
            "POST", COLLECTION, {"provisionedModelName": name, "modelId": model, "modelUnits": 1, **extra}
        )

    def arn(self, name: str = "pt", **extra: Any) -> str:
        assert self.create(name, **extra).status == 201
        return self.get(name).json["provisionedModelArn"]

    def get(self, ident: str = "pt") -> Answer:
        return self.call("GET", f"{COLLECTION}/{quote(ident, safe='')}")

    def update(self, ident: str = "pt", **body: Any) -> Answer:
        self.clock.now += 1
        return self.call("PATCH", f"{COLLECTION}/{quote(ident, safe='')}", body)

    def delete(self, ident: str = "pt") -> Answer:
        return self.call("DELETE", f"{COLLECTION}/{quote(ident, safe='')}")

    def page(self, **query: Any) -> Answer:
        return self.call("GET", COLLECTION + "s", query=query)

    def names(self, **query: Any) -> list[str]:
        return [s["provisionedModelName"] for s in self.page(**query).json["provisionedModelSummaries"]]

    def tag(self, arn: str, **tags: str) -> Answer:
        self.clock.now += 1
        return self.call("POST", "/tagResource", {"resourceARN": arn, "tags": _tags(tags)})

    def untag(self, arn: str, *keys: str) -> Answer:
        self.clock.now += 1
        return self.call("POST", "/untagResource", {"resourceARN": arn, "tagKeys": list(keys)})

    def tags(self, arn: str) -> dict[str, str]:
        answer = self.call("POST", "/listTagsForResource", {"resourceARN": arn})
        return {t["key"]: t["value"] for t in answer.json["tags"]}


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in tags.items()]


def make(quirks: frozenset[str] = frozenset(), **config: Any) -> Wire:
    clock = Clock()
    return Wire(Emulator(EmulatorConfig(clock=clock, quirks=quirks, **config)), clock)


# --- one probe per quirk -------------------------------------------------------------------------------------


def delete_while_creating(w: Wire) -> tuple[Any, ...]:
    w.create()
    pending = w.delete().outcome
    w.clock.now += 10
    return pending, w.delete().outcome


def delete_while_updating(w: Wire) -> tuple[Any, ...]:
    w.create(model=CUSTOM_A)
    w.clock.now += 10
    w.update(desiredModelId=CUSTOM_B)
    return w.get().json["status"], w.delete().outcome


def update_while_creating(w: Wire) -> tuple[Any, ...]:
    w.create()
    outcome = w.update(desiredProvisionedModelName="renamed").outcome
    renamed = w.get("renamed")
    return outcome, renamed.status, renamed.json.get("status")


def three_pages(w: Wire) -> tuple[Any, ...]:
    for name in ("a", "b", "c"):
        w.create(name)
    first = w.page(maxResults=3).json
    token = first.get("nextToken")
    following = w.page(maxResults=3, nextToken=token).json if token else None
    return len(first["provisionedModelSummaries"]), bool(token), following


def untag_absent(w: Wire) -> tuple[Any, ...]:
    arn = w.arn(tags=_tags({"k": "v"}))
    return w.untag(arn, "k", "absent").outcome, w.tags(arn)


def garbage_token(w: Wire) -> tuple[Any, ...]:
    w.create()
    answer = w.page(nextToken="garbage")
    return answer.outcome, answer.json if answer.status == 200 else None


def unknown_model(w: Wire) -> tuple[Any, ...]:
    return w.create(model="amazon.nonexistent-v1:0:4k").outcome, w.names()


def foreign_account(w: Wire) -> tuple[Any, ...]:
    return (
        w.get(FOREIGN_ARN).outcome,
        w.delete(FOREIGN_ARN).outcome,
        w.update(FOREIGN_ARN, desiredProvisionedModelName="x").outcome,
        w.tag(FOREIGN_ARN, k="v").outcome,
        w.untag(FOREIGN_ARN, "k").outcome,
        w.call("POST", "/listTagsForResource", {"resourceARN": FOREIGN_ARN}).outcome,
        w.get(UNKNOWN_ARN).outcome,  # the caller's own account: still not found
    )


def commitment_expirations(w: Wire) -> tuple[Any, ...]:
    w.create(commitmentDuration="OneMonth")
    created = w.get().json["creationTime"]
    creating = w.get().json["commitmentExpirationTime"]
    w.clock.now += 25  # past the 10 s create delay
    in_service = w.get().json
    w.clock.now += 1000
    later = w.get().json["commitmentExpirationTime"]
    return created, creating, in_service["status"], in_service["commitmentExpirationTime"], later


def malformed_ids(w: Wire) -> tuple[Any, ...]:
    bad_arn = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:provisioned-model/NOT-LOWER-CASE"
    return (
        w.get("bad name!").outcome,
        w.update("bad name!", desiredProvisionedModelName="x").outcome,
        w.delete("bad name!").outcome,
        w.get(bad_arn).outcome,
        w.call("POST", "/listTagsForResource", {"resourceARN": bad_arn + "!"}).outcome,
        w.untag(bad_arn + "!", "k").outcome,
        w.call("POST", "/listTagsForResource", {"resourceARN": "short"}).outcome,  # under min length 20
        w.call("POST", "/listTagsForResource", {"resourceARN": 12345678901234567890}).outcome,  # not a string
        w.call("POST", "/listTagsForResource", {}).outcome,  # missing
    )


def unknown_model_filter(w: Wire) -> tuple[Any, ...]:
    w.create()
    unknown = w.page(modelArnEquals="arn:aws:bedrock:us-east-1::foundation-model/amazon.nonexistent-v1:0:4k")
    return unknown.outcome, w.names(modelArnEquals=TITAN_ARN), w.names(modelArnEquals=CUSTOM_A)


def sort_without_sortby(w: Wire) -> tuple[Any, ...]:
    for name in ("a", "b", "c"):
        w.create(name)
    return w.names(sortOrder="Ascending"), w.names(sortOrder="Ascending", sortBy="CreationTime")


def empty_update(w: Wire) -> tuple[Any, ...]:
    w.create()
    before = w.get().json
    outcome = w.update().outcome
    return outcome, w.get().json == before, w.update("unknown").outcome


def rename_status(w: Wire) -> tuple[Any, ...]:
    w.create()
    w.clock.now += 10
    w.update(desiredProvisionedModelName="renamed")
    during = w.get("renamed").json
    old = w.get("pt").status
    w.clock.now += 10
    after = w.get("renamed").json
    return during["status"], during["modelArn"] == during["desiredModelArn"], old, after["status"]


def default_order(w: Wire) -> list[str]:
    for name in ("a", "b", "c"):
        w.create(name)
    return w.names()


def throttled(w: Wire) -> tuple[Any, ...]:
    """Twenty Lists: one answer in ten is ThrottlingException 429, the others answer normally."""
    answers = [w.page() for _ in range(20)]
    return tuple((a.status, a.headers.get("x-amzn-ErrorType")) for a in answers)


def default_page(w: Wire) -> tuple[Any, ...]:
    for name in ("a", "b", "c"):
        w.create(name)
    page = w.page().json
    return len(page["provisionedModelSummaries"]), "nextToken" in page


def lastmod_on_tag(w: Wire) -> tuple[bool, bool]:
    arn = w.arn()
    before = w.get().json["lastModifiedTime"]
    w.tag(arn, k="v")
    tagged = w.get().json["lastModifiedTime"]
    w.untag(arn, "k")
    untagged = w.get().json["lastModifiedTime"]
    return tagged != before, untagged != tagged


def foundation_arns(w: Wire) -> tuple[Any, ...]:
    w.create("base")
    w.create("custom", model=CUSTOM_A)
    base, custom = w.get("base").json, w.get("custom").json
    listed = {s["provisionedModelName"]: s["foundationModelArn"] for s in w.page().json["provisionedModelSummaries"]}
    return (
        base["foundationModelArn"], base["modelArn"], base["desiredModelArn"],
        custom["foundationModelArn"], custom["modelArn"], listed["base"], listed["custom"],
    )


def units_ramp(w: Wire) -> tuple[Any, ...]:
    w.create(modelUnits=3)
    creating = w.get().json
    listed = w.page().json["provisionedModelSummaries"][0]
    w.clock.now += 10
    ready = w.get().json
    return (
        (creating["status"], creating["modelUnits"], creating["desiredModelUnits"]),
        (listed["modelUnits"], listed["desiredModelUnits"]),
        (ready["status"], ready["modelUnits"], ready["desiredModelUnits"]),
    )


def name_case(w: Wire) -> tuple[Any, ...]:
    w.create("AbcPt")
    return w.names(nameContains="abc"), w.names(nameContains="Abc")


def exact_bounds(w: Wire) -> tuple[Any, ...]:
    w.create()
    stamp = w.get().json["creationTime"]
    return w.names(creationTimeAfter=stamp), w.names(creationTimeBefore=stamp)


def malformed_requests(w: Wire) -> tuple[Any, ...]:
    not_an_object = Answer(*w.emulator.handle("POST", COLLECTION, "", {}, b"[1]")).outcome
    return (not_an_object, w.create(modelUnits="x").outcome, w.page(maxResults="abc").outcome,
            w.page(creationTimeAfter="yesterday").outcome, w.create("bad name!").outcome,
            w.page(maxResults=0).outcome)


def missing_and_invalid(w: Wire) -> tuple[Any, ...]:
    w.arn("pt")
    bad_tag = [{"key": "", "value": "v"}]
    return (w.update(UNKNOWN_ARN, desiredProvisionedModelName="bad name!").outcome,
            w.call("POST", "/tagResource", {"resourceARN": UNKNOWN_ARN, "tags": bad_tag}).outcome,
            w.update("pt", desiredProvisionedModelName="bad name!").outcome,
            w.call("POST", "/tagResource", {"resourceARN": w.get("pt").json["provisionedModelArn"],
                                            "tags": bad_tag}).outcome,
            w.get("bad name!").outcome)


def error_forms(w: Wire) -> list[tuple[Any, ...]]:
    seen = []
    for _ in range(8):
        answer = w.get("missing")
        seen.append((answer.headers.get("x-amzn-ErrorType"), answer.json.get("code"), answer.json.get("__type")))
        assert answer.error == "ResourceNotFoundException"
    return seen


def token_reuse(w: Wire) -> tuple[Any, ...]:
    first = w.create("a", clientRequestToken="t").json["provisionedModelArn"]
    again = w.create("b", clientRequestToken="t")
    return again.status, (again.json or {}).get("provisionedModelArn") == first, w.names()


def retry_in_flight(w: Wire) -> tuple[Any, ...]:
    answers = parallel(*(lambda: w.create(clientRequestToken="t") for _ in range(4)))
    arns = {a.json["provisionedModelArn"] for a in answers if a.status == 201}
    return 400 in [a.status for a in answers], len(arns), w.names()


def conflicts(w: Wire) -> tuple[Any, ...]:
    """A taken name (create, rename), a reused token with other parameters, an update while Creating."""
    w.create("a", clientRequestToken="t")
    w.create("b")
    pending = w.update("b", desiredProvisionedModelName="c").outcome
    w.clock.now += 10
    return (w.create("a").outcome, w.create("z", clientRequestToken="t").outcome,
            w.update("a", desiredProvisionedModelName="b").outcome, pending, sorted(w.names()))


def reserved_prefix(w: Wire) -> tuple[Any, ...]:
    arn = w.arn()
    answer = w.tag(arn, **{"aws:x": "1", "ok": "1"})
    return answer.outcome, sorted(w.tags(arn))


def delete_then_get(w: Wire) -> tuple[Any, ...]:
    w.create()
    w.clock.now += 1
    w.delete()
    soon = w.get().outcome
    w.clock.now += 1
    return soon, w.get().outcome, w.names()


@dataclass(frozen=True)
class Check:
    observe: Callable[[Wire], Any]
    default: Any
    quirky: Any
    config: dict[str, Any] = field(default_factory=dict)


DELAYS = {"create_delay": 10.0, "update_delay": 10.0}
V = (400, "ValidationException")
S = (400, "SerializationException")
CORAL = "http://internal.amazon.com/coral/com.amazon.coral.validate/"
OK = (200, None)
NOT_FOUND = (404, "ResourceNotFoundException")
DENIED = (403, "AccessDeniedException")
CONFLICT = (400, "ConflictException")
CREATED_AT = iso_timestamp(round((START + 1) * 1_000_000))
MONTH = 30 * 86400
EXPIRES = iso_timestamp(round((START + 1 + MONTH) * 1_000_000))
EXPIRES_FROM_IN_SERVICE = iso_timestamp(round((START + 1 + 10 + MONTH) * 1_000_000))
TITAN_UNQUALIFIED = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"

CHECKS: dict[str, Check] = {
    "delete-refused-while-pending": Check(delete_while_creating, (OK, NOT_FOUND), (CONFLICT, OK), DELAYS),
    "update-accepted-while-pending": Check(update_while_creating, (V, 404, None), (OK, 200, "Creating"), DELAYS),
    "trailing-token": Check(
        three_pages, (3, False, None), (3, True, {"provisionedModelSummaries": []})
    ),
    "untag-absent-refused": Check(untag_absent, (OK, {}), (V, {"k": "v"})),
    "garbage-token-empty": Check(garbage_token, (V, None), (OK, {"provisionedModelSummaries": []})),
    "unknown-model-access-denied": Check(unknown_model, (NOT_FOUND, []), (DENIED, [])),
    "foreign-account-denied": Check(foreign_account, (NOT_FOUND,) * 7, (DENIED,) * 6 + (NOT_FOUND,)),
    "commitment-from-inservice": Check(
        commitment_expirations,
        (CREATED_AT, EXPIRES, "InService", EXPIRES, EXPIRES),
        (CREATED_AT, EXPIRES, "InService", EXPIRES_FROM_IN_SERVICE, EXPIRES_FROM_IN_SERVICE),
        {"create_delay": 10.0},
    ),
    "malformed-id-404": Check(malformed_ids, (V,) * 9, (NOT_FOUND,) * 6 + (V,) * 3),
    "modelarn-filter-unknown-refused": Check(unknown_model_filter, (OK, ["pt"], []), (V, ["pt"], [])),
    "sort-needs-sortby": Check(sort_without_sortby, (["a", "b", "c"], ["a", "b", "c"]), (["c", "b", "a"], ["a", "b", "c"])),
    "empty-update-ok": Check(empty_update, (V, True, V), (OK, True, NOT_FOUND)),
    "rename-via-updating": Check(
        rename_status, ("InService", True, 404, "InService"), ("Updating", True, 404, "InService"), DELAYS
    ),
    "default-ascending": Check(default_order, ["c", "b", "a"], ["a", "b", "c"]),
    "default-page-2": Check(default_page, (3, False), (2, True)),
    "lastmod-on-tag": Check(lastmod_on_tag, (False, False), (True, True)),
    "foundation-arn-unqualified": Check(
        foundation_arns,
        (TITAN_ARN, TITAN_ARN, TITAN_ARN, TITAN_ARN, CUSTOM_A, TITAN_ARN, TITAN_ARN),
        (TITAN_UNQUALIFIED, TITAN_ARN, TITAN_ARN, TITAN_UNQUALIFIED, CUSTOM_A, TITAN_UNQUALIFIED, TITAN_UNQUALIFIED),
    ),
    "units-ramp": Check(
        units_ramp,
        (("Creating", 3, 3), (3, 3), ("InService", 3, 3)),
        (("Creating", 1, 3), (1, 3), ("InService", 3, 3)),
        DELAYS,
    ),
    "name-case-insensitive-filter": Check(name_case, ([], ["AbcPt"]), (["AbcPt"], ["AbcPt"])),
    "time-bounds-inclusive": Check(exact_bounds, ([], []), (["pt"], ["pt"])),
    "serialization-exception-for-malformed": Check(malformed_requests, (V,) * 6, (S,) * 4 + (V,) * 2),
    "existence-before-validation": Check(missing_and_invalid, (V,) * 5, (NOT_FOUND,) * 2 + (V,) * 3),
    "error-name-forms": Check(
        error_forms,
        [("ResourceNotFoundException", None, None)] * 8,
        [(f"ResourceNotFoundException:{CORAL}", None, None),
         (f"com.amazonaws.bedrock#ResourceNotFoundException:{CORAL}", None, None),
         (None, "ResourceNotFoundException", None),
         (None, "com.amazonaws.bedrock#ResourceNotFoundException", None),
         (None, f"com.amazonaws.bedrock#ResourceNotFoundException:{CORAL}", None),
         (None, None, "ResourceNotFoundException"),
         (None, None, "com.amazonaws.bedrock#ResourceNotFoundException"),
         (None, None, f"com.amazonaws.bedrock#ResourceNotFoundException:{CORAL}")],
    ),
    "throttling": Check(
        throttled, ((200, None),) * 20, (((200, None),) * 9 + ((429, "ThrottlingException"),)) * 2
    ),
    "token-reuse-original-arn": Check(token_reuse, (400, False, ["a"]), (201, True, ["a"])),
    "retry-in-flight-refused": Check(retry_in_flight, (False, 1, ["pt"]), (True, 1, ["pt"])),
    "reserved-prefix-refused": Check(reserved_prefix, (OK, ["aws:x", "ok"]), (V, [])),
    "delete-lingers": Check(delete_then_get, (NOT_FOUND, NOT_FOUND, []), (OK, NOT_FOUND, [])),
    "conflict-exception": Check(conflicts, (V, V, V, V, ["a", "b"]), (CONFLICT,) * 4 + (["a", "b"],), DELAYS),
}


def observe(check: Check, quirks: frozenset[str]) -> Any:
    return check.observe(make(quirks, **check.config))


def test_every_quirk_has_a_check() -> None:
    assert CHECKS.keys() == QUIRKS.keys()


@pytest.mark.parametrize("quirk", sorted(CHECKS))
def test_quirk_changes_its_behaviour(quirk: str) -> None:
    check = CHECKS[quirk]
    assert check.default != check.quirky
    assert observe(check, frozenset()) == check.default
    assert observe(check, frozenset({quirk})) == check.quirky


# --- details of single quirks --------------------------------------------------------------------------------


def test_delete_refused_while_updating() -> None:
    assert delete_while_updating(make(**DELAYS)) == ("Updating", OK)
    assert delete_while_updating(make(frozenset({"delete-refused-while-pending"}), **DELAYS)) == (
        "Updating", CONFLICT,
    )


def test_update_while_pending_retargets_model_change() -> None:
    """A model change asked for while Creating waits for Creating to end, then runs as an Updating."""
    w = make(frozenset({"update-accepted-while-pending"}), **DELAYS)
    w.create(model=CUSTOM_A)
    assert w.update(desiredModelId=CUSTOM_B).outcome == OK
    creating = w.get().json
    assert (creating["status"], creating["modelArn"], creating["desiredModelArn"]) == ("Creating", CUSTOM_A, CUSTOM_B)
    w.clock.now += 15  # Creating ended 10 s after create; the Updating began then
    updating = w.get().json
    assert (updating["status"], updating["modelArn"], updating["desiredModelArn"]) == ("Updating", CUSTOM_A, CUSTOM_B)
    assert w.update(desiredModelId=TITAN).outcome == OK  # retargets (and restarts) the running update
    w.clock.now += 9
    assert w.get().json["status"] == "Updating"
    w.clock.now += 2
    done = w.get().json
    assert (done["status"], done["modelArn"], done["desiredModelArn"]) == ("InService", TITAN_ARN, TITAN_ARN)


def test_update_while_pending_still_refuses_failed_and_base_model_changes() -> None:
    w = make(frozenset({"update-accepted-while-pending"}), fail_models=(TITAN,), **DELAYS)
    w.create()
    assert w.update(desiredModelId=CUSTOM_A).outcome == V  # a base-model PT's model never changes
    w.clock.now += 10
    assert w.get().json["status"] == "Failed"
    assert w.update(desiredProvisionedModelName="x").outcome == V


def test_trailing_token_on_default_and_short_pages() -> None:
    w = make(frozenset({"trailing-token"}))
    for name in ("a", "b", "c", "d"):
        w.create(name)
    first = w.page(maxResults=2).json
    second = w.page(maxResults=2, nextToken=first["nextToken"]).json
    third = w.page(maxResults=2, nextToken=second["nextToken"]).json
    assert third == {"provisionedModelSummaries": []}
    assert "nextToken" not in w.page(maxResults=5).json  # a short page ends the list


def test_garbage_token_empty_covers_a_token_of_other_filters() -> None:
    w = make(frozenset({"garbage-token-empty"}))
    for name in ("a", "b"):
        w.create(name)
    token = w.page(maxResults=1).json["nextToken"]
    assert w.page(maxResults=1, nextToken=token).json["provisionedModelSummaries"]
    assert w.page(maxResults=1, nextToken=token, statusEquals="InService").json == {"provisionedModelSummaries": []}


def test_foreign_account_denied_leaves_names_and_other_ids_alone() -> None:
    w = make(frozenset({"foreign-account-denied"}))
    arn = w.arn()
    assert w.get(arn).status == 200 and w.get("pt").status == 200
    no_account = "arn:aws:bedrock:us-east-1::provisioned-model/abcdefabcdef"  # not "another account"
    assert w.call("POST", "/listTagsForResource", {"resourceARN": no_account}).outcome == NOT_FOUND


def test_commitment_from_inservice_keeps_the_refusal_running() -> None:
    w = make(frozenset({"commitment-from-inservice"}), create_delay=10.0)
    w.create(commitmentDuration="OneMonth")
    w.clock.now += MONTH + 5  # past the provisional end, before the final one
    assert w.delete().outcome == CONFLICT
    w.clock.now += 10
    assert w.delete().outcome == OK


def test_units_ramp_keeps_the_quota_on_requested_units() -> None:
    w = make(frozenset({"units-ramp"}), model_unit_quota=4, **DELAYS)
    assert w.create("a", modelUnits=3).status == 201
    assert w.create("b", modelUnits=2).error == "ServiceQuotaExceededException"


def test_rename_via_updating_with_no_delay_is_immediately_in_service() -> None:
    w = make(frozenset({"rename-via-updating"}))
    w.create()
    assert w.update(desiredProvisionedModelName="renamed").outcome == OK
    assert w.get("renamed").json["status"] == "InService"


# --- all quirks at once: still one consistent, conformant server ---------------------------------------------

_MODEL = botocore.session.get_session().get_service_model("bedrock")
_FOUNDATION_ARN = re.compile(_MODEL.shape_for("FoundationModelArn").metadata["pattern"])
_MODEL_ARN = re.compile(_MODEL.shape_for("ModelArn").metadata["pattern"])


def _consistent(document: dict[str, Any]) -> None:
    """What every Get/List answer must satisfy, whatever the quirks."""
    assert document["status"] in {"Creating", "InService", "Updating", "Failed"}
    assert _FOUNDATION_ARN.fullmatch(document["foundationModelArn"])
    assert _MODEL_ARN.fullmatch(document["modelArn"]) and _MODEL_ARN.fullmatch(document["desiredModelArn"])
    assert 1 <= document["modelUnits"] <= document["desiredModelUnits"]
    if document["status"] == "InService":
        assert document["modelUnits"] == document["desiredModelUnits"]
        assert document["modelArn"] == document["desiredModelArn"]
    if document["modelArn"] != document["desiredModelArn"]:
        assert document["status"] in {"Creating", "Updating"}
    assert document["lastModifiedTime"] >= document["creationTime"]
    if "commitmentExpirationTime" in document:
        assert document["commitmentExpirationTime"] > document["creationTime"]


def test_all_quirks_compose() -> None:
    # Throttling answers any request 429 by count: the suite's retries prove it is tolerated (the self-test runs
    # every quirk); here it would only shift which answer this walk sees.
    w = make(ALL_QUIRKS - {"throttling"}, **DELAYS)
    committed = w.arn("committed", modelUnits=2, commitmentDuration="OneMonth", tags=_tags({"team": "a"}))
    custom = w.arn("custom", model=CUSTOM_A)
    w.arn("Plain")

    def check_all() -> None:
        for name in ("committed", "custom-2", "Plain"):
            answer = w.get(name)
            if answer.status == 200:
                _consistent(answer.json)
        for summary in _all_pages(w):
            _consistent(summary)

    # Creating: units ramp, delete refused, updates accepted, provisional commitment term.
    assert w.get("committed").json["modelUnits"] == 1
    assert w.delete("Plain").outcome == CONFLICT
    assert w.update("custom", desiredProvisionedModelName="custom-2", desiredModelId=CUSTOM_B).outcome == OK
    provisional = w.get("committed").json["commitmentExpirationTime"]
    check_all()
    # Default List: ascending, two a page, a trailing token on the last full page.
    assert _all_pages(w, names=True) == ["committed", "custom-2", "Plain"]
    assert w.names(sortOrder="Descending") == ["committed", "custom-2"]  # ignored without sortBy
    assert w.names(sortOrder="Descending", sortBy="CreationTime", maxResults=5) == ["Plain", "custom-2", "committed"]
    assert w.names(nameContains="PLAIN") == ["Plain"]
    assert w.page(nextToken="garbage").json == {"provisionedModelSummaries": []}
    assert w.page(modelArnEquals=CUSTOM_A).outcome == OK  # an offered model
    # The Creating end: the custom PT continues as Updating toward its new model; the term is fixed.
    w.clock.now += 10
    assert w.get("custom-2").json["status"] == "Updating"
    assert w.get("committed").json["commitmentExpirationTime"] != provisional
    fixed = w.get("committed").json["commitmentExpirationTime"]
    check_all()
    w.clock.now += 10
    assert w.get("custom-2").json["modelArn"] == CUSTOM_B
    # Renames pass through Updating; tags bump lastModifiedTime; absent keys are refused.
    assert w.update("Plain", desiredProvisionedModelName="plain-2").outcome == OK
    assert w.get("plain-2").json["status"] == "Updating"
    assert w.delete("plain-2").outcome == CONFLICT
    before = w.get("committed").json["lastModifiedTime"]
    assert w.tag(committed, extra="x").outcome == OK
    assert w.get("committed").json["lastModifiedTime"] > before
    assert w.untag(committed, "absent").outcome == V
    assert w.tags(committed) == {"team": "a", "extra": "x"}
    assert w.update("committed").outcome == OK  # empty update
    check_all()
    w.clock.now += 10
    assert w.delete("plain-2").outcome == OK
    assert w.delete(custom).outcome == OK
    assert w.delete("committed").outcome == CONFLICT  # the commitment term runs
    assert w.get("committed").json["commitmentExpirationTime"] == fixed
    assert w.get(FOREIGN_ARN).outcome == DENIED
    assert w.get(UNKNOWN_ARN).outcome == NOT_FOUND
    assert w.get("bad name!").outcome == NOT_FOUND
    assert w.create("x", model="amazon.nonexistent-v1:0:4k").outcome == DENIED
    assert w.create("bad name!").outcome == V  # Create's name pattern is still checked


def _all_pages(w: Wire, *, names: bool = False) -> list[Any]:
    found: list[Any] = []
    token = None
    for _ in range(20):
        page = w.page(**({"nextToken": token} if token else {})).json
        found += page["provisionedModelSummaries"]
        token = page.get("nextToken")
        if not token:
            break
    else:
        raise AssertionError("List never ended")
    return [s["provisionedModelName"] for s in found] if names else found


# --- catalogue, configuration and CLI ------------------------------------------------------------------------


def test_every_quirk_is_documented_and_implemented() -> None:
    source = "".join(inspect.getsource(module) for module in (core, dispatch, listing, store, tagging))
    assert ALL_QUIRKS == frozenset(QUIRKS)
    assert not QUIRKS.keys() & FAULTS.keys()
    for name, description in QUIRKS.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)
        assert description.strip() and "\n" not in description, name
        assert "(" in description, f"{name}: say which contract freedom it uses"
        constant = name.upper().replace("-", "_")
        assert getattr(quirk_module, constant, None) == name, f"{name}: declare it as {constant} = _quirk(...)"
        assert re.search(rf"\b{constant}\b", source), f"{name} is not implemented in the emulator"


def test_quirks_are_off_by_default() -> None:
    assert EmulatorConfig().quirks == frozenset()
    assert Emulator().quirks == frozenset()


def test_unknown_quirk_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown quirk.*'nope'.*known quirks: .*trailing-token"):
        EmulatorConfig(quirks=frozenset({"nope"}))
    with pytest.raises(ValueError, match="unknown quirk"):
        EmulatorConfig(quirks=frozenset({"all"}))  # no magic value: pass ALL_QUIRKS
    assert EmulatorConfig(quirks="trailing-token").quirks == frozenset({"trailing-token"})  # type: ignore[arg-type]


def test_server_takes_repeatable_quirk_flags() -> None:
    args = _parser().parse_args(["--quirk", "trailing-token", "--quirk", "default-page-2", "--fault", "tags-dropped"])
    assert args.quirk == ["trailing-token", "default-page-2"]
    assert args.fault == ["tags-dropped"]
    assert _parser().parse_args([]).quirk == []


def test_server_refuses_an_unknown_quirk(capsys: pytest.CaptureFixture[str]) -> None:
    from bedrock_emulator.server import main

    with pytest.raises(SystemExit) as exited:
        main(["--quirk", "nope"])
    assert exited.value.code == 2
    assert "unknown quirk" in capsys.readouterr().err
