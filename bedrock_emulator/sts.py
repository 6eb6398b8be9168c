"""A minimal STS endpoint (GetCallerIdentity), so account discovery works against the emulator."""

from __future__ import annotations

from urllib.parse import parse_qs
from xml.sax.saxutils import escape

_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"

Response = tuple[int, dict[str, str], bytes]


def respond(body: bytes, account_id: str, request_id: str) -> Response:
    """Answer an STS Query-protocol request (form-encoded body)."""
    form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    action = form.get("Action", [""])[0]
    if action == "GetCallerIdentity":
        return _xml(
            200,
            request_id,
            f'<GetCallerIdentityResponse xmlns="{_NAMESPACE}">'
            "<GetCallerIdentityResult>"
            f"<Arn>arn:aws:iam::{escape(account_id)}:user/conformance</Arn>"
            "<UserId>AIDACONFORMANCEEMULATOR</UserId>"
            f"<Account>{escape(account_id)}</Account>"
            "</GetCallerIdentityResult>"
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>",
        )
    return _xml(
        400,
        request_id,
        f'<ErrorResponse xmlns="{_NAMESPACE}"><Error><Type>Sender</Type><Code>InvalidAction</Code>'
        f"<Message>Could not find operation {escape(action)!s} for version 2011-06-15</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>",
    )


def _xml(status: int, request_id: str, document: str) -> Response:
    payload = document.encode()
    headers = {
        "Content-Type": "text/xml",
        "x-amzn-RequestId": request_id,
        "Content-Length": str(len(payload)),
    }
    return status, headers, payload
