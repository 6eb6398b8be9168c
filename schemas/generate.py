"""Generate `json/<Operation>.json` and `openapi.json` from the botocore model installed with boto3.

    python -m schemas.generate            # (re)write the files in schemas/
    python -m schemas.generate --check    # exit 1 and print a diff when the files drifted from the model

The output depends only on the model (no botocore version, no date), so it drifts only with the contract.
"""

from __future__ import annotations

import argparse
import difflib
import json
from pathlib import Path

from schemas import OPERATIONS, SCHEMA_DIR

SERVICE, API_VERSION = "bedrock", "2023-04-20"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# ISO 8601 / RFC 3339 date-time: 2023-10-02T12:00:00Z, 2023-10-02T12:00:00.123456Z, 2023-10-02T12:00:00+00:00.
ISO8601 = (
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    "T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?"
    "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
# The error body: an object; a message, where there is one, is a string. No member is required: the model's error
# shapes require none, and AWS front ends spell it message or Message (*-WIRE-ERROR-MESSAGE is the
# suite's own observed clause on it, not a schema requirement).
ERROR_BODY = {"type": "object", "properties": {"message": {"type": "string"}, "Message": {"type": "string"}}}
SCALARS = {"string": "string", "integer": "integer", "long": "integer", "boolean": "boolean",
           "float": "number", "double": "number"}
BOUNDS = {"string": ("minLength", "maxLength"), "integer": ("minimum", "maximum"),
          "number": ("minimum", "maximum"), "array": ("minItems", "maxItems")}
OPENAPI_IN = {"uri": "path", "querystring": "query", "header": "header"}
JSON_MEDIA = "application/json"
# Create's response feeds every parameter that takes the provisioned model's ARN.
LINK_SOURCE, LINK_VALUE = "CreateProvisionedModelThroughput", "$response.body#/provisionedModelArn"
ARN_PARAMETERS = ("provisionedModelId", "resourceARN")
GENERATED = ("json/*.json", "openapi.json")  # glob patterns of the files check() and write() own


def service_model():
    import botocore.session  # lazy: importing schemas must stay light

    return botocore.session.get_session().get_service_model(SERVICE, API_VERSION)


def _object(properties: dict, required) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def shape_schema(shape) -> dict:
    """JSON Schema of a botocore shape (inlined; patterns as full matches)."""
    kind = shape.type_name
    if kind == "structure":
        members = {name: shape_schema(member) for name, member in shape.members.items()}
        return _object(members, shape.required_members)
    if kind == "timestamp":
        if shape.serialization.get("timestampFormat") != "iso8601":
            raise NotImplementedError(f"{shape.name}: only iso8601 timestamps are supported")
        return {"type": "string", "format": "date-time", "pattern": ISO8601}
    if kind == "list":
        schema = {"type": "array", "items": shape_schema(shape.member)}
    elif kind in SCALARS:
        schema = {"type": SCALARS[kind]}
    else:
        raise NotImplementedError(f"{shape.name}: shape type {kind!r} is not supported")
    meta = shape.metadata
    for bound, keyword in zip(("min", "max"), BOUNDS.get(schema["type"], ())):
        if bound in meta:
            schema[keyword] = meta[bound]
    if "pattern" in meta:
        schema["pattern"] = "^(?:" + meta["pattern"] + ")$"
    if "enum" in meta:
        schema["enum"] = list(meta["enum"])
    return schema


def absent_as_null(schema: dict) -> dict:
    """A response schema where an optional member may also be JSON null: every AWS SDK reads a null member as
    absent (botocore's JSON parsers drop it; Smithy's protocol tests, awsJson1_1 null.smithy,
    AwsJson11StructuresDontDeserializeNullValues: "Null structure values are dropped"). AWS's servers omit the
    member instead (AwsJson11ServersDontSerializeNullStructureValues); the suite names that deviation once, by a
    clause of its own, not by the schema. A required member stays non-null; nested structures likewise."""
    schema = dict(schema)
    if "items" in schema:
        schema["items"] = absent_as_null(schema["items"])
    if "properties" in schema:
        required = set(schema.get("required", ()))
        schema["properties"] = {name: absent_as_null(member) if name in required else
                                _nullable(absent_as_null(member)) for name, member in schema["properties"].items()}
    return schema


def _nullable(schema: dict) -> dict:
    """``schema``, also taking null: in JSON Schema 2020-12 a type list (and null among an enum's values)."""
    schema = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def openapi_schema(schema: dict) -> dict:
    """An OpenAPI 3.0 schema from a generated JSON Schema: a type list with null is ``nullable: true``."""
    out = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, list):
            (kind,) = [t for t in value if t != "null"]
            out["type"], out["nullable"] = kind, True
        elif key == "properties":
            out[key] = {name: openapi_schema(member) for name, member in value.items()}
        elif key == "items":
            out[key] = openapi_schema(value)
        else:
            out[key] = value
    return out


def _parameters(shape) -> dict:
    """member -> {location, wire name, required, schema} for every member of a structure (or none)."""
    if shape is None:
        return {}
    return {
        name: {
            "location": member.serialization.get("location", "body"),
            "name": member.serialization.get("name", name),
            "required": name in shape.required_members,
            "schema": shape_schema(member),
        }
        for name, member in shape.members.items()
    }


def _body(parameters: dict) -> dict | None:
    """Object schema of the body members under their wire names, None when there are none."""
    body = [p for p in parameters.values() if p["location"] == "body"]
    if not body:
        return None
    return _object({p["name"]: p["schema"] for p in body}, [p["name"] for p in body if p["required"]])


def operation_document(operation) -> dict:
    """The `json/<Operation>.json` document of a botocore OperationModel."""
    parameters = _parameters(operation.input_shape)
    http = operation.http
    return {
        "$schema": DIALECT,
        "operation": operation.name,
        "http": {"method": http["method"], "uri": http["requestUri"], "responseCode": http.get("responseCode", 200)},
        "errors": {error.name: error.metadata["error"]["httpStatusCode"] for error in operation.error_shapes},
        "parameters": parameters,
        "request": _object({name: p["schema"] for name, p in parameters.items()},
                           [name for name, p in parameters.items() if p["required"]]),
        "requestBody": _body(parameters),
        "response": absent_as_null(_body(_parameters(operation.output_shape)) or _object({}, ())),
        "errorBody": ERROR_BODY,
    }


def _response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {JSON_MEDIA: {"schema": schema}}}


def _links(docs: dict[str, dict]) -> dict:
    """OpenAPI links from Create's response to every operation taking the ARN it returns."""
    links = {}
    for name, doc in docs.items():
        for p in doc["parameters"].values():
            if name == LINK_SOURCE or p["name"] not in ARN_PARAMETERS:
                continue
            if p["location"] == "body":
                field, key = "requestBody", p["name"]
            else:
                field, key = "parameters", f"{OPENAPI_IN[p['location']]}.{p['name']}"
            links[name] = {"operationId": name, field: {key: LINK_VALUE}}
    return links


def _openapi_operation(doc: dict, links: dict) -> dict:
    operation: dict = {"operationId": doc["operation"]}
    parameters = [
        {"name": p["name"], "in": OPENAPI_IN[p["location"]], "required": p["required"], "schema": p["schema"]}
        for p in doc["parameters"].values()
        if p["location"] != "body"
    ]
    if parameters:
        operation["parameters"] = parameters
    if doc["requestBody"] is not None:
        operation["requestBody"] = {
            "required": "required" in doc["requestBody"],
            "content": {JSON_MEDIA: {"schema": doc["requestBody"]}},
        }
    success = _response(f"{doc['operation']} succeeded", openapi_schema(doc["response"]))
    if doc["operation"] == LINK_SOURCE:
        success["links"] = links
    responses = {str(doc["http"]["responseCode"]): success}
    by_status: dict[int, list[str]] = {}
    for error, status in doc["errors"].items():
        by_status.setdefault(status, []).append(error)
    for status in sorted(by_status):
        responses[str(status)] = _response(", ".join(by_status[status]), doc["errorBody"])
    operation["responses"] = responses
    return operation


def openapi_document(docs: dict[str, dict]) -> dict:
    """OpenAPI 3.0.3 document of the operations, from their generated documents."""
    links = _links(docs)
    paths: dict[str, dict] = {}
    for doc in docs.values():
        paths.setdefault(doc["http"]["uri"], {})[doc["http"]["method"].lower()] = _openapi_operation(doc, links)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Amazon Bedrock Provisioned Model Throughput", "version": API_VERSION},
        "servers": [{"url": "http://localhost"}],
        "paths": paths,
    }


def _dump(document: dict) -> str:
    return json.dumps(document, indent=2) + "\n"


def build_all() -> dict[str, str]:
    """Every generated file (path relative to schemas/ -> text), computed from the installed model."""
    model = service_model()
    docs = {name: operation_document(model.operation_model(name)) for name in OPERATIONS}
    files = {f"json/{name}.json": _dump(doc) for name, doc in docs.items()}
    files["openapi.json"] = _dump(openapi_document(docs))
    return files


def _on_disk(directory: Path) -> dict[str, str]:
    return {
        path.relative_to(directory).as_posix(): path.read_text(encoding="utf-8")
        for pattern in GENERATED
        for path in sorted(directory.glob(pattern))
    }


def check(directory: Path | str = SCHEMA_DIR) -> tuple[bool, str]:
    """Compare the files in `directory` with build_all(): (True, "") or (False, a unified diff)."""
    expected, actual = build_all(), _on_disk(Path(directory))
    report: list[str] = []
    for rel in sorted(expected.keys() | actual.keys()):
        if expected.get(rel) == actual.get(rel):
            continue
        state = "missing" if rel not in actual else "extra, not generated" if rel not in expected else "drifted"
        report.append(f"{rel}: {state}")
        report.extend(difflib.unified_diff(
            actual.get(rel, "").splitlines(), expected.get(rel, "").splitlines(),
            fromfile=f"{rel} (on disk)", tofile=f"{rel} (generated)", lineterm="",
        ))
    return not report, "\n".join(report) + "\n" if report else ""


def write(directory: Path | str = SCHEMA_DIR) -> None:
    """Write build_all() into `directory` and remove generated-looking files it no longer produces."""
    directory = Path(directory)
    files = build_all()
    for rel in _on_disk(directory).keys() - files.keys():
        (directory / rel).unlink()
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schemas.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on drift")
    parser.add_argument("directory", nargs="?", type=Path, default=SCHEMA_DIR)
    args = parser.parse_args(argv)
    if not args.check:
        write(args.directory)
        return 0
    ok, diff = check(args.directory)
    print(diff or "schemas are up to date", end="" if diff else "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
