"""Self-tests of the generated schemas (schemas/)."""

from __future__ import annotations

import shutil

import pytest
from jsonschema import Draft202012Validator

import schemas
from schemas import generate, seed

GET_REQUIRED = [
    "modelUnits", "desiredModelUnits", "provisionedModelName", "provisionedModelArn", "modelArn",
    "desiredModelArn", "foundationModelArn", "status", "creationTime", "lastModifiedTime",
]
GET_RESPONSE = {
    "modelUnits": 1,
    "desiredModelUnits": 1,
    "provisionedModelName": "my-pt",
    "provisionedModelArn": "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefghij12",
    "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
    "desiredModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
    "foundationModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
    "status": "InService",
    "creationTime": "2023-10-02T12:00:00Z",
    "lastModifiedTime": "2023-10-02T12:00:00.123456Z",
}


def validator(operation: str, part: str) -> Draft202012Validator:
    return Draft202012Validator(schemas.load(operation)[part])


@pytest.fixture(scope="module")
def docs() -> dict[str, dict]:
    return {operation: schemas.load(operation) for operation in schemas.operations()}


def test_committed_files_match_the_installed_model():
    ok, diff = generate.check(schemas.SCHEMA_DIR)
    assert ok, diff


def test_check_reports_an_edited_file(tmp_path):
    copy = tmp_path / "schemas"
    shutil.copytree(schemas.SCHEMA_DIR, copy)
    path = copy / "json" / "GetProvisionedModelThroughput.json"
    path.write_text(path.read_text().replace('"minimum": 1', '"minimum": 0', 1))
    ok, diff = generate.check(copy)
    assert not ok
    assert "json/GetProvisionedModelThroughput.json" in diff and '-        "minimum": 0' in diff


def test_check_reports_missing_and_extra_files_and_write_repairs_them(tmp_path):
    shutil.copytree(schemas.SCHEMA_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "openapi.json").unlink()
    (tmp_path / "json" / "Stale.json").write_text("")
    ok, diff = generate.check(tmp_path)
    assert not ok
    assert "openapi.json: missing" in diff and "json/Stale.json: extra, not generated" in diff
    generate.write(tmp_path)
    assert generate.check(tmp_path) == (True, "")


def test_generated_text_has_no_version_or_date():
    import botocore

    text = "".join(generate.build_all().values())
    assert botocore.__version__ not in text and seed.SEED_DATE not in text


def test_document_structure(docs):
    keys = ["$schema", "operation", "http", "errors", "parameters", "request", "requestBody", "response",
            "errorBody"]
    for operation, doc in docs.items():
        assert list(doc) == keys and doc["operation"] == operation
        # no requirement the model's error shapes lack (they require nothing; AWS spells message or Message)
        import botocore.session

        model_required = {member for error in botocore.session.get_session().get_service_model("bedrock")
                          .operation_model(operation).error_shapes for member in error.required_members}
        assert set(doc["errorBody"].get("required", [])) <= model_required == set()
    assert docs["CreateProvisionedModelThroughput"]["http"]["responseCode"] == 201
    assert docs["GetProvisionedModelThroughput"]["requestBody"] is None
    assert docs["UpdateProvisionedModelThroughput"]["response"] == {"type": "object", "properties": {}}
    assert docs["ListProvisionedModelThroughputs"]["parameters"]["maxResults"]["location"] == "querystring"


def test_seed_parameters_and_response_fields_are_covered(docs):
    for operation, changes in seed.drift(docs).items():
        assert changes["parameters"]["removed"] == [], operation
        assert changes["response_fields"]["removed"] == [], operation
    assert "provisionedModelSummaries.status" in seed.SEED_RESPONSE_FIELDS["ListProvisionedModelThroughputs"]


def test_drift_reports_added_and_removed_members(docs):
    changed = dict(docs)
    get = changed["GetProvisionedModelThroughput"] = schemas.load("GetProvisionedModelThroughput")
    get["response"]["properties"]["newField"] = get["response"]["properties"].pop("failureMessage")
    report = seed.drift(changed)["GetProvisionedModelThroughput"]["response_fields"]
    assert report == {"added": ["newField"], "removed": ["failureMessage"]}


@pytest.mark.parametrize(
    ("name", "valid"),
    [("abc", True), ("a-b_c1", True), ("x" * 63, True), ("abc!", False), ("-abc", False), ("x" * 64, False),
     ("", False)],
)
def test_name_pattern_is_a_full_match(name, valid):
    request = {"modelUnits": 1, "provisionedModelName": name, "modelId": "amazon.titan-text-express-v1:0:8k"}
    assert validator("CreateProvisionedModelThroughput", "request").is_valid(request) is valid


@pytest.mark.parametrize(
    ("creation_time", "valid"),
    [("2023-10-02T12:00:00Z", True), ("2023-10-02T12:00:00.123456Z", True), ("2023-10-02T12:00:00+00:00", True),
     (1696248000, False), (1696248000.5, False), ("1696248000", False), ("Mon, 02 Oct 2023 12:00:00 GMT", False),
     ("2023-10-02", False)],
)
def test_timestamps_are_iso8601_strings(creation_time, valid):
    response = {**GET_RESPONSE, "creationTime": creation_time}
    assert validator("GetProvisionedModelThroughput", "response").is_valid(response) is valid


def test_get_response_requires_the_ten_model_members(docs):
    assert docs["GetProvisionedModelThroughput"]["response"]["required"] == GET_REQUIRED
    assert validator("GetProvisionedModelThroughput", "response").is_valid(GET_RESPONSE)


def test_error_statuses(docs):
    assert docs["DeleteProvisionedModelThroughput"]["errors"]["ConflictException"] == 400
    for doc in docs.values():
        assert doc["errors"]["ThrottlingException"] == 429
        assert doc["errors"].get("ResourceNotFoundException", 404) == 404
    assert "ConflictException" not in docs["CreateProvisionedModelThroughput"]["errors"]


def test_openapi_has_every_operation_and_its_responses(docs):
    found = {
        op["operationId"]: (method.upper(), path, op)
        for path, item in schemas.openapi()["paths"].items()
        for method, op in item.items()
    }
    assert sorted(found) == sorted(schemas.operations())
    for operation, doc in docs.items():
        method, path, op = found[operation]
        assert (method, path) == (doc["http"]["method"], doc["http"]["uri"])
        statuses = {str(doc["http"]["responseCode"]), *map(str, doc["errors"].values())}
        assert set(op["responses"]) == statuses
    links = found["CreateProvisionedModelThroughput"][2]["responses"]["201"]["links"]
    assert sorted(links) == sorted(set(schemas.operations()) - {
        "CreateProvisionedModelThroughput", "ListProvisionedModelThroughputs"})


def test_schemathesis_loads_the_openapi_document():
    import schemathesis

    schema = schemathesis.openapi.from_path(schemas.SCHEMA_DIR / "openapi.json")
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert len(labels) == len(schemas.OPERATIONS)
    assert schema.statistic.transitions.total == 6


def test_schemas_package_is_import_light():
    import subprocess
    import sys

    code = "import sys, schemas, schemas.seed; schemas.load('TagResource'); print(sorted(m for m in sys.modules " \
           "if m.split('.')[0] in ('botocore', 'conformance')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_operation_table_matches_the_botocore_model_and_the_emulator():
    """One table (schemas.OPERATION_TABLE) names the operations; botocore and the emulator agree with it."""
    import botocore.session
    from botocore import xform_name

    from bedrock_emulator.spec import OPERATION_NAMES

    model = botocore.session.get_session().get_service_model("bedrock", api_version="2023-04-20")
    assert sorted(schemas.OPERATIONS) == sorted(OPERATION_NAMES)
    assert len({op.key for op in schemas.OPERATION_TABLE}) == len(schemas.OPERATION_TABLE)
    for op in schemas.OPERATION_TABLE:
        assert op.name in model.operation_names
        assert op.method == xform_name(op.name)
        assert schemas.operation(op.key) is schemas.operation(op.method) is schemas.operation(op.name) is op
        members = model.operation_model(op.name).input_shape.members
        if op.id_parameter is None:
            assert not {"provisionedModelId", "resourceARN"} & set(members)
        else:
            assert op.id_parameter in model.operation_model(op.name).input_shape.required_members
    with pytest.raises(KeyError):
        schemas.operation("Nope")


# Values AWS itself issued that older botocore models' patterns rejected (aws/aws-sdk#744, aws/aws-cli#8678,
# #9027; hashicorp/terraform-provider-aws docs): pyproject requires botocore>=1.44 (>=1.40 for these patterns),
# whose bedrock model has the relaxed patterns, so the schemas the suite checks answers against accept them.
REAL_ARNS = {
    "modelArn": ["arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/1y5n57gh5y2e",
                 "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0:28k",
                 "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:24k"],
    "foundationModelArn": ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0:28k",
                           "arn:aws:bedrock:us-west-2::foundation-model/amazon.titan-text-express-v1"],
}


@pytest.mark.parametrize("member", sorted(REAL_ARNS))
def test_the_installed_model_accepts_arns_aws_issued(member):
    from jsonschema import Draft202012Validator

    schema = schemas.load("GetProvisionedModelThroughput")["response"]["properties"][member]
    for value in REAL_ARNS[member]:
        assert Draft202012Validator(schema).is_valid(value), (member, value)
