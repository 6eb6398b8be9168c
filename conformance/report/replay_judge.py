"""How a reproducer judges an answer: embedded verbatim in every reproducer script
(conformance.report.reproducer), and applied by the generator to the run's recorded answers, so that the run
and the script judge alike.

Standard library only: the scripts run with python and boto3 alone.

An answer's fingerprint keeps what a deviation consists of (the status, the error code, the content type, the
body's members, their types and values) and replaces what changes from run to run by its kind: the
12-character id of a Provisioned Throughput ARN (numbered by first appearance), timestamp values (their JSON
type is kept: an epoch number is not an ISO 8601 string), page tokens (their presence is kept), error
messages (their presence is kept) and the run's name prefix. A reproducer exits 1 while the target's
fingerprints equal the run's, and 0 once they differ.
"""

import json
import re

_ID = re.compile(r"(provisioned-model/)([a-z0-9]{12})(?![a-z0-9])")
_TIME_MEMBERS = ("creationTime", "lastModifiedTime", "commitmentExpirationTime")
_KIND_MEMBERS = {"nextToken": "<token>", "message": "<message>", "Message": "<message>"}


def fingerprint(status, headers, body, renames=()):
    """The parts of one HTTP answer a deviation consists of (see the module docstring). ``renames``: (now,
    then) string pairs turning this replay's names back into the run's."""
    lowered = {str(k).lower(): str(v) for k, v in dict(headers or {}).items()}
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    for now, then in renames:
        text = text.replace(now, then)
    ids = {}

    def normal(value, key=None):
        if isinstance(value, dict):
            return {k: normal(v, k) for k, v in sorted(value.items())}
        if isinstance(value, list):
            return [normal(v) for v in value]
        if key in _TIME_MEMBERS:
            return "<time %s>" % type(value).__name__
        if key in _KIND_MEMBERS and value is not None:
            return _KIND_MEMBERS[key]
        if isinstance(value, str):
            return _ID.sub(lambda m: m.group(1) + "<id%d>" % ids.setdefault(m.group(2), len(ids) + 1), value)
        return value

    try:
        document = normal(json.loads(text)) if text.strip() else None
    except ValueError:
        document = "<not JSON, %d characters>" % len(text)
    return {"status": status, "error": lowered.get("x-amzn-errortype", "").split(":")[0],
            "content-type": lowered.get("content-type", "").split(";")[0].strip().lower(), "body": document}


def first_difference(recorded, seen):
    """The index of the first answer whose fingerprint differs from the run's, or None when all agree."""
    for index, (then, now) in enumerate(zip(recorded, seen)):
        if then != now:
            return index
    return None if len(recorded) == len(seen) else min(len(recorded), len(seen))
