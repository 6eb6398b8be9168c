"""The families of plain-text patterns: names, client tokens, tag text, page tokens, and the generic fallback
for a pattern no family knows."""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from strategies.patterns.base import (
    ALNUM,
    NAME,
    NEXT_TOKEN,
    PUNCTUATION,
    TAG_TEXT,
    TOKEN,
    Family,
    between,
    cycle,
    insert,
    matches,
    middle,
    unwrap,
)


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
        return cycle("bc-" + ALNUM, n) if n >= 1 else None  # "bc-abc..." never has two separators in a row

    def indexed(self, i: int) -> str:
        return f"n{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 63
    ) -> list[tuple[str, str]]:
        stem = (base if base and re.fullmatch(NAME, base) else "bc-name1")[: max(1, max_len - 2)]
        mid = middle(stem)
        return [
            ("forbidden character ' ' inside", insert(stem, mid, " ")),
            ("forbidden character '!' at the end", stem + "!"),
            ("forbidden character '.' inside", insert(stem, mid, ".")),
            ("forbidden character ':' inside", insert(stem, mid, ":")),
            ("forbidden character '@' at the start", "@" + stem),
            ("forbidden non-ASCII letter 'é'", insert(stem, mid, "é")),
            ("leading separator '-'", "-" + stem),
            ("leading separator '_'", "_" + stem),
            ("two separators in a row '--'", insert(stem, mid, "--")),
            ("two separators in a row '_-'", insert(stem, mid, "_-")),
            ("a separator alone", "-"),
        ]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 63
    ) -> SearchStrategy[tuple[str, str]]:
        stem = (base if base and re.fullmatch(NAME, base) else "bc-name1")[: max(1, max_len - 2)]
        forbidden = st.builds(
            lambda i, c: (f"forbidden character {c!r} at {i}", insert(stem, i, c)),
            st.integers(0, len(stem)),
            st.sampled_from(PUNCTUATION + ".:@=+"),
        )
        inner_space = (
            st.builds(lambda i: (f"space at {i}", insert(stem, i, " ")), st.integers(1, len(stem) - 1))
            if len(stem) > 1
            else st.nothing()
        )
        doubled = st.builds(
            lambda i, a, b: (f"separators {a + b!r} in a row at {i}", insert(stem, i, a + b)),
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
        return cycle(ALNUM, n) if n < 3 else cycle(ALNUM, 1) + cycle("a-b", n - 2) + "z"

    def indexed(self, i: int) -> str:
        return f"t{i}"

    def _stem(self, base: str | None, max_len: int) -> str:
        stem = (base if base and re.fullmatch(TOKEN, base) else "token-1")[: max(1, max_len - 1)]
        return stem.rstrip("-") or "t"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 256
    ) -> list[tuple[str, str]]:
        stem = self._stem(base, max_len)
        mid = middle(stem)
        return [
            ("leading hyphen", "-" + stem),
            ("trailing hyphen", stem + "-"),
            ("a hyphen alone", "-"),
            ("forbidden character '_' inside", insert(stem, mid, "_")),
            ("forbidden character '.' inside", insert(stem, mid, ".")),
            ("forbidden character ' ' inside", insert(stem, mid, " ")),
            ("forbidden character '!' at the end", stem + "!"),
        ]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 256
    ) -> SearchStrategy[tuple[str, str]]:
        stem = self._stem(base, max_len)
        forbidden = st.builds(
            lambda i, c: (f"forbidden character {c!r} at {i}", insert(stem, i, c)),
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
        return cycle(ALNUM + "._:/=+@-", n) if n >= 0 else None

    def indexed(self, i: int) -> str:
        return f"bc-key-{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 128
    ) -> list[tuple[str, str]]:
        stem = base.strip() if base and re.fullmatch(TAG_TEXT, base, re.ASCII) else ""
        stem = (stem or "bc-tag")[: max(1, max_len - 1)]
        mid = middle(stem)
        return [
            ("forbidden character '!' at the end", stem + "!"),
            ("forbidden character '*' inside", insert(stem, mid, "*")),
            ("forbidden character '#' at the start", "#" + stem[: max_len - 1]),
            ("forbidden character '?' inside", insert(stem, mid, "?")),
            ("forbidden character '<' inside", insert(stem, mid, "<")),
            ("forbidden non-ASCII letter 'é'", insert(stem, mid, "é")),
        ]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 128
    ) -> SearchStrategy[tuple[str, str]]:
        return st.builds(
            lambda text, i, c: (
                f"forbidden character {c!r} at {min(i, len(text))}",
                insert(text, min(i, len(text)), c),
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
        return cycle(ALNUM + "+/=", n) if n >= 0 else None

    def indexed(self, i: int) -> str:
        return f"token{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        stem = (base if base and re.fullmatch(NEXT_TOKEN, base) else "bm90LWEtdG9rZW4")[: max(2, max_len - 1)]
        mid = middle(stem)
        return [("space inside", insert(stem, mid, " ")), ("tab inside", insert(stem, mid, "\t"))]

    def breaker_strategy(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> SearchStrategy[tuple[str, str]]:
        return st.builds(
            lambda a, w, b: (f"whitespace {w!r} inside", a + w + b),
            st.text(self.allowed, min_size=1, max_size=40),
            st.sampled_from(" \t\r\n\x0b\x0c"),
            st.text(self.allowed, min_size=1, max_size=40),
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
