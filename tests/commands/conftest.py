"""A stack world for the provisioning commands: one sandbox server for the session, a fresh
Airbyte sandbox per test seeded from ``env.example``'s workspaces and destinations, and helpers
to run a command in-process and read its JSON answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.api import RetryPolicy
from airbyte_provisioning.core.envfile import read_env_file
from sandboxes.airbyte import create_app, seed_from_env

from .world import REPO, TEMPLATE_IDS, World, canary_token


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries happen, but their backoff waits are zero."""
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, attempt, retry_after=None: 0.0)


@pytest.fixture
def world(
    sandbox_switch: tuple[Any, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: None,
) -> Iterator[World]:
    """env.example pointed at a fresh sandbox: acme shares the template workspace, globex-eu has
    its own workspace and its own Meta / Google Ads accounts; no template ids yet."""
    switch, url = sandbox_switch
    env = read_env_file(REPO / "env.example")
    for name in TEMPLATE_IDS:
        env.pop(name)
    env.update(
        AIRBYTE_BASE_URL=url,
        AIRBYTE_CLIENT_ID="",
        AIRBYTE_CLIENT_SECRET="",
        AIRBYTE_META_ACCESS_TOKEN=canary_token(),
        AIRBYTE_GLOBEX_EU_META_ACCOUNT_ID="act_222333444",
        AIRBYTE_GLOBEX_EU_GOOGLE_ADS_CUSTOMER_ID="222-333-4444",
    )
    app = create_app(spec_dir=REPO / "templates" / "specs")
    seed_from_env(app, env)
    switch.target = app
    yield World(app, url, tmp_path, env)
    switch.target = None


@pytest.fixture
def provisioned(world: World) -> World:
    world.provision_templates()
    return world
