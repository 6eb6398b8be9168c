"""TagResource, UntagResource and ListTagsForResource, and the tag checks Create shares."""

from __future__ import annotations

from .errors import ApiError, validation
from .faults import (
    DELETE_KEEPS_TAGS, RACE_SECONDS, SERVER_ERROR_ON_EMPTY_TAG_VALUE, TAG_DUPLICATES_KEY, TAG_KEEPS_OLD_VALUE,
    TAG_LIMIT_UNCHECKED, TAG_LOST_UPDATE, UNTAG_ANSWERS_TAG_LIST, UNTAG_IGNORED,
)
from .quirks import LASTMOD_ON_TAG, UNTAG_ABSENT_REFUSED
from .records import Document, Request
from .store import Store

MAX_TAGS = 50


class Tagging(Store):
    """The tagging operations of the emulator."""

    def _tag(self, request: Request, params: Document) -> tuple[int, Document]:
        pt = self._tagged(request, params["resourceARN"])
        tags = tag_pairs(params["tags"])
        self._check_empty_tag_value(tags)
        self._check_tag_count(pt.tags, [key for key, _ in tags], pt.arn)
        if TAG_LOST_UPDATE in self.faults:
            # read, pause without the lock, write back: a concurrent TagResource's keys are lost
            before = dict(pt.tags)
            self._pause_unlocked(RACE_SECONDS)
            pt.tags = before
        if TAG_DUPLICATES_KEY in self.faults:
            pt.shadow_tags += [(key, pt.tags[key]) for key, _ in tags if key in pt.tags]
        if TAG_KEEPS_OLD_VALUE in self.faults:
            tags = [(key, value) for key, value in tags if key not in pt.tags]
        pt.tags.update(tags)
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


def tag_pairs(tags: list[Document]) -> list[tuple[str, str]]:
    return [(tag["key"], tag["value"]) for tag in tags]
