"""Fixtures for the publish command: one Airbyte sandbox server for the session, a fresh sandbox
state per test, and a runner that calls the command in-process with an env file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.commands import publish_custom_connectors as command
from sandboxes.airbyte import AirbyteSandboxApp

REPO = Path(__file__).resolve().parents[3]
WORKSPACE_ID = "00000000-0000-4000-8000-00000000a001"


@pytest.fixture
def start_sandbox(
    serve_sandbox: Callable[..., tuple[AirbyteSandboxApp, str]],
) -> Callable[..., tuple[AirbyteSandboxApp, str]]:
    """:func:`serve_sandbox` whose sandbox holds the template workspace unless told otherwise."""

    def start(**options: Any) -> tuple[AirbyteSandboxApp, str]:
        options.setdefault("workspaces", [(WORKSPACE_ID, "Template workspace")])
        return serve_sandbox(**options)

    return start


@pytest.fixture
def sandbox(
    start_sandbox: Callable[..., tuple[AirbyteSandboxApp, str]],
) -> tuple[AirbyteSandboxApp, str]:
    return start_sandbox()


@pytest.fixture
def connectors_copy(tmp_path: Path) -> Path:
    """A private copy of the repository's connectors that a test may edit."""
    target = tmp_path / "connectors"
    for name in ("source-linkedin-ads", "source-tiktok-ads"):
        shutil.copytree(
            REPO / "connectors" / name,
            target / name,
            ignore=shutil.ignore_patterns(
                "__pycache__", "secrets", "unit_tests", "integration_tests"
            ),
        )
    return target


@dataclass
class Run:
    code: int
    doc: dict[str, Any]
    stdout: str
    stderr: str

    def result(self, connector: str, workspace_id: str = WORKSPACE_ID) -> dict[str, Any]:
        return next(
            r
            for r in self.doc["results"]
            if r["connector"] == f"source-{connector}" and r["workspace_id"] == workspace_id
        )


@pytest.fixture
def publish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``publish(url, *argv, **env)``: run the command against ``url`` and parse its JSON (retry
    waits are zero: see the ``_no_waiting`` fixture of ``tests/commands/conftest.py``)."""

    def run(url: str, *argv: str, **env: str) -> Run:
        values = {
            "AIRBYTE_BASE_URL": url,
            "AIRBYTE_WORKSPACE_ID": WORKSPACE_ID,
            "AIRBYTE_CLIENT_ID": "",
            "AIRBYTE_CLIENT_SECRET": "",
            "AIRBYTE_API_AUTH_HEADER": "",
            "AIRBYTE_TENANTS": "",
            **env,
        }
        env_file = tmp_path / "publish.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        capsys.readouterr()
        code = command.main(["--env-file", str(env_file), *argv])
        out, err = capsys.readouterr()
        return Run(code, json.loads(out), out, err)

    return run
