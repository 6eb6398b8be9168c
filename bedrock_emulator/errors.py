"""The error an operation answers with; `core` turns it into an HTTP response."""

from __future__ import annotations


class ApiError(Exception):
    """An AWS error: its code (the error shape name), a message, and extra body members."""

    def __init__(self, code: str, message: str, **extra: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.extra = extra


def validation(message: str) -> ApiError:
    return ApiError("ValidationException", message)


def not_found(message: str) -> ApiError:
    return ApiError("ResourceNotFoundException", message)
