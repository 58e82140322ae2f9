"""Shared pytest fixtures for every connector and for the provisioning library.

Connector tests find their connector from their own path (the nearest parent folder holding a
``manifest.yaml``), so one loader serves every ``connectors/source-*/unit_tests`` tree instead of a
copied ``conftest.py`` per connector.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping
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


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands read the process environment too: keep the developer's AIRBYTE_* out."""
    for name in [n for n in os.environ if n.startswith("AIRBYTE_")]:
        monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def sandbox_switch() -> Any:
    """``(switch, url)``: one loopback server for the session; tests set ``switch.target``."""
    from sandboxes.base import SandboxServer, SwitchableApp

    switch = SwitchableApp()
    server = SandboxServer(switch).start()
    yield switch, server.url
    server.stop()


@pytest.fixture
def run_script() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run_script("name.py", *argv, cwd=...)``: ``scripts/name.py`` in a new interpreter with
    nothing in its environment but ``PATH``, as a scheduler would start it."""

    def run(name: str, *argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ENV_EXAMPLE.parent / "scripts" / name), *argv],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": "/usr/bin:/bin"},
            timeout=120,
        )

    return run


@pytest.fixture
def silent_server() -> Iterator[str]:
    """The URL of a socket that accepts connections (the kernel completes them) and never
    answers: a hung server, for read timeouts."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def serve_sandbox(sandbox_switch: Any) -> Iterator[Callable[..., Any]]:
    """``serve_sandbox(**create_app options)`` -> ``(app, url)``: a fresh Airbyte sandbox behind
    the session's server for this test (no spec folder: the tests plant what they read)."""
    from sandboxes.airbyte import create_app

    switch, url = sandbox_switch

    def start(**options: Any) -> tuple[Any, str]:
        app = create_app(spec_dir=None, **options)
        switch.target = app
        return app, url

    yield start
    switch.target = None
