"""Configuration of the reference emulator."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .accounts import ACCOUNT_MODES, CONFLICTS, SLOW_CREATING, SLOW_CREATING_SECONDS, ZERO_QUOTA
from .faults import FAULTS
from .quirks import CONFLICT_EXCEPTION, DELETE_REFUSED_WHILE_PENDING, QUIRKS
from .records import partition

DEFAULT_FOUNDATION_MODELS: tuple[str, ...] = (
    "amazon.titan-text-express-v1:0:8k",
    "amazon.titan-text-lite-v1:0:4k",
    "amazon.titan-embed-text-v1:2:8k",
    "anthropic.claude-v2:1:200k",
    "anthropic.claude-instant-v1:2:100k",
    "meta.llama2-13b-chat-v1:0:4k",
    "cohere.command-text-v14:7:4k",
    # ACTIVE for Provisioned Throughput (AWS's PT code example; pt-supported: no-commitment "Yes" in us-east-1)
    "amazon.nova-lite-v1:0:24k",
)

# (name, base model id) of the custom models every emulator knows unless configured otherwise.
DEFAULT_CUSTOM_MODELS: tuple[tuple[str, str], ...] = (
    ("conformance-titan-custom-a", "amazon.titan-text-express-v1:0:8k"),
    ("conformance-titan-custom-b", "amazon.titan-text-express-v1:0:8k"),
    ("conformance-claude-custom", "anthropic.claude-v2:1:200k"),
)


@dataclass(frozen=True)
class CustomModel:
    """A custom model a Provisioned Throughput can serve; it derives from a foundation model. The suite has its
    own (`conformance.catalogue.settings.CustomModel`): the emulator and the suite never import each other."""

    name: str
    arn: str
    base_model_id: str


def custom_model_arn(region: str, account_id: str, name: str, base_model_id: str) -> str:
    """A stable custom-model ARN (`.../custom-model/<base id>/<12 lowercase alnum>`) for a name."""
    suffix = hashlib.sha256(f"{region}:{account_id}:{name}".encode()).hexdigest()[:12]
    return f"arn:{partition(region)}:bedrock:{region}:{account_id}:custom-model/{base_model_id}/{suffix}"


@dataclass
class EmulatorConfig:
    region: str = "us-east-1"
    account_id: str = "123456789012"
    foundation_models: tuple[str, ...] = DEFAULT_FOUNDATION_MODELS
    # None: the three default custom models, with ARNs derived from region and account.
    custom_models: tuple[CustomModel, ...] | None = None
    create_delay: float = 0.0
    update_delay: float = 0.0
    commitment_seconds: Mapping[str, int] = field(
        default_factory=lambda: {"OneMonth": 30 * 86400, "SixMonths": 182 * 86400}
    )
    throttle_every: int = 0
    # Seconds every answer takes (a real control plane, or an emulator across a network); slept outside the
    # state lock, so concurrent requests overlap as they would on a real server.
    latency: float = 0.0
    model_unit_quota: int | None = None
    faults: frozenset[str] = frozenset()
    # Conformant non-default choices (quirks.py); none by default.
    quirks: frozenset[str] = frozenset()
    clock: Callable[[], float] = time.time
    page_token_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # Creates on these model ids (as given, or the model's ARN / id / name) end in Failed after create_delay.
    fail_models: tuple[str, ...] = ()
    # What real accounts answer (accounts.ACCOUNT_MODES); none by default.
    account_modes: frozenset[str] = frozenset()
    # slow-creating: real durations times this factor (0.001: 20 minutes become 1.2 s).
    time_scale: float = 1.0

    def __post_init__(self) -> None:
        self.faults = frozenset(_as_names(self.faults))
        unknown = sorted(self.faults - FAULTS.keys())
        if unknown:
            raise ValueError(f"unknown fault(s) {unknown}; known faults: {', '.join(sorted(FAULTS))}")
        self.quirks = frozenset(_as_names(self.quirks))
        unknown = sorted(self.quirks - QUIRKS.keys())
        if unknown:
            raise ValueError(f"unknown quirk(s) {unknown}; known quirks: {', '.join(sorted(QUIRKS))}")
        self.account_modes = frozenset(_as_names(self.account_modes))
        unknown = sorted(self.account_modes - ACCOUNT_MODES.keys())
        if unknown:
            raise ValueError(f"unknown account mode(s) {unknown}; known modes: {', '.join(ACCOUNT_MODES)}")
        if self.time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        if ZERO_QUOTA in self.account_modes:
            self.model_unit_quota = 0
        if SLOW_CREATING in self.account_modes:
            self.create_delay = max(self.create_delay, SLOW_CREATING_SECONDS * self.time_scale)
        if CONFLICTS in self.account_modes:
            self.quirks |= {CONFLICT_EXCEPTION, DELETE_REFUSED_WHILE_PENDING}
        if self.custom_models is None:
            self.custom_models = tuple(
                CustomModel(name, custom_model_arn(self.region, self.account_id, name, base), base)
                for name, base in DEFAULT_CUSTOM_MODELS
            )
        if self.create_delay < 0 or self.update_delay < 0:
            raise ValueError("create_delay and update_delay must be >= 0")
        if self.latency < 0:
            raise ValueError("latency must be >= 0")
        if self.throttle_every < 0:
            raise ValueError("throttle_every must be >= 0")


def _as_names(faults: Iterable[str] | str) -> Iterable[str]:
    return (faults,) if isinstance(faults, str) else faults
