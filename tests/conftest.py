"""Shared helpers for the project's own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
