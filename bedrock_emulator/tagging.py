"""TagResource, UntagResource and ListTagsForResource, and the tag checks Create shares."""

from __future__ import annotations

from .errors import ApiError, validation
from .faults import (
    DELETE_KEEPS_TAGS, EMPTY_TAG_VALUE_DROPPED, RACE_SECONDS, RESERVED_PREFIX_PARTIAL_WRITE,
    SERVER_ERROR_ON_EMPTY_TAG_VALUE, TAG_DUPLICATES_KEY, TAG_KEEPS_OLD_VALUE, TAG_KEYS_CASE_FOLDED,
    TAG_LIMIT_UNCHECKED, TAG_LOST_UPDATE, UNTAG_ANSWERS_TAG_LIST, UNTAG_IGNORED,
)
from .quirks import LASTMOD_ON_TAG, RESERVED_PREFIX_REFUSED, UNTAG_ABSENT_REFUSED
from .records import Document, Request
from .store import Store

MAX_TAGS = 50


class Tagging(Store):
    """The tagging operations of the emulator."""

    def _tag(self, request: Request, params: Document) -> tuple[int, Document]:
        pt = self._tagged(request, params["resourceARN"])
        tags = tag_pairs(params["tags"])
        self._check_empty_tag_value(tags)
        reserved = [key for key, _ in tags if key.startswith("aws:")]
        if reserved and RESERVED_PREFIX_REFUSED in self.quirks:
            raise validation(f"Tag keys starting aws: are reserved: {', '.join(reserved)}")
        self._check_tag_count(pt.tags, [key for key, _ in tags], pt.arn)
        if reserved and RESERVED_PREFIX_PARTIAL_WRITE in self.faults:
            pt.tags.update((k, v) for k, v in tags if not k.startswith("aws:"))
            raise validation(f"Tag keys starting aws: are reserved: {', '.join(reserved)}")
        if TAG_LOST_UPDATE in self.faults:
            # read, pause without the lock, write back: a concurrent TagResource's keys are lost
            before = dict(pt.tags)
            self._pause_unlocked(RACE_SECONDS)
            pt.tags = before
        if TAG_DUPLICATES_KEY in self.faults:
            pt.shadow_tags += [(key, pt.tags[key]) for key, _ in tags if key in pt.tags]
        if TAG_KEEPS_OLD_VALUE in self.faults:
            tags = [(key, value) for key, value in tags if key not in pt.tags]
        store_tags(pt.tags, tags, self.faults)
        if LASTMOD_ON_TAG in self.quirks:
            pt.last_modified_time = request.now
        return 200, {}

    def _untag(self, request: Request, params: Document) -> tuple[int, Document]:
        pt = self._tagged(request, params["resourceARN"])
        if UNTAG_ABSENT_REFUSED in self.quirks:
            absent = [key for key in params["tagKeys"] if key not in pt.tags]
            if absent:
                raise validation(f"Resource {pt.arn} has no tag(s) {', '.join(absent)}")
        if UNTAG_IGNORED not in self.faults:
            for key in params["tagKeys"]:
                pt.tags.pop(key, None)  # CHOICE: unknown keys are ignored
                if TAG_KEYS_CASE_FOLDED in self.faults:
                    for other in [k for k in pt.tags if k.lower() == key.lower()]:
                        del pt.tags[other]
            pt.shadow_tags = [(key, value) for key, value in pt.shadow_tags if key not in params["tagKeys"]]
        if LASTMOD_ON_TAG in self.quirks:
            pt.last_modified_time = request.now
        if UNTAG_ANSWERS_TAG_LIST in self.faults:
            return 200, [{"key": key, "value": value} for key, value in pt.tags.items()]  # type: ignore[return-value]
        return 200, {}

    def _list_tags(self, request: Request, params: Document) -> tuple[int, Document]:
        pt = self._tagged(request, params["resourceARN"], include_deleted=DELETE_KEEPS_TAGS in self.faults)
        pairs = [*pt.shadow_tags, *pt.tags.items()]  # shadow_tags: only under tag-duplicates-key
        return 200, {"tags": [{"key": key, "value": value} for key, value in pairs]}

    def _check_tag_count(self, existing: dict[str, str], new_keys: list[str], resource: str) -> None:
        if TAG_LIMIT_UNCHECKED not in self.faults and len(existing.keys() | set(new_keys)) > MAX_TAGS:
            raise ApiError(
                "TooManyTagsException",
                f"A resource can have at most {MAX_TAGS} tags",
                resourceName=resource,
            )

    def _check_empty_tag_value(self, tags: list[tuple[str, str]]) -> None:
        if SERVER_ERROR_ON_EMPTY_TAG_VALUE in self.faults and any(value == "" for _, value in tags):
            raise ApiError("InternalServerException", "Internal failure")


def store_tags(held: dict[str, str], tags: list[tuple[str, str]], faults: frozenset[str]) -> None:
    """Add or overwrite ``tags`` on a resource's ``held`` tags (keys are case-sensitive)."""
    for key, value in tags:
        if value == "" and EMPTY_TAG_VALUE_DROPPED in faults:
            continue
        if TAG_KEYS_CASE_FOLDED in faults:
            for other in [k for k in held if k.lower() == key.lower() and k != key]:
                del held[other]
        held[key] = value


def tag_pairs(tags: list[Document]) -> list[tuple[str, str]]:
    return [(tag["key"], tag["value"]) for tag in tags]
