"""Each fault changes the one observable behaviour it names.

A probe runs the same few raw requests against a healthy emulator and against one with the fault on, and
returns an observation; the two observations must be the expected healthy and faulty ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from emulator_wire import Answer, Clock, parallel

from bedrock_emulator import FAULTS, Emulator, EmulatorConfig

TITAN = "amazon.titan-text-express-v1:0:8k"
ACCOUNT = "123456789012"
CLAUDE = "anthropic.claude-v2:1:200k"
COLLECTION = "/provisioned-model-throughput"


class Wire:
    """Raw requests to one emulator."""

    def __init__(self, emulator: Emulator, clock: Clock) -> None:
        self.emulator, self.clock = emulator, clock
        self.last_arn = ""  # of the last PT created with arn()

    def call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Answer:
        payload = b"" if body is None else json.dumps(body).encode()
        return Answer(*self.emulator.handle(method, path, urlencode(query or {}), {}, payload))

    def create(self, name: str = "pt", model: str = TITAN, **extra: Any) -> Answer:
        self.clock.now += 1  # distinct creation times keep orders deterministic
        return self.call(
            "POST", COLLECTION, {"provisionedModelName": name, "modelId": model, "modelUnits": 1, **extra}
        )

    def arn(self, name: str = "pt", **extra: Any) -> str:
        """Create a PT and return its ARN (read back with Get, so faulty Create bodies don't matter)."""
        self.create(name, **extra)
        self.last_arn = self.get(name).json["provisionedModelArn"]
        return self.last_arn

    def get(self, ident: str = "pt") -> Answer:
        return self.call("GET", f"{COLLECTION}/{quote(ident, safe='')}")

    def update(self, ident: str = "pt", **body: Any) -> Answer:
        self.clock.now += 1
        return self.call("PATCH", f"{COLLECTION}/{quote(ident, safe='')}", body)

    def delete(self, ident: str = "pt") -> Answer:
        return self.call("DELETE", f"{COLLECTION}/{quote(ident, safe='')}")

    def list(self, **query: Any) -> list[dict[str, Any]]:
        return self.call("GET", COLLECTION + "s", query=query).json["provisionedModelSummaries"]

    def names(self, **query: Any) -> list[str]:
        return [s["provisionedModelName"] for s in self.list(**query)]

    def all_pages(self, limit: int = 10, **query: Any) -> list[str]:
        names: list[str] = []
        token = None
        for _ in range(limit):  # a faulty List may never end
            page = self.call(
                "GET", COLLECTION + "s", query={**query, **({"nextToken": token} if token else {})}
            ).json
            names += [s["provisionedModelName"] for s in page["provisionedModelSummaries"]]
            token = page.get("nextToken")
            if not token:
                break
        return names

    def page_count(self, limit: int = 10, **query: Any) -> int:
        token, pages = None, 0
        while pages < limit:
            pages += 1
            page = self.call("GET", COLLECTION + "s", query={**query, **({"nextToken": token} if token else {})}).json
            token = page.get("nextToken")
            if not token:
                break
        return pages

    def tags(self, arn: str) -> Answer:
        return self.call("POST", "/listTagsForResource", {"resourceARN": arn})


TAGGED = {"tags": [{"key": "k", "value": "v"}]}
FIFTY_ONE_TAGS = {"tags": [{"key": f"k{i}", "value": ""} for i in range(51)]}


def nothing(wire: Wire) -> None:
    pass


def create(wire: Wire) -> None:
    wire.create()


def create_committed(wire: Wire) -> None:
    wire.create(commitmentDuration="OneMonth")


def three(wire: Wire) -> None:
    for name in ("a", "b", "c"):
        wire.create(name)


def rename(wire: Wire) -> None:
    wire.create("old")
    wire.update("old", desiredProvisionedModelName="new")


def create_and_delete(wire: Wire) -> None:
    wire.arn("gone", **TAGGED)
    wire.delete("gone")


def delete_answer(wire: Wire) -> tuple[int, bytes]:
    answer = wire.delete()
    return answer.status, answer.body


def list_status(wire: Wire, **query: Any) -> int:
    return wire.call("GET", COLLECTION + "s", query=query).status


def times_changed_by_update(wire: Wire) -> tuple[bool, bool]:
    """(creationTime changed, lastModifiedTime changed) by a rename."""
    before = wire.get().json
    wire.update(desiredProvisionedModelName="pt2")
    after = wire.get("pt2").json
    return after["creationTime"] != before["creationTime"], after["lastModifiedTime"] != before[
        "lastModifiedTime"
    ]


def create_on_custom_model(wire: Wire) -> None:
    wire.create("pt", wire.emulator.config.custom_models[0].name)  # type: ignore[index]


def tag(wire: Wire, body: dict[str, Any]) -> Answer:
    return wire.call("POST", "/tagResource", body)


def untag(wire: Wire, body: dict[str, Any]) -> Answer:
    return wire.call("POST", "/untagResource", body)


def custom_model_moved_to_base(wire: Wire) -> tuple[int, str]:
    """(status, resource type of desiredModelArn) after moving a custom-model PT to its base model."""
    base = wire.emulator.config.custom_models[0].base_model_id  # type: ignore[index]
    status = wire.update(desiredModelId=base).status
    return status, wire.get().json["desiredModelArn"].split(":")[5].split("/")[0]


VE, RNF, ISE = (400, "ValidationException"), (404, "ResourceNotFoundException"), (500, "InternalServerException")


@dataclass(frozen=True)
class Check:
    """`setup`, then `observe`: the observation must be `healthy` without the fault and `faulty` with it."""

    observe: Callable[[Wire], Any]
    healthy: Any
    faulty: Any
    setup: Callable[[Wire], None] = nothing
    config: dict[str, Any] = field(default_factory=dict)


def case_tags(w: Wire) -> dict[str, str]:
    arn = w.arn(tags=[{"key": "team", "value": "a"}])
    tag(w, {"resourceARN": arn, "tags": [{"key": "Team", "value": "b"}, {"key": "blank", "value": ""}]})
    return {t["key"]: t["value"] for t in w.tags(arn).json["tags"]}


def renamed_arn_resolves(w: Wire) -> tuple[int, str | None]:
    arn = w.arn()
    w.update(desiredProvisionedModelName="renamed")
    got = w.get(arn)
    return got.status, (got.json or {}).get("provisionedModelName")


def reserved_prefix(w: Wire) -> tuple[int, list[str]]:
    arn = w.arn()
    answer = tag(w, {"resourceARN": arn, "tags": [{"key": "aws:x", "value": "1"}, {"key": "ok", "value": "1"}]})
    return answer.status, sorted(t["key"] for t in w.tags(arn).json["tags"])


def quota_refusal(w: Wire) -> tuple[int, list[str]]:
    answer = w.call("POST", COLLECTION, {"provisionedModelName": "big", "modelId": TITAN, "modelUnits": 100000})
    return answer.status, w.names()


CHECKS: dict[str, Check] = {
    "create-status-200": Check(lambda w: w.create().status, 201, 200),
    "create-missing-arn": Check(lambda w: "provisionedModelArn" in w.create().json, True, False),
    "get-missing-member": Check(lambda w: "foundationModelArn" in w.get().json, True, False, create),
    "get-null-member": Check(lambda w: None in w.get().json.values(), False, True, create),
    "list-null-member": Check(lambda w: None in w.list()[0].values(), False, True, create),
    "epoch-timestamps": Check(
        lambda w: (type(w.get().json["creationTime"]), type(w.list()[0]["lastModifiedTime"])),
        (str, str),
        (float, float),
        create,
    ),
    "modelunits-as-string": Check(lambda w: w.get().json["modelUnits"], 1, "1", create),
    "malformed-arn": Check(lambda w: len(w.arn().rsplit("/", 1)[1]), 12, 10),
    "wrong-region-arn": Check(lambda w: w.arn().split(":")[3], "us-east-1", "us-west-2"),
    "wrong-account-arn": Check(lambda w: w.arn().split(":")[4], "123456789012", "000000000000"),
    "content-type-text": Check(
        lambda w: (w.create().headers["Content-Type"], w.get("nope").headers["Content-Type"]),
        ("application/json", "application/json"),
        ("text/plain", "application/json"),
    ),
    "status-misspelled": Check(
        lambda w: (w.get().json["status"], w.list()[0]["status"]),
        ("InService", "InService"),
        ("INSERVICE", "INSERVICE"),
        create,
    ),
    "delete-status-204": Check(delete_answer, (200, b"{}"), (204, b""), create),
    "success-status-201": Check(lambda w: (w.create("b").status, w.get().status), (201, 200), (201, 201), create),
    "update-status-202": Check(lambda w: w.update(desiredProvisionedModelName="x").status, 200, 202, create),
    "tag-status-201": Check(lambda w: tag(w, {"resourceARN": w.arn(), **TAGGED}).status, 200, 201),
    "untag-status-204": Check(
        lambda w: (lambda a: (a.status, a.body))(untag(w, {"resourceARN": w.arn(**TAGGED), "tagKeys": ["k"]})),
        (200, b"{}"), (204, b""),
    ),
    "empty-answers-array": Check(
        lambda w: (w.update(desiredProvisionedModelName="x").body, w.delete("x").body), (b"{}", b"{}"),
        (b"[]", b"[]"), create,
    ),
    "untag-answers-tag-list": Check(
        lambda w: untag(w, {"resourceARN": w.arn(tags=[{"key": "k", "value": "v"}, {"key": "k2", "value": "v"}]),
                            "tagKeys": ["k"]}).json,
        {}, [{"key": "k2", "value": "v"}],
    ),
    "tags-as-map": Check(lambda w: w.tags(w.arn(**TAGGED)).json["tags"], TAGGED["tags"], {"k": "v"}),
    "no-name-pattern-validation": Check(
        lambda w: (w.create("bad name!").status, w.create("a" * 64).status), (400, 400), (201, 400)
    ),
    "no-name-length-validation": Check(
        lambda w: (w.create("a" * 64).status, w.create("bad name!").status), (400, 400), (201, 400)
    ),
    "no-modelunits-range": Check(
        lambda w: (w.create(modelUnits=0).status, w.create("n", modelUnits=-1).status), (400, 400), (201, 201)
    ),
    "no-enum-validation": Check(
        lambda w: (
            w.create(commitmentDuration="OneYear").status,
            "commitmentDuration" in (w.get().json or {}),
            list_status(w, statusEquals="Gone", sortOrder="Up"),
        ),
        (400, False, 400),
        (201, False, 200),
    ),
    "no-maxresults-range": Check(
        lambda w: (list_status(w, maxResults=0), list_status(w, maxResults=1001)), (400, 400), (200, 200)
    ),
    "no-token-validation": Check(
        lambda w: (
            w.create(clientRequestToken="-bad-").status,
            w.create("b", clientRequestToken="t" * 257).status,
        ),
        (400, 400),
        (201, 201),
    ),
    "no-tag-validation": Check(
        lambda w: (
            w.create(tags=[{"key": "bad!", "value": "v" * 257}]).status,
            w.create("b", tags=[{"key": "", "value": "v"}]).status,
        ),
        (400, 400),
        (201, 201),
    ),
    "missing-required-accepted": Check(
        lambda w: (
            w.call("POST", COLLECTION, {"provisionedModelName": "pt", "modelId": TITAN}).status,
            w.get().json.get("modelUnits"),
        ),
        (400, None),
        (201, 1),
    ),
    "wrong-type-accepted": Check(
        lambda w: (w.create(modelUnits="2").status, w.get().json.get("modelUnits")), (400, None), (201, 2)
    ),
    "no-model-id-validation": Check(
        lambda w: (w.create(model="Bad Model!").outcome, w.create("b", model="x" * 2049).outcome), (VE, VE),
        (RNF, RNF),
    ),
    "no-arn-length-validation": Check(lambda w: (w.tags("abc").outcome, w.tags("a" * 1100).outcome), (VE, VE),
                                      (RNF, RNF)),
    "no-list-filter-validation": Check(
        lambda w: (list_status(w, sortBy="Name"), list_status(w, creationTimeAfter="yesterday"),
                   list_status(w, nameContains="bad name!")),
        (400, 400, 400), (200, 200, 200),
    ),
    "tagging-required-unchecked": Check(
        lambda w: (tag(w, TAGGED).outcome, w.call("POST", "/listTagsForResource", {}).outcome), (VE, VE), (ISE, ISE)
    ),
    "validation-server-error": Check(lambda w: w.create("bad name").outcome, VE, ISE),
    "unknown-id-validation-error": Check(
        lambda w: (w.get("nope").outcome, w.tags(f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/"
                                                  "abcdefghij12").outcome),
        (RNF, RNF), (VE, VE),
    ),
    "unknown-model-accepted": Check(lambda w: w.create(model="amazon.nothing-v1").status, 404, 201),
    "list-needs-max-results": Check(lambda w: (list_status(w), list_status(w, maxResults=5)), (200, 200), (400, 200)),
    "empty-update-server-error": Check(lambda w: w.update().outcome, VE, ISE, create),
    "custom-desired-model-ignored": Check(
        custom_model_moved_to_base, (200, "foundation-model"), (200, "custom-model"), create_on_custom_model
    ),
    "undocumented-error-code": Check(
        lambda w: (w.get("nope").error, w.get("nope").status),
        ("ResourceNotFoundException", 404),
        ("NotFoundException", 404),
    ),
    "validation-status-422": Check(
        lambda w: (w.create("bad name").status, w.create("bad name").error),
        (400, "ValidationException"),
        (422, "ValidationException"),
    ),
    "error-no-message": Check(lambda w: "message" in w.get("nope").json, True, False),
    "serialization-for-constraint": Check(
        lambda w: (w.create("bad name!").outcome, w.create("ok", modelUnits="x").outcome),
        ((400, "ValidationException"), (400, "ValidationException")),
        ((400, "SerializationException"), (400, "ValidationException")),
    ),
    "malformed-body-500": Check(
        lambda w: Answer(*w.emulator.handle("POST", COLLECTION, "", {}, b"[1]")).outcome,
        (400, "ValidationException"),
        (500, "InternalServerException"),
    ),
    "error-code-nested": Check(
        lambda w: (w.get("missing").error, w.get("missing").json),
        ("ResourceNotFoundException", {"message": "Provisioned model missing was not found"}),
        (None, {"message": "Provisioned model missing was not found",
                "error": {"__type": "com.amazonaws.bedrock#ResourceNotFoundException"}}),
    ),
    "server-error-on-long-name": Check(
        lambda w: (w.create("a" * 63).status, w.create("a" * 62).status), (201, 201), (500, 201)
    ),
    "server-error-on-empty-tag-value": Check(
        lambda w: (
            w.create("a", tags=[{"key": "k", "value": ""}]).status,
            w.call(
                "POST", "/tagResource", {"resourceARN": w.arn("b"), "tags": [{"key": "k", "value": ""}]}
            ).status,
            w.create("c", **TAGGED).status,
        ),
        (201, 200, 201),
        (500, 500, 201),
    ),
    "list-ignores-status-filter": Check(lambda w: len(w.list(statusEquals="Failed")), 0, 1, create),
    "list-ignores-model-filter": Check(
        lambda w: len(w.list(modelArnEquals=f"arn:aws:bedrock:us-east-1::foundation-model/{CLAUDE}")),
        0,
        1,
        create,
    ),
    "list-ignores-name-filter": Check(lambda w: len(w.list(nameContains="zzz")), 0, 1, create),
    "list-ignores-time-filters": Check(
        lambda w: (
            len(w.list(creationTimeAfter="2100-01-01T00:00:00Z")),
            len(w.list(creationTimeBefore="2000-01-01T00:00:00Z")),
        ),
        (0, 0),
        (1, 1),
        create,
    ),
    "list-sort-ignored": Check(
        lambda w: w.names(sortOrder="Ascending"), ["a", "b", "c"], ["c", "b", "a"], three
    ),
    "list-default-unsorted": Check(
        lambda w: (w.names(), w.names(sortOrder="Descending")),
        (["c", "b", "a"], ["c", "b", "a"]),
        (["a", "b", "c"], ["c", "b", "a"]),
        three,
    ),
    "list-page-loses-item": Check(
        lambda w: w.all_pages(maxResults=1, sortOrder="Ascending"), ["a", "b", "c"], ["a", "c"], three
    ),
    "list-page-repeats-item": Check(
        lambda w: w.all_pages(maxResults=2, sortOrder="Ascending"),
        ["a", "b", "c"],
        ["a", "b", "b", "c"],
        three,
    ),
    "list-maxresults-ignored": Check(lambda w: len(w.list(maxResults=1)), 1, 3, three),
    "list-token-ignored": Check(
        lambda w: w.all_pages(maxResults=2, sortOrder="Ascending")[:4],
        ["a", "b", "c"],
        ["a", "b", "a", "b"],
        three,
    ),
    "refused-create-leaves-record": Check(
        lambda w: (w.create(tags=[{"key": f"k{i}", "value": "v"} for i in range(51)]).error, w.get().status),
        ("TooManyTagsException", 404),
        ("TooManyTagsException", 200),
    ),
    "clock-two-days-behind": Check(
        lambda w: w.get().json["creationTime"][:10], "2023-10-02", "2023-09-30", create),
    "list-token-never-ends": Check(
        lambda w: (w.all_pages(maxResults=2, sortOrder="Ascending"), w.page_count(maxResults=2)),
        (["a", "b", "c"], 2),
        (["a", "b", "c"], 10),  # stops only at the page limit
        three,
    ),
    "list-garbage-token-accepted": Check(lambda w: list_status(w, nextToken="garbage"), 400, 200, three),
    "list-summary-stale-status": Check(
        lambda w: (w.list()[0]["status"], w.get().json["status"]),
        ("Creating", "Creating"),
        ("InService", "Creating"),
        create,
        {"create_delay": 60},
    ),
    "rename-stale-index": Check(
        lambda w: (w.get("old").status, w.get("new").status), (404, 200), (200, 200), rename
    ),
    "rename-list-stale": Check(
        lambda w: (w.names(), w.get("new").json["provisionedModelName"]),
        (["new"], "new"),
        (["old"], "new"),
        rename,
    ),
    "rename-duplicate-accepted": Check(
        lambda w: w.update("b", desiredProvisionedModelName="a").status, 400, 200, three
    ),
    "delete-leaves-listed": Check(
        lambda w: (w.names(), w.get("gone").status), ([], 404), (["gone"], 404), create_and_delete
    ),
    "delete-leaves-gettable": Check(
        lambda w: (w.get(w.last_arn).status, w.get("gone").status), (404, 404), (200, 404), create_and_delete
    ),
    "delete-keeps-tags": Check(
        lambda w: (w.tags(w.last_arn).status, w.get(w.last_arn).status),
        (404, 404),
        (200, 404),
        create_and_delete,
    ),
    "idempotency-ignored": Check(
        lambda w: tuple(w.create(clientRequestToken="same").status for _ in range(2)), (201, 201), (201, 400)
    ),
    "duplicate-names-accepted": Check(
        lambda w: (w.create().status, w.create().status), (201, 400), (201, 201)
    ),
    "tags-dropped": Check(lambda w: w.tags(w.arn(**TAGGED)).json["tags"], TAGGED["tags"], []),
    "tag-limit-unchecked": Check(lambda w: w.create(**FIFTY_ONE_TAGS).error, "TooManyTagsException", None),
    "untag-ignored": Check(
        lambda w: (
            w.call("POST", "/untagResource", {"resourceARN": w.arn(**TAGGED), "tagKeys": ["k"]}).status,
            len(w.tags(w.last_arn).json["tags"]),
        ),
        (200, 0),
        (200, 1),
    ),
    "update-rewrites-creation-time": Check(times_changed_by_update, (False, True), (True, True), create),
    "update-keeps-last-modified": Check(times_changed_by_update, (False, True), (False, False), create),
    "update-changes-model-units": Check(
        lambda w: (w.update(desiredProvisionedModelName="x").status, w.get("x").json["modelUnits"]),
        (200, 1),
        (200, 2),
        create,
    ),
    "desired-model-on-base-accepted": Check(
        lambda w: w.update(desiredModelId=CLAUDE).status, 400, 200, create
    ),
    "custom-foundation-arn-wrong": Check(
        lambda w: w.get().json["foundationModelArn"].split(":")[5].split("/")[0],
        "foundation-model",
        "custom-model",
        create_on_custom_model,
    ),
    "commitment-delete-allowed": Check(lambda w: w.delete().status, 400, 200, create_committed),
    "commitment-expiration-missing": Check(
        lambda w: sorted(key for key in w.get().json if key.startswith("commitment")),
        ["commitmentDuration", "commitmentExpirationTime"],
        ["commitmentDuration"],
        create_committed,
    ),
    "get-by-arn-broken": Check(lambda w: (w.get(w.arn()).status, w.get("pt").status), (200, 200), (404, 200)),
    "get-by-name-refused": Check(
        lambda w: (w.create("pt").status, w.get("pt").status, w.update("pt", desiredProvisionedModelName="q").status,
                   w.get(w.list()[0]["provisionedModelArn"]).status),
        (201, 200, 200, 200), (201, 404, 200, 200)),
    "model-arn-short-id": Check(
        lambda w: w.get().json["modelArn"],
        f"arn:aws:bedrock:us-east-1::foundation-model/{TITAN}",
        TITAN,
        create,
    ),
    "status-stuck-creating": Check(lambda w: w.get().json["status"], "InService", "Creating", create),
    "status-stuck-updating": Check(
        lambda w: (w.update(desiredModelId=w.emulator.config.custom_models[1].name).status,  # type: ignore[index]
                   w.get().json["status"]),
        (200, "InService"),
        (200, "Updating"),
        create_on_custom_model,
    ),
    "token-reuse-creates-second": Check(
        lambda w: (w.create("a", clientRequestToken="t").status, w.create("b", clientRequestToken="t").status,
                   len(w.list())),
        (201, 400, 1), (201, 201, 2)),
    "name-check-not-atomic": Check(
        lambda w: (sorted(a.status for a in parallel(*(lambda i=i: w.create(clientRequestToken=f"t{i}")
                                                       for i in range(4)))), len(w.list())),
        ([201, 400, 400, 400], 1), ([201] * 4, 4)),
    "token-check-not-atomic": Check(lambda w: (len(set(same_token_race(w))), len(w.list())), (1, 1), (4, 4)),
    "busy-500": Check(
        lambda w: 500 in [a.status for a in parallel(*(lambda i=i: w.create(f"pt{i}") for i in range(4)))],
        False, True),
    "empty-tag-value-dropped": Check(lambda w: case_tags(w).get("blank"), "", None),
    "tag-keys-case-folded": Check(lambda w: sorted(case_tags(w)), ["Team", "blank", "team"], ["Team", "blank"]),
    "rename-reissues-arn": Check(renamed_arn_resolves, (200, "renamed"), (404, None)),
    "reserved-prefix-partial-write": Check(reserved_prefix, (200, ["aws:x", "ok"]), (400, ["ok"])),
    "quota-refusal-leaves-record": Check(quota_refusal, (201, ["big"]), (400, ["big"])),
    "failed-not-deletable": Check(lambda w: (w.get().json["status"], w.delete().status, w.names()),
                                  ("Failed", 200, []), ("Failed", 400, ["pt"]), create,
                                  {"fail_models": (TITAN,)}),
}

CHECKS.update({
    "tag-keeps-old-value": Check(
        lambda w: (tag(w, {"resourceARN": w.arn(**TAGGED), "tags": [{"key": "k", "value": "new"}]}).status,
                   w.tags(w.last_arn).json["tags"]),
        (200, [{"key": "k", "value": "new"}]), (200, [{"key": "k", "value": "v"}])),
    "tag-duplicates-key": Check(
        lambda w: (tag(w, {"resourceARN": w.arn(**TAGGED), "tags": [{"key": "k", "value": "new"}]}).status,
                   [t["key"] for t in w.tags(w.last_arn).json["tags"]]),
        (200, ["k"]), (200, ["k", "k"])),
    "tag-lost-update": Check(
        lambda w: (sorted(a.status for a in parallel(*(
            lambda i=i, arn=w.arn(): tag(w, {"resourceARN": arn, "tags": [{"key": f"k{i}", "value": "v"}]})
            for i in range(4)))), len(w.tags(w.last_arn).json["tags"]) == 4),
        ([200] * 4, True), ([200] * 4, False)),
    "update-switches-model-at-once": Check(
        lambda w: (w.update(desiredModelId=w.emulator.config.custom_models[1].name).status,  # type: ignore[index]
                   w.get().json["status"],
                   w.get().json["modelArn"] == w.emulator.config.custom_models[0].arn),  # type: ignore[index]
        (200, "Updating", True), (200, "Updating", False), create_on_custom_model, {"update_delay": 60}),
    "update-cross-base-accepted": Check(
        lambda w: w.update(desiredModelId=w.emulator.config.custom_models[2].name).status,  # type: ignore[index]
        400, 200, create_on_custom_model),
    "arn-partition-always-aws": Check(
        lambda w: (w.arn().split(":")[1], w.get().json["foundationModelArn"].split(":")[1]),
        ("aws-cn", "aws-cn"), ("aws", "aws"), nothing, {"region": "cn-north-1"}),
    "list-name-filter-prefix": Check(
        lambda w: (w.create("pt-one").status, w.names(nameContains="one"), w.names(nameContains="pt")),
        (201, ["pt-one"], ["pt-one"]), (201, [], ["pt-one"])),
    "integer-coerces-bool-float": Check(
        lambda w: tuple(w.create(name, modelUnits=units).status for name, units in (("t", True), ("f", 1.5))),
        (400, 400), (201, 201)),
    "list-accepts-object": Check(
        lambda w: w.create(tags={"key": "k", "value": "v"}).status, 400, 201),
})


def same_token_race(w: Wire) -> list[str]:
    """The ARNs four identical creates with one clientRequestToken, sent at once, answer."""
    return [a.json["provisionedModelArn"] for a in parallel(*(lambda: w.create(clientRequestToken="t")
                                                              for _ in range(4)))]


def observe(check: Check, faults: frozenset[str]) -> Any:
    clock = Clock()
    wire = Wire(Emulator(EmulatorConfig(clock=clock, faults=faults, **check.config)), clock)
    check.setup(wire)
    return check.observe(wire)


def test_every_fault_has_a_check() -> None:
    assert CHECKS.keys() == FAULTS.keys()


@pytest.mark.parametrize("fault", sorted(CHECKS))
def test_fault_changes_its_behaviour(fault: str) -> None:
    check = CHECKS[fault]
    assert check.healthy != check.faulty
    assert observe(check, frozenset()) == check.healthy
    assert observe(check, frozenset({fault})) == check.faulty


def test_stuck_creating_with_a_delay() -> None:
    clock = Clock()
    wire = Wire(
        Emulator(EmulatorConfig(clock=clock, create_delay=5, faults=frozenset({"status-stuck-creating"}))),
        clock,
    )
    wire.create()
    clock.now += 3600
    assert wire.get().json["status"] == "Creating"


def test_faults_and_quirks_are_tested_by_constant() -> None:
    """The emulator names a fault or quirk by its constant (`CREATE_STATUS_200 in self.faults`), never by a bare
    string: a misspelt constant fails at import, a misspelt string would silently never switch anything on."""
    import ast
    from pathlib import Path

    import bedrock_emulator
    from bedrock_emulator.faults import FAULTS
    from bedrock_emulator.quirks import QUIRKS

    names = FAULTS.keys() | QUIRKS.keys()
    bare: list[str] = []
    for path in sorted(Path(bedrock_emulator.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text())
        declared = {
            id(node.args[0]) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_fault", "_quirk")
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                right = node.comparators[-1]
                holder = right.attr if isinstance(right, ast.Attribute) else getattr(right, "id", "")
                if holder in ("faults", "quirks") and isinstance(node.left, ast.Constant):
                    bare.append(f"{path.name}:{node.lineno}: {node.left.value!r} in {holder}")
            elif isinstance(node, ast.Constant) and node.value in names and id(node) not in declared:
                bare.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert not bare, "use the fault/quirk constants:\n" + "\n".join(sorted(set(bare)))
