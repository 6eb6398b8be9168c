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
        return self.headers.get("x-amzn-ErrorType")

    @property
    def outcome(self) -> tuple[int, str | None]:
        return self.status, self.error
