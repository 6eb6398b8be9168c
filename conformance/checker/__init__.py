"""Checker: the wire checker every response passes through, its compiled schema predicate, per-clause outcomes
and the Judgement (one test's verdict state: muted clauses, what a failure blocks). Imports only the catalogue."""
