"""The standard suite's Docker tests need a Docker daemon; without one they are skipped, not failed."""

import shutil
import subprocess

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # registered here until pyproject.toml lists the marker (the suite's image tests carry it)
    config.addinivalue_line(
        "markers", "image_tests: needs a Docker daemon to build and run the image"
    )


def _docker_daemon_up() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    image_tests = [item for item in items if item.get_closest_marker("image_tests")]
    if image_tests and not _docker_daemon_up():
        skip = pytest.mark.skip(reason="no Docker daemon: image tests need `docker info` to work")
        for item in image_tests:
            item.add_marker(skip)
