"""ARN building blocks: the parts of an ARN (defaults for what a caller does not give), and strategies of valid
foundation-model, custom-model and provisioned-model ARNs and ids."""

from __future__ import annotations

import re
import string

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from strategies.patterns.base import LOWER_DIGITS, SEGMENT_CHARS

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


def join_arn(
    partition: str = "aws",
    service: str = "bedrock",
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    resource: str = "",
) -> str:
    return f"arn:{partition}:{service}:{region}:{account}:{resource}"


def foundation_id_of(value: str | None) -> str:
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
