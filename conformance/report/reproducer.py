"""Reproducers that judge the clause: one standalone script per failed clause, ``reports/<run>/reproducers/<CLAUSE>.py``.

A failure names the check that failed (``ConformanceFailure.check``: a rule of conformance.catalogue.rules, the
answer(s) it judged and its arguments). Its script takes only the steps that check needs, as plain boto3 calls:

- after a machine run or any test's calls (``CallLog``): the creates, updates, deletes and tag changes of the
  Provisioned Throughputs the judged call is about (the machine's own verification reads are left out, unless the
  check is on them or takes a value from their answer), then the judged call or List query;
- after a single request (wire checks, validation cases, schemathesis cases): that request, signed afresh, sent
  as recorded (after a create when it names a Provisioned Throughput that existed in the run);

then applies the clause's rule, the suite's own code copied verbatim, to what the target answers now. A step only
has to succeed (or be refused) as it did in the run: a fixed status code or a new member elsewhere does not end
the reproduction. The script exits 1 while the clause fails, 0 when it holds, 2 when a step can no longer be
taken (it says which and why). Every replay renames what must be unique (the run id in names, tokens and the run
tag), so it runs again and again against one server, and deletes what it created.

When no script can be made (the check is not a shared rule yet, the judged call was not recorded), the failure
says why in ``no_reproducer``.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.catalogue import kinds, rules
from conformance.catalogue.clauses import CATALOGUE
from conformance.checker import checks, fastschema
from conformance.checker.outcomes import DEVIATION_NOTE
from conformance.report import replay_judge

DIRECTORY = "reproducers"
_CREATE, _GET, _LIST = ("create_provisioned_model_throughput", "get_provisioned_model_throughput",
                        "list_provisioned_model_throughputs")
_MUTATING = (_CREATE, "update_provisioned_model_throughput", "delete_provisioned_model_throughput",
             "tag_resource", "untag_resource")
_ARN = re.compile(r"arn:aws:bedrock:[a-z0-9-]+:\d{12}:provisioned-model/[a-z0-9]{12}")
_RESOURCE_PATH = re.compile(r"(/provisioned-model-throughput/)([^/?]+)")
_UNSENT = ("authorization", "x-amz-date", "x-amz-security-token", "content-length", "host", "user-agent",
           "amz-sdk-invocation-id", "amz-sdk-request", "x-amz-content-sha256")


def _line(text: Any) -> str:
    return " ".join(str(text or "").split())


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
        return f"Serve the run's emulator:  {serve_command(settings)}", None
    if kind.moto:
        return "Serve moto:  python -m moto.server -p 5000", None
    if kind.aws:
        return "Without a URL it sends to AWS (credentials: the standard chain; creates need --allow-billable).", "aws"
    return f"Without a URL it sends to the run's target, {target}.", target


# -- rendering values ----------------------------------------------------------------------------------------
class _Names:
    """The script's names for the run's values: ARNs of the steps' creates, values read from earlier answers, and
    the run id inside strings (renamed to this replay's ``P``)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.values: dict[Any, str] = {}
        self.counts: dict[str, int] = {}
        self.imports: set[str] = set()

    def bind(self, value: Any, stem: str, expression: str | None = None) -> str:
        self.counts[stem] = self.counts.get(stem, 0) + 1
        name = f"{stem}_{self.counts[stem]}" if expression is None else expression.format(n=self.counts[stem])
        self.values[_key(value)] = name
        return name

    def literal(self, value: Any) -> str:
        key = _key(value)
        if key in self.values:
            return self.values[key]
        if isinstance(value, str):
            if self.run_id and self.run_id in value:
                parts = [p.replace("{", "{{").replace("}", "}}") for p in value.split(self.run_id)]
                return "f" + repr("{P}".join(parts))
            return repr(value)
        if isinstance(value, datetime):
            self.imports.add("datetime")
            return f"datetime.datetime.fromisoformat({_utc(value).isoformat()!r})"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {self.literal(v)}" for k, v in value.items()) + "}"
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(self.literal(v) for v in value) + "]"
        return repr(value)

    def params(self, params: dict[str, Any]) -> str:
        return ", ".join(f"{k}={self.literal(v)}" for k, v in params.items())


def _key(value: Any) -> Any:
    if isinstance(value, datetime):
        return ("time", _utc(value).isoformat())
    return ("value", value) if isinstance(value, (str, int, float, bool)) or value is None else ("id", id(value))


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _leaves(value: Any, of_type: type) -> Iterable[Any]:
    """The values of type ``of_type`` anywhere in ``value`` (dicts' values, lists' and tuples' items)."""
    if isinstance(value, of_type):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item, of_type)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item, of_type)


def _strings(value: Any) -> Iterable[str]:
    return _leaves(value, str)


def _times(value: Any) -> Iterable[datetime]:
    return _leaves(value, datetime)


# -- the embedded code ---------------------------------------------------------------------------------------
def _function(module: Any, name: str) -> str:
    """A function (or class) of ``module``, verbatim, less a docstring of more than one line."""
    text = inspect.getsource(getattr(module, name))
    return re.sub(r'\n    """(?:(?!""").)*\n(?:(?!""").)*"""\n', "\n", text, count=1, flags=re.S)


def _rule_names(rule: str) -> list[str]:
    """The rule and the rules it calls (conformance.catalogue.rules), in the module's order."""
    wanted, todo = set(), [rule]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        wanted.add(name)
        todo += [n for n in getattr(rules, name).__code__.co_names
                 if inspect.isfunction(getattr(rules, n, None)) and getattr(rules, n).__module__ == rules.__name__]
    return sorted(wanted, key=lambda n: getattr(rules, n).__code__.co_firstlineno)


def _rule_code(rule: str) -> list[str]:
    return [_function(rules, n) for n in _rule_names(rule)]


_HARNESS_STATE = inspect.getsource(replay_judge).split("# -- harness --\n", 1)[1].split("\n\nclass ", 1)[0]
_QUOTES = '"' * 3


def _script(clause_id: str, rule: str, failure: dict[str, Any], *, settings: dict[str, Any], what: str,
            body: list[str], names: _Names, helpers: Sequence[str], billable: bool) -> str:
    where, default_url = _where(settings)
    clause = CATALOGUE.get(clause_id)
    doc = [f"{clause_id}: {_line(clause.statement if clause else '')}",
           f"The run ({_line(settings.get('target', 'reference'))}) saw: {_line(failure.get('message'))[:300]}",
           f"This replays {what} and judges the answer with the suite's own check (rules.{rule}): "
           f"python {clause_id}.py URL exits 1 while the clause fails, 0 when it holds, 2 when a step cannot be taken.",
           where]
    text = "\n".join(doc).replace(_QUOTES, "'''").replace("\\", "\\\\")
    text_of = "\n".join(body)
    helpers = [h for h in ("call", "step", "pages", "settle", "send", "burst") if f"{h}(" in text_of] + (
        ["sleep"] if "time.sleep(" in text_of else [])
    helpers += ["call"] if {"step", "pages", "burst"} & set(helpers) and "call" not in helpers else []
    modules = {"contextlib", "random", "string", "sys"} | ({"re"} if rule == "body_schema" else set()) | names.imports | ({"json"} if "send" in helpers else set()) | (
        {"time"} if {"settle", "sleep"} & set(helpers) else set()) | ({"threading"} if "burst" in helpers else set())
    imports = ["import " + ", ".join(sorted(modules)) + "  # noqa: E401", "import boto3"]
    if "send" in helpers:
        imports.append("import botocore.awsrequest, botocore.httpsession  # noqa: E401")
    constants = (f"CLAUSE, REGION, DEFAULT_URL, BILLABLE = {clause_id!r}, {settings.get('region') or 'us-east-1'!r}, "
                 f"{default_url!r}, {billable!r}\n")
    code = []
    if rule == "body_schema":
        code += _schema_code()
    if rule == "absent_omitted":
        code.append(_function(checks, "null_members"))
    code += _rule_code(rule)
    code.append(_function(replay_judge, "Unreproducible"))
    code += [_function(replay_judge, h) for h in ("call", "step", "pages", "burst", "settle") if h in helpers]
    if "send" in helpers and _reads_code(rule):
        code += [_function(checks, "error_name"), _function(checks, "error_code")]
    elif "send" in helpers:
        code.append(f"error_code = None  # rules.{rule} reads no error code")
    if "send" in helpers:
        code.append(_function(replay_judge, "send"))
    code.append(_function(replay_judge, "main"))
    if sum(c.count("\n") + 2 for c in code) + len(body) + 20 > 149:  # long (a schema): the harness's docstrings go
        keep = set(_rule_code(rule))
        code = [c if c in keep or c.startswith("class ") else re.sub(r'\n    """[^\n]*"""\n', "\n", c, count=1) for c in code]
    reproduce = "def reproduce():\n" + "\n".join(f"    {line}" for line in body) + "\n"
    return ("#!/usr/bin/env python3\n" + _QUOTES + text + _QUOTES + "\nfrom __future__ import annotations\n\n"
            + "\n".join(imports) + "\n\n" + constants + _HARNESS_STATE.strip() + "\n\n\n" + reproduce + "\n"
            + "\n".join(c.strip() + "\n" for c in code)
            + '\nif __name__ == "__main__":  # noqa: E305\n    main(reproduce)\n')


def _reads_code(rule: str) -> bool:
    return any("[\"code\"]" in inspect.getsource(getattr(rules, n)) for n in _rule_names(rule))


def _schema_code() -> list[str]:
    source = inspect.getsource(fastschema)
    tables = source[source.index("_TYPES:"):source.index("\n\n\ndef _never")]
    return [tables.strip(), _function(fastschema, "_never"), _function(fastschema, "compile_schema")]


# -- the rule's call -----------------------------------------------------------------------------------------
def _judge_line(check: dict[str, Any], names: _Names) -> str:
    args = ", ".join(f"{k}={names.literal(v)}" for k, v in check["args"].items())
    if check["rule"] == "body_schema":
        args += ", compile_schema=compile_schema"
    if check["rule"] == "absent_omitted":
        args += ", null_members=null_members"
    return f"return {check['rule']}(answer{', ' + args if args else ''})"


# -- a single request ----------------------------------------------------------------------------------------
def _needs_state(request: dict[str, Any], response: dict[str, Any] | None) -> bool:
    """The request names a resource and its answer shows the resource existed (a success, a conflict)."""
    body = request.get("body") or ""
    names = _RESOURCE_PATH.search(urlsplit(request["url"]).path) or _ARN.search(body)
    status = (response or {}).get("status") or 0
    return bool(names) and not (400 <= status < 500 and status != 409)


def request_script(failure: dict[str, Any], settings: dict[str, Any], check: dict[str, Any], *,
                   run_id: str = "") -> str:
    """The failure's recorded request (after a create when it needs a live resource), then the rule."""
    request = failure["request"]
    names = _Names(run_id)
    parts = urlsplit(request["url"])
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    body = request.get("body") or ""
    lines: list[str] = []
    helpers = ["send"]
    billable = request["method"] == "POST" and parts.path == "/provisioned-model-throughput"
    if _needs_state(request, failure.get("response")):
        model = (settings.get("models") or ["amazon.titan-text-express-v1:0:8k"])[0]
        create = f"json.dumps({{'provisionedModelName': f'bc{{P}}-repro', 'modelId': {model!r}, 'modelUnits': 1}})"
        lines += [f"made = send('POST', '/provisioned-model-throughput', {create}, "
                  "{'Content-Type': 'application/json'})  # the Provisioned Throughput the request is about",
                  "if made['status'] >= 300:",
                  "    raise Unreproducible(f\"the create of the resource the request is about was refused: {made}\")"]
        if _ARN.search(body):
            lines.append("arn = made['body']['provisionedModelArn']")
        billable = True
        found = _RESOURCE_PATH.search(parts.path)
        path_expr = names.literal(path)
        if found:
            path_expr = "f" + repr(parts.path[:found.start(2)] + "bc{P}-repro" + parts.path[found.end(2):]
                                   + (f"?{parts.query}" if parts.query else ""))
        for arn in set(_ARN.findall(body)):
            names.values[_key(arn)] = "arn"
    else:
        path_expr = names.literal(path)
    try:
        document = json.loads(body) if body.strip() else None
        exact = document is not None and json.dumps(document) == body
    except ValueError:
        document, exact = None, False
    if exact:
        body_expr = f"json.dumps({names.literal(document)})"
    elif "arn" in names.values.values():
        body_expr = names.literal(body)
        for arn in set(_ARN.findall(body)):
            body_expr = body_expr.replace(arn, "' + arn + '")
    else:
        body_expr = names.literal(body)
    headers = {k: v for k, v in (request.get("headers") or {}).items() if k.lower() not in _UNSENT}
    sent = (f"send({request['method']!r}, {path_expr}, {body_expr}"
            + (f", {names.literal(headers)})" if headers else ")"))
    status = (failure.get("response") or {}).get("status")
    if status and status >= 400 and billable and not lines:
        # refused in the run: a name taken by an earlier create (another token) can be why; that one first
        first_body = body_expr
        if exact and isinstance(document, dict) and isinstance(document.get("clientRequestToken"), str):
            first_body = f"json.dumps({names.literal({**document, 'clientRequestToken': document['clientRequestToken'][:60] + 'e'})})"
        lines.append(f"send({request['method']!r}, {path_expr}, {first_body}"
                     + (f", {names.literal(headers)})" if headers else ")") + "  # an earlier create of the name")
    lines.append(f"answer = {sent}")
    lines.append(_judge_line(check, names))
    what = "the run's request, signed afresh" + (" (on a Provisioned Throughput of its own)" if "made" in lines[0]
                                                 else "")
    return _script(str(failure.get("clause", "")), check["rule"], failure, settings=settings, what=what,
                   body=lines, names=names,
                   helpers=helpers, billable=billable)


# -- a call sequence -----------------------------------------------------------------------------------------
def _matches(call: Any, on: dict[str, Any]) -> bool:
    operation = _LIST if "pages" in on else on.get("call")
    if call.operation != operation:
        return False
    if "pages" in on:
        return {k: v for k, v in call.params.items() if k != "nextToken"} == on["pages"] \
            and "nextToken" not in call.params
    if "arn" in on:
        return isinstance(call.outcome, dict) and call.outcome.get("provisionedModelArn") == on["arn"]
    return call.params == on.get("params")


def _judged(calls: Sequence[Any], on: dict[str, Any]) -> list[int]:
    """The indices of the judged calls: the last call matching ``on`` (and, for a List query, its later pages)."""
    start = next((i for i in range(len(calls) - 1, -1, -1) if _matches(calls[i], on)), None)
    if start is None:
        return []
    found = [start]
    if "pages" in on:
        for i in range(start + 1, len(calls)):
            token = (calls[found[-1]].outcome or {}).get("nextToken") if isinstance(calls[found[-1]].outcome,
                                                                                 dict) else None
            if not token:
                break
            if calls[i].operation == _LIST and calls[i].params.get("nextToken") == token:
                found.append(i)
    return found


_IDENTIFIERS = ("provisionedModelId", "provisionedModelName", "desiredProvisionedModelName", "resourceARN")


def _ids(call: Any) -> set[str]:
    """The Provisioned Throughputs a call is about: the names and ARNs it names and its create answer's ARN."""
    found = {str(call.params[k]) for k in _IDENTIFIERS if call.params.get(k)}
    if call.operation == _CREATE and isinstance(call.outcome, dict) and call.outcome.get("provisionedModelArn"):
        found.add(call.outcome["provisionedModelArn"])
    return found


def _broke(call: Any, deviations: Sequence[tuple[str, dict[str, Any]]], failure: dict[str, Any]) -> list[str]:
    """The other clauses whose failure was judged on ``call``'s answer in the run."""
    return sorted({clause for clause, other in deviations if "request" not in other["on"]
                   and "burst" not in other["on"] and _matches(call, other["on"])} - {failure.get("clause")})


def _succeeded(call: Any) -> bool:
    return not (isinstance(call.outcome, dict) and "Code" in call.outcome) and (call.status or 200) < 300


def _pause(lines: list[str], helpers: list[str], previous: float | None, *, at: float | None) -> float | None:
    """A sleep line where the run waited a second or more before the call sent at ``at``; the new last time."""
    if previous is not None and at is not None and at - previous >= 1.0:
        lines.append(f"time.sleep({min(at - previous, 5.0):.1f})  # the run waited as long here")
        helpers.append("sleep")
    return at if at is not None else previous


def _needed(calls: Sequence[Any], judged: list[int], *, failure: dict[str, Any], check: dict[str, Any],
            deviations: Sequence[tuple[str, dict[str, Any]]]) -> tuple[set[int], dict[int, list[tuple[str, Any]]]]:
    """The indices of the steps the check needs (the changes of what it is about) and the answers it takes a
    value from (index -> [(member, value)])."""
    first = judged[0]
    # the identifiers the check is about: the judged calls' and the check's own, and (a List) what it listed
    wanted = set().union(*(_ids(calls[i]) for i in judged)) | {
        s for s in [*_strings(check["args"]), *_strings(check["on"])] if _ARN.fullmatch(s)}
    if "pages" in check["on"]:
        for i in judged:
            for summary in (calls[i].outcome or {}).get("provisionedModelSummaries", []):
                wanted |= {summary.get("provisionedModelArn"), summary.get("provisionedModelName")} - {None}
    # a value the check takes from an earlier answer (a server time): the last answer before it that holds it
    readers: dict[int, list[tuple[str, Any]]] = {}
    for value in [*_times(check["args"]), *(t for i in judged for t in _times(calls[i].params))]:
        holding = [(index, member) for index in range(first - 1, -1, -1)
                   for member in [next((m for m, v in (calls[index].outcome or {}).items() if _key(v) == _key(value)),
                                       None) if isinstance(calls[index].outcome, dict) else None] if member]
        # the last answer holding it, unless it broke another clause and an earlier one holds it too
        sound = [(i, m) for i, m in holding if not _broke(calls[i], deviations, failure)]
        for index, member in (sound or holding)[:1]:
            readers.setdefault(index, []).append((member, value))
            wanted |= _ids(calls[index]) | {calls[index].outcome.get("provisionedModelArn")} - {None}
    operations = set(check.get("steps") or _MUTATING)
    keep: set[int] = set(readers)
    changed = True
    while changed:  # the changes of what the check is about, and of what those changes are about
        changed = False
        for index in range(first):
            call = calls[index]
            sibling = not _succeeded(call) and call.operation == calls[first].operation and check["rule"] in (
                "refused", "success_or")  # an earlier invalid case of the same test: it changed nothing
            if index not in keep and call.operation in operations and _ids(call) & wanted and not sibling:
                keep.add(index)
                wanted |= _ids(call)
                changed = True
    return keep, readers


def _step_lines(calls: Sequence[Any], judged: list[int], *, keep: set[int],
               readers: dict[int, list[tuple[str, Any]]], failure: dict[str, Any], check: dict[str, Any],
               settings: dict[str, Any], names: Any, deviations: Sequence[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[str], float | None]:
    """The script's lines up to the judged call: a PT of its own for each the calls name but none created, then
    each needed step; the helpers they use and when the last one was sent."""
    first = judged[0]
    lines: list[str] = []
    helpers = ["step", "call"]
    previous = None
    # a Provisioned Throughput the calls name but none of them created (a fixture's, the plan's): one of its own
    made = {c.outcome.get("provisionedModelArn") for c in (calls[i] for i in keep)
            if c.operation == _CREATE and isinstance(c.outcome, dict)}
    named = [s for i in [*sorted(keep), *judged] for s in _strings(calls[i].params) if _ARN.fullmatch(s)]
    named += [s for s in _strings(check["on"]) if _ARN.fullmatch(s)]
    model = (settings.get("models") or ["amazon.titan-text-express-v1:0:8k"])[0]
    for arn in dict.fromkeys(a for a in named if a not in made):
        if not _succeeded(calls[first]) and calls[first].status == 404:
            continue  # the run's answer shows it did not exist: the request names a missing one
        variable = names.bind(arn, "arn")
        lines.append(f"{variable} = step({_CREATE!r}, provisionedModelName=f'bc{{P}}-{variable.replace('_', '')}', "
                     f"modelId={model!r}, modelUnits=1)['provisionedModelArn']  # a PT of the replay's own")
    for index in sorted(keep):
        call = calls[index]
        previous = _pause(lines, helpers, previous, at=getattr(call, "at", None))
        args = names.params(call.params)
        ok = "" if _succeeded(call) else "ok=False, "
        # a step refused in the run is sent as it was; whatever it answers now (a retry a fixed target now takes
        # as idempotent, a name no longer taken), the steps that succeeded build what the check needs
        text = f"step({call.operation!r}, {ok}{args})" if ok == "" else f"call({call.operation!r}, {args})"
        broke = _broke(call, deviations, failure)
        if broke:  # a fixed target answers it otherwise: the steps may then be impossible (exit 2, this call)
            text += f"  # {DEVIATION_NOTE} {', '.join(broke)}"
        outcome = call.outcome if isinstance(call.outcome, dict) else {}
        if index in readers:
            variable = names.bind(None, "seen")
            for member, value in readers[index]:
                names.values[_key(value)] = f"{variable}[{member!r}]"
            text = f"{variable} = {text}"
        elif call.operation == _CREATE and outcome.get("provisionedModelArn") and ok == "":
            variable = names.bind(outcome["provisionedModelArn"], "arn")
            text = f"{variable} = {text}['provisionedModelArn']"
        lines.append(text)
    return lines, helpers, previous


def calls_script(calls: Sequence[Any], failure: dict[str, Any], settings: dict[str, Any], *,
                 check: dict[str, Any],
                 run_id: str = "", what: str = "the calls it needs of the run",
                 deviations: Sequence[tuple[str, dict[str, Any]]] = ()) -> str | None:
    """The steps of ``calls`` the check needs, the judged call(s), the rule; None when the judged call is not
    among ``calls``."""
    judged = _judged(calls, check["on"])
    if not judged:
        return None
    keep, readers = _needed(calls, judged, failure=failure, check=check, deviations=deviations)
    names = _Names(run_id)
    lines, helpers, previous = _step_lines(calls, judged, keep=keep, readers=readers, failure=failure, check=check,
                                           settings=settings, names=names, deviations=deviations)
    judged_call = calls[judged[0]]
    _pause(lines, helpers, previous, at=getattr(judged_call, "at", None))
    must = "True, " if check["on"].get("success") else ""
    if "pages" in check["on"]:
        helpers.append("pages")
        lines.append(f"answer = pages({names.params(check['on']['pages'])})")
    elif "arn" in check["on"]:  # a Get answering about it: by ARN
        lines.append(f"answer = call({judged_call.operation!r}, {must}provisionedModelId="
                     f"{names.literal(check['on']['arn'])})")
    else:
        lines.append(f"answer = call({judged_call.operation!r}, {must}{names.params(judged_call.params)})")
    lines.append(_judge_line(check, names))
    billable = any(calls[i].operation == _CREATE for i in keep | set(judged))
    return _script(str(failure.get("clause", "")), check["rule"], failure, settings=settings, what=what,
                   body=lines, names=names,
                   helpers=helpers, billable=billable)


# -- requests at once ----------------------------------------------------------------------------------------
def burst_script(failure: dict[str, Any], settings: dict[str, Any], check: dict[str, Any], *,
                 run_id: str = "") -> str:
    """The burst of a concurrency test (its calls, one thread each, released by one barrier), then the rule."""
    names = _Names(run_id)
    calls = "".join(f"\n    ({operation!r}, {names.literal(params)})," for operation, params in check["on"]["burst"])
    lines = [f"answer = burst([{calls}\n])", _judge_line(check, names)]
    return _script(str(failure.get("clause", "")), check["rule"], failure, settings=settings,
                   what=f"the {len(check['on']['burst'])} requests the run sent at once", body=lines,
                   names=names, helpers=[],
                   billable=True)


# -- the one entry point -------------------------------------------------------------------------------------
def make(failure: dict[str, Any], settings: dict[str, Any], *, calls: Sequence[Any] = (), run_id: str = "",
         what: str = "the calls it needs of the run", deviations: Sequence[tuple[str, dict[str, Any]]] = ()
         ) -> tuple[str | None, str | None]:
    """(the script, None) for a failure (``ConformanceFailure.details()`` with its ``check``), or (None, why not)."""
    check = failure.get("check")
    if not check:
        return None, (f"the check that failed {failure.get('clause')} here is not one of the shared rules "
                      "(conformance.catalogue.rules) yet")
    on = check["on"]
    if "burst" in on:
        return burst_script(failure, settings, check, run_id=run_id), None
    if "request" not in on and calls:
        script = calls_script(calls, failure, settings, check=check, run_id=run_id, what=what,
                              deviations=deviations)
        if script:
            return script, None
    if failure.get("request") and ("request" in on or "params" in on):
        return request_script(failure, settings, check, run_id=run_id), None
    return None, "the call the check judged was not recorded (it went through no logged client)"


def attach(failure: Any, settings: dict[str, Any], *, calls: Sequence[Any] = (), run_id: str = "",
           what: str = "the calls it needs of the run", deviations: Sequence[tuple[str, dict[str, Any]]] = ()
           ) -> None:
    """Give a ``ConformanceFailure`` its reproducer (or the reason it has none), once."""
    if failure.reproducer is not None or getattr(failure, "no_reproducer", None):
        return
    try:
        failure.reproducer, failure.no_reproducer = make(failure.details(), settings, calls=calls, run_id=run_id,
                                                         what=what, deviations=deviations)
    except Exception as exc:  # noqa: BLE001 - a reproducer is evidence, never the reason a run breaks
        failure.no_reproducer = f"the generator failed: {type(exc).__name__}: {exc}"


def with_reproducer(failure: dict[str, Any] | None, settings: dict[str, Any], *, seed: int | None = None,
                    run_prefix: str = "") -> dict[str, Any] | None:
    """``failure`` as report.json records it: its reproducer, or why none could be made (``no_reproducer``);
    the check it names stays out."""
    if not failure:
        return failure
    out = {k: v for k, v in failure.items() if k != "check"}
    if not out.get("reproducer") and not out.get("no_reproducer") and "clause" in out:
        script, why = make(failure, settings, run_id=run_prefix.removeprefix(str(settings.get("name_prefix", ""))))
        out["reproducer"], out["no_reproducer"] = script, why
    if out.get("reproducer"):
        out.pop("no_reproducer", None)
    elif "clause" in out and not out.get("no_reproducer"):
        out["no_reproducer"] = "no check was recorded with this failure"
    return out


def reproducer_for(failure: dict[str, Any], settings: dict[str, Any], *, seed: int | None = None,
                   run_prefix: str = "") -> str | None:
    return (with_reproducer(failure, settings, seed=seed, run_prefix=run_prefix) or {}).get("reproducer")


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


# -- bedrock-conformance replay ------------------------------------------------------------------------------
def _operation_of(method: str, path: str) -> str:
    """The operation a raw request's method and path name (schemas/: each operation's HTTP binding)."""
    import schemas

    for name in schemas.operations():
        http = schemas.load(name)["http"]
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(http["uri"].split("?")[0]))
        if http["method"] == method and re.fullmatch(pattern, path):
            return name
    return "CreateProvisionedModelThroughput" if method == "POST" else "GetProvisionedModelThroughput"


def replay(path: Path, target: Any) -> tuple[int, list[str]]:
    """Run a reproducer's ``reproduce()`` on the suite's own clients of ``target`` (every answer through the wire
    checker): (exit code, what to print). 1 while the clause fails or a wire check fails, 0 when all hold, 2
    when a step can no longer be taken or the file is not a reproducer."""
    import importlib.util

    from conformance.catalogue.clauses import ConformanceFailure
    from conformance.checker.checks import error_code

    spec = importlib.util.spec_from_file_location("bc_reproducer", path)
    module = importlib.util.module_from_spec(spec) if spec and spec.loader else None
    try:
        assert spec is not None and spec.loader is not None and module is not None
        spec.loader.exec_module(module)  # its name is not __main__: main() does not run
    except (OSError, SyntaxError, AssertionError, ImportError) as exc:
        return 2, [f"{path}: not a readable reproducer ({type(exc).__name__}: {exc})"]
    if not callable(getattr(module, "reproduce", None)) or not hasattr(module, "CLIENT"):
        return 2, [f"{path}: not a bedrock-conformance reproducer (no reproduce())"]

    def send(method: str, raw_path: str, body: str = "", headers: dict[str, str] | None = None) -> dict[str, Any]:
        where, _, query = raw_path.partition("?")
        answer = target.raw(_operation_of(method, where), method, where, query=query or None, body=body or None,
                            headers=headers)
        if answer.status < 300 and isinstance(answer.data, dict) and answer.data.get("provisionedModelArn"):
            module.CREATED.append(answer.data["provisionedModelArn"])
        return {"status": answer.status, "code": error_code(answer.headers, answer.data) if answer.status >= 300
                else None, "body": answer.data, "headers": answer.headers, "content": answer.body}

    module.CLIENT["bedrock"] = target.wire
    module.send = send
    clause = getattr(module, "CLAUSE", path.stem)
    out: list[str] = []
    code = 0
    try:
        problem = module.reproduce()
        out.append(f"{clause} still fails: {problem}" if problem else f"{clause} holds now.")
        code = 1 if problem else 0
    except ConformanceFailure as failure:  # an answer the wire checker could not read
        out.append(f"[{failure.clause_id}] {failure.message}")
        code = 1
    except module.Unreproducible as exc:
        out.append(f"{clause}: the steps can no longer be taken: {exc}")
        code = 2
    finally:
        for arn in reversed(module.CREATED):
            try:
                target.sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
            except Exception:  # noqa: BLE001, S110 - best effort, as the script itself
                pass
    wire = target.outside.take_soft()
    out += [f"wire check failed: [{f.clause_id}] {f.message}" for f in wire]
    if wire and code == 0:
        code = 1
    out.append(f"{len(wire)} wire check(s) failed on the replay's answers." if wire else
               "Every answer passed the suite's wire checks.")
    return code, out


def literal(value: Any, variables: dict[str, str] | None = None) -> str:
    """``value`` as Python source, as a script writes it (``variables``: values written as these names)."""
    names = _Names("")
    names.values.update({_key(v): k for v, k in (variables or {}).items()})
    return names.literal(value)
