"""Shared pytest fixtures for every connector and for the provisioning library.

Connector tests find their connector from their own path (the nearest parent folder holding a
``manifest.yaml``), so one loader serves every ``connectors/source-*/unit_tests`` tree instead of a
copied ``conftest.py`` per connector.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from airbyte_provisioning.connectors.folder import ConnectorFolder
from airbyte_provisioning.core.paths import CONNECTORS_DIR, ENV_EXAMPLE


def _docker_daemon_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        probe = subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # the CDK standard suite's image tests fail, rather than skip, when the docker CLI exists
    # without a daemon (as on CI); they run where `docker info` works
    image_tests = [item for item in items if item.get_closest_marker("image_tests")]
    if image_tests and not _docker_daemon_available():
        skip = pytest.mark.skip(reason="no Docker daemon: image tests need `docker info` to work")
        for item in image_tests:
            item.add_marker(skip)


@pytest.fixture
def connector_folder(request: pytest.FixtureRequest) -> ConnectorFolder:
    """The connector folder holding the test file (the nearest parent with a manifest.yaml)."""
    return ConnectorFolder.containing(Path(str(request.path)).parent)


@pytest.fixture
def connector_dir(connector_folder: ConnectorFolder) -> Path:
    return connector_folder.path


@pytest.fixture
def components_module(connector_dir: Path) -> types.ModuleType:
    module = ConnectorFolder(connector_dir).load_components()
    if module is None:
        pytest.fail(f"{connector_dir.name} has no components.py")
    return module


@pytest.fixture
def get_source(connector_dir: Path) -> Callable[..., Any]:
    """Factory: ``get_source(config, state=None, catalog=None)`` for the test's connector.

    Each call reads the manifest again, so a test may edit the folder between sources.
    """

    def factory(
        config: Mapping[str, Any], state: list[Any] | None = None, catalog: Any = None
    ) -> Any:
        return ConnectorFolder(connector_dir).declarative_source(config, state, catalog)

    return factory


@pytest.fixture
def example_env() -> dict[str, str]:
    """The variables of ``env.example``: offline-valid, placeholders only."""
    from airbyte_provisioning.core.envfile import read_env_file

    return read_env_file(ENV_EXAMPLE)


@pytest.fixture
def frozen_now() -> Any:
    """A fixed instant for fire times and SLA checks: 2026-11-26 12:00 UTC (a Thursday)."""
    from datetime import UTC, datetime

    return datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated_request_cache(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """Connector tests get their own CDK request cache.

    Parent streams cache responses; without ``REQUEST_CACHE_PATH`` the CDK shares one in-memory
    SQLite cache across the process, so one test's answer would leak into the next.
    """
    if CONNECTORS_DIR not in Path(str(request.path)).parents:
        yield
        return
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("REQUEST_CACHE_PATH", str(tmp_path_factory.mktemp("request_cache")))
    yield
    monkeypatch.undo()


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records backoff waits instead of sleeping them."""
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    return waits


@pytest.fixture(scope="session")
def sandbox_switch() -> Any:
    """``(switch, url)``: one loopback server for the session; tests set ``switch.target``."""
    from sandboxes.base import SandboxServer, SwitchableApp

    switch = SwitchableApp()
    server = SandboxServer(switch).start()
    yield switch, server.url
    server.stop()
