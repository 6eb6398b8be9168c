"""Running against real AWS without surprise bills or leftovers.

- ``--target aws`` runs free clauses only. Billable clauses need ``--allow-billable`` and then stay inside hard
  caps (modelUnits 1, never a commitmentDuration, at most ``max_live`` alive at once, ``budget_seconds`` of
  wall clock); the run prints what it may create and an hourly estimate, and asks unless ``--yes``.
- Commitment clauses never run against AWS.
- ``sweep`` lists (and with ``--delete`` removes) only what carries both the run name prefix and the run tag.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from conformance.settings import Settings

# Hourly on-demand (no-commitment) price per model unit, USD, for planning only. Sources: the Amazon Bedrock
# pricing page's Provisioned Throughput tables as summarised in the team's contract notes; prices change, so
# the estimate says its date and the page to check. Unknown models use the conservative fallback.
PRICES_AS_OF = "2026-11-27 (check https://aws.amazon.com/bedrock/pricing/ before you run)"
HOURLY_PER_MODEL_UNIT = {
    "amazon.titan-text-express-v1:0:8k": 20.50,
    "amazon.titan-text-lite-v1:0:4k": 7.10,
    "amazon.titan-embed-text-v1:2:8k": 6.40,
    "anthropic.claude-instant-v1:2:100k": 44.00,
    "anthropic.claude-v2:1:200k": 70.00,
    "meta.llama2-13b-chat-v1:0:4k": 21.18,
    "cohere.command-text-v14:7:4k": 49.50,
}
FALLBACK_HOURLY = 100.0
MINIMUM_BILLED_HOURS = 1  # a no-commitment Provisioned Throughput is billed at least about one hour


class BillableRefused(Exception):
    """A request that could cost money was stopped before it left the process."""


@dataclass
class BillableGuard:
    """Checks every Create before it is sent to AWS. Never lets a commitment through, whatever the flags."""

    settings: Settings
    live: Callable[[], int]
    started: float = 0.0

    def check_create(self, body: bytes | str | None) -> None:
        raw = body.encode() if isinstance(body, str) else (body or b"")
        try:
            params = json.loads(raw) if raw.strip() else {}
        except ValueError:
            params = {}
        if b"commitmentDuration" in raw or (isinstance(params, dict) and "commitmentDuration" in params):
            raise BillableRefused("commitmentDuration is never sent to AWS")
        if not self.settings.allow_billable:
            raise BillableRefused("no create request is sent to AWS without --allow-billable")
        if isinstance(params, dict) and params.get("modelUnits") not in (1, None):
            raise BillableRefused(f"modelUnits {params.get('modelUnits')!r} exceeds the cap of 1 on AWS")
        if self.live() >= self.settings.max_live:
            raise BillableRefused(f"{self.settings.max_live} Provisioned Throughputs are alive: the cap "
                                  "(max_live) is reached")
        if not self.started:
            self.started = time.monotonic()
        elif time.monotonic() - self.started > self.settings.budget_seconds:
            raise BillableRefused(f"the billable budget of {self.settings.budget_seconds:.0f}s is spent")


def plan(settings: Settings) -> str:
    """What a billable run may create, and what it may cost per hour at most."""
    prices = [HOURLY_PER_MODEL_UNIT.get(m, FALLBACK_HOURLY) for m in settings.models]
    worst = max(prices) * settings.max_live
    lines = [
        "bedrock-conformance: billable run against real AWS",
        f"  it may create up to {settings.max_live} no-commitment Provisioned Throughputs at once, 1 model unit "
        f"each, of: {', '.join(settings.models)}",
        f"  names start with '{settings.name_prefix}<run id>-' and carry the tag bedrock-conformance-run",
        f"  estimated cost: at most ${worst:,.2f} per hour while they live, at least {MINIMUM_BILLED_HOURS} hour "
        f"billed each (prices as of {PRICES_AS_OF})",
        f"  wall-clock budget: {settings.budget_seconds:.0f}s; never a commitment term",
        "  everything it creates is deleted at the end, on failure, Ctrl-C and SIGTERM; "
        "`bedrock-conformance sweep --target aws --delete` removes leftovers of a killed run",
    ]
    return "\n".join(lines)


def confirm(settings: Settings, *, assume_yes: bool, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
            ) -> bool:
    stdout.write(plan(settings) + "\n")
    if assume_yes:
        return True
    if stdin is None or not stdin.isatty():
        stdout.write("bedrock-conformance: not confirmed (no terminal to ask; pass --yes to confirm)\n")
        return False
    stdout.write("Proceed? [y/N] ")
    stdout.flush()
    return stdin.readline().strip().lower() in ("y", "yes")


def leftovers(target: Any) -> list[dict[str, Any]]:
    """Provisioned Throughputs with both the name prefix and the run tag: what earlier runs left."""
    from conformance.targets import RUN_TAG_KEY

    found = []
    paginator_token = None
    while True:
        params: dict[str, Any] = {"nameContains": target.settings.name_prefix}
        if paginator_token:
            params["nextToken"] = paginator_token
        page = target.sdk.list_provisioned_model_throughputs(**params)
        for summary in page.get("provisionedModelSummaries", []):
            if not summary["provisionedModelName"].startswith(target.settings.name_prefix):
                continue
            tags = target.sdk.list_tags_for_resource(resourceARN=summary["provisionedModelArn"]).get("tags", [])
            run = next((t["value"] for t in tags if t["key"] == RUN_TAG_KEY), None)
            if run is not None and summary["provisionedModelName"].startswith(target.settings.name_prefix + run):
                found.append({**summary, "run": run})
        paginator_token = page.get("nextToken")
        if not paginator_token:
            return found
