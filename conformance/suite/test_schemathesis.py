"""The schemathesis phase: schema-driven requests from schemas/openapi.json, one test per operation.

Every response passes the wire checker (its wire clauses) and the schemathesis checks that hold for AWS
(``API-SCHEMATHESIS``); see ``conformance.drivers.schemathesis_phase``.
"""

from __future__ import annotations

import pytest

from conformance.drivers import schemathesis_phase


# its tests need only the target; they run one after another (the phase's resources are shared), in a lane of
# their own beside the other tests (conformance.session.sidebyside)
SIDE_BY_SIDE = "lane"


@pytest.mark.clause("API-SCHEMATHESIS")
@pytest.mark.parametrize("operation", schemathesis_phase.OPERATIONS)
def test_schemathesis(target, operation):
    reason = schemathesis_phase.skip_reason(target)
    if reason:
        pytest.skip(reason)
    sent = schemathesis_phase.shared(target).run_operation(operation)
    assert sent > 0, f"schemathesis sent no request for {operation}"
