"""Opaque, tamper-proof List page tokens: urlsafe base64 of a small JSON payload plus a truncated HMAC."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def scope_digest(*parts: object) -> str:
    """A short digest of the parameters a token is bound to (filters, sort, region)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


class PageTokens:
    """Encode a list offset bound to a scope; decode only what this instance signed for the same scope."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:16]

    def encode(self, offset: int, scope: str) -> str:
        payload = json.dumps({"o": offset, "s": scope}, separators=(",", ":")).encode()
        return f"{_b64encode(payload)}.{_b64encode(self._mac(payload))}"

    def decode(self, token: str, scope: str) -> int | None:
        """The offset, or None for a garbage, tampered or foreign token, or one bound to another scope."""
        body, _, mac = token.partition(".")
        try:
            payload = _b64decode(body)
            valid = hmac.compare_digest(_b64decode(mac), self._mac(payload))
            document = json.loads(payload) if valid else None
        except (binascii.Error, ValueError):
            return None
        if not isinstance(document, dict) or document.get("s") != scope:
            return None
        offset = document.get("o")
        return offset if isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0 else None
