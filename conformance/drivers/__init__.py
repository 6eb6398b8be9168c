"""Drivers: what runs the calls of the suite's tests: the state machines (stateful/), the schemathesis phase
(schemathesis_phase) and the billable plan on AWS (plan)."""
