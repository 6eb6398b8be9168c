"""Shared by the emulator's fault and quirk tests: a settable clock and a raw answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

START = 1_696_248_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def error(self) -> str | None:
        """The error code as a client reads it (errors.smithy): x-amzn-ErrorType, else the body's top-level code or
        __type, without namespace or ':' suffix."""
        raw = self.headers.get("x-amzn-ErrorType")
        if not raw and self.body and isinstance(self.json, dict):
            raw = self.json.get("code") or self.json.get("__type")
        return raw.split(":", 1)[0].rsplit("#", 1)[-1] if raw else None

    @property
    def outcome(self) -> tuple[int, str | None]:
        return self.status, self.error
