"""Shared by the emulator's fault and quirk tests: a settable clock and a raw answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
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


def parallel(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call on a thread of its own, released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait(timeout=10)
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
