"""The List query model: one query's parameters, which records it must, must not or may return, and which
clause a wrong answer fails.

A *facet* is one of the four user filters a query can set: "status" (statusEquals), "model" (modelArnEquals),
"name" (nameContains) and "time" (creationTimeAfter/Before); common.FILTER_CLAUSES maps each to its clause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conformance.drivers.stateful.common import FILTER_CLAUSES, utc
from conformance.drivers.stateful.model import Snapshot
from conformance.report.reproducer import literal


@dataclass(frozen=True)
class Query:
    """One List query: the user's filters, paging and sorting, and the namespace filter that isolates it."""

    status: str | None = None
    model: str | None = None
    name: str | None = None  # a user nameContains (holds the namespace when the query is isolated)
    after: datetime | None = None
    before: datetime | None = None
    max_results: int | None = None
    order: str | None = None
    sort_by: bool = False
    isolation: str | None = None  # nameContains=<namespace> when no user name filter

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.status:
            params["statusEquals"] = self.status
        if self.model:
            params["modelArnEquals"] = self.model
        if self.name or self.isolation:
            params["nameContains"] = self.name or self.isolation
        if self.after:
            params["creationTimeAfter"] = self.after
        if self.before:
            params["creationTimeBefore"] = self.before
        if self.max_results:
            params["maxResults"] = self.max_results
        if self.order:
            params["sortOrder"] = self.order
        if self.sort_by:
            params["sortBy"] = "CreationTime"
        return params

    def filters(self) -> list[str]:
        """The user's filters (the namespace isolation is not one)."""
        facets = [("status", self.status), ("model", self.model), ("name", self.name),
                 ("time", self.after or self.before)]
        return [facet for facet, value in facets if value]

    def only(self, facet: str) -> Query:
        """This query with one user filter kept (and the isolation), as one page: for attribution."""
        kept: dict[str, dict[str, Any]] = {
            "status": {"status": self.status}, "model": {"model": self.model}, "name": {"name": self.name},
            "time": {"after": self.after, "before": self.before}}
        keep = kept[facet]
        return Query(**keep, order=self.order, max_results=1000,
                     isolation=None if facet == "name" else self.isolation)

    def single_page(self) -> Query:
        return Query(status=self.status, model=self.model, name=self.name, after=self.after,
                     before=self.before, max_results=1000, order=self.order, sort_by=self.sort_by,
                     isolation=self.isolation)

    def primary_clause(self) -> str:
        filters = self.filters()
        if len(filters) > 1:
            return "LIST-FILTER-COMBINED"
        if filters:
            return FILTER_CLAUSES[filters[0]]
        return "LIST-PAGINATION-COMPLETE"


def matches(query: Query, snap: Snapshot) -> bool | None:
    """Whether a record must (True), must not (False) or may (None) be in the query's answer."""
    results = [match_one(query, facet, snap) for facet in ("status", "model", "name", "time")]
    if query.isolation and query.isolation not in snap.name:
        results.append(False)
    if False in results:
        return False
    return None if None in results else True


def match_one(query: Query, facet: str, snap: Snapshot) -> bool | None:
    if facet == "status" and query.status:
        return None if snap.status is None else snap.status == query.status
    if facet == "model" and query.model:
        return None if snap.model_arn is None else snap.model_arn == query.model
    if facet == "name" and query.name:
        return query.name in snap.name
    if facet == "time":
        verdicts: list[bool | None] = []
        if query.after:
            verdicts.append(None if snap.creation_time == query.after else snap.creation_time > query.after)
        if query.before:
            verdicts.append(None if snap.creation_time == query.before else snap.creation_time < query.before)
        if False in verdicts:
            return False
        return None if None in verdicts else True
    return True


def summary_fails(query: Query, facet: str, summary: dict[str, Any]) -> bool:
    """The summary itself shows that the filter should have left it out (bounds inclusive, names any case)."""
    if facet == "status" and query.status:
        return summary.get("status") != query.status
    if facet == "model" and query.model:
        return summary.get("modelArn") != query.model
    if facet == "name" and (query.name or query.isolation):
        return (query.name or query.isolation or "").lower() not in str(summary.get("provisionedModelName")).lower()
    if facet == "time" and (query.after or query.before):
        created = utc(summary["creationTime"])
        return bool(query.after and created < query.after or query.before and created > query.before)
    return False



def describe_query(query: Query) -> str:
    return ", ".join(f"{k}={literal(v, {})}" for k, v in query.params().items()) or "no parameters"

