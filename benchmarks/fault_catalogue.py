"""Moved to conformance.catalogue.fault_catalogue (the CLI's `faults --format json` reads it); kept as an
alias."""

from conformance.catalogue.fault_catalogue import DELAY, EXPECTED, UNPROVEN  # noqa: F401

# A preset run (bedrock_emulator.faults.PRESETS) may leave at most this many clauses blocked.
MAX_BLOCKED = 3


def preset_verdict(preset: str, report: dict) -> dict:
    """A run of a preset: which of its faults were named (one of the fault's expected clauses failed), which were
    missed, and which clauses were blocked (clause -> the clause that blocked it)."""
    from bedrock_emulator.faults import PRESETS

    failed = {c["id"] for c in report["clauses"] if c["status"] in ("failed", "not implemented")}
    faults = PRESETS[preset]
    return {
        "faults": len(faults),
        "named": [f for f in faults if EXPECTED[f][0] & failed],
        "missed": [f for f in faults if not EXPECTED[f][0] & failed],
        "blocked": {c["id"]: c.get("blocked_by") for c in report["clauses"] if c["status"] == "blocked"},
        "failed_clauses": len(failed),
        "score_percent": report.get("score_percent"),
    }
