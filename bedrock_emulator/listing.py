"""ListProvisionedModelThroughputs: filters, sort order and paging with bookmark tokens scoped to the query."""

from __future__ import annotations

from collections.abc import Callable

from .errors import ApiError, validation
from .faults import (
    DELETE_LEAVES_LISTED, LIST_DEFAULT_UNSORTED, LIST_GARBAGE_TOKEN_ACCEPTED, LIST_IGNORES_MODEL_FILTER,
    LIST_IGNORES_NAME_FILTER, LIST_IGNORES_STATUS_FILTER, LIST_IGNORES_TIME_FILTERS, LIST_MAXRESULTS_IGNORED,
    LIST_NAME_FILTER_PREFIX, LIST_NEEDS_MAX_RESULTS, LIST_PAGE_LOSES_ITEM, LIST_PAGE_REPEATS_ITEM,
    LIST_SORT_IGNORED, LIST_TOKEN_IGNORED, LIST_TOKEN_NEVER_ENDS,
)
from .quirks import (
    DEFAULT_ASCENDING, DEFAULT_PAGE_2, GARBAGE_TOKEN_EMPTY, MODELARN_FILTER_UNKNOWN_REFUSED,
    NAME_CASE_INSENSITIVE_FILTER, SORT_NEEDS_SORTBY, TIME_BOUNDS_INCLUSIVE, TRAILING_TOKEN,
)
from .records import Document, Request, Throughput
from .store import Store
from .tokens import END, Bookmark, scope_digest

_DEFAULT_MAX_RESULTS = 1000  # CHOICE: undocumented default; the model's maximum
_QUIRK_DEFAULT_MAX_RESULTS = 2  # default-page-2


class Listing(Store):
    """The List operation of the emulator."""

    def _list(self, request: Request, params: Document) -> tuple[int, Document]:
        status = params.get("statusEquals")
        model_arn = params.get("modelArnEquals")
        name_part = params.get("nameContains")
        after = params.get("creationTimeAfter")
        before = params.get("creationTimeBefore")
        sort_order = params.get("sortOrder")
        if sort_order is not None and params.get("sortBy") is None and SORT_NEEDS_SORTBY in self.quirks:
            sort_order = None  # ignored without sortBy: the default order applies
        default_size = _QUIRK_DEFAULT_MAX_RESULTS if DEFAULT_PAGE_2 in self.quirks else _DEFAULT_MAX_RESULTS
        max_results: int = params.get("maxResults", default_size)
        if "maxResults" not in params and LIST_NEEDS_MAX_RESULTS in self.faults:
            raise validation("maxResults is required")
        if model_arn is not None and MODELARN_FILTER_UNKNOWN_REFUSED in self.quirks:
            self._check_offered(model_arn, request.region)
        scope = scope_digest(
            request.region, status, model_arn, name_part, after, before, params.get("sortBy"), sort_order
        )
        bookmark = self._page_bookmark(params.get("nextToken"), scope)
        quirks = self.quirks
        inclusive = TIME_BOUNDS_INCLUSIVE in quirks

        faults = self.faults
        candidates = list(self._live.values())
        if DELETE_LEAVES_LISTED in faults:
            candidates += self._deleted.values()
        items = []
        for pt in candidates:
            if pt.region != request.region:
                continue
            self._settle(pt, request.now)
            if status is not None and LIST_IGNORES_STATUS_FILTER not in faults and pt.status != status:
                continue
            if (
                model_arn is not None
                and LIST_IGNORES_MODEL_FILTER not in faults
                and pt.model.arn != model_arn
            ):
                continue
            # CHOICE: nameContains is a case-sensitive substring match (undocumented).
            if (
                name_part is not None
                and LIST_IGNORES_NAME_FILTER not in faults
                and not _contains(pt.name, name_part, fold=NAME_CASE_INSENSITIVE_FILTER in quirks)
            ):
                continue
            if name_part is not None and LIST_NAME_FILTER_PREFIX in faults and not pt.name.startswith(name_part):
                continue
            # CHOICE: both time bounds are exclusive (undocumented).
            if LIST_IGNORES_TIME_FILTERS not in faults and not _between(
                pt.creation_time, after, before, inclusive=inclusive
            ):
                continue
            items.append(pt)

        sort_key: Callable[[Throughput], Bookmark]
        descending = False
        if sort_order is None and LIST_DEFAULT_UNSORTED in faults:
            sort_key = _name_key
        else:
            # CHOICE: Descending by default, as sibling Bedrock list APIs document; ties broken by ARN.
            if sort_order is None and DEFAULT_ASCENDING in quirks:
                sort_order = "Ascending"
            descending = sort_order != "Ascending" or LIST_SORT_IGNORED in faults
            sort_key = _time_key
        items.sort(key=sort_key, reverse=descending)

        offset = _after(items, bookmark, sort_key, descending)
        size = len(items) if LIST_MAXRESULTS_IGNORED in faults else max(max_results, 0)
        end = offset + size
        page = items[offset:end]
        document: Document = {"provisionedModelSummaries": [self._describe(pt, summary=True) for pt in page]}
        # trailing-token: a full page announces a next page even when it will be empty.
        full = TRAILING_TOKEN in quirks and len(page) == size
        if size and (end < len(items) or full):
            document["nextToken"] = self._tokens.encode(self._next_bookmark(items, offset, end, sort_key), scope)
        elif LIST_TOKEN_NEVER_ENDS in faults and offset >= len(items) - size:
            # the last page points past the end: an empty page with a token, forever
            document["nextToken"] = self._tokens.encode(END, scope)
        return 200, document

    def _check_offered(self, model_arn: str, region: str) -> None:
        """modelarn-filter-unknown-refused: a model filter must name a model this server offers."""
        try:
            self._resolve_model(model_arn, region)
        except ApiError:
            raise validation(f"modelArnEquals names no model offered in {region}: {model_arn}") from None

    def _page_bookmark(self, token: str | None, scope: str) -> Bookmark | str | None:
        """Where the page starts: None (the first page), after a bookmark, or END (past every item)."""
        if token is None or LIST_TOKEN_IGNORED in self.faults:
            return None
        bookmark = self._tokens.decode(token, scope)
        if bookmark is not None:
            return bookmark
        if LIST_GARBAGE_TOKEN_ACCEPTED in self.faults:
            return None
        if GARBAGE_TOKEN_EMPTY in self.quirks:
            return END  # past any list: an empty last page
        raise validation("Invalid nextToken (it must come from a List with the same filters and sort)")

    def _next_bookmark(self, items: list[Throughput], offset: int, end: int,
                       sort_key: Callable[[Throughput], Bookmark]) -> Bookmark:
        """The bookmark of the next page: the key of the last item this page returned."""
        last = min(end, len(items)) - 1
        if LIST_PAGE_LOSES_ITEM in self.faults and last + 1 < len(items):
            last += 1
        if LIST_PAGE_REPEATS_ITEM in self.faults and last - 1 >= offset:  # still makes progress
            last -= 1
        return sort_key(items[last])


def _between(moment: int, after: int | None, before: int | None, *, inclusive: bool = False) -> bool:
    if inclusive:  # time-bounds-inclusive
        return (after is None or moment >= after) and (before is None or moment <= before)
    return (after is None or moment > after) and (before is None or moment < before)


def _time_key(pt: Throughput) -> Bookmark:
    return pt.creation_time, pt.arn


def _name_key(pt: Throughput) -> Bookmark:
    return pt.name, pt.arn


def _after(items: list[Throughput], bookmark: Bookmark | str | None, sort_key: Callable[[Throughput], Bookmark],
           descending: bool) -> int:
    """The index of the first item sorted after ``bookmark`` (items deleted or created since do not shift it)."""
    if bookmark is None:
        return 0
    if bookmark == END:
        return len(items)
    for index, pt in enumerate(items):
        key = sort_key(pt)
        try:
            beyond = key < bookmark if descending else key > bookmark
        except TypeError:  # a bookmark of another sort key (cannot happen with a scoped token)
            return len(items)
        if beyond:
            return index
    return len(items)


def _contains(name: str, part: str, *, fold: bool) -> bool:
    return part.casefold() in name.casefold() if fold else part in name
