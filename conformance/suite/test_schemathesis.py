"""The schemathesis phase: schema-driven requests from schemas/openapi.json, one test per operation.

Every response passes the wire checker (its wire clauses) and the schemathesis checks that hold for AWS
(``API-SCHEMATHESIS``); see ``conformance.drivers.schemathesis_phase``.
"""

from __future__ import annotations

import pytest

from conformance.drivers import schemathesis_phase


@pytest.fixture(scope="module")
def phase(target):
    reason = schemathesis_phase.skip_reason(target)
    if reason:
        pytest.skip(reason)
    opened = schemathesis_phase.Phase(target)
    yield opened
    opened.close()


@pytest.mark.clause("API-SCHEMATHESIS")
@pytest.mark.parametrize("operation", schemathesis_phase.OPERATIONS)
def test_schemathesis(phase, operation):
    sent = phase.run_operation(operation)
    assert sent > 0, f"schemathesis sent no request for {operation}"
