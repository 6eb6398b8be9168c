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
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

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

# Defaults for the parts of values a caller does not give (never limits: those come from the schema).
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_FOUNDATION_MODEL = "amazon.titan-text-express-v1:0:8k"
DEFAULT_RESOURCE_ID = "abcdefghij12"
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1")

_ARN = re.compile(
    r"arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):"
    r"(?P<resource>.*)"
)


def unwrap(schema_pattern: str) -> str:
    """The model's pattern inside the schema's ``^(?:...)$`` (other patterns are returned unchanged)."""
    if schema_pattern.startswith("^(?:") and schema_pattern.endswith(")$"):
        return schema_pattern[4:-2]
    return schema_pattern


def matches(schema_pattern: str, value: str) -> bool:
    """Full-match semantics (what AWS applies), not ``re.search``: a trailing newline never slips through."""
    return re.fullmatch(schema_pattern, value, re.ASCII) is not None


def _insert(text: str, index: int, piece: str) -> str:
    return text[:index] + piece + text[index:]


def _cycle(alphabet: str, n: int, offset: int = 0) -> str:
    return "".join(alphabet[(offset + i) % len(alphabet)] for i in range(n))


def _pad_name(stem: str, n: int) -> str:
    """``stem`` cut or extended with alphanumerics to exactly ``n`` characters (valid for NAME if stem is)."""
    return stem[:n] if len(stem) >= n else stem + _cycle(ALNUM, n - len(stem))


def _middle(text: str) -> int:
    return max(1, len(text) // 2) if len(text) > 1 else len(text)


def segment(max_size: int = 12) -> SearchStrategy[str]:
    """``[a-z0-9-]{1,max_size}``."""
    return st.text(SEGMENT_CHARS, min_size=1, max_size=max_size)


def resource_id() -> SearchStrategy[str]:
    """``[a-z0-9]{12}``: the id at the end of a provisioned-model or custom-model ARN."""
    return st.text(LOWER_DIGITS, min_size=12, max_size=12)


def region() -> SearchStrategy[str]:
    """``[a-z0-9-]{1,20}``, mostly real region names."""
    return st.one_of(st.sampled_from(REGIONS), st.text(SEGMENT_CHARS, min_size=1, max_size=20))


def account() -> SearchStrategy[str]:
    return st.text(string.digits, min_size=12, max_size=12)


def arn_parts(value: str | None) -> dict[str, str]:
    """partition, service, region, account, resource of an ARN; defaults for what ``value`` does not give."""
    parts = {
        "partition": "aws",
        "service": "bedrock",
        "region": DEFAULT_REGION,
        "account": DEFAULT_ACCOUNT,
        "resource": "",
    }
    match = _ARN.fullmatch(value or "")
    if match:
        parts.update({k: v for k, v in match.groupdict().items() if v or k in ("account", "resource")})
        if not parts["account"]:
            parts["account"] = DEFAULT_ACCOUNT
    return parts


def _arn(
    partition: str = "aws",
    service: str = "bedrock",
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    resource: str = "",
) -> str:
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def _foundation_id(value: str | None) -> str:
    """A foundation-model id ``provider.model[:q[:q]]`` from ``value`` (an id or an ARN), or the default."""
    if value:
        candidate = value.rsplit("foundation-model/", 1)[-1] if "foundation-model/" in value else value
        if re.fullmatch(
            r"[a-z0-9-]{1,63}[.][a-z0-9-]{1,63}([.][a-z0-9-]{1,63})?([:][a-z0-9-]{1,63}){0,2}", candidate
        ):
            return candidate
    return DEFAULT_FOUNDATION_MODEL


def foundation_id() -> SearchStrategy[str]:
    """``provider.model[.variant][:q[:q]]``: valid in every model-id and model-ARN pattern of the contract."""
    qualifiers = st.lists(segment(8), max_size=2).map(lambda qs: "".join(f":{q}" for q in qs))
    variant = st.one_of(st.just(""), segment(8).map(lambda s: f".{s}"))
    return st.builds(
        lambda p, m, v, q: f"{p}.{m}{v}{q}",
        segment(12),
        st.text(SEGMENT_CHARS, min_size=2, max_size=24),
        variant,
        qualifiers,
    )


def foundation_model_arn() -> SearchStrategy[str]:
    return st.builds(
        lambda p, r, f: f"arn:{p}:bedrock:{r}::foundation-model/{f}",
        st.sampled_from(PARTITIONS),
        region(),
        foundation_id(),
    )


def custom_model_arn() -> SearchStrategy[str]:
    base = st.one_of(st.just("imported"), st.builds(lambda a, b: f"{a}.{b}", segment(12), segment(24)))
    qualifiers = st.lists(segment(8), max_size=2).map(lambda qs: "".join(f":{q}" for q in qs))
    return st.builds(
        lambda p, r, a, b, q, i: f"arn:{p}:bedrock:{r}:{a}:custom-model/{b}{q}/{i}",
        st.sampled_from(PARTITIONS),
        region(),
        account(),
        base,
        qualifiers,
        resource_id(),
    )


def provisioned_model_arn(
    region_name: str | None = None, account_id: str | None = None
) -> SearchStrategy[str]:
    regions = st.just(region_name) if region_name else region()
    accounts = st.just(account_id) if account_id else account()
    partitions = st.just("aws") if region_name else st.sampled_from(PARTITIONS)
    return st.builds(
        lambda p, r, a, i: f"arn:{p}:bedrock:{r}:{a}:provisioned-model/{i}",
        partitions,
        regions,
        accounts,
        resource_id(),
    )


# ---------------------------------------------------------------------------------------------------------
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


class NameFamily(Family):
    """``([0-9a-zA-Z][_-]?)+``: alphanumerics, each optionally followed by one ``_`` or ``-``."""

    name = "name"
    separators = "_-"

    @staticmethod
    def valid_prefix(prefix: str) -> bool:
        return prefix == "" or re.fullmatch(NAME, prefix) is not None

    def values(self, min_len: int, max_len: int, prefix: str = "") -> SearchStrategy[str]:
        if not self.valid_prefix(prefix):
            raise ValueError(f"name prefix {prefix!r} does not match {NAME}")
        needs_alnum = prefix == "" or prefix[-1] in self.separators
        low = max(min_len, len(prefix) + (1 if needs_alnum else 0))
        if low > max_len:
            raise ValueError(f"name prefix {prefix!r} leaves no room within {max_len} characters")

        # The draws never depend on the prefix (a prefix strategy such as st.builds(target.new_name) gives
        # prefixes of different lengths on replay): a length choice and max_len characters, always.
        length = st.one_of(st.just(max_len), st.just(low), st.integers(0, max_len))
        chars = st.text(ALNUM + "__--", min_size=max_len, max_size=max_len)

        def build(n: int, text: str) -> str:
            n = min(max(n, low), max_len)
            out = prefix
            after_separator = needs_alnum
            for char in text[: n - len(prefix)]:
                if after_separator and char in self.separators:
                    char = ALNUM[ord(char) % len(ALNUM)]  # no separator first or twice in a row
                after_separator = char in self.separators
                out += char
            return out

        return st.builds(build, length, chars)

    def of_length(self, n: int) -> str | None:
        return _cycle("bc-" + ALNUM, n) if n >= 1 else None  # "bc-abc..." never has two separators in a row

    def indexed(self, i: int) -> str:
        return f"n{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 63
    ) -> list[tuple[str, str]]:
        stem = (base if base and re.fullmatch(NAME, base) else "bc-name1")[: max(1, max_len - 2)]
        mid = _middle(stem)
        return [
            ("forbidden character ' ' inside", _insert(stem, mid, " ")),
            ("forbidden character '!' at the end", stem + "!"),
            ("forbidden character '.' inside", _insert(stem, mid, ".")),
            ("forbidden character ':' inside", _insert(stem, mid, ":")),
            ("forbidden character '@' at the start", "@" + stem),
            ("forbidden non-ASCII letter 'é'", _insert(stem, mid, "é")),
            ("leading separator '-'", "-" + stem),
            ("leading separator '_'", "_" + stem),
            ("two separators in a row '--'", _insert(stem, mid, "--")),
            ("two separators in a row '_-'", _insert(stem, mid, "_-")),
            ("a separator alone", "-"),
        ]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 63
    ) -> SearchStrategy[tuple[str, str]]:
        stem = (base if base and re.fullmatch(NAME, base) else "bc-name1")[: max(1, max_len - 2)]
        forbidden = st.builds(
            lambda i, c: (f"forbidden character {c!r} at {i}", _insert(stem, i, c)),
            st.integers(0, len(stem)),
            st.sampled_from(PUNCTUATION + ".:@=+"),
        )
        inner_space = (
            st.builds(lambda i: (f"space at {i}", _insert(stem, i, " ")), st.integers(1, len(stem) - 1))
            if len(stem) > 1
            else st.nothing()
        )
        doubled = st.builds(
            lambda i, a, b: (f"separators {a + b!r} in a row at {i}", _insert(stem, i, a + b)),
            st.integers(1, len(stem)),
            st.sampled_from(self.separators),
            st.sampled_from(self.separators),
        )
        leading = st.builds(
            lambda s, rest: (f"leading separator {s!r}", (s + rest)[:max_len]),
            st.sampled_from(self.separators),
            st.text(ALNUM, min_size=1, max_size=max_len - 1),
        )
        return st.one_of(forbidden, inner_space, doubled, leading)


class TokenFamily(Family):
    """``[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?``: alphanumeric ends, hyphens allowed inside."""

    name = "token"

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        inner = ALNUM + "-"

        @st.composite
        def build(draw: Callable) -> str:
            n = draw(between(min_len, max_len))
            if n == 1:
                return draw(st.sampled_from(ALNUM))
            middle = draw(st.text(inner, min_size=n - 2, max_size=n - 2))
            return draw(st.sampled_from(ALNUM)) + middle + draw(st.sampled_from(ALNUM))

        return build()

    def _longest(self) -> int:
        """The pattern's own bound: the inner run's maximum plus the two ends."""
        inner = re.search(r"\{0,([0-9]+)\}", unwrap(self.schema_pattern))
        return int(inner.group(1)) + 2 if inner else 2**31

    def of_length(self, n: int) -> str | None:
        if n < 1 or n > self._longest():
            return None
        return _cycle(ALNUM, n) if n < 3 else _cycle(ALNUM, 1) + _cycle("a-b", n - 2) + "z"

    def indexed(self, i: int) -> str:
        return f"t{i}"

    def _stem(self, base: str | None, max_len: int) -> str:
        stem = (base if base and re.fullmatch(TOKEN, base) else "token-1")[: max(1, max_len - 1)]
        return stem.rstrip("-") or "t"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 256
    ) -> list[tuple[str, str]]:
        stem = self._stem(base, max_len)
        mid = _middle(stem)
        return [
            ("leading hyphen", "-" + stem),
            ("trailing hyphen", stem + "-"),
            ("a hyphen alone", "-"),
            ("forbidden character '_' inside", _insert(stem, mid, "_")),
            ("forbidden character '.' inside", _insert(stem, mid, ".")),
            ("forbidden character ' ' inside", _insert(stem, mid, " ")),
            ("forbidden character '!' at the end", stem + "!"),
        ]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 256
    ) -> SearchStrategy[tuple[str, str]]:
        stem = self._stem(base, max_len)
        forbidden = st.builds(
            lambda i, c: (f"forbidden character {c!r} at {i}", _insert(stem, i, c)),
            st.integers(0, len(stem)),
            st.sampled_from(PUNCTUATION + "_.:@=+"),
        )
        body = st.text(ALNUM, min_size=1, max_size=max_len - 1)
        hyphen_end = st.one_of(
            body.map(lambda b: ("leading hyphen", "-" + b)), body.map(lambda b: ("trailing hyphen", b + "-"))
        )
        return st.one_of(forbidden, hyphen_end)


class TagTextFamily(Family):
    """``[a-zA-Z0-9\\s._:/=+@-]*``: tag keys and values."""

    name = "tag-text"
    allowed = ALNUM + " ._:/=+@-"

    def values(self, min_len: int, max_len: int, *, typical: int | None = None) -> SearchStrategy[str]:
        def tidy(text: str) -> str:
            # Whitespace at either end may be trimmed by a server; "aws:" opens keys AWS reserves for itself.
            if text[:1] == " ":
                text = "x" + text[1:]
            if text[-1:] == " ":
                text = text[:-1] + "x"
            if text.lower().startswith("aws:"):
                text = "x" + text[1:]
            return text

        return (
            between(min_len, max_len, typical=typical)
            .flatmap(lambda n: st.text(self.allowed, min_size=n, max_size=n))
            .map(tidy)
        )

    def of_length(self, n: int) -> str | None:
        return _cycle(ALNUM + "._:/=+@-", n) if n >= 0 else None

    def indexed(self, i: int) -> str:
        return f"bc-key-{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 128
    ) -> list[tuple[str, str]]:
        stem = base.strip() if base and re.fullmatch(TAG_TEXT, base, re.ASCII) else ""
        stem = (stem or "bc-tag")[: max(1, max_len - 1)]
        mid = _middle(stem)
        return [
            ("forbidden character '!' at the end", stem + "!"),
            ("forbidden character '*' inside", _insert(stem, mid, "*")),
            ("forbidden character '#' at the start", "#" + stem[: max_len - 1]),
            ("forbidden character '?' inside", _insert(stem, mid, "?")),
            ("forbidden character '<' inside", _insert(stem, mid, "<")),
            ("forbidden non-ASCII letter 'é'", _insert(stem, mid, "é")),
        ]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 128
    ) -> SearchStrategy[tuple[str, str]]:
        return st.builds(
            lambda text, i, c: (
                f"forbidden character {c!r} at {min(i, len(text))}",
                _insert(text, min(i, len(text)), c),
            ),
            st.text(ALNUM + "._:/=+@-", max_size=max(0, max_len - 1)),
            st.integers(0, max_len),
            st.sampled_from(PUNCTUATION),
        )


class NextTokenFamily(Family):
    """``\\S*``: any text without whitespace."""

    name = "next-token"
    allowed = "".join(c for c in string.printable if not c.isspace())

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        return between(min_len, max_len).flatmap(lambda n: st.text(self.allowed, min_size=n, max_size=n))

    def of_length(self, n: int) -> str | None:
        return _cycle(ALNUM + "+/=", n) if n >= 0 else None

    def indexed(self, i: int) -> str:
        return f"token{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        stem = (base if base and re.fullmatch(NEXT_TOKEN, base) else "bm90LWEtdG9rZW4")[: max(2, max_len - 1)]
        mid = _middle(stem)
        return [("space inside", _insert(stem, mid, " ")), ("tab inside", _insert(stem, mid, "\t"))]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> SearchStrategy[tuple[str, str]]:
        return st.builds(
            lambda a, w, b: (f"whitespace {w!r} inside", a + w + b),
            st.text(self.allowed, min_size=1, max_size=40),
            st.sampled_from(" \t\r\n\x0b\x0c"),
            st.text(self.allowed, min_size=1, max_size=40),
        )


class ProvisionedModelIdFamily(Family):
    """A Provisioned Throughput name or ``arn:aws...:bedrock:<region>:<12 digits>:provisioned-model/<12>``."""

    name = "provisioned-model-id"

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        return st.one_of(NameFamily(NAME).values(max(1, min_len), min(max_len, 63)), provisioned_model_arn())

    def of_length(self, n: int) -> str | None:
        return NameFamily(NAME).of_length(n)

    def indexed(self, i: int) -> str:
        return f"n{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 10**6
    ) -> list[tuple[str, str]]:
        parts = arn_parts(base)
        resource = parts["resource"]
        rid = resource.rsplit("/", 1)[-1] if "/" in resource else DEFAULT_RESOURCE_ID
        if not re.fullmatch(r"[a-z0-9]{12}", rid):
            rid = DEFAULT_RESOURCE_ID
        name = base if base and re.fullmatch(NAME, base) else rid
        pieces = {k: parts[k] for k in ("region", "account")}
        out = [(f"name: {d}", v) for d, v in NameFamily(NAME).breakers(name, max_len=63)]
        out += [
            ("ARN without a resource id", _arn(resource="provisioned-model", **pieces)),
            (
                "ARN with ':' instead of '/' before the id",
                _arn(resource=f"provisioned-model:{rid}", **pieces),
            ),
            ("ARN cut after the account", f"arn:aws:bedrock:{pieces['region']}:{pieces['account']}"),
        ]
        if not slash_free:
            out += ArnBreakers.provisioned(parts["partition"], pieces["region"], pieces["account"], rid)
        return out

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 10**6
    ) -> SearchStrategy[tuple[str, str]]:
        name = base if base and re.fullmatch(NAME, base) else None
        return NameFamily(NAME).breaker_strategy(name, slash_free=slash_free, max_len=63)


class ArnBreakers:
    """ARN mutations shared by the ARN families: each changes one component of a valid ARN."""

    @staticmethod
    def provisioned(
        partition: str, region_name: str, account_id: str, rid: str, resource_type: str = "provisioned-model"
    ) -> list[tuple[str, str]]:
        def arn(
            p: str = partition,
            s: str = "bedrock",
            r: str = region_name,
            a: str = account_id,
            res: str = f"{resource_type}/{rid}",
        ) -> str:
            return _arn(p, s, r, a, res)

        return [
            ("ARN with partition 'azure'", arn(p="azure")),
            ("ARN with partition 'amazon'", arn(p="amazon")),
            ("ARN of service s3", arn(s="s3")),
            ("ARN of service sagemaker", arn(s="sagemaker")),
            ("ARN with a 21-character region", arn(r="a" * 21)),
            ("ARN with an upper-case region", arn(r=region_name.upper() or "US-EAST-1")),
            ("ARN with an empty region", arn(r="")),
            ("ARN with an 11-digit account", arn(a=account_id[:11])),
            ("ARN with a 13-digit account", arn(a=account_id + "0")),
            ("ARN with a letter in the account", arn(a=account_id[:11] + "x")),
            ("ARN of resource type 'provisioned-models'", arn(res=f"provisioned-models/{rid}")),
            ("ARN of resource type 'widget'", arn(res=f"widget/{rid}")),
            ("ARN with an 11-character id", arn(res=f"{resource_type}/{rid[:11]}")),
            ("ARN with a 13-character id", arn(res=f"{resource_type}/{rid}a")),
            (
                "ARN with an upper-case id",
                arn(res=f"{resource_type}/{rid.upper() if rid.upper() != rid else 'ABCDEFGHIJKL'}"),
            ),
            ("ARN with '_' in the id", arn(res=f"{resource_type}/{rid[:6]}_{rid[7:]}")),
            ("ARN without a resource id", arn(res=f"{resource_type}/")),
            ("ARN with a path after the id", arn(res=f"{resource_type}/{rid}/extra")),
            ("ARN with a space inside", arn(res=f"{resource_type}/{rid[:6]} {rid[6:]}")),
        ]


class TaggableResourceArnFamily(Family):
    """The taggable-resource ARN pattern. Its first alternative accepts any ``[a-zA-Z0-9][a-zA-Z0-9-]*``."""

    name = "taggable-resource-arn"

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        return provisioned_model_arn()

    def of_length(self, n: int) -> str | None:
        return _cycle(ALNUM, 1) + _cycle(ALNUM + "-", n - 1, 1) if n >= 1 else None

    def indexed(self, i: int) -> str:
        return f"arn:aws:bedrock:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:provisioned-model/{i:012d}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        parts = arn_parts(base)
        resource = parts["resource"]
        rtype, _, rid = resource.partition("/")
        if not rtype or not re.fullmatch(r"[a-z0-9]{12}", rid):
            rtype, rid = "provisioned-model", DEFAULT_RESOURCE_ID
        out = ArnBreakers.provisioned(parts["partition"], parts["region"], parts["account"], rid, rtype)
        out.append(("not an ARN: words with spaces", "my provisioned model throughput"))
        out.append(("not an ARN: a name with '_'", "provisioned_model_throughput"))
        return out

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> SearchStrategy[tuple[str, str]]:
        parts = arn_parts(base)
        good = _arn(
            parts["partition"] or "aws",
            "bedrock",
            parts["region"],
            parts["account"],
            f"provisioned-model/{DEFAULT_RESOURCE_ID}",
        )
        return st.one_of(
            st.builds(
                lambda rid: ("ARN with an id of the wrong length", good.rsplit("/", 1)[0] + "/" + rid),
                st.one_of(
                    st.text(LOWER_DIGITS, min_size=1, max_size=11),
                    st.text(LOWER_DIGITS, min_size=13, max_size=40),
                ),
            ),
            st.builds(
                lambda svc: (f"ARN of service {svc}", good.replace(":bedrock:", f":{svc}:", 1)),
                st.text(string.ascii_lowercase, min_size=1, max_size=12).map(lambda s: "x" + s),
            ),
            st.builds(
                lambda c: (f"forbidden character {c!r} at the end", good + c), st.sampled_from(PUNCTUATION)
            ),
        )


class _ModelBreakers:
    @staticmethod
    def structural(fm: str) -> list[tuple[str, str]]:
        provider, _, rest = fm.partition(".")
        qualifiers = fm.count(":")
        return [
            ("two dots in a row", f"{provider}..{rest}"),
            ("trailing ':'", fm + ":"),
            ("three qualifiers", fm + ":x" * (3 - qualifiers) if qualifiers < 3 else fm),
            ("a 64-character segment", "a" * 64 + "." + rest),
            ("upper-case letters in a dotted id", fm.upper()),
        ]


class ModelIdentifierFamily(Family):
    """A model id, foundation-model ARN, custom-model ARN, or a custom-model name."""

    name = "model-identifier"

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        return st.one_of(
            foundation_id(),
            foundation_model_arn(),
            custom_model_arn(),
            NameFamily(NAME).values(max(1, min_len), min(max_len, 63)),
        )

    def of_length(self, n: int) -> str | None:
        return _cycle(ALNUM, n) if n >= 1 else None  # the name alternative has no length of its own

    def indexed(self, i: int) -> str:
        return f"model{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        fm = _foundation_id(base)
        parts = arn_parts(base)
        r, a = parts["region"], parts["account"]
        tail = base if base and not base.startswith("arn:") else fm
        out = [
            ("forbidden character '!' at the end", (base or fm) + "!"),
            ("forbidden character ' ' inside", _insert(tail, _middle(tail), " ")),
            ("forbidden character '#' inside", _insert(tail, _middle(tail), "#")),
            ("leading separator in a name", "-" + "bcmodel1"),
            *_ModelBreakers.structural(fm),
            ("foundation-model ARN with partition 'azure'", f"arn:azure:bedrock:{r}::foundation-model/{fm}"),
            ("foundation-model ARN of service s3", f"arn:aws:s3:{r}::foundation-model/{fm}"),
            ("foundation-model ARN with an account", f"arn:aws:bedrock:{r}:{a}:foundation-model/{fm}"),
            (
                "foundation-model ARN with a 21-character region",
                f"arn:aws:bedrock:{'a' * 21}::foundation-model/{fm}",
            ),
            ("ARN of resource type 'model'", f"arn:aws:bedrock:{r}::model/{fm}"),
            (
                "custom-model ARN without an account",
                f"arn:aws:bedrock:{r}::custom-model/{fm}/{DEFAULT_RESOURCE_ID}",
            ),
            (
                "custom-model ARN with an 11-character id",
                f"arn:aws:bedrock:{r}:{a}:custom-model/{fm}/{DEFAULT_RESOURCE_ID[:11]}",
            ),
            (
                "custom-model ARN with an 11-digit account",
                f"arn:aws:bedrock:{r}:{a[:11]}:custom-model/{fm}/{DEFAULT_RESOURCE_ID}",
            ),
            (
                "provisioned-model ARN instead of a model",
                f"arn:aws:bedrock:{r}:{a}:provisioned-model/{DEFAULT_RESOURCE_ID}",
            ),
        ]
        return out

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> SearchStrategy[tuple[str, str]]:
        fm = _foundation_id(base)
        return st.one_of(
            st.builds(
                lambda c: (f"forbidden character {c!r} at the end", (base or fm) + c),
                st.sampled_from(PUNCTUATION),
            ),
            st.builds(
                lambda i, c: (f"forbidden character {c!r} inside", _insert(fm, i, c)),
                st.integers(1, len(fm) - 1),
                st.sampled_from(PUNCTUATION + " "),
            ),
            st.builds(
                lambda svc: (
                    f"foundation-model ARN of service {svc}",
                    f"arn:aws:{svc}:{DEFAULT_REGION}::foundation-model/{fm}",
                ),
                st.text(string.ascii_lowercase, min_size=1, max_size=12).map(lambda s: "x" + s),
            ),
        )


class ModelArnFamily(Family):
    """A foundation-model or custom-model ARN (List's modelArnEquals)."""

    name = "model-arn"

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        return st.one_of(foundation_model_arn(), custom_model_arn())

    def of_length(self, n: int) -> str | None:
        # The partition suffix "(-[^:]+)?" has no length of its own: pad it to reach exactly n characters.
        tail = f":bedrock:{DEFAULT_REGION}::foundation-model/{DEFAULT_FOUNDATION_MODEL}"
        shortest = f"arn:aws-x{tail}"
        if n < len(shortest):
            return None
        return "arn:aws-" + "x" * (n - len(shortest) + 1) + tail

    def indexed(self, i: int) -> str:
        return f"arn:aws:bedrock:{DEFAULT_REGION}::foundation-model/bc.model{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        fm = _foundation_id(base)
        parts = arn_parts(base)
        r, a = parts["region"], parts["account"]
        good = base if base and base.startswith("arn:") else f"arn:aws:bedrock:{r}::foundation-model/{fm}"
        return [
            ("not an ARN: a bare model id", fm),
            ("forbidden character '!' at the end", good + "!"),
            (
                "forbidden character ' ' inside the model id",
                f"arn:aws:bedrock:{r}::foundation-model/{_insert(fm, _middle(fm), ' ')}",
            ),
            *[(d, f"arn:aws:bedrock:{r}::foundation-model/{v}") for d, v in _ModelBreakers.structural(fm)],
            ("ARN with partition 'azure'", f"arn:azure:bedrock:{r}::foundation-model/{fm}"),
            ("ARN of service s3", f"arn:aws:s3:{r}::foundation-model/{fm}"),
            ("ARN with a 21-character region", f"arn:aws:bedrock:{'a' * 21}::foundation-model/{fm}"),
            ("foundation-model ARN with an account", f"arn:aws:bedrock:{r}:{a}:foundation-model/{fm}"),
            (
                "custom-model ARN without an account",
                f"arn:aws:bedrock:{r}::custom-model/{fm}/{DEFAULT_RESOURCE_ID}",
            ),
            (
                "custom-model ARN with an 11-character id",
                f"arn:aws:bedrock:{r}:{a}:custom-model/{fm}/{DEFAULT_RESOURCE_ID[:11]}",
            ),
            (
                "custom-model ARN with a 13-character id",
                f"arn:aws:bedrock:{r}:{a}:custom-model/{fm}/{DEFAULT_RESOURCE_ID}a",
            ),
            ("a provisioned-model ARN", f"arn:aws:bedrock:{r}:{a}:provisioned-model/{DEFAULT_RESOURCE_ID}"),
            ("ARN of resource type 'model'", f"arn:aws:bedrock:{r}::model/{fm}"),
        ]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> SearchStrategy[tuple[str, str]]:
        fm = _foundation_id(base)
        return st.one_of(
            st.builds(
                lambda c: (
                    f"forbidden character {c!r} at the end",
                    f"arn:aws:bedrock:{DEFAULT_REGION}::foundation-model/{fm}{c}",
                ),
                st.sampled_from(PUNCTUATION),
            ),
            st.builds(
                lambda rtype: (
                    f"ARN of resource type {rtype!r}",
                    f"arn:aws:bedrock:{DEFAULT_REGION}::{rtype}/{fm}",
                ),
                st.text(string.ascii_lowercase, min_size=1, max_size=20).map(lambda s: "x" + s),
            ),
        )


class GenericFamily(Family):
    """Fallback for a pattern no family knows: from_regex values, fixed candidate breakers checked."""

    name = "generic"
    candidates = ("!", "a b", "-", "é", "#x", "x" * 3 + "!", "ARN:AWS")

    def values(self, min_len: int, max_len: int) -> SearchStrategy[str]:
        return st.from_regex(self.schema_pattern, fullmatch=True).filter(
            lambda v: min_len <= len(v) <= max_len
        )

    def indexed(self, i: int) -> str:
        raise NotImplementedError(f"no family for pattern {self.schema_pattern!r}")

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        values = [c for c in self.candidates] + ([base + "!"] if base else [])
        return [
            (f"does not match the pattern: {v!r}", v) for v in values if not matches(self.schema_pattern, v)
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
