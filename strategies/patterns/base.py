"""What every pattern family shares: the character classes, the model's pattern strings, the `Family`
interface (see the package docstring), lengths with boundaries drawn often, and small text helpers."""

from __future__ import annotations

import re
import string

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

ALNUM = string.ascii_letters + string.digits
LOWER_DIGITS = string.ascii_lowercase + string.digits
SEGMENT_CHARS = LOWER_DIGITS + "-"  # [a-z0-9-]
# ASCII punctuation no family below accepts in the position it is put in. "/" (changes a path's route) and
# "%" (double-decoding front ends) are kept out on purpose; whitespace is only ever put inside a value.
PUNCTUATION = "!#$&'()*,;<>?[]^`{|}~\"\\"

# The model's patterns, as the schemas carry them inside ^(?:...)$.
NAME = r"([0-9a-zA-Z][_-]?)+"
TOKEN = r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?"
TAG_TEXT = r"[a-zA-Z0-9\s._:/=+@-]*"
NEXT_TOKEN = r"\S*"
PROVISIONED_MODEL_ID = (
    r"((([0-9a-zA-Z][_-]?)+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:"
    r"provisioned-model/[a-z0-9]{12}))"
)
MODEL_IDENTIFIER = (
    r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/((imported)|([a-z0-9-]{1,63}[.]{1}"
    r"[a-z0-9-]{1,63}))(([:][a-z0-9-]{1,63}){0,2})?/[a-z0-9]{12})|(:foundation-model/([a-z0-9-]{1,63}[.]{1}"
    r"[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})))|(([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}"
    r"([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2}))|(([0-9a-zA-Z][_-]?)+)"
)
MODEL_ARN = (
    r"arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/((imported)|([a-z0-9-]{1,63}[.]{1}"
    r"[a-z0-9-]{1,63}))(([:][a-z0-9-]{1,63}){0,2})?/[a-z0-9]{12})|(:foundation-model/[a-z0-9-]{1,63}[.]{1}"
    r"([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}))"
)
TAGGABLE_RESOURCE_ARN = (
    r".*(^[a-zA-Z0-9][a-zA-Z0-9\-]*$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:custom-model/"
    r"(imported)/[a-z0-9]{12}$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:([0-9]{12}|)((:(fine-tuning-job|"
    r"model-customization-job|custom-model)/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}"
    r"[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}(/[a-z0-9]{12})$)|(:guardrail/[a-z0-9]+$)|"
    r"(:automated-reasoning-policy/[a-zA-Z0-9]+(:[a-zA-Z0-9]+)?$)|(:(inference-profile|"
    r"application-inference-profile)/[a-zA-Z0-9-:.]+$)|(:project/(proj_[a-z2-7]{20}|default)$)|"
    r"(:(provisioned-model|model-invocation-job|model-evaluation-job|evaluation-job|model-import-job|"
    r"imported-model|async-invoke|provisioned-model-v2|provisioned-model-reservation|prompt-router|"
    r"custom-model-deployment)/[a-z0-9]{12}$))).*"
)


def unwrap(schema_pattern: str) -> str:
    """The model's pattern inside the schema's ``^(?:...)$`` (other patterns are returned unchanged)."""
    if schema_pattern.startswith("^(?:") and schema_pattern.endswith(")$"):
        return schema_pattern[4:-2]
    return schema_pattern


def matches(schema_pattern: str, value: str) -> bool:
    """Full-match semantics (what AWS applies), not ``re.search``: a trailing newline never slips through."""
    return re.fullmatch(schema_pattern, value, re.ASCII) is not None


def insert(text: str, index: int, piece: str) -> str:
    return text[:index] + piece + text[index:]


def cycle(alphabet: str, n: int, offset: int = 0) -> str:
    return "".join(alphabet[(offset + i) % len(alphabet)] for i in range(n))


def middle(text: str) -> int:
    return max(1, len(text) // 2) if len(text) > 1 else len(text)


class Family:
    """The interface; see the module docstring."""

    name = "generic"

    def __init__(self, schema_pattern: str) -> None:
        self.schema_pattern = schema_pattern

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        raise NotImplementedError

    def of_length(self, n: int) -> str | None:
        return None

    def indexed(self, i: int) -> str:
        raise NotImplementedError

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        return []

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> SearchStrategy[tuple[str, str]] | None:
        return None


def between(low: int, high: int, *, typical: int | None = None) -> SearchStrategy[int]:
    """Lengths in [low, high] with both boundaries drawn often; with ``typical``, the values in between stay
    below ``low + typical`` (many items in one list: each still hits both boundaries now and then)."""
    if low >= high:
        return st.just(low)
    middle = st.integers(low, high if typical is None else min(high, low + typical))
    if typical is None:
        return st.one_of(st.just(low), st.just(high), middle)
    return st.one_of(middle, middle, middle, st.just(low), st.just(high))
