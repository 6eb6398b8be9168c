"""Standalone reproducers: a Python script that replays a failure's recorded request and shows the answer.

The recorded request has its signature redacted, so the script signs it again: placeholder credentials
("testing") for emulator targets, the standard credential chain for ``aws``. The ``reference`` target is
replayed in-process on a fresh emulator with the run's faults, ``moto`` on moto's in-process mock, every other
target over HTTP (the script takes another endpoint as its first argument).

A fresh emulator holds no resources, and the run deletes what it created on real targets, so a request about a
Provisioned Throughput the run had created cannot be replayed alone: that script says it needs the stateful
reproducer (the clause re-run with the run's seed) and prints the recorded answer instead.
"""

from __future__ import annotations

import pprint
import re
from typing import Any
from urllib.parse import urlsplit

from conformance.clauses import CATALOGUE

_RESOURCE_PATH = re.compile(r"/provisioned-model-throughput/[^/?]+")
_SCOPE_REGION = re.compile(r"/\d{8}/([^/]+)/bedrock/aws4_request")
_UNSIGNED = ("authorization", "x-amz-date", "x-amz-security-token", "content-length")

_SHOW = '''

def show(status, headers, body):
    print(f"HTTP {status}")
    for name, value in headers.items():
        print(f"{name}: {value}")
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        text = json.dumps(json.loads(text), indent=2)
    except ValueError:
        pass
    print(f"\\n{text}\\n")

'''

_SIGN = '''
def signed(url):
    """The recorded request, signed afresh (the run's signature was redacted)."""
    headers = {k: v for k, v in REQUEST["headers"].items() if k.lower() not in UNSIGNED}
    request = AWSRequest(method=REQUEST["method"], url=url, data=REQUEST["body"].encode(), headers=headers)
    if SIGNED:
        SigV4Auth(CREDENTIALS, "bedrock", REGION).add_auth(request)
    return request.prepare()


'''
_IMPORTS = {
    "reference": '''from bedrock_emulator.botocore_adapter import handler_for
from bedrock_emulator.config import EmulatorConfig
from bedrock_emulator.core import Emulator
''',
    "moto": '''from moto import mock_aws
from moto.core.models import botocore_stubber
''',
    "http": "from botocore.httpsession import URLLib3Session\n",
    "aws": "from botocore.httpsession import URLLib3Session\n",
    "stateful": "",
}
_SIGN_IMPORTS = "from botocore.auth import SigV4Auth\nfrom botocore.awsrequest import AWSRequest\n"
# (import, definition) of the credentials the script signs with
_CREDENTIALS = ("from botocore.credentials import Credentials\n",
                'CREDENTIALS = Credentials("testing", "testing")  # what emulator targets accept\n')
_AWS_CREDENTIALS = ("import botocore.session\n",
                    "CREDENTIALS = botocore.session.Session().get_credentials()  # the standard chain\n")

_SEND = {
    "reference": '''
# A fresh in-process reference emulator configured as the run's was (no server needed).
emulator = Emulator(EmulatorConfig({config}
))
response = handler_for(emulator)(signed(REQUEST["url"]))
show(response.status_code, response.headers, response.content)
''',
    "moto": '''
# moto's in-process mock (the router mock_aws installs in botocore), fresh like the run's.
with mock_aws():
    response = botocore_stubber("before-send.bedrock", signed(REQUEST["url"]))
show(response.status_code, response.headers, response.content)
''',
    "http": '''
{where}
URL = sys.argv[1].rstrip("/") + PATH if len(sys.argv) > 1 else REQUEST["url"]
response = URLLib3Session(timeout=30).send(signed(URL))
show(response.status_code, response.headers, response.content)
''',
    "aws": '''
if CREDENTIALS is None:
    sys.exit("No AWS credentials found in the standard chain.")
if BILLABLE and "--allow-billable" not in sys.argv:
    sys.exit("This request creates a Provisioned Throughput, billed hourly, that you must delete yourself: "
             "rerun with --allow-billable to send it.")
response = URLLib3Session(timeout=30).send(signed(REQUEST["url"]))
show(response.status_code, response.headers, response.content)
''',
    "stateful": '''
# This request names a Provisioned Throughput the run had created. A fresh target does not hold it (and the
# run deleted its own), so one request cannot reproduce the failure: it needs the stateful reproducer.
print(f"{CLAUSE} needs the stateful reproducer: {REQUEST['method']} {REQUEST['url']} named a resource the "
      f"run had created. Re-run the clause:\\n    {RERUN}\\nThe recorded answer was:")
show(RECORDED["status"], RECORDED["headers"], RECORDED["body"])
''',
}

_WHERE = {
    "reference-http": "The run's reference-http server stopped with the run: its URL is gone. Start one\n"
                      "    python -m bedrock_emulator {flags}\n"
                      "and pass the URL it prints as the first argument.",
    "moto-server": "The run's moto server stopped with the run: its URL is gone. Start one\n"
                   "    python -m moto.server -p 5000\nand pass http://127.0.0.1:5000 as the first argument.",
}
_WHERE_DEFAULT = "Sends to the target the run used; pass another endpoint URL as the first argument."


def _line(text: Any) -> str:
    return " ".join(str(text or "").split())


def _needs_state(request: dict[str, Any], response: dict[str, Any] | None) -> bool:
    """The request names a resource and its answer shows the resource existed (a success, a conflict): a fresh
    target would answer "not found". Other 4xx answers (unknown id, invalid input) replay as they are."""
    body = request.get("body") or ""
    names = _RESOURCE_PATH.search(urlsplit(request["url"]).path) or "resourceARN" in body
    status = (response or {}).get("status") or 0
    return bool(names) and not (400 <= status < 500 and status != 409)


def _fault_flags(settings: dict[str, Any]) -> str:
    return "".join(f" --fault {f}" for f in settings.get("faults") or ())


def _emulator_config(settings: dict[str, Any]) -> str:
    values = {"region": settings.get("region", "us-east-1"),
              "account_id": settings.get("account_id") or "123456789012",
              "faults": frozenset(settings.get("faults") or ()),
              "create_delay": settings.get("create_delay", 0.0),
              "update_delay": settings.get("update_delay", 0.0)}
    return "".join(f"\n    {k}={v!r}," for k, v in values.items())


def _where(target: str, settings: dict[str, Any]) -> str:
    text = _WHERE.get(target, _WHERE_DEFAULT).format(flags=_fault_flags(settings).strip())
    return "\n".join(f"# {line}" for line in text.splitlines())


def reproducer_for(failure: dict[str, Any], settings: dict[str, Any], *,
                   seed: int | None = None) -> str | None:
    """A standalone Python script reproducing ``failure`` (a ``ConformanceFailure.details()`` dict) of a run
    with these settings (``Settings.public()``). A failure that carries its own reproducer (the stateful
    machine's) keeps it; a failure without a recorded request has nothing to replay: None."""
    if failure.get("reproducer"):
        return failure["reproducer"]
    request = failure.get("request")
    if not request or not request.get("url"):
        return None
    target = str(settings.get("target", "reference"))
    clause_id = str(failure.get("clause", ""))
    url = urlsplit(request["url"])
    if _needs_state(request, failure.get("response")):
        kind = "stateful"
    else:
        kind = target if target in ("reference", "moto", "aws") else "http"
    clause = CATALOGUE.get(clause_id)
    data: dict[str, Any] = {"CLAUSE": clause_id, "EXPECTED": _line(clause.statement if clause else ""),
                            "SAW": _line(failure.get("message")), "REQUEST": request,
                            "RECORDED": failure.get("response") or {}}
    if kind == "stateful":
        data["RERUN"] = (f"bedrock-conformance run --target {target}{_fault_flags(settings)} "
                         f"--only {clause_id} --seed {'<seed of report.json>' if seed is None else seed}")
    else:
        headers = request.get("headers") or {}
        auth = next((str(v) for k, v in headers.items() if k.lower() == "authorization"), "")
        scope = _SCOPE_REGION.search(auth)
        region = scope.group(1) if scope else settings.get("region", "us-east-1")
        data.update(REGION=region, SIGNED=bool(auth), UNSIGNED=_UNSIGNED)
    if kind == "http":
        data["PATH"] = url.path + (f"?{url.query}" if url.query else "")
    if kind == "aws":
        data["BILLABLE"] = request.get("method") == "POST" and url.path == "/provisioned-model-throughput"
    send = _SEND[kind].replace("{config}", _emulator_config(settings))
    send = send.replace("{where}", _where(target, settings))
    credentials = {"stateful": ("", ""), "aws": _AWS_CREDENTIALS}.get(kind, _CREDENTIALS)
    third_party = ("" if kind == "stateful" else _SIGN_IMPORTS) + credentials[0] + _IMPORTS[kind]
    needs = {"reference": " and bedrock_emulator", "moto": " and moto"}.get(kind, "")
    header = (f"#!/usr/bin/env python3\n# Reproduces {_line(clause_id)} on target {_line(target)} from the "
              f"run's recorded request.\n# Generated by bedrock-conformance; needs botocore{needs}.\n")
    imports = "import json\n" + ("import sys\n" if "sys." in send else "")
    imports += f"\n{third_party}" if third_party else ""
    constants = "".join(f"{name} = {pprint.pformat(value, width=110, sort_dicts=False)}\n"
                        for name, value in data.items())
    signing = "" if kind == "stateful" else _SIGN + credentials[1]
    hint = 'print(f"{CLAUSE} expects: {EXPECTED} | the run saw: {SAW}")\n'
    return f"{header}{imports}\n{constants}{_SHOW}{signing}{send}{hint}"


def with_reproducer(failure: dict[str, Any] | None, settings: dict[str, Any], *,
                    seed: int | None = None) -> dict[str, Any] | None:
    """``failure`` with its ``reproducer`` filled in when one can be built (what report.json records)."""
    script = reproducer_for(failure, settings, seed=seed) if failure else None
    return {**failure, "reproducer": script} if failure and script else failure
