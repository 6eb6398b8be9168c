"""Target settings: what the target is and how to talk to it.

Precedence, highest first: command-line flags, environment variables (``BEDROCK_CONFORMANCE_<NAME>``), the file
named by ``--config`` (or ``conformance.toml`` in the working directory), ``[tool.bedrock-conformance]`` in
``pyproject.toml`` of the working directory, then the defaults below. See ``conformance.sample.toml``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.catalogue import kinds
from conformance.catalogue.kinds import NAMED_TARGETS, Kind

ENV_PREFIX = "BEDROCK_CONFORMANCE_"
#: The tag key every resource a run creates carries (value: the run id); sweep finds leftovers by it.
RUN_TAG_KEY = "bedrock-conformance-run"

# The model id emulator targets are run with (the reference and most fakes know it). On --target aws there is no
# default: without --models the preflight picks an ACTIVE model the account lists for Provisioned Throughput
# (conformance.targets.preflight), as Titan Text G1 - Express is Legacy there now (docs/aws.md, "A first real run").
DEFAULT_MODELS = ("amazon.titan-text-express-v1:0:8k",)
# --target aws: seconds to wait for Creating/Updating to end. A create takes 15-30 minutes, a custom model's up to 45
# (aws-samples provision_model.py "15 to 30 mins"; a Nova deployment notebook "30-45 minutes"); Airflow and the
# SageMaker SDK wait up to 3600 s.
AWS_CREATE_TIMEOUT = 3600.0
# Requests in flight together: 16 where waiting is what costs (at 150 ms a quick run's ~3,300 requests need about a
# dozen in flight to end within 4x of the run without latency); 8 on AWS, whose control plane throttles
# (botocore's retries absorb what throttling remains).
AWS_CONCURRENCY = 8


class SettingsError(ValueError):
    """Bad flags or settings (an unknown name, a bad value, an invalid baseline, a target that cannot be used as
    configured): reported as one line, exit code 2."""


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    stateful_steps: int
    stateful_examples: int
    description: str


PROFILES = {
    "quick": Profile("quick", 8, 20, 4, "a smoke run: under a minute on the reference target"),
    "standard": Profile("standard", 40, 40, 12, "the default"),
    "thorough": Profile("thorough", 200, 80, 50, "many more examples and longer stateful runs"),
}


@dataclass(frozen=True)
class CustomModel:
    """A custom model the suite may buy Provisioned Throughput for (--custom-models). Not the emulator's
    `bedrock_emulator.config.CustomModel`: the suite and the emulator never import each other
    (tests/test_layering.py), so each side declares the custom model it needs."""

    arn: str
    base_model: str


@dataclass(frozen=True)
class Settings:
    target: str = "reference"
    region: str = "us-east-1"
    account_id: str | None = None
    models: tuple[str, ...] = DEFAULT_MODELS
    custom_models: tuple[CustomModel, ...] = ()
    # Model ids whose creates the target ends in Failed (the reference: its emulator is told so); DELETE-FAILED is
    # judged with them. AWS gives no way to make a create fail, so there it stays empty.
    failing_models: tuple[str, ...] = ()
    create_timeout: float = 60.0
    poll_interval: float = 0.05
    name_prefix: str = "bc"
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 5
    # Requests the suite keeps in flight together against one target (independent cases only): sized for
    # waiting on I/O, not for cores.
    concurrency: int = 16
    # Reference-emulator targets only.
    faults: tuple[str, ...] = ()
    quirks: tuple[str, ...] = ()  # reference targets: conformant alternatives (bedrock_emulator.quirks)
    account_modes: tuple[str, ...] = ()  # reference targets: what real accounts answer (bedrock_emulator.accounts)
    create_delay: float = 0.0
    update_delay: float = 0.0
    latency: float = 0.0  # seconds every answer of the reference takes (a control plane across a network)
    # Real AWS only (see docs/aws.md).
    endpoint_url: str | None = None  # aws: a non-default endpoint (VPC/FIPS endpoints, tests)
    allow_billable: bool = False
    max_live: int = 2
    budget_seconds: float = 3600.0

    @property
    def kind(self) -> Kind:
        """The row of conformance.catalogue.kinds for the target (every URL: the url row); ask it, not the
        target's name."""
        found = kinds.of(self.target)
        if found is None:
            raise SettingsError(f"unknown target '{self.target}'")
        return found

    @property
    def billable_run(self) -> bool:
        """Creates cost money and the user allowed them: the billable guard's plan runs (docs/aws.md)."""
        return self.kind.billable and self.allow_billable

    @property
    def overlaps(self) -> bool:
        """Requests go out together where waiting is what costs: a target across a socket or a reference with
        latency, with --concurrency above 1. In process without latency a thread would only add switching to a
        CPU-bound call; --concurrency 1 sends one request at a time."""
        return self.concurrency > 1 and (self.latency > 0 or not self.kind.in_process)

    @property
    def side_by_side(self) -> bool:
        """Besides the requests, the tests that need only the target run side by side in one process
        (conformance.session.sidebyside): where requests overlap, on a target that takes parallel calls (not moto),
        outside a billable run (its plan's order counts every Provisioned Throughput)."""
        return self.overlaps and not self.kind.moto and not self.billable_run

    def public(self) -> dict[str, Any]:
        """Settings safe to print and report (no secrets are ever held here)."""
        data = dataclasses.asdict(self)
        data["custom_models"] = [dataclasses.asdict(c) for c in self.custom_models]
        data["models"] = list(self.models)
        data["faults"] = list(self.faults)
        data["quirks"] = list(self.quirks)
        data["account_modes"] = list(self.account_modes)
        data["failing_models"] = list(self.failing_models)
        return data


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
_TUPLE_FIELDS = {"models", "faults", "quirks", "account_modes", "failing_models"}


def _coerce(name: str, value: Any, origin: str) -> Any:
    if name not in _FIELDS:
        raise SettingsError(f"{origin}: unknown setting '{name}' (known: {', '.join(sorted(_FIELDS))})")
    default = _FIELDS[name].default
    try:
        if name == "custom_models":
            return _custom_models(value)
        if name in _TUPLE_FIELDS:
            if isinstance(value, str):
                value = [value]
            return tuple(v.strip() for item in value for v in str(item).split(",") if v.strip())
        if name == "endpoint_url":
            value = None if value in (None, "") else str(value)
            if value is not None and not value.startswith(("http://", "https://")):
                raise ValueError("must be an http(s):// URL")
            return value
        if name == "account_id":
            value = None if value in (None, "") else str(value)
            if value is not None and not re.fullmatch(r"[0-9]{12}", value):
                raise ValueError("must be 12 digits")
            return value
        if isinstance(default, bool):
            if isinstance(value, str):
                if value.lower() not in ("1", "true", "yes", "0", "false", "no"):
                    raise ValueError("must be true or false")
                return value.lower() in ("1", "true", "yes")
            return bool(value)
        if isinstance(default, float):
            number = float(value)
            if number < 0:
                raise ValueError("must not be negative")
            return number
        if isinstance(default, int):
            number = int(value)
            if number < 1:
                raise ValueError("must be at least 1")
            return number
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{origin}: setting '{name}' has a bad value {value!r}: {exc}") from None


def _custom_models(value: Any) -> tuple[CustomModel, ...]:
    """``[{arn=..., base_model=...}]`` in TOML, or ``ARN=BASE,ARN=BASE`` in a flag or the environment."""
    items: list[CustomModel] = []
    if isinstance(value, str):
        for part in filter(None, (p.strip() for p in value.split(","))):
            arn, sep, base = part.rpartition("=")
            if not sep:
                raise ValueError("write custom models as ARN=BASE_MODEL_ID")
            items.append(CustomModel(arn, base))
    else:
        for entry in value:
            items.append(CustomModel(str(entry["arn"]), str(entry["base_model"])))
    return tuple(items)


def _from_toml(path: Path, table: str | None) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
    if table:
        for part in table.split("."):
            data = data.get(part, {})
    return {k.replace("-", "_"): v for k, v in data.items()}


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    found = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX + "CONFIG":
            found[key[len(ENV_PREFIX):].lower()] = value
    return found


def load(flags: dict[str, Any] | None = None, *, config: str | None = None,
         environ: dict[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Merge every layer into one ``Settings`` (flags beat environment beat files beat defaults)."""
    environ = dict(os.environ) if environ is None else environ
    cwd = cwd or Path.cwd()
    layers: list[tuple[str, dict[str, Any]]] = []
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        layers.append((str(pyproject), _from_toml(pyproject, "tool.bedrock-conformance")))
    config = config or environ.get(ENV_PREFIX + "CONFIG")
    if config:
        if not Path(config).is_file():
            raise SettingsError(f"settings file {config} does not exist")
        layers.append((config, _from_toml(Path(config), None)))
    elif (cwd / "conformance.toml").is_file():
        layers.append(("conformance.toml", _from_toml(cwd / "conformance.toml", None)))
    layers.append(("environment", _from_env(environ)))
    layers.append(("flag", {k: v for k, v in (flags or {}).items() if v is not None}))
    values: dict[str, Any] = {}
    for origin, layer in layers:
        for name, value in layer.items():
            values[name] = _coerce(name, value, origin if origin != "environment" else ENV_PREFIX + name.upper())
    if kinds.of(str(values.get("target", _FIELDS["target"].default))) is kinds.BY_NAME["aws"] \
            and "models" not in values:
        values["models"] = ()  # chosen from the account by the preflight (conformance.targets.preflight)
    settings = Settings(**values)
    return _validated(settings)


def _validated(settings: Settings) -> Settings:
    target = settings.target
    if kinds.of(target) is None:
        raise SettingsError(
            f"unknown target '{target}': use one of {', '.join(NAMED_TARGETS)} or an http(s):// URL")
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-[0-9]", settings.region):
        raise SettingsError(f"region '{settings.region}' is not an AWS region name")
    if not re.fullmatch(r"[0-9a-zA-Z]{1,10}", settings.name_prefix):
        raise SettingsError("name_prefix must be 1-10 letters or digits")
    if not settings.models and not settings.kind.aws:
        raise SettingsError("settings name no model id (models)")
    if (settings.faults or settings.quirks or settings.account_modes or settings.create_delay
            or settings.update_delay or settings.latency) and not settings.kind.reference:
        raise SettingsError("faults, quirks, account modes, delays and latency apply to the reference targets only")
    if settings.endpoint_url and not settings.kind.aws:
        raise SettingsError("endpoint_url applies to the aws target only (give other targets as a URL)")
    if settings.kind.aws:
        overrides = {}
        if settings.create_timeout == _FIELDS["create_timeout"].default:
            overrides["create_timeout"] = AWS_CREATE_TIMEOUT
        if settings.poll_interval == _FIELDS["poll_interval"].default:
            overrides["poll_interval"] = 15.0
        if settings.concurrency == _FIELDS["concurrency"].default:
            overrides["concurrency"] = AWS_CONCURRENCY
        settings = dataclasses.replace(settings, **overrides)
    return settings
