"""Opaque, tamper-proof List page tokens: urlsafe base64 of a small JSON payload plus a truncated HMAC.

A token is a bookmark, not a position: it holds the sort key of the last item the page returned, and the next
page starts right after that key. A create or delete between two pages therefore neither repeats nor skips a
record that was there all along (a position would shift by one).
"""

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


# A bookmark: the sort key (creation time in microseconds, ARN; or name, ARN) of the last item a page returned,
# or END (past every item: the page after it is empty).
Bookmark = tuple[int | str, str]
END = "end"


class PageTokens:
    """Encode a bookmark bound to a scope; decode only what this instance signed for the same scope."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:16]

    def encode(self, bookmark: Bookmark | str, scope: str) -> str:
        payload = json.dumps({"k": bookmark, "s": scope}, separators=(",", ":")).encode()
        return f"{_b64encode(payload)}.{_b64encode(self._mac(payload))}"

    def decode(self, token: str, scope: str) -> Bookmark | str | None:
        """The bookmark (or END), or None for a garbage, tampered or foreign token, or one bound to another
        scope."""
        body, _, mac = token.partition(".")
        try:
            payload = _b64decode(body)
            valid = hmac.compare_digest(_b64decode(mac), self._mac(payload))
            document = json.loads(payload) if valid else None
        except (binascii.Error, ValueError):
            return None
        if not isinstance(document, dict) or document.get("s") != scope:
            return None
        key = document.get("k")
        if key == END:
            return END
        if (isinstance(key, list) and len(key) == 2 and isinstance(key[0], int | str) and not isinstance(key[0], bool)
                and isinstance(key[1], str)):
            return key[0], key[1]
        return None
