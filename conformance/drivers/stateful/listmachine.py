"""The List machine: populates records, then List queries (pagination, filters, sorts, summaries against
Get, garbage tokens), each judged against the model."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from conformance.catalogue import contract, rules
from conformance.catalogue.clauses import ConformanceFailure
from conformance.checker.judgement import current
from conformance.drivers.stateful.base import ProvisionedThroughputMachine
from conformance.drivers.stateful.calllog import step
from conformance.drivers.stateful.common import (
    FILTER_CLAUSES,
    INDEX,
    LIST,
    NAME_PATTERN,
    UNUSED_MODEL_ID,
    WORD,
    WORDS,
    jsonable,
    switched_on,
    utc,
)
from conformance.drivers.stateful.listquery import Query, describe_query, match_one, matches, summary_fails
from conformance.drivers.stateful.model import Record, Snapshot, created_at
from conformance.targets.expect import answer_of, check, fail, holds, ok


class ListMachine(ProvisionedThroughputMachine):
    """Populates 3 to ``max_live`` records, then List queries, each checked against the model.

    The first three names carry the words b, c, a: name order is then no creation-time order. Unless Hypothesis
    shrinks it away, a sweep (each filter, each order, small pages, a garbage token) follows the populate, so that a
    short run still meets every clause; then random queries, creates, renames and deletes."""

    hint = "l"
    max_live = 8
    min_live_to_delete = 3  # so that most queries have several records to page through
    renames = True

    def __init__(self) -> None:
        super().__init__()
        self.default_order: str | None = None  # Ascending/Descending once a default-order List showed one
        self.query_request: dict[str, Any] | None = None

    @initialize(specs=st.lists(st.integers(0, 31), min_size=3, max_size=6), data=st.data())
    @step
    def populate(self, specs: list[int], data: st.DataObject) -> None:
        """One small integer per record (model, model id form, word): little for Hypothesis to shrink."""
        for n, spec in enumerate(specs):
            word = "bca"[n] if n < 3 else WORDS[spec % len(WORDS)]
            self.do_create(spec // 2, foundation_form=bool(spec % 2), word=word)
        for action in switched_on(data, self.sweep()):
            self.act(action)  # its own step: a blocked query drops its records, the sweep goes on

    def sweep(self) -> list[Callable[[], None]]:
        """One query of each form (common.switched_on says which stay on)."""
        live = self.live()
        first, middle = live[0], live[len(live) // 2]
        times = sorted(set(self.times))
        queries = [
            Query(max_results=1, isolation=self.ns),
            Query(max_results=2, order="Ascending", sort_by=True, isolation=self.ns),
            Query(max_results=1, order="Descending", sort_by=True, isolation=self.ns),
            Query(status="Failed", isolation=self.ns),
            Query(status=first.status, max_results=2, isolation=self.ns),
            Query(model=self.model_options()[-1], isolation=self.ns),
            Query(model=first.model_arn, max_results=1, isolation=self.ns),
            Query(name=self.ns + first.name[len(self.ns)]),
            *(Query(name=fragment) for fragment in self.inner_fragments(middle)),
            Query(after=times[len(times) // 2], isolation=self.ns),
            Query(before=times[len(times) // 2], order="Ascending", isolation=self.ns),
            Query(status=middle.status, model=middle.model_arn, after=times[0], isolation=self.ns),
        ]
        actions: list[Callable[[], None]] = [functools.partial(self.check_query, q, complete=True) for q in queries]
        return actions + [lambda: self.do_garbage_token("sweep", isolate=True)]

    def do_garbage_token(self, suffix: str, *, isolate: bool) -> None:
        """LIST-GARBAGE-TOKEN: a nextToken the target never issued is refused with ValidationException, or ends
        the listing (an empty page, no nextToken); it must not restart the listing from the first page."""
        params: dict[str, Any] = {"nextToken": "not-a-token-" + suffix}
        if isolate:
            params["nameContains"] = self.ns
        try:
            page, _ = self.attempt("LIST-GARBAGE-TOKEN", LIST, ("ValidationException",), **params)
            if page is not None:
                own = [s.get("provisionedModelName") for s in page.get("provisionedModelSummaries", [])
                       if self.is_own(s)]
                check(not own and not page.get("nextToken"), "LIST-GARBAGE-TOKEN",
                      f"a nextToken the target never issued answered a page with {own or 'a nextToken'}: expected "
                      "ValidationException or an empty last page", target=self.t)
        except ConformanceFailure:
            # A target that ignores every nextToken accepts garbage too: name the root cause when it is that.
            if len(self.records) >= 2:
                self.check_query(Query(max_results=1, isolation=self.ns), complete=True)
            raise

    @precondition(lambda self: self.renames)
    @rule(index=INDEX, word=WORD)
    @step
    def rename(self, index: int, word: str) -> None:
        """A rename, so that List sees names move (the lifecycle machine checks renames in full)."""
        rec = self.pick(self.live(), index)
        if rec is None:
            return
        self.settle(rec)
        if rec.status == "InService":
            self.do_rename(rec, word=word)

    @rule(suffix=st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12), isolate=st.booleans())
    @step
    def garbage_token(self, suffix: str, isolate: bool) -> None:
        self.do_garbage_token(suffix, isolate=isolate)

    # -- the query rule -------------------------------------------------------------------------------------
    def model_options(self) -> list[str]:
        used = {r.model_arn for r in [*self.records.values(), *self.deleted.values()]}
        offered = {self.full_model_arn(m) for m in self.t.settings.models} | set(self.customs)
        unused = sorted(offered - used) or [contract.foundation_arn(UNUSED_MODEL_ID, self.region)]
        return sorted(used) + unused

    def inner_fragments(self, rec: Record) -> list[str]:
        """nameContains is a substring filter, not a prefix one: a fragment from the middle of ``rec``'s name (its
        first and last characters dropped) and one running to its end (its first two dropped), each usable as
        nameContains and, holding most of the namespace, selecting this run's records only."""
        name = rec.name
        candidates = [name[1:-1], name[2:]]
        return [c for c in candidates if NAME_PATTERN.fullmatch(c) and c != name and not name.startswith(c)]

    def fragments(self, rec: Record, isolated: bool) -> list[str]:
        """Substrings of a live name usable as nameContains: the namespace plus a part of the rest, or a middle or
        end fragment holding most of the namespace (isolated), or a part of the rest alone."""
        rest = rec.name[len(self.ns):]
        if isolated:
            candidates = [self.ns + rest[:k] for k in range(1, len(rest) + 1)] + self.inner_fragments(rec)
        else:
            candidates = [rest[i:j] for i in range(len(rest)) for j in range(i + 1, len(rest) + 1)]
        return [c for c in candidates if NAME_PATTERN.fullmatch(c) and len(c) <= 63] or [self.ns]

    @rule(max_results=st.one_of(st.integers(1, 4), st.none(), st.just(1000)),
          order=st.sampled_from((None, "Ascending", "Descending")), sort_by=st.booleans(), isolate=st.booleans())
    @step
    def paginate(self, max_results: int | None, order: str | None, sort_by: bool, isolate: bool) -> None:
        """Every record once across pages, no page over maxResults, no token on the last page, the order."""
        self.do_query(max_results=max_results, order=order, sort_by=sort_by, isolate=isolate)

    @rule(facet=st.sampled_from(("status", "model", "name", "time")), value=INDEX, other=INDEX,
          max_results=st.one_of(st.none(), st.integers(1, 4)), order=st.sampled_from((None, "Ascending", "Descending")),
          isolate=st.booleans())
    @step
    def filter_one(self, facet: str, value: int, other: int, max_results: int | None, order: str | None,
                   isolate: bool) -> None:
        """One filter: exactly the records it selects."""
        status = contract.STATUSES[value % len(contract.STATUSES)] if facet == "status" else None
        model = value if facet == "model" else None
        name = (value, other, isolate) if facet == "name" else None
        after = value if facet == "time" and other % 3 != 1 else None
        before = other if facet == "time" and other % 3 != 0 else None
        self.do_query(max_results=max_results, order=order, sort_by=False, status=status, model=model, name=name,
                      after=after, before=before, isolate=isolate)

    @rule(max_results=st.one_of(st.none(), st.integers(1, 5), st.just(1000)),
          order=st.sampled_from((None, "Ascending", "Descending")), sort_by=st.booleans(),
          status=st.one_of(st.none(), st.sampled_from(contract.STATUSES)),
          model=st.one_of(st.none(), INDEX),
          name=st.one_of(st.none(), st.tuples(INDEX, INDEX, st.booleans())),
          after=st.one_of(st.none(), INDEX), before=st.one_of(st.none(), INDEX), isolate=st.booleans())
    @step
    def query(self, max_results: int | None, order: str | None, sort_by: bool, status: str | None,
              model: int | None, name: tuple[int, int, bool] | None, after: int | None, before: int | None,
              isolate: bool) -> None:
        """Any combination of filters, paging and sorting."""
        self.do_query(max_results=max_results, order=order, sort_by=sort_by, status=status, model=model, name=name,
                      after=after, before=before, isolate=isolate)

    def do_query(self, *, max_results: int | None, order: str | None, sort_by: bool, isolate: bool,
                 status: str | None = None, model: int | None = None, name: tuple[int, int, bool] | None = None,
                 after: int | None = None, before: int | None = None) -> None:
        """Build a query from drawn indices (over the run's own records, times and model ARNs) and check it.
        Unless the target is this worker's alone, the query is isolated on the namespace."""
        isolated = isolate or not self.exclusive
        fragment = None
        if name is not None and self.records:
            rec_index, frag_index, frag_isolated = name
            frag_isolated = frag_isolated or not self.exclusive
            fragment = self.pick(self.fragments(self.pick(self.live(), rec_index), frag_isolated), frag_index)
            isolated = frag_isolated
        times = sorted(set(self.times))
        query = Query(
            status=status,
            model=self.pick(self.model_options(), model) if model is not None else None,
            name=fragment,
            after=self.pick(times, after) if after is not None and times else None,
            before=self.pick(times, before) if before is not None and times else None,
            max_results=max_results, order=order, sort_by=sort_by,
            isolation=self.ns if isolated and fragment is None else None)
        self.check_query(query, complete=isolated or self.exclusive)

    # -- running and judging one query ----------------------------------------------------------------------
    def snapshot(self) -> dict[str, Snapshot]:
        return {r.arn: Snapshot(r.arn, r.name,
                                model_arn=r.model_arn if r.model_arn == r.desired_model_arn else None,
                                status=None if r.pending else r.status,
                                creation_time=created_at(r)) for r in self.live()}

    def pages(self, query: Query, *, check_duplicates: bool) -> list[list[dict[str, Any]]]:
        params = query.params()
        pages: list[list[dict[str, Any]]] = []
        seen: set[str] = set()
        token = None
        limit = (len(self.records) + len(self.deleted) + 50) if (query.isolation or query.name) else 1000
        placeholder = query.model == contract.foundation_arn(UNUSED_MODEL_ID, self.region)
        for _ in range(limit):
            if placeholder and token is None:
                # a filter naming a model the target does not offer: an empty answer or ValidationException
                page, _ = self.attempt(query.primary_clause(), LIST, ("ValidationException",), **params)
                if page is None:
                    return [[]]
            else:
                page = ok(self.t, query.primary_clause(), LIST, **params, **({"nextToken": token} if token else {}))
            items = page.get("provisionedModelSummaries", [])
            on = {"pages": params}
            if query.max_results:
                holds(rules.spec("page_sizes", on, max_results=query.max_results), [answer_of(page)],
                      "LIST-MAXRESULTS",
                      message=f"a page holds {len(items)} summaries; maxResults was {query.max_results}",
                      target=self.t)
            for summary in items:
                arn = summary.get("provisionedModelArn")
                if check_duplicates and self.is_own(summary):
                    holds(rules.spec("no_repeats", on), _as_pages([{"provisionedModelArn": a} for a in (
                        *seen, arn) if a == arn]), "LIST-PAGINATION-COMPLETE",
                          message=f"{summary.get('provisionedModelName')} ({arn}) comes twice while "
                                  f"following nextToken "
                                  f"(maxResults={query.max_results})", target=self.t)
                seen.add(arn)
            pages.append(items)
            token = page.get("nextToken")
            if not token:
                current().judge("LIST-LAST-PAGE")
                break
        else:
            fail("LIST-LAST-PAGE", f"List with {describe_query(query)} still returned a nextToken after {limit} "
                 f"pages (more pages than the run's records allow)", self.t)
        return pages

    def stable_pages(self, query: Query) -> tuple[list[list[dict[str, Any]]], dict[str, Snapshot], bool]:
        """Run the query while no record changes status: pending records are fetched before and after, and the
        query runs again (a few times) if one moved. Returns (pages, what the records were, stable)."""
        for _ in range(4):
            before = self.refresh_pending()
            snap = self.snapshot()
            # a record entering or leaving a status filter mid-query may shift offsets: judge duplicates later
            pages = self.pages(query, check_duplicates=not (query.status and before))
            if self.refresh_pending() == before:
                exact = {arn: Snapshot(s.arn, s.name, model_arn=s.model_arn, status=before.get(arn, s.status),
                                       creation_time=s.creation_time)
                         for arn, s in snap.items()}
                return pages, exact, True
        return pages, snap, False

    def refresh_pending(self) -> dict[str, str]:
        statuses = {}
        pending = [rec for rec in self.live() if rec.pending]
        for rec, got in zip(pending, self.get_all("LIST-SUMMARY-MATCHES-GET", (rec.arn for rec in pending))):
            self.verify(rec, got)
            statuses[rec.arn] = got["status"]
        return statuses

    def check_query(self, query: Query, *, complete: bool) -> None:
        t = self.t
        pages, snap, stable = self.stable_pages(query)
        self.query_request = t.last_request  # the query's last page: what a failure of the query shows
        self.judge(query, pages, snap, stable=stable, complete=complete)

    def listing(self, condition: bool, clause: str, message: str, *, rule: dict[str, Any] | None = None,
                **details: Any) -> None:
        """A verdict about the query just run (in the test's Judgement): a failure shows the query's request, not a
        later Get. ``rule``: the shared rule that decided (conformance.catalogue.rules.spec), which a reproducer
        replays."""
        if condition:
            current().judge(clause)
        else:
            self.query_failed(clause, message, rule=rule, **details)

    def query_failed(self, clause: str, message: str, *, rule: dict[str, Any] | None = None, **details: Any) -> None:
        """``clause`` fails on the query just run (a listing whose condition is known false). ``rule``: the shared
        rule that decided (conformance.catalogue.rules.spec), which a reproducer replays."""
        current().fail(ConformanceFailure(clause, message, request=self.query_request, response=details or None,
                                          check=rule))

    def judge(self, query: Query, pages: list[list[dict[str, Any]]], snap: dict[str, Snapshot], *,
              stable: bool,
              complete: bool) -> None:
        if stable:
            # the records held still: now duplicates are the target's doing (re-check them page by page)
            ordered = [s for page in pages for s in page if self.is_own(s)]
            arns = [str(s.get("provisionedModelArn")) for s in ordered]
            dupes = sorted({a for a in arns if arns.count(a) > 1})
            self.listing(rules.no_repeats(_as_pages(ordered)) is None, "LIST-PAGINATION-COMPLETE",
                         f"following nextToken with {describe_query(query)} returned {dupes} more than once",
                         rule=rules.spec("no_repeats", {"pages": query.params()}))
        summaries = [s for page in pages for s in page]
        own = [s for s in summaries if self.is_own(s)]

        # 1. nothing deleted, nothing unknown in our namespace
        for summary in own:
            arn = summary.get("provisionedModelArn")
            if arn in self.lost:  # a blocked step left it in a state the model no longer knows
                continue
            if arn in self.deleted:
                self.query_failed("DELETE-GONE", f"the deleted {self.deleted[arn].name} ({arn}) is still listed")
            elif arn not in self.records:
                clause = self.refused_names.get(summary.get("provisionedModelName", ""), "LIST-PAGINATION-COMPLETE")
                self.query_failed(clause, f"List shows {summary.get('provisionedModelName')} ({arn}), which this "
                                  "run never created")

        # 2. each summary agrees with Get (fetched after it)
        # (a record a blocked step dropped from the model is not compared: conformance.checker.judgement)
        arns = list(dict.fromkeys(str(s.get("provisionedModelArn")) for s in own
                                  if s.get("provisionedModelArn") in self.records))
        for arn, got in zip(arns, self.get_all("LIST-SUMMARY-MATCHES-GET", arns)):
            summary = next(s for s in own if s.get("provisionedModelArn") == arn)
            rec = self.records[arn]
            self.compare(summary, got, "LIST-SUMMARY-MATCHES-GET", what=f"the List summary of {rec.name}",
                         rec=rec)
            self.verify(rec, got)

        # 3. every summary passes every filter it was listed under
        for summary in summaries:
            for facet in ("name", "status", "model", "time"):
                if summary_fails(query, facet, summary):
                    self.blame(query, facet, summary.get("provisionedModelArn"), present=True, rule=_filter_rule(
                        query, facet),
                               why=f"{summary.get('provisionedModelName')} ({facet} filter; summary "
                                   f"{jsonable({k: summary.get(k) for k in ('status', 'modelArn', 'creationTime')})})")

        # 4. exactly the model's set (records whose membership is undecided may go either way)
        if complete:
            self.judge_membership(query, own, snap)
        # 5. order by creationTime across pages (ties in any order): rules.creation_order decides
        self.judge_order(query, own)

    def judge_membership(self, query: Query, own: list[dict[str, Any]], snap: dict[str, Snapshot]) -> None:
        """judge(), on a complete listing: exactly the records the model says the query selects."""
        returned = {s.get("provisionedModelArn") for s in own}
        for arn, record in snap.items():
            verdict = matches(query, record)
            if verdict is True and arn not in returned:
                self.blame_missing(query, record)
            if verdict is False and arn in returned:
                failing = [k for k in ("status", "model", "name", "time") if match_one(query, k, record) is False]
                if len(failing) != 1:
                    self.query_failed("LIST-FILTER-COMBINED" if failing else "LIST-FILTER-NAME",
                                      f"List with {describe_query(query)} returned {record.name}, which fails "
                                      f"{failing or ['the namespace filter']}")
                    continue
                self.blame(query, failing[0], arn, present=True, why=f"{record.name} (by the model)")

    def judge_order(self, query: Query, own: list[dict[str, Any]]) -> None:
        """judge(): the order by creationTime across pages (ties in any order), asked or default."""
        created = [utc(s["creationTime"]) for s in own]
        answers = [{"status": 200, "code": None, "body": {"provisionedModelSummaries": [
            {**s, "creationTime": utc(s["creationTime"])} for s in own]}}]
        order = rules.spec("creation_order", {"pages": query.params()}, order=query.order, sort_by=query.sort_by,
                           default=self.default_order)
        rising = any(a < b for a, b in itertools.pairwise(created))
        falling = any(a > b for a, b in itertools.pairwise(created))
        names = [s.get("provisionedModelName") for s in own]
        times = {"creationTimes": [c.isoformat() for c in created]}
        seen = "Ascending" if rising else "Descending" if falling else None  # the direction, when there is one
        in_order = rules.apply(order, answers) is None
        if query.order and query.sort_by:
            self.listing(in_order, "LIST-SORT-ORDER",
                         f"List with {describe_query(query)} returned {names} out of creationTime order", rule=order,
                         **times)
        elif query.order:
            # sortOrder without sortBy: the model does not say it applies alone, so the asked order or the
            # default order (whichever the target uses) is accepted
            self.listing(in_order, "LIST-SORT-ORDER",
                         f"List with {describe_query(query)} returned {names} neither {query.order.lower()} by "
                         "creationTime nor in the default order", rule=order, **times)
        else:
            self.listing(in_order, "LIST-SORT-DEFAULT",
                         f"List with {describe_query(query)} (no sortOrder) returned {names} in no creationTime order",
                         rule=order, **times)
            if seen:
                self.listing(self.default_order in (None, seen), "LIST-SORT-DEFAULT",
                             f"List with {describe_query(query)} (no sortOrder) returned {names} {seen.lower()} by "
                             f"creationTime; an earlier default-order List was {str(self.default_order).lower()}",
                             **times)
                self.default_order = seen

    def blame(self, query: Query, facet: str, arn: str | None, *, present: bool, why: str,
              rule: dict[str, Any] | None = None) -> None:
        """A record was listed against the filter on ``facet``: that filter's clause, or LIST-FILTER-COMBINED when the
        filter alone works."""
        clause = FILTER_CLAUSES[facet]
        if len(query.filters()) > 1 and facet in query.filters():
            alone = self.pages(query.only(facet), check_duplicates=False)
            if arn not in {s.get("provisionedModelArn") for page in alone for s in page}:
                clause = "LIST-FILTER-COMBINED"
        self.query_failed(clause, f"List with {describe_query(query)} returned {why}", rule=rule)

    def blame_missing(self, query: Query, record: Snapshot) -> None:
        """A record that matches every filter was not listed: pagination lost it, or a filter dropped it."""
        whole = self.pages(query.single_page(), check_duplicates=False)
        rule = rules.spec("listed", {"pages": query.params()}, arn=record.arn, name=record.name)
        if record.arn in {s.get("provisionedModelArn") for page in whole for s in page} or not query.filters():
            self.query_failed("LIST-PAGINATION-COMPLETE", f"following nextToken with {describe_query(query)} never "
                              f"returned {record.name} ({record.arn})", rule=rule)
            return
        clause = query.primary_clause()
        if len(query.filters()) > 1:
            for facet in query.filters():
                alone = self.pages(query.only(facet), check_duplicates=False)
                if record.arn not in {s.get("provisionedModelArn") for page in alone for s in page}:
                    clause = FILTER_CLAUSES[facet]
                    break
        self.query_failed(clause, f"List with {describe_query(query)} left out {record.name} ({record.arn}), which "
                          "matches every filter", rule=rule)



class PlannedListMachine(ListMachine):
    """The list machine bounded for a billable AWS run: it adopts the plan's two shared Provisioned Throughputs
    (conformance.targets.aws.SCHEDULE) instead of creating, and never creates, renames or deletes; the sweep
    (each filter, each sort order, small pages, a garbage token) and random queries run over them."""

    creates = deletes = renames = False  # the plan's two PTs are the only records

    def __init__(self) -> None:
        super().__init__()
        if self.t.plan is None:
            raise RuntimeError("PlannedListMachine runs on the plan of a billable AWS run only")
        self.hint_id = "p"
        self.ns = self.t.plan.namespace

    @initialize()
    @step
    def populate(self) -> None:  # type: ignore[override]
        for slot in ("pt1", "pt2"):
            self.settle(self.adopt(slot, "LIST-PAGINATION-COMPLETE"))
        for action in self.sweep():
            action()

def _filter_rule(query: Query, facet: str) -> dict[str, Any] | None:
    """The shared rule of a filter that keys on one member (statusEquals, modelArnEquals), for the reproducer."""
    on = {"pages": query.params()}
    if facet == "name":
        return rules.spec("names_contain", on, fragment=query.name or query.isolation or "")
    if facet == "time":
        return rules.spec("created_within", on, after=query.after, before=query.before)
    member, want = {"status": ("status", query.status), "model": ("modelArn", query.model)}.get(facet, (None, None))
    if member is None:
        return None
    return rules.spec("listed_pass_filter", on, member=member, want=want)


def _as_pages(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Summaries as the rules read a query's pages (conformance.catalogue.rules)."""
    return [{"status": 200, "code": None, "body": {"provisionedModelSummaries": summaries}}]
