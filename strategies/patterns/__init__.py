"""Pattern families: small hand-written generators for the patterns the schemas use.

The schemas give every string a full-match pattern (`^(?:...)$`). Hypothesis' `from_regex` can satisfy a
pattern but can neither hit an exact length nor break the pattern in a chosen way, so each pattern *family*
the contract uses gets a small generator here, keyed by the model's pattern string (the text inside
`^(?:...)$`). Lengths, ranges and enums never come from this module: callers pass the schema's bounds in. A
pattern with no family here (a newer botocore model) falls back to `GenericFamily` (from_regex for valid
values, a fixed list of candidate breakers checked against the pattern).

A family offers:
- ``values(min_len, max_len)``: a strategy of valid values, boundary lengths included where the family can
  build them;
- ``of_length(n)``: one deterministic valid value of exactly ``n`` characters (None when there is none);
- ``indexed(i)``: the i-th of an endless supply of distinct short valid values (lists with many items);
- ``breakers(base)``: deterministic ``(description, value)`` pairs that break the pattern in distinct ways,
  derived from the valid ``base`` where that makes sense (a name keeps the run prefix);
- ``breaker_strategy(base)``: a strategy of further ``(description, value)`` pattern breakers.

Breakers never end or start with whitespace (a server may trim it), never end with a newline (Python's ``$``
matches before a trailing newline) and, with ``slash_free=True`` (path parameters), never contain ``/``.

The package keeps the registry (``FAMILIES``, ``family``, ``known``) and re-exports what callers use. Its
modules: ``base`` (character classes, the model's patterns, the interface, shared helpers), ``arns`` (ARN parts
and valid ARNs), ``text`` (name, token, tag text, page token, generic) and ``arn_families`` (provisioned model
id, taggable resource ARN, model identifier, model ARN).
"""

from __future__ import annotations

from strategies.patterns.arn_families import (
    ArnBreakers,
    ModelArnFamily,
    ModelIdentifierFamily,
    ProvisionedModelIdFamily,
    TaggableResourceArnFamily,
)
from strategies.patterns.arns import provisioned_model_arn
from strategies.patterns.base import (
    MODEL_ARN,
    MODEL_IDENTIFIER,
    NAME,
    NEXT_TOKEN,
    PROVISIONED_MODEL_ID,
    TAG_TEXT,
    TAGGABLE_RESOURCE_ARN,
    TOKEN,
    Family,
    between,
    matches,
    unwrap,
)
from strategies.patterns.text import GenericFamily, NameFamily, NextTokenFamily, TagTextFamily, TokenFamily

__all__ = [
    "FAMILIES",
    "ArnBreakers",
    "Family",
    "GenericFamily",
    "ModelArnFamily",
    "ModelIdentifierFamily",
    "NameFamily",
    "NextTokenFamily",
    "ProvisionedModelIdFamily",
    "TagTextFamily",
    "TaggableResourceArnFamily",
    "TokenFamily",
    "between",
    "family",
    "known",
    "matches",
    "provisioned_model_arn",
    "unwrap",
]

FAMILIES: dict[str, type[Family]] = {
    NAME: NameFamily,
    TOKEN: TokenFamily,
    TAG_TEXT: TagTextFamily,
    NEXT_TOKEN: NextTokenFamily,
    PROVISIONED_MODEL_ID: ProvisionedModelIdFamily,
    MODEL_IDENTIFIER: ModelIdentifierFamily,
    MODEL_ARN: ModelArnFamily,
    TAGGABLE_RESOURCE_ARN: TaggableResourceArnFamily,
}


def family(schema_pattern: str) -> Family:
    """The family of a schema pattern (``^(?:...)$`` as the schemas write it)."""
    return FAMILIES.get(unwrap(schema_pattern), GenericFamily)(schema_pattern)


def known(schema_pattern: str) -> bool:
    return unwrap(schema_pattern) in FAMILIES
