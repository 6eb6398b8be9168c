"""Answer a botocore client's requests in-process: a `before-send` handler, no sockets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from .dispatch import RequestHandler

Handler = Callable[..., AWSResponse]

EVENTS: tuple[str, ...] = ("before-send.bedrock", "before-send.sts")


class _RawResponse(BytesIO):
    """The `raw` object botocore reads a response body from (`.stream()` and `.read()`)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytearray):
        return bytes(body)
    position = body.tell() if hasattr(body, "tell") else None
    data = body.read()
    if position is not None:
        body.seek(position)  # botocore may need to re-send the same stream on a retry
    return data if isinstance(data, bytes) else data.encode("utf-8")


def handler_for(emulator: RequestHandler) -> Handler:
    """A callable taking `request=<AWSPreparedRequest>` (as botocore's `before-send` does) -> AWSResponse."""

    def handle(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        url = urlsplit(request.url)
        headers = {_text(key): _text(value) for key, value in request.headers.items()}
        status, response_headers, payload = emulator.handle(
            request.method, url.path or "/", url.query, headers, _body_bytes(request.body)
        )
        return AWSResponse(request.url, status, response_headers, _RawResponse(payload))

    return handle


def attach(client: Any, emulator: RequestHandler) -> Handler:
    """Route every request of a botocore/boto3 client (bedrock or sts) to the emulator; returns the handler."""
    handler = handler_for(emulator)
    for event in EVENTS:
        client.meta.events.register(event, handler)
    return handler
