"""The harness every reproducer carries: the functions below are copied verbatim into each script
(conformance.report.reproducer), after the suite's own reading of an error code (conformance.checker.checks) and
the clause's rule (conformance.catalogue.rules).

A script defines ``reproduce()``: its steps (``step``: a call that must succeed, or be refused, as it was in the
run), the judged call (``call``, ``pages`` or ``send``) and the rule's verdict on what the target answers now.
``main`` runs it against the URL of the command line: exit 1 while the clause fails, 0 when it holds, 2 when a step
can no longer be taken (``Unreproducible``, saying which and why). ``bedrock-conformance replay`` runs the same
``reproduce()`` on the suite's clients instead (``CLIENT``), with its full wire checks.

Standard library and boto3 only.
"""

from __future__ import annotations

import contextlib
import json
import random
import string
import sys
import threading
import time

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.httpsession

from conformance.checker.checks import error_code

CLAUSE, REGION, DEFAULT_URL, BILLABLE = "", "us-east-1", None, False  # set by each script
# -- harness --
P = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(6))  # this replay's run id
CLIENT, CREATED = {}, []  # the boto3 client; the ARNs this replay created (deleted at the end)


class Unreproducible(Exception):
    """A step the check needs can no longer be taken (exit 2)."""


def call(operation, ok=None, **params):
    """One boto3 call; its answer as the clause's rule reads it. ok=True/False: it must succeed / be refused."""
    try:
        parsed = dict(getattr(CLIENT["bedrock"], operation)(**params))
    except CLIENT["bedrock"].exceptions.ClientError as exc:
        parsed = dict(exc.response)
    except Exception as exc:  # unreachable, reset, hung (bedrock-conformance replay: a wire check failed)
        raise exc if isinstance(exc, AssertionError) else Unreproducible(f"{operation}: {exc}") from None
    meta, error = parsed.pop("ResponseMetadata", {}), parsed.pop("Error", None)
    CREATED.extend([parsed["provisionedModelArn"]] if "provisionedModelArn" in parsed and "create" in operation else [])
    if ok is not None and (error is None) != ok:
        raise Unreproducible(f"{operation}({str(params)[:200]}) {'was refused' if ok else 'succeeded'} now "
                             f"({error or meta.get('HTTPStatusCode')}); in the run it did not")
    return {"status": meta.get("HTTPStatusCode"), "code": error.get("Code") if error else None,
            "body": error or parsed, "headers": meta.get("HTTPHeaders", {}), "content": None}


def step(operation, ok=True, **params):
    """A step the check needs: it must succeed as it did in the run (a step the run saw refused is a call)."""
    return call(operation, ok, **params)["body"]


def pages(**params):
    """A List query's pages, following nextToken (at most 100)."""
    found = [call("list_provisioned_model_throughputs", ok=True, **params)]
    while found[-1]["body"].get("nextToken") and len(found) < 100:
        found.append(call("list_provisioned_model_throughputs", ok=True, **params,
                          nextToken=found[-1]["body"]["nextToken"]))
    return found


def burst(calls):
    """The calls at once: one thread each, all released by one barrier (as the suite's concurrency tests send)."""
    barrier, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def one(index, operation, params):
        call("list_provisioned_model_throughputs", maxResults=1)  # the connection is open before the barrier
        barrier.wait(timeout=60)
        answers[index] = call(operation, **params)

    threads = [threading.Thread(target=one, args=(i, *c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if None in answers:
        raise Unreproducible(f"{answers.count(None)} of the {len(calls)} parallel calls got no answer")
    return answers


def settle(ident):
    """Wait (at most 60 s) until the Provisioned Throughput leaves Creating/Updating."""
    deadline = time.monotonic() + 60
    while step("get_provisioned_model_throughput", provisionedModelId=ident).get("status") in (
            "Creating", "Updating") and time.monotonic() < deadline:
        time.sleep(0.1)


def send(method, path, body="", headers=None):
    """The run's raw request (renamed), signed afresh; its answer as the suite's wire checker reads it."""
    request = botocore.awsrequest.AWSRequest(method, CLIENT["bedrock"].meta.endpoint_url + path, headers, body)
    CLIENT["bedrock"]._request_signer.sign("send", request)  # SigV4, with the client's credentials and region
    try:
        answer = botocore.httpsession.URLLib3Session(timeout=30).send(request.prepare())
        data = json.loads(answer.content) if answer.content.strip() else None
    except ValueError:
        data = None
    except Exception as exc:  # unreachable, reset, hung
        raise Unreproducible(f"{method} {path}: {exc}") from None
    status, headers, new = answer.status_code, dict(answer.headers), (data or {}).get("provisionedModelArn")
    CREATED.extend([new] if status < 300 and new else [])
    code = error_code(headers, data) if status >= 300 and error_code else None  # None: the rule reads no code
    return {"status": status, "code": code, "body": data, "headers": headers, "content": answer.content}


def main(reproduce):
    """python <CLAUSE>.py URL: take the steps, judge, delete what was created. Exit 1 fails, 0 holds, 2 cannot."""
    url = next((a.rstrip("/") for a in sys.argv[1:] if not a.startswith("--")), DEFAULT_URL)
    if url is None or (url == "aws" and BILLABLE and "--allow-billable" not in sys.argv):
        sys.exit(print(__doc__, file=sys.stderr) or 2)
    keys = {} if url == "aws" else {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    CLIENT.setdefault("bedrock", boto3.client("bedrock", REGION, endpoint_url=None if url == "aws" else url, **keys,
                                              config=boto3.session.Config(parameter_validation=False)))
    try:
        problem = reproduce()
        print(f"{CLAUSE} still fails: {problem}" if problem else f"{CLAUSE} holds now.")
    except Unreproducible as exc:
        problem = print(f"{CLAUSE}: the steps can no longer be taken: {exc}") or 2
    finally:
        for arn in reversed(CREATED):  # best effort (a commitment term cannot be cut short)
            with contextlib.suppress(Exception):
                CLIENT["bedrock"].delete_provisioned_model_throughput(provisionedModelId=arn)
    sys.exit(problem if problem == 2 else 1 if problem else 0)
