"""After a judged failure the model adopts what the server did, and the test goes on (issue 23): each of the three
shapes an independently written emulator showed fails its own clause, and the clauses it used to block are still
judged: against a second fault they fail, on the reference they pass, and no test reports a clause blocked."""

from __future__ import annotations

import pytest
from conftest import load_report, run_cli, statuses

LIST_REJECT = ("LIST-REJECT-maxResults", "LIST-REJECT-statusEquals", "LIST-REJECT-sortOrder",
               "LIST-REJECT-nameContains", "LIST-REJECT-modelArnEquals", "LIST-REJECT-sortBy")

CASES = [
    # 1. List summaries carry null for an absent member: read as absent (every SDK does), named by its own clause;
    #    the List schema and the List validation clauses are judged as on any server.
    pytest.param("list-null-member,no-maxresults-range", {"API-WIRE-ABSENT-OMITTED", "LIST-REJECT-maxResults"},
                 {"LIST-WIRE-SCHEMA", *LIST_REJECT[1:]}, id="list-null"),
    # 2. Get by name refused (only by ARN): the model resolves by ARN and goes on; the create and delete clauses it
    #    used to block still catch their own faults, the rename and the concurrent-create state are judged by ARN.
    pytest.param("get-by-name-refused,unknown-model-accepted,commitment-delete-allowed",
                 {"GET-BY-NAME-AND-ARN", "CREATE-UNKNOWN-MODEL", "DELETE-COMMITMENT-REFUSED"},
                 {"UPDATE-RENAME", "CREATE-NAME-UNIQUE", "CREATE-NAME-UNIQUE-CONCURRENT", "DELETE-GONE"},
                 id="get-by-name"),
    # 2b. ... and a stale name index still shows through an Update by the old name.
    pytest.param("get-by-name-refused,rename-stale-index", {"GET-BY-NAME-AND-ARN", "UPDATE-RENAME"},
                 {"UPDATE-TIMESTAMPS", "UPDATE-IMMUTABLE"}, id="get-by-name-stale-index"),
    # 3. A duplicate rename accepted: the model records that two PTs share the name; the update clauses after it
    #    are judged (two catch their own faults, the others pass).
    pytest.param("rename-duplicate-accepted,update-keeps-last-modified,update-changes-model-units",
                 {"UPDATE-RENAME-DUPLICATE", "UPDATE-TIMESTAMPS", "UPDATE-IMMUTABLE"},
                 {"UPDATE-RENAME", "UPDATE-EMPTY", "UPDATE-DESIRED-MODEL-BASE"}, id="rename-duplicate"),
]


@pytest.mark.parametrize(("faults", "failed", "passed"), CASES)
def test_a_judged_failure_blocks_no_later_clause(faults, failed, passed, tmp_path):
    result = run_cli("run", "--fault", faults, "--profile", "quick", "--seed", "1", "--report-dir", "out",
                     "--only", ",".join(sorted(failed | passed)), cwd=tmp_path, timeout=600)
    outcome = statuses(load_report(tmp_path / "out"))
    # (the schemathesis phase, selected with the API- clause, may catch a fault too)
    assert failed <= {c for c, s in outcome.items() if s == "failed"} <= failed | {"API-SCHEMATHESIS"}, \
        result.stdout[-3000:]
    assert {c: outcome[c] for c in passed} == dict.fromkeys(passed, "passed"), result.stdout[-3000:]
    assert "blocked" not in outcome.values()
    assert "BLOCKED by" not in result.stdout  # no test (fixed walk or machine) stopped short of a clause
    assert result.returncode == 1 and "Traceback" not in result.stderr
