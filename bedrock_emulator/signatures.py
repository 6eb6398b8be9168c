"""Optional SigV4 checking for the served emulator (``serve --check-signatures``): refuse what AWS refuses.

The signature is recomputed with botocore's own signer (``botocore.auth.SigV4Auth``) over the headers the
request says it signed, at the time it says it was signed. Refusals, as AWS answers them: AWS's "Common
Errors" API reference pages list MissingAuthenticationToken (403) and IncompleteSignature (400) [D], and JSON
and restJson services such as Bedrock carry them on the wire with an ``Exception`` suffix, next to
InvalidSignatureException (403) for a signature that does not match [O, SDK issue threads and botocore's
compute-optimizer model, whose MissingAuthenticationToken shape is 403]:

- no ``Authorization`` header: **403 MissingAuthenticationTokenException** "Missing Authentication Token";
- an ``Authorization`` header without its Credential, SignedHeaders or Signature part, or no ``X-Amz-Date``:
  **400 IncompleteSignatureException**;
- a signature that does not match, a credential scoped to another service, or a request signed more than
  15 minutes away from the server's clock: **403 InvalidSignatureException**.

Any access key id is accepted (emulators have no accounts); the secret is the one ``serve`` was given
(``--secret-key``, default ``testing``, the placeholder SDK users pass to emulators).
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW_SECONDS = 15 * 60
_PART = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")

# (status, error code, message), or None when the request may pass
Refusal = tuple[int, str, str] | None


class _Verifier(SigV4Auth):
    """botocore's signer, signing exactly the headers the request named."""

    def __init__(self, credentials: Credentials, service: str, region: str, signed: list[str]) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self._signed:
            value = request.headers.get(name)
            if value is not None:
                chosen[name] = value
        return chosen


def check(method: str, raw_path: str, query: str, headers: Mapping[str, str], body: bytes, *,
          secret_key: str = "testing", service: str = "bedrock",
          clock: Callable[[], float] = time.time) -> Refusal:
    """The refusal AWS would answer this request with, or None when its SigV4 signature holds."""
    lowered = {k.lower(): v for k, v in headers.items()}
    auth = lowered.get("authorization")
    if not auth:
        return 403, "MissingAuthenticationTokenException", "Missing Authentication Token"
    if not auth.startswith(ALGORITHM + " "):
        return 400, "IncompleteSignatureException", f"Authorization header requires the {ALGORITHM} algorithm"
    parts = dict(_PART.findall(auth))
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not parts.get(name)]
    if missing:
        return 400, "IncompleteSignatureException", (
            f"Authorization header requires '{missing[0]}' parameter. Authorization={auth.split(' ')[0]}")
    amz_date = lowered.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return 400, "IncompleteSignatureException", (
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    scope = parts["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return 400, "IncompleteSignatureException", (
            f"Credential should be scoped to a valid region. Credential={parts['Credential']}")
    access_key, day, region, scoped_service, _ = scope
    if scoped_service != service:
        return 403, "InvalidSignatureException", f"Credential should be scoped to correct service: '{service}'."
    if day != amz_date[:8]:
        return 403, "InvalidSignatureException", (
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{day}' != '{amz_date[:8]}'")
    if abs(clock() - signed_at.timestamp()) > MAX_SKEW_SECONDS:
        return 403, "InvalidSignatureException", (
            f"Signature expired: {amz_date} is now earlier or later than the server's time by more than 15 "
            f"minutes.")
    signed = [name.lower() for name in parts["SignedHeaders"].split(";") if name]
    if "host" not in signed:
        return 403, "InvalidSignatureException", "'Host' must be a signed header"
    url = f"http://{lowered.get('host', '')}{raw_path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=method.upper(), url=url, data=body,
                         headers={k: v for k, v in lowered.items() if k in signed})
    request.context["timestamp"] = amz_date
    verifier = _Verifier(Credentials(access_key, secret_key), service, region, signed)
    canonical = verifier.canonical_request(request)
    expected = verifier.signature(verifier.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, parts["Signature"]):
        return 403, "InvalidSignatureException", (
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.")
    return None
