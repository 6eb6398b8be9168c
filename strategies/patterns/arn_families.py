"""The families of identifier patterns: a provisioned model's name or ARN, a taggable resource's ARN, a model
identifier and a model ARN, with the ARN mutations they share."""

from __future__ import annotations

import re
import string

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from strategies.patterns.arns import (
    DEFAULT_ACCOUNT,
    DEFAULT_FOUNDATION_MODEL,
    DEFAULT_REGION,
    DEFAULT_RESOURCE_ID,
    arn_parts,
    custom_model_arn,
    foundation_id,
    foundation_id_of,
    foundation_model_arn,
    join_arn,
    provisioned_model_arn,
)
from strategies.patterns.base import ALNUM, LOWER_DIGITS, NAME, PUNCTUATION, Family, cycle, insert, middle
from strategies.patterns.text import NameFamily


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
            ("ARN without a resource id", join_arn(resource="provisioned-model", **pieces)),
            (
                "ARN with ':' instead of '/' before the id",
                join_arn(resource=f"provisioned-model:{rid}", **pieces),
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
            return join_arn(p, s, r, a, res)

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
        return cycle(ALNUM, 1) + cycle(ALNUM + "-", n - 1, 1) if n >= 1 else None

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
        good = join_arn(
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
        return cycle(ALNUM, n) if n >= 1 else None  # the name alternative has no length of its own

    def indexed(self, i: int) -> str:
        return f"model{i}"

    def breakers(
        self, base: str | None, *, slash_free: bool = False, max_len: int = 2048
    ) -> list[tuple[str, str]]:
        fm = foundation_id_of(base)
        parts = arn_parts(base)
        r, a = parts["region"], parts["account"]
        tail = base if base and not base.startswith("arn:") else fm
        out = [
            ("forbidden character '!' at the end", (base or fm) + "!"),
            ("forbidden character ' ' inside", insert(tail, middle(tail), " ")),
            ("forbidden character '#' inside", insert(tail, middle(tail), "#")),
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
        fm = foundation_id_of(base)
        return st.one_of(
            st.builds(
                lambda c: (f"forbidden character {c!r} at the end", (base or fm) + c),
                st.sampled_from(PUNCTUATION),
            ),
            st.builds(
                lambda i, c: (f"forbidden character {c!r} inside", insert(fm, i, c)),
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
        fm = foundation_id_of(base)
        parts = arn_parts(base)
        r, a = parts["region"], parts["account"]
        good = base if base and base.startswith("arn:") else f"arn:aws:bedrock:{r}::foundation-model/{fm}"
        return [
            ("not an ARN: a bare model id", fm),
            ("forbidden character '!' at the end", good + "!"),
            (
                "forbidden character ' ' inside the model id",
                f"arn:aws:bedrock:{r}::foundation-model/{insert(fm, middle(fm), ' ')}",
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
        fm = foundation_id_of(base)
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
