"""Hypothesis strategies built from `schemas/`: valid requests and labelled invalid ones.

- `strategies.valid`: a strategy of valid parameter dicts per operation (boto3 keyword names), plus the single
  values they are made of; boundaries drawn often.
- `strategies.invalid`: `InvalidCase`s, each breaking exactly one parameter of a valid base request
  (``requests`` for Hypothesis, ``all_cases`` for exhaustive runs).
- `strategies.patterns`: the small per-pattern-family generators both use.

Imports only `schemas`, Hypothesis and the standard library (never `conformance`).
"""

from strategies import invalid, patterns, valid
from strategies.invalid import InvalidCase
from strategies.wire import RawRequest

__all__ = ["InvalidCase", "RawRequest", "invalid", "patterns", "valid"]
