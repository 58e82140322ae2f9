"""Shared pytest fixtures for every connector and for the provisioning library.

Connector tests find their connector from their own path (the nearest parent folder holding a
``manifest.yaml``), so one loader serves every ``connectors/source-*/unit_tests`` tree instead of a
copied ``conftest.py`` per connector.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent
CONNECTORS_DIR = REPO_ROOT / "connectors"

_components_cache: dict[Path, types.ModuleType] = {}


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


def find_connector_dir(start: Path) -> Path:
    """The connector folder that contains ``start`` (a test file or folder)."""
    for candidate in [start, *start.parents]:
        if (candidate / "manifest.yaml").is_file():
            return candidate
    raise LookupError(f"{start} is not inside a connector folder (no manifest.yaml above it)")


def activate_components(connector_dir: Path) -> types.ModuleType | None:
    """Load ``components.py`` and register it under the names manifests use.

    Manifests reference ``source_declarative_manifest.components.X`` (the path inside Airbyte's
    manifest-only image) and the CDK falls back to ``components.X``. Two connectors tested in one
    process would otherwise share whichever module was imported first, so the entry is re-pointed
    before every source is built.
    """
    path = connector_dir / "components.py"
    if not path.is_file():
        return None
    module = _components_cache.get(path)
    if module is None:
        spec = importlib.util.spec_from_file_location(f"components__{connector_dir.name}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # dataclasses resolve postponed annotations through sys.modules[cls.__module__]
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        _components_cache[path] = module
    package = sys.modules.get("source_declarative_manifest")
    if package is None:
        package = types.ModuleType("source_declarative_manifest")
        package.__path__ = []
        sys.modules["source_declarative_manifest"] = package
    package.components = module  # type: ignore[attr-defined]
    sys.modules["source_declarative_manifest.components"] = module
    sys.modules["components"] = module
    return module


def build_source(
    connector_dir: Path,
    config: Mapping[str, Any],
    state: list[Any] | None = None,
    catalog: Any = None,
) -> Any:
    """A ``ConcurrentDeclarativeSource`` for the connector's bundled (trusted) manifest."""
    from airbyte_cdk.sources.declarative.concurrent_declarative_source import (
        ConcurrentDeclarativeSource,
    )
    from airbyte_cdk.test.catalog_builder import CatalogBuilder

    activate_components(connector_dir)
    manifest = yaml.safe_load((connector_dir / "manifest.yaml").read_text())
    return ConcurrentDeclarativeSource(
        source_config=manifest,
        config=dict(config),
        catalog=catalog if catalog is not None else CatalogBuilder().build(),
        state=state or [],
    )


@pytest.fixture
def connector_dir(request: pytest.FixtureRequest) -> Path:
    return find_connector_dir(Path(str(request.path)).parent)


@pytest.fixture
def components_module(connector_dir: Path) -> types.ModuleType:
    module = activate_components(connector_dir)
    if module is None:
        pytest.fail(f"{connector_dir.name} has no components.py")
    return module


@pytest.fixture
def get_source(connector_dir: Path) -> Callable[..., Any]:
    """Factory: ``get_source(config, state=None, catalog=None)`` for the test's connector."""

    def factory(
        config: Mapping[str, Any], state: list[Any] | None = None, catalog: Any = None
    ) -> Any:
        return build_source(connector_dir, config, state, catalog)

    return factory


@pytest.fixture
def example_env() -> dict[str, str]:
    """The variables of ``env.example``: offline-valid, placeholders only."""
    from airbyte_provisioning.core.envfile import read_env_file

    return read_env_file(REPO_ROOT / "env.example")


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
