"""Catalogue (the bottom layer of conformance): the clauses, the suite's reading of the contract, the flag
table, the settings, the target kinds and the fault catalogue. Imports nothing of conformance above it."""
