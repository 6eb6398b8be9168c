"""The one flag table: every option of `bedrock-conformance run` / `sweep` and of the pytest plugin.

The plugin adds each row as a pytest option (dest ``bc_<dest>``), the CLI as an argparse flag (dest ``<dest>``),
and the CLI hands what was given to pytest through the same rows (``pytest_args``); settings rows are read into
``conformance.catalogue.settings.load`` by both. `serve` takes the emulator's own flags
(bedrock_emulator.server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from conformance.catalogue.settings import PROFILES

TARGET, RUN = "target", "run"  # scope: target flags are on `run` and `sweep`, run flags on `run` only


@dataclass(frozen=True)
class Flag:
    name: str
    dest: str
    help: str
    type: Callable[[str], Any] | None = str
    action: str | None = None  # None (takes a value), "append" (repeatable) or "store_true"
    choices: tuple[str, ...] | None = None
    # a conformance.catalogue.settings.Settings field (flags > environment > files > defaults)
    setting: bool = False
    scope: str = TARGET
    pytest_name: str | None = None  # the plugin's option name when it differs (pytest owns -c/--config)
    plugin_default: Any = None

    @property
    def option(self) -> str:
        """The pytest option the CLI passes this flag as."""
        return self.pytest_name or self.name

    def argparse_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"dest": self.dest, "help": self.help, "default": None}
        if self.action:
            kwargs["action"] = self.action
        else:
            kwargs["type"] = self.type
        if self.choices:
            kwargs["choices"] = self.choices
        return kwargs

    def pytest_kwargs(self) -> dict[str, Any]:
        return {**self.argparse_kwargs(), "dest": f"bc_{self.dest}", "default": self.plugin_default}

    def as_pytest_args(self, value: Any) -> Iterator[str]:
        """What the CLI passes on to pytest for a value it parsed (nothing when the flag was not given)."""
        if value is None or value is False:
            return
        if self.action == "append":
            for item in value:
                yield from (self.option, str(item))
        elif self.action == "store_true":
            yield self.option
        else:
            yield from (self.option, str(value))


def _setting(name: str, dest: str, help: str, type: Callable[[str], Any] = str) -> Flag:
    return Flag(name, dest, help, type, setting=True)


FLAGS: tuple[Flag, ...] = (
    Flag("--target", "target", "reference (default) | reference-http | moto | moto-server | aws | http(s)://URL",
         setting=True),
    Flag("--config", "config", "target settings file (TOML); default conformance.toml", pytest_name="--bc-config"),
    _setting("--region", "region", "AWS region the target answers for (default us-east-1)"),
    _setting("--account-id", "account_id", "account id expected in ARNs (default: discovered)"),
    _setting("--models", "models", "comma-separated model ids the target accepts for Provisioned Throughput"),
    _setting("--custom-models", "custom_models", "comma-separated CUSTOM_MODEL_ARN=BASE_MODEL_ID"),
    _setting("--failing-models", "failing_models", "comma-separated model ids whose creates the target ends in "
             "Failed (the reference is told so); judges DELETE-FAILED"),
    _setting("--create-timeout", "create_timeout", "seconds to wait for Creating/Updating to end", float),
    _setting("--poll-interval", "poll_interval", "seconds between status polls", float),
    _setting("--name-prefix", "name_prefix", "prefix of every name the run creates (default bc)"),
    _setting("--connect-timeout", "connect_timeout", "seconds to connect before the target counts as down", float),
    _setting("--read-timeout", "read_timeout", "seconds to wait for an answer before it counts as hung", float),
    _setting("--create-delay", "create_delay", "reference targets: seconds a create stays Creating", float),
    _setting("--update-delay", "update_delay", "reference targets: seconds an update stays Updating", float),
    _setting("--latency", "latency", "reference targets: seconds every answer takes", float),
    _setting("--concurrency", "concurrency", "requests and tests kept in flight together (independent ones; default "
             "16, 8 on aws; 1: one at a time)", int),
    _setting("--max-live", "max_live", "aws: most Provisioned Throughputs alive at once", int),
    _setting("--budget-seconds", "budget_seconds", "aws: wall-clock budget of the billable phase", float),
    _setting("--endpoint-url", "endpoint_url", "aws: a non-default endpoint (VPC or FIPS endpoints)"),
    _setting("--max-attempts", "max_attempts", "attempts per request (botocore standard retry mode)", int),
    Flag("--fault", "faults", "reference targets: turn on faulty variants (comma-separated, repeatable) or a preset "
         "of many (many, wire, list, lifecycle; see `faults`)",
         action="append", setting=True),
    Flag("--quirk", "quirks", "reference targets: turn on a conformant alternative behaviour (repeatable, or "
         "'all'; see `faults`)", action="append", setting=True),
    Flag("--account-mode", "account_modes", "reference targets: answer as a real AWS account does (comma-separated, "
         "repeatable; see `bedrock-conformance serve --help`)", action="append", setting=True),
    Flag("--profile", "profile", "example counts and step counts: quick | standard (default) | thorough",
         choices=tuple(sorted(PROFILES)), scope=RUN, plugin_default="standard"),
    Flag("--seed", "seed", "make the run repeatable (the report records it)", int, scope=RUN),
    Flag("--report-dir", "report_dir", "write reports here instead of reports/<timestamp>/ and reports/latest/",
         scope=RUN),
    Flag("--no-report", "no_report", "write no report files", action="store_true", scope=RUN),
    Flag("--only", "only", "run only these clause ids, operations (CREATE, LIST...) or cost classes "
         "(comma-separated, repeatable)", action="append", scope=RUN),
    Flag("--skip", "skip", "leave out these clause ids, operations or cost classes (comma-separated, repeatable)",
         action="append", scope=RUN),
    Flag("--baseline", "baseline", "JSON file of accepted gaps by clause id", scope=RUN),
    Flag("--update-baseline", "update_baseline", "rewrite --baseline with this run's gaps", action="store_true",
         scope=RUN),
    Flag("--fail-under", "fail_under", "pass when at least this percentage of the clauses that ran passed", float,
         scope=RUN),
    Flag("--allow-billable", "allow_billable", "aws: allow clauses that create billable Provisioned Throughputs "
         "(see docs/aws.md)", action="store_true", setting=True, scope=RUN),
    Flag("--yes", "yes", "aws: don't ask for confirmation before billable calls", action="store_true", scope=RUN),
)
SETTING_FLAGS: tuple[Flag, ...] = tuple(flag for flag in FLAGS if flag.setting)


def settings_flags(value_of: Callable[[str], Any]) -> dict[str, Any]:
    """The settings layer of the flags: {setting: value} for every settings row (value_of(dest))."""
    return {flag.dest: value_of(flag.dest) for flag in SETTING_FLAGS}
