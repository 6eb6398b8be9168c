"""Reproducers that check: one standalone script per failed clause, ``reports/<run>/reproducers/<CLAUSE>.py``.

One generator for both kinds of failure:

- a **single request** (the recorded request of a wire or validation failure) is signed afresh and sent as it
  was, over HTTP;
- a **call sequence** (the calls of the stateful machine's shortest failing run, ``CallLog``) is replayed
  call by call with boto3.

Every script runs with python and boto3 alone (no import of this project), against the endpoint URL given as
its first argument (URL and ``aws`` targets default to the run's own endpoint). It exits **1** while the
deviation is present, **0** once it is gone, **2** when it cannot run, and prints what the clause expects and
what it saw. "Present" means the target answers as it did in the run: the fingerprints (``replay_judge``) of
its answers equal the run's recorded ones. For in-process targets, and for servers that stopped with the run,
it says how to serve the same emulator, faults and quirks included (``bedrock-conformance serve --fault ...
--quirk ...``).

Each replay renames what must be unique (the run's name prefix, client request tokens) so that a script can
run again and again against the same server, and deletes what it created.

A request about a Provisioned Throughput the run had created, outside a call sequence, cannot be replayed
alone: that script says so, gives the command re-running the clause with the run's seed, and exits 2.
"""

from __future__ import annotations

import inspect
import itertools
import pprint
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.catalogue import kinds
from conformance.catalogue.clauses import CATALOGUE
from conformance.report import replay_judge

_RESOURCE_PATH = re.compile(r"/provisioned-model-throughput/[^/?]+")
_SCOPE_REGION = re.compile(r"/\d{8}/([^/]+)/bedrock/aws4_request")
_UNSIGNED = ("authorization", "x-amz-date", "x-amz-security-token", "content-length", "host")
_CREATE, _GET, _LIST = ("create_provisioned_model_throughput", "get_provisioned_model_throughput",
                        "list_provisioned_model_throughputs")
DIRECTORY = "reproducers"


def _line(text: Any) -> str:
    return " ".join(str(text or "").split())


def _needs_state(request: dict[str, Any], response: dict[str, Any] | None) -> bool:
    """The request names a resource and its answer shows the resource existed (a success, a conflict): a fresh
    target would answer "not found". Other 4xx answers (unknown id, invalid input) replay as they are."""
    body = request.get("body") or ""
    names = _RESOURCE_PATH.search(urlsplit(request["url"]).path) or "resourceARN" in body
    status = (response or {}).get("status") or 0
    return bool(names) and not (400 <= status < 500 and status != 409)


# -- where the script sends ----------------------------------------------------------------------------------
def serve_command(settings: dict[str, Any]) -> str:
    """The command serving the emulator the run used: region, account, delays, faults and quirks included."""
    flags = [f"--region {settings.get('region') or 'us-east-1'}",
             f"--account-id {settings.get('account_id') or '123456789012'}"]
    for name in ("create_delay", "update_delay"):
        if settings.get(name):
            flags.append(f"--{name.replace('_', '-')} {settings[name]}")
    flags += [f"--fault {name}" for name in settings.get("faults") or ()]
    flags += [f"--quirk {name}" for name in settings.get("quirks") or ()]
    return "bedrock-conformance serve --port 5566 " + " ".join(flags)


def _where(settings: dict[str, Any]) -> tuple[str, str | None]:
    """(how to get a URL, the URL used without an argument or None)."""
    target = str(settings.get("target", "reference"))
    kind = kinds.of(target) or kinds.URL
    if kind.reference:
        why = "ran in-process" if kind.in_process else "was served for the run and stopped with it"
        return (f"The run's reference emulator {why}. Serve the same emulator (faults and quirks included):\n"
                f"    {serve_command(settings)}\nthen pass http://127.0.0.1:5566 as the first argument."), None
    if kind.moto:
        return ("The run's moto stopped with the run. Serve moto:\n    python -m moto.server -p 5000\n"
                "then pass http://127.0.0.1:5000 as the first argument."), None
    if kind.aws:
        return ("Without an argument it sends to AWS (region of the run, credentials from the standard chain)."
                ), "aws"
    return f"Without an argument it sends to the run's target, {target}.", target


def _head(kind: str, clause_id: str, failure: dict[str, Any], settings: dict[str, Any]) -> list[str]:
    where, _ = _where(settings)
    clause = CATALOGUE.get(clause_id)
    statement = _line(clause.statement if clause else "")
    doc = [f"Reproduces {clause_id} on target {_line(settings.get('target', 'reference'))}: {kind}.", "",
           f"    python {clause_id}.py URL", "", *where.splitlines(), "",
           "Exits 1 while the deviation is present (the target answers as it did in the run), 0 once it is gone,",
           "2 when it cannot run. Needs python and boto3 only. Generated by bedrock-conformance.", "",
           f"{clause_id} expects: {statement}", f"The run saw: {_line(failure.get('message'))}"]
    text = "\n".join(doc).replace('"""', "'''")
    return ["#!/usr/bin/env python3", f'"""{text}\n"""', ""]


def _constants(**values: Any) -> str:
    return "".join(f"{name} = {pprint.pformat(value, width=110, sort_dicts=False)}\n" for name, value in
                   values.items())


_JUDGE = inspect.getsource(replay_judge).split('"""', 2)[2].lstrip("\n")

_COMMON = '''

def cannot(message):
    """The script could not run (no URL, no credentials, an unreachable target): exit 2."""
    sys.stderr.write(message + "\\n")
    sys.exit(2)


def endpoint():
    if len(sys.argv) > 1 and not sys.argv[1].startswith("--"):
        return sys.argv[1].rstrip("/")
    if DEFAULT_URL is None:
        cannot(__doc__)
    return None if DEFAULT_URL == "aws" else DEFAULT_URL


def credentials():
    if endpoint() is None:  # real AWS: the standard chain
        found = botocore.session.Session().get_credentials()
        if found is None:
            cannot("No AWS credentials found in the standard chain.")
        return found
    return Credentials("testing", "testing")  # what emulators accept


# What must be unique is renamed for each replay: the run's name prefix, and client request tokens.
NEW_PREFIX = RUN_PREFIX[:-6] + "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(6))
_TOKEN = re.compile(r"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?$")
_TOKENS = {}


def fresh(value, key=None):
    if isinstance(value, dict):
        return {k: fresh(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [fresh(v) for v in value]
    if key == "clientRequestToken" and isinstance(value, str) and _TOKEN.match(value):
        return _TOKENS.setdefault(value, "r" + "".join(random.choice(string.ascii_letters) for _ in value[1:]))
    if isinstance(value, str) and RUN_PREFIX:
        return value.replace(RUN_PREFIX, NEW_PREFIX)
    return value


RENAMES = [(NEW_PREFIX, RUN_PREFIX)] if RUN_PREFIX else []


def verdict(seen):
    """Exit 1 while every answer is the run's, 0 at the first that differs."""
    index = first_difference(RECORDED, seen)
    print(f"{CLAUSE} expects: {EXPECTED}")
    if index is None:
        print(f"Still present: the target answered all {len(seen)} request(s) as in the run, which saw: {SAW}")
        if seen:
            print(f"  last answer ({LABELS[-1]}): {seen[-1]}")
        sys.exit(1)
    then = RECORDED[index] if index < len(RECORDED) else "(no answer)"
    now = seen[index] if index < len(seen) else "(no answer)"
    print(f"Gone: answer {index + 1} ({LABELS[min(index, len(LABELS) - 1)]}) differs from the run's.")
    print(f"  the run saw:  {then}")
    print(f"  now:          {now}")
    print("(A different answer is not yet a conformant one: bedrock-conformance run judges that.)")
    sys.exit(0)
'''


# -- a single request ----------------------------------------------------------------------------------------
_REQUEST = '''

def send():
    url = endpoint()
    if url is None:
        if BILLABLE and "--allow-billable" not in sys.argv:
            cannot("This request creates a Provisioned Throughput, billed hourly, that you must delete yourself: "
                     "rerun with --allow-billable to send it.")
        url = RUN_ENDPOINT
    headers = {k: v for k, v in REQUEST["headers"].items() if k.lower() not in UNSIGNED}
    body = fresh(REQUEST["body"] or "")
    for then, now in _TOKENS.items():
        body = body.replace(then, now)
    request = AWSRequest(method=REQUEST["method"], url=url + fresh(PATH), data=body.encode(), headers=headers)
    if SIGNED:
        SigV4Auth(credentials(), "bedrock", REGION).add_auth(request)
    try:
        return URLLib3Session(timeout=30).send(request.prepare())
    except Exception as exc:  # unreachable, reset, hung: the script could not run
        cannot(f"{REQUEST['method']} {url}: {exc}")


# Tokens of the recorded body are renamed like the calls' clientRequestToken parameters.
if isinstance(REQUEST.get("body"), str) and REQUEST["body"].strip().startswith("{"):
    try:
        fresh(json.loads(REQUEST["body"]))
    except ValueError:
        pass
answer = send()
seen = [fingerprint(answer.status_code, answer.headers, answer.content, RENAMES)]
try:  # delete what the replay created (nothing else)
    arn = json.loads(answer.content or b"{}").get("provisionedModelArn") if answer.status_code < 300 else None
except ValueError:
    arn = None
if arn:
    found = credentials()
    try:
        boto3.client("bedrock", region_name=REGION, endpoint_url=endpoint(), aws_access_key_id=found.access_key,
                     aws_secret_access_key=found.secret_key, aws_session_token=found.token,
                     ).delete_provisioned_model_throughput(provisionedModelId=arn)
    except Exception:
        pass
verdict(seen)
'''


def _recorded(response: dict[str, Any] | None) -> dict[str, Any] | None:
    if not response:
        return None
    return replay_judge.fingerprint(response.get("status"), response.get("headers") or {}, response.get("body"))


def request_script(failure: dict[str, Any], settings: dict[str, Any], *, seed: int | None = None,
                   run_prefix: str = "") -> str | None:
    """The script replaying ``failure``'s recorded request (a ``ConformanceFailure.details()`` dict); None when
    there is no recorded request."""
    request = failure.get("request")
    if not request or not request.get("url"):
        return None
    clause_id = str(failure.get("clause", ""))
    target = str(settings.get("target", "reference"))
    url = urlsplit(request["url"])
    if _needs_state(request, failure.get("response")):
        rerun = (f"bedrock-conformance run --target {target}"
                 + "".join(f" --fault {f}" for f in settings.get("faults") or ())
                 + "".join(f" --quirk {q}" for q in settings.get("quirks") or ())
                 + f" --only {clause_id} --seed {'<seed of report.json>' if seed is None else seed}")
        head = _head("a request about a resource the run had created", clause_id, failure, settings)
        return "\n".join(head) + (
            "import sys\n\n" + _constants(RERUN=rerun, REQUEST=f"{request['method']} {request['url']}") +
            '\nsys.stderr.write(f"{__doc__}\\nThis request named a Provisioned Throughput the run had created: a fresh '
            'target does not hold it, so it cannot be replayed alone (exit 2). Re-run the clause:\\n    {RERUN}\\n")\nsys.exit(2)\n')
    headers = request.get("headers") or {}
    auth = next((str(v) for k, v in headers.items() if k.lower() == "authorization"), "")
    scope = _SCOPE_REGION.search(auth)
    _, default_url = _where(settings)
    recorded = _recorded(failure.get("response"))
    clause = CATALOGUE.get(clause_id)
    data = {"CLAUSE": clause_id, "EXPECTED": _line(clause.statement if clause else ""),
            "SAW": _line(failure.get("message")), "DEFAULT_URL": default_url,
            "RUN_ENDPOINT": f"{url.scheme}://{url.netloc}",
            "REGION": scope.group(1) if scope else settings.get("region", "us-east-1"),
            "RUN_PREFIX": run_prefix, "SIGNED": bool(auth), "UNSIGNED": _UNSIGNED,
            "BILLABLE": request.get("method") == "POST" and url.path == "/provisioned-model-throughput",
            "PATH": url.path + (f"?{url.query}" if url.query else ""), "REQUEST": request,
            "LABELS": [f"{request['method']} {url.path}"], "RECORDED": [recorded]}
    imports = ("import json\nimport random\nimport re\nimport string\nimport sys\n\nimport boto3\n"
               "import botocore.session\nfrom botocore.auth import SigV4Auth\nfrom botocore.awsrequest import "
               "AWSRequest\nfrom botocore.credentials import Credentials\nfrom botocore.httpsession import "
               "URLLib3Session\n")
    head = _head("one recorded request, signed afresh", clause_id, failure, settings)
    return "\n".join(head) + imports + "\n" + _constants(**data) + "\n\n" + _JUDGE + _COMMON + _REQUEST


# -- a call sequence -----------------------------------------------------------------------------------------
_CALLS = '''

def client():
    url = endpoint()
    if url is None and not ALLOW_AWS:
        cannot("This script creates Provisioned Throughputs, billed hourly: rerun with --allow-billable.")
    found = credentials()
    bedrock = boto3.client("bedrock", region_name=REGION, endpoint_url=url, aws_access_key_id=found.access_key,
                           aws_secret_access_key=found.secret_key, aws_session_token=found.token,
                           config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    bedrock.meta.events.register("after-call.bedrock", _answered)
    return bedrock


LAST = []
SEEN = []
CREATED = []


def _answered(http_response, parsed, **_):
    LAST[:] = [fingerprint(http_response.status_code, http_response.headers, http_response.content, RENAMES)]
    if http_response.status_code < 300 and parsed.get("provisionedModelArn"):
        CREATED.append(parsed["provisionedModelArn"])


def call(operation, record=True, **params):
    try:
        answer = getattr(BEDROCK, operation)(**fresh(params))
        answer.pop("ResponseMetadata", None)
    except ClientError as exc:
        answer = exc.response.get("Error", {})
    except Exception as exc:  # unreachable, reset, hung: the script could not run
        cannot(f"{operation}: {exc}")
    if record:
        SEEN.append(LAST[0] if LAST else None)
    return answer


def poll(**params):
    """Get until the status leaves Creating/Updating (at most 60 s); the last answer counts."""
    deadline = time.monotonic() + 60
    while True:
        answer = call("get_provisioned_model_throughput", record=False, **params)
        if answer.get("status") not in ("Creating", "Updating") or time.monotonic() > deadline:
            SEEN.append(LAST[0] if LAST else None)
            return answer
        time.sleep(POLL_INTERVAL)


ALLOW_AWS = "--allow-billable" in sys.argv
BEDROCK = client()
try:
'''

_CALLS_END = '''finally:
    for arn in CREATED:  # delete what the replay created (nothing else)
        try:
            BEDROCK.delete_provisioned_model_throughput(provisionedModelId=arn)
        except Exception:
            pass
verdict(SEEN)
'''


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def literal(value: Any, variables: dict[str, str]) -> str:
    if isinstance(value, str) and value in variables:
        return variables[value]
    if isinstance(value, datetime):
        return f"datetime.datetime.fromisoformat({_utc(value).isoformat()!r})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {literal(v, variables)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v, variables) for v in value) + "]"
    return repr(value)


def _observed(call: Any) -> str:
    outcome = call.outcome
    if isinstance(outcome, dict) and "Code" in outcome:
        return f"HTTP {call.status} {outcome.get('Code')}"
    if isinstance(outcome, dict) and call.operation == _GET:
        return f"HTTP {call.status} {outcome.get('provisionedModelName')} {outcome.get('status')}"
    if isinstance(outcome, dict) and call.operation == _LIST:
        names = [s.get("provisionedModelName") for s in outcome.get("provisionedModelSummaries", [])]
        return f"HTTP {call.status} {names}{' +nextToken' if outcome.get('nextToken') else ''}"
    return f"HTTP {call.status} " + " ".join(repr(outcome).split())[:150]


def _grouped(calls: Sequence[Any]) -> Iterable[tuple[Any, int]]:
    for _, group in itertools.groupby(calls, key=lambda c: (c.operation, repr(c.params))):
        items = list(group)
        yield items[-1], len(items)


def calls_script(calls: Sequence[Any], failure: dict[str, Any], settings: dict[str, Any], *,
                 run_prefix: str = "") -> str:
    """The script replaying a machine run's calls (``CallLog.calls``: operation, params, status, outcome and
    the raw ``answer`` (status, headers, body) of each) in order."""
    clause_id = str(failure.get("clause", ""))
    variables: dict[str, str] = {}
    lines: list[str] = []
    labels: list[str] = []
    recorded: list[dict[str, Any] | None] = []
    for call, count in _grouped(calls):
        args = ", ".join(f"{k}={literal(v, variables)}" for k, v in call.params.items())
        observed = _observed(call)
        answer = getattr(call, "answer", None)
        recorded.append(replay_judge.fingerprint(*answer) if answer else None)
        labels.append(call.operation)
        if call.operation == _GET and count > 1:
            lines.append(f"    poll({args})  # the run polled {count} times; last: {observed}")
            continue
        text = f"call({call.operation!r}{', ' + args if args else ''})"
        outcome = call.outcome if isinstance(call.outcome, dict) else {}
        arn = outcome.get("provisionedModelArn") if call.operation == _CREATE else None
        token = outcome.get("nextToken") if call.operation == _LIST else None
        if arn and arn not in variables:
            variables[arn] = f"arn_{sum(v.startswith('arn_') for v in variables.values()) + 1}"
            text = f"{variables[arn]} = {text}.get('provisionedModelArn')"
        elif token and token not in variables:  # the target's tokens differ from run to run
            variables[token] = f"token_{sum(v.startswith('token_') for v in variables.values()) + 1}"
            text = f"{variables[token]} = {text}.get('nextToken')"
        if count > 1:
            text += f"  # sent {count} times in a row"
        lines.append(f"    {text}  # run saw: {observed}")
    clause = CATALOGUE.get(clause_id)
    _, default_url = _where(settings)
    data = {"CLAUSE": clause_id, "EXPECTED": _line(clause.statement if clause else ""),
            "SAW": _line(failure.get("message")), "DEFAULT_URL": default_url,
            "REGION": settings.get("region") or "us-east-1", "RUN_PREFIX": run_prefix,
            "POLL_INTERVAL": settings.get("poll_interval") or 0.05, "LABELS": labels, "RECORDED": recorded}
    imports = ("import datetime\nimport random\nimport re\nimport string\nimport sys\nimport time\n\nimport boto3\n"
               "import botocore.session\nfrom botocore.config import Config\nfrom botocore.credentials import "
               "Credentials\nfrom botocore.exceptions import ClientError\n")
    head = _head("the calls of the stateful machine's shortest failing run, replayed with boto3", clause_id,
                 failure, settings)
    body = "\n".join(lines or ["    pass"]) + "\n"
    return ("\n".join(head) + imports + "\n" + _constants(**data) + "\n\n" + _JUDGE + _COMMON + _CALLS + body
            + _CALLS_END)


# -- the reports ---------------------------------------------------------------------------------------------
def reproducer_for(failure: dict[str, Any], settings: dict[str, Any], *, seed: int | None = None,
                   run_prefix: str = "") -> str | None:
    """A failure that carries its own reproducer (the stateful machine's call sequence) keeps it; otherwise the
    single-request script, or None without a recorded request."""
    if failure.get("reproducer"):
        return str(failure["reproducer"])
    return request_script(failure, settings, seed=seed, run_prefix=run_prefix)


def with_reproducer(failure: dict[str, Any] | None, settings: dict[str, Any], *, seed: int | None = None,
                    run_prefix: str = "") -> dict[str, Any] | None:
    """``failure`` with its ``reproducer`` filled in when one can be built (what report.json records)."""
    script = reproducer_for(failure, settings, seed=seed, run_prefix=run_prefix) if failure else None
    return {**failure, "reproducer": script} if failure and script else failure


def write(directory: Path, clauses: Iterable[dict[str, Any]]) -> list[Path]:
    """Write ``reproducers/<CLAUSE>.py`` for every clause whose failure has a reproducer."""
    written = []
    for clause in clauses:
        script = (clause.get("failure") or {}).get("reproducer")
        if not script:
            continue
        path = directory / DIRECTORY / f"{clause['id']}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    return written
