"""The billable plan at run time (real AWS only): the shared Provisioned Throughputs of
``conformance.targets.aws.SCHEDULE``.

``start()`` sends the creates of the slots the selected steps use (as many as max_live allows) when the target
opens, so that they are Creating while the free clauses run; ``take(slot)`` hands a step its slot once it settled
(polling with backoff), creating it then if it could not be created at the start (a smaller max_live). A create
that failed (refused, no quota, a conformance failure) is raised again in every step that takes the slot, so the
step's clauses carry the reason. On emulators there is no plan: each test creates its own.

The walks and the bounded list machine ``adopt`` a slot (``ProvisionedThroughputMachine.adopt``): the machine takes
the Provisioned Throughput as one of its records without creating it, and leaves it to the plan (its teardown never
deletes it; a slot's scheduled deleting step deletes it with the machine's own delete action).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import schemas
from conformance.catalogue.clauses import ConformanceFailure, QuotaRefused
from conformance.targets import aws, expect, preflight

if TYPE_CHECKING:
    from conformance.targets.target import Target

CREATE = schemas.operation("CREATE").method
PT1_TAGS = ({"key": "team", "value": "conformance"}, {"key": "empty", "value": ""})


@dataclass
class Slot:
    name: str
    params: dict[str, Any]
    created: dict[str, Any] | None = None
    error: BaseException | None = None
    settled: dict[str, Any] | None = None
    sent_at: float = 0.0
    adopted: bool = False  # a machine took it as its record (the first learns it from the create request)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return str((self.created or {}).get("provisionedModelArn"))


class Plan:
    def __init__(self, target: Target, tests: list[str]) -> None:
        self.target = target
        self.steps = [s for s in aws.SCHEDULE if s.test in tests]
        self.slots: dict[str, Slot] = {}
        # Slots in the order the steps first use them: with a smaller max_live the first ones are created at the
        # start, the others when a step takes them (once an earlier slot was deleted).
        self.order = list(dict.fromkeys(slot for step in self.steps for slot in step.uses))

    @property
    def namespace(self) -> str:
        """The prefix every slot's name starts with (the bounded list machine isolates its queries with it)."""
        return f"{self.target.run_prefix}-{self.target.worker}-p-"

    def _params(self, slot: str) -> dict[str, Any]:
        t = self.target
        params: dict[str, Any] = {"modelUnits": 1, "provisionedModelName": t.new_name(aws.SLOT_HINTS[slot]),
                                  "modelId": t.settings.models[0], "tags": [dict(t.run_tag)]}
        if slot == "pt1":
            params["tags"] += [dict(tag) for tag in PT1_TAGS]
        else:
            params["clientRequestToken"] = f"tok-{t.run_id}-{slot}-{int(time.time() * 1000)}"
        return params

    def start(self) -> None:
        """Send the creates of as many slots as max_live allows; the free clauses run while they are Creating."""
        for slot in self.order[:self.target.settings.max_live]:
            self._create(slot)

    def _create(self, slot: str) -> Slot:
        entry = Slot("", self._params(slot))
        entry.name = entry.params["provisionedModelName"]
        self.slots[slot] = entry
        entry.sent_at = time.time()
        try:
            entry.created = expect.ok(self.target, "CREATE-ACCEPTS-VALID", CREATE, **entry.params)
        except Exception as exc:  # noqa: BLE001 - raised again in every step that takes the slot
            entry.error = exc
        return entry

    def account_refusal(self) -> str | None:
        """One line when a create of the plan was refused for what the account is, not for what the server does:
        no model-unit quota (ServiceQuotaExceededException), a Legacy model, a region without Provisioned
        Throughput (docs/aws.md, "A first real run"); None otherwise."""
        region = self.target.settings.region
        for entry in self.slots.values():
            error = entry.error
            if isinstance(error, QuotaRefused):
                return preflight.quota_refused_line(region, "the first create answered ServiceQuotaExceededException")
            if isinstance(error, ConformanceFailure):
                text = error.message.lower()
                if "legacy" in text:
                    return (f"the model {entry.params['modelId']} is Legacy in {region}: it takes no new Provisioned "
                            f"Throughput (UG model-lifecycle); choose an ACTIVE one with --models ({error.message})")
                if "accessdenied" in text and "not supported" in text:
                    return f"Provisioned Throughput is not offered in {region}: {error.message}"
        return None

    def quota_refusal_verdict(self) -> tuple[bool, str] | None:
        """CREATE-QUOTA-REFUSAL on an account without model units: the refused creates of the plan left no name in
        List (passed, message) or did (failed, message); None when the quota refused none."""
        refused = [entry for entry in self.slots.values() if isinstance(entry.error, QuotaRefused)]
        if not refused:
            return None
        found = []
        for entry in refused:
            page = self.target.sdk.list_provisioned_model_throughputs(nameContains=entry.name)
            found += [s.get("provisionedModelArn") for s in page.get("provisionedModelSummaries", [])
                      if s.get("provisionedModelName") == entry.name]
        if found:
            return False, f"creates refused with ServiceQuotaExceededException still created {found}"
        return True, ""

    def take(self, slot: str, clause: str, *, settle: bool = True) -> Slot:
        """The slot's Provisioned Throughput, settled (InService or Failed) unless ``settle`` is false; its
        create's failure if it failed."""
        entry = self.slots.get(slot)
        if entry is None or (entry.created is None and isinstance(entry.error, aws.BillableRefused)):
            entry = self._create(slot)  # not created yet, or refused by the live cap then: try now
        if entry.error is not None:
            raise entry.error
        if not self.target.created.get(entry.arn, False):
            raise aws.BillableRefused(f"{slot.upper()} was deleted earlier in the plan")
        if settle and entry.settled is None:
            entry.settled = expect.wait_settled(self.target, clause, entry.arn)
        return entry

    def retire(self) -> None:
        """Delete the shared slots still alive. The families with creates of their own run after every shared
        step (conformance.targets.aws.SCHEDULE); when the step that deletes a slot was not selected (--only),
        its slot would otherwise hold a max_live place to the end of the run."""
        for entry in self.slots.values():
            if entry.created is not None and self.target.created.get(entry.arn, False):
                try:
                    self.target.sdk.delete_provisioned_model_throughput(provisionedModelId=entry.arn)
                except Exception:  # noqa: BLE001 - still held: the family's room check then skips with the reason
                    continue

    def current_name(self, slot: str, clause: str) -> str:
        """The slot's name now (a step may have renamed it)."""
        entry = self.take(slot, clause)
        got = expect.ok(self.target, clause, "get_provisioned_model_throughput", provisionedModelId=entry.arn)
        return str(got.get("provisionedModelName"))
