"""Fixtures of the contract-checker tests: a pristine copy of the repository and a scratch copy
per test, in which a test plants the violation it expects a rule to report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .helpers import REPO

COPIED = [
    "templates",
    "contract_checks",
    "airbyte_provisioning",
    "scripts",
    "connectors",
    "env.example",
    "Makefile",
    "docker-compose.yml",
]
IGNORE = shutil.ignore_patterns("__pycache__", "secrets", ".venv", "*.pyc")


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pristine")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=IGNORE)
        elif source.is_file():
            shutil.copy2(source, root / name)
    return root


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(pristine, root)
    return root
