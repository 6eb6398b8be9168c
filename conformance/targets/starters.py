"""Starting a target: one starter per target kind (conformance.catalogue.kinds), chosen by `starter(kind)`.

A starter brings the server up (or finds it) and says how to reach it, in a `Started`: the endpoint, the
in-process handler when the target answers inside this process, the account it answers for when the starter
knows it, and what stops it. This module and `conformance.cli` are the only ones that import the reference
emulator (tests/test_layering.py): it is glue, and the suite's expectations never see the emulator.

Public: `Started`, `starter`, `start`, `serve_http` (a loopback server on an in-process emulator),
`expand_faults`, `IN_PROCESS_ENDPOINT`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.catalogue.clauses import TargetUnavailable
from conformance.catalogue.kinds import Kind
from conformance.catalogue.settings import CustomModel, Settings, SettingsError

IN_PROCESS_ENDPOINT = "https://bedrock.{region}.amazonaws.com"
MOTO_ACCOUNT = "123456789012"  # moto's default account
REFERENCE_ACCOUNT = "123456789012"  # the reference emulator's default account


@dataclass
class Started:
    """A started (or found) target: how to reach it and how to stop it."""

    endpoint: str  # "" on AWS: botocore resolves it (one source of truth for every channel)
    in_process: Callable[[Any], Any] | None = None  # answers a prepared botocore request, without sockets
    emulator: Any = None  # the reference emulator (bedrock_emulator.core.Emulator), when the run holds one
    account_id: str | None = None  # the account it answers for, when the starter knows it
    custom_models: tuple[CustomModel, ...] = ()  # the custom models it offers, when the starter knows them
    closers: list[Callable[[], None]] = field(default_factory=list)  # run in reverse order by the target


Starter = Callable[[Settings, "str | None"], Started]


def expand_faults(settings: Settings) -> Settings:
    """The settings with fault presets (bedrock_emulator.faults.PRESETS) replaced by their faults, so that reports
    and reproducers name each fault that is on."""
    if not settings.faults or not settings.kind.reference:
        return settings
    from bedrock_emulator.faults import expand

    return dataclasses.replace(settings, faults=tuple(sorted(expand(settings.faults))))


def _emulator_config(s: Settings) -> Any:
    from bedrock_emulator import faults as emulator_faults
    from bedrock_emulator.config import DEFAULT_FOUNDATION_MODELS, EmulatorConfig
    from bedrock_emulator.quirks import QUIRKS, expand

    faults = emulator_faults.expand(s.faults)
    unknown = sorted(faults - set(emulator_faults.FAULTS))
    if unknown:
        raise SettingsError(f"unknown fault {', '.join(unknown)} (see bedrock-conformance faults)")
    quirks = expand(s.quirks)
    unknown = sorted(quirks - set(QUIRKS))
    if unknown:
        raise SettingsError(f"unknown quirk {', '.join(unknown)} (see bedrock-conformance faults)")
    try:
        return EmulatorConfig(region=s.region, account_id=s.account_id or REFERENCE_ACCOUNT, faults=faults,
                              quirks=quirks, account_modes=frozenset(s.account_modes),
                              create_delay=s.create_delay, update_delay=s.update_delay, latency=s.latency,
                              fail_models=tuple(s.failing_models), foundation_models=DEFAULT_FOUNDATION_MODELS + tuple(
                                  m for m in s.failing_models if m not in DEFAULT_FOUNDATION_MODELS))
    except ValueError as exc:  # an unknown account mode
        raise SettingsError(str(exc)) from None


def _reference(s: Settings) -> tuple[Any, Started]:
    """The reference emulator's configuration (faults, quirks, delays) and what it answers for."""
    config = _emulator_config(s)
    custom = s.custom_models or tuple(CustomModel(c.arn, c.base_model_id) for c in config.custom_models)
    return config, Started("", account_id=config.account_id, custom_models=custom)


def start_reference(s: Settings, shared_url: str | None) -> Started:
    """`reference`: the emulator in this process, answering botocore's before-send event."""
    from bedrock_emulator.botocore_adapter import handler_for
    from bedrock_emulator.core import Emulator

    config, started = _reference(s)
    started.emulator = Emulator(config)
    started.in_process = handler_for(started.emulator)
    started.endpoint = IN_PROCESS_ENDPOINT.format(region=s.region)
    return started


def start_reference_http(s: Settings, shared_url: str | None) -> Started:
    """`reference-http`: the emulator behind a loopback HTTP server (the run's shared one under xdist)."""
    config, started = _reference(s)
    if shared_url:
        started.endpoint = shared_url
        return started
    from bedrock_emulator.core import Emulator

    started.emulator = Emulator(config)
    started.endpoint, stop = serve_http(started.emulator)
    started.closers.append(stop)
    return started


def start_moto(s: Settings, shared_url: str | None) -> Started:
    """`moto`: moto's mock_aws in this process (it patches botocore; the endpoint is AWS's own)."""
    from moto import mock_aws

    mock = mock_aws()
    mock.start()
    return Started(IN_PROCESS_ENDPOINT.format(region=s.region), account_id=s.account_id or MOTO_ACCOUNT,
                   closers=[mock.stop])


def start_moto_server(s: Settings, shared_url: str | None) -> Started:
    """`moto-server`: `python -m moto.server` on a free loopback port (the run's shared one under xdist)."""
    if shared_url:
        return Started(shared_url)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop() -> None:
        proc.terminate()
        proc.wait(10)

    try:
        _wait_for_port(port, 30, proc)
    except TargetUnavailable:
        with contextlib.suppress(Exception):
            stop()
        raise
    return Started(f"http://127.0.0.1:{port}", account_id=s.account_id or MOTO_ACCOUNT, closers=[stop])


def start_aws(s: Settings, shared_url: str | None) -> Started:
    """`aws`: nothing to start; botocore resolves the endpoint and STS names the account (the target asks)."""
    return Started("")


def start_url(s: Settings, shared_url: str | None) -> Started:
    """An http(s):// URL: a server the user runs."""
    return Started(s.target.rstrip("/"))


def starter(kind: Kind) -> Starter:
    """The starter of a target kind, chosen by the row's facts."""
    if kind.reference:
        return start_reference if kind.in_process else start_reference_http
    if kind.moto:
        return start_moto if kind.in_process else start_moto_server
    return start_aws if kind.aws else start_url


def start(settings: Settings, shared_url: str | None = None) -> Started:
    """Start (or find) the target of ``settings``; ``shared_url``: the server the run already started."""
    return starter(settings.kind)(settings, shared_url)


def serve_http(emulator: Any) -> tuple[str, Callable[[], None]]:
    """A loopback HTTP server on ``emulator`` (same state as its in-process channel): (its URL, stop)."""
    from bedrock_emulator.server import start as start_server

    handle = start_server(emulator)
    return handle.url, handle.stop


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise TargetUnavailable(f"the server process exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TargetUnavailable(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f}s")
