"""What a run created on its target: the names it hands out, every ARN a create returned, and the cleanup.

The run only ever creates or touches resources under its own names (the run prefix) and tag; `Ledger.track`
sees every answer to Create, Update and Delete on every channel (the target's checker hook, the raw channel and
the schemathesis phase), and `cleanup` deletes what is still alive of what the run created, nothing else.

Public: `Ledger`, `new_run_id`, `TRACKED` (the operations whose answers the ledger reads).
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

import schemas
from botocore.exceptions import ClientError

from conformance.catalogue.settings import RUN_TAG_KEY

_CREATE, _UPDATE, _DELETE = (schemas.operation(key).name for key in ("CREATE", "UPDATE", "DELETE"))
TRACKED = frozenset({_CREATE, _DELETE, _UPDATE})


def new_run_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(6))


def _body_member(request: dict[str, Any] | None, member: str) -> str | None:
    try:
        value = json.loads((request or {}).get("body") or "{}").get(member)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


class Ledger:
    """The resources of one run on one worker. ``created`` maps each ARN a create returned to whether it is still
    alive as far as the run knows; ``accepted_tokens`` are the clientRequestTokens of accepted creates;
    ``create_requests`` counts the creates answered (refusals included)."""

    def __init__(self, name_prefix: str, run_id: str, worker: str) -> None:
        self.run_id = run_id
        self.worker = worker
        self.run_prefix = f"{name_prefix}{run_id}"
        self.created: dict[str, bool] = {}
        self.accepted_tokens: set[str] = set()
        self.create_requests = 0
        # Called after each answered create, once its ARN counts as live (the billable guard: no gap in its cap).
        self.on_create_answered: Callable[[], None] | None = None
        self._arn_of_name: dict[str, str] = {}
        self._names = 0
        self._lock = threading.Lock()

    def live(self) -> int:
        return sum(self.created.values())

    def new_name(self, hint: str = "") -> str:
        """A fresh name carrying the run prefix (the only names this run ever creates or touches)."""
        with self._lock:
            self._names += 1
            number = self._names
        return f"{self.run_prefix}-{self.worker}-{hint}{number}"[:63]

    @property
    def run_tag(self) -> dict[str, str]:
        return {"key": RUN_TAG_KEY, "value": self.run_id}

    def track(self, operation: str, status: int, data: Any, *, request: dict[str, Any] | None) -> None:
        """Keep the run's own resources: every ARN a create returned, and whether it is still alive."""
        ok = 200 <= status < 300
        with self._lock:
            if operation == _CREATE:
                self._created(ok, data, request)
            elif ok and request and operation in (_DELETE, _UPDATE):
                ident = urllib.parse.unquote(urllib.parse.urlsplit(request["url"]).path.rsplit("/", 1)[-1])
                arn = ident if ident.startswith("arn:") else self._arn_of_name.get(ident)
                if arn and operation == _DELETE:
                    self.created[arn] = False
                elif arn:
                    new_name = _body_member(request, "desiredProvisionedModelName")
                    if new_name:
                        self._arn_of_name[new_name] = arn

    def _created(self, ok: bool, data: Any, request: dict[str, Any] | None) -> None:
        self.create_requests += 1
        if ok and isinstance(data, dict) and data.get("provisionedModelArn"):
            arn = str(data["provisionedModelArn"])
            self.created.setdefault(arn, True)
            name = _body_member(request, "provisionedModelName")
            if name:
                self._arn_of_name[name] = arn
            token = _body_member(request, "clientRequestToken")
            if token:
                self.accepted_tokens.add(token)
        if self.on_create_answered is not None:
            self.on_create_answered()

    def forget(self, arn: str) -> None:
        with self._lock:
            self.created[arn] = False

    def untracked_own(self, sdk: Any) -> list[str]:
        """ARNs the server holds under this worker's own names and this run's tag that the run never saw answered:
        a create that Ctrl-C or SIGTERM interrupted after the server stored it. Nothing else qualifies."""
        prefix = f"{self.run_prefix}-{self.worker}-"
        found = []
        pages = sdk.get_paginator("list_provisioned_model_throughputs").paginate(nameContains=prefix)
        for page in pages:
            for summary in page.get("provisionedModelSummaries", []):
                arn = summary.get("provisionedModelArn")
                if not arn or arn in self.created or not str(summary.get("provisionedModelName", "")).startswith(prefix):
                    continue
                tags = sdk.list_tags_for_resource(resourceARN=arn).get("tags", [])
                if self.run_tag in tags:
                    found.append(arn)
        return found

    def cleanup(self, sdk: Any, *, look_for_untracked: bool) -> dict[str, str]:
        """Delete what this run created and is still alive; nothing else. Returns what it could not delete
        (ARN -> the error that refused it). With ``look_for_untracked`` (targets that outlive the run), a create
        interrupted between the server storing it and the answer arriving is found by this worker's names and the
        run's tag."""
        left: dict[str, str] = {}
        if look_for_untracked:
            try:
                for arn in self.untracked_own(sdk):
                    with self._lock:
                        self.created.setdefault(arn, True)
            except Exception:  # noqa: BLE001 - the tracked ARNs are still deleted below
                pass
        for arn, alive in list(self.created.items()):
            if not alive:
                continue
            try:
                sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
                self.forget(arn)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code == "ResourceNotFoundException":
                    self.forget(arn)
                else:
                    left[arn] = str(code)
            except Exception as exc:  # noqa: BLE001 - cleanup must never mask the run's own outcome
                left[arn] = type(exc).__name__
        return left
