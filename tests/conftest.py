"""Shared helpers for the project's own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator_env import SWITCH, Env, make_local

from bedrock_emulator.server import ServerHandle, start

REPO = Path(__file__).resolve().parent.parent


def safe_env(**extra: str) -> dict[str, str]:
    """An environment with no AWS credentials and no instance-metadata lookups (never leave the machine)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BEDROCK_CONFORMANCE_"))}
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_CONFIG_FILE=os.devnull)
    env.update(extra)
    return env


def run_cli(*args: str, cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=safe_env(**env))


def load_report(directory: Path) -> dict:
    return json.loads((directory / "report.json").read_text())


def statuses(report: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["clauses"]}


@pytest.fixture
def cli(tmp_path):
    def call(*args: str, **kwargs):
        return run_cli(*args, cwd=tmp_path, **kwargs)
    return call


# --- the emulator's own tests (test_emulator*.py): one emulator, in-process and over HTTP ----------------


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    handle = start(SWITCH)
    yield handle
    handle.stop()


@pytest.fixture(params=["inprocess", "http"])
def make_env(request: pytest.FixtureRequest) -> Callable[..., Env]:
    http_server = request.getfixturevalue("server") if request.param == "http" else None

    def make(**config: Any) -> Env:
        env = make_local(**config)
        env.server = http_server
        return env

    return make


@pytest.fixture
def env(make_env: Callable[..., Env]) -> Env:
    return make_env()


@pytest.fixture
def local() -> Env:
    """In-process only, for knobs that don't depend on the channel."""
    return make_local()
