"""Checker: the wire checker every response passes through, its compiled schema predicate, per-clause outcomes
and the verdicts (muted clauses, what a failure blocks). Imports only the catalogue."""
