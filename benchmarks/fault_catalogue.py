"""Moved to conformance.fault_catalogue (the CLI's `faults --format json` reads it); kept as an alias."""

from conformance.fault_catalogue import DELAY, EXPECTED, UNPROVEN  # noqa: F401
