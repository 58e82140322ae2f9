"""Pinned snapshots of the official connectors' specs, and the code that regenerates them.

The pins live in one place: the ``source:`` block of each ``templates/<name>_source.yaml`` whose
``kind`` is ``official`` (connector name, version, PyPI package, Docker repository, definition id).
``scripts/refresh_specs.py`` (``make refresh-specs``) installs each pinned package into a throwaway
virtualenv, runs its ``spec`` command and writes ``templates/specs/<connector>-<version>.json``.
Those files are committed generated data; nothing at test or render time needs the network.

Snapshot document::

    {"connector": "source-google-ads", "version": "6.1.7", "pypi_package": ...,
     "docker_repository": ..., "definition_id": ..., "generated_by": "scripts/refresh_specs.py",
     "generator": {"python": "3.11.7", "airbyte_cdk": "7.39.1"},
     "spec": {"connectionSpecification": {...}, "documentationUrl": ..., ...}}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from airbyte_provisioning.core.paths import TEMPLATES_DIR

SPECS_SUBDIR = "specs"


class SnapshotError(RuntimeError):
    """A snapshot that cannot be produced or read; the message says which and what to do."""


@dataclass(frozen=True)
class ConnectorPin:
    """One official connector pinned by a template."""

    template: str
    connector: str
    version: str
    pypi_package: str
    docker_repository: str
    definition_id: str

    @property
    def requirement(self) -> str:
        return f"{self.pypi_package}=={self.version}"

    @property
    def snapshot_name(self) -> str:
        return f"{self.connector}-{self.version}.json"


def pin_of_template(template: Mapping[str, Any]) -> ConnectorPin:
    """The pin an official template's ``source:`` block declares (KeyError: a field is missing)."""
    source = template["source"]
    return ConnectorPin(
        template=str(template["name"]),
        connector=str(source["connector"]),
        version=str(source["version"]),
        pypi_package=str(source["pypi_package"]),
        docker_repository=str(source["docker_repository"]),
        definition_id=str(source["definition_id"]),
    )


def load_pins(templates_dir: Path = TEMPLATES_DIR) -> list[ConnectorPin]:
    """The official-connector pins declared by ``templates/*_source.yaml``, sorted by connector."""
    pins: list[ConnectorPin] = []
    for path in sorted(templates_dir.glob("*_source.yaml")):
        try:
            document = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise SnapshotError(f"{path} is not valid YAML: {exc}") from None
        if not isinstance(document, dict) or not isinstance(document.get("source") or {}, dict):
            raise SnapshotError(f"{path}: expected a mapping with a 'source' mapping")
        source = document.get("source") or {}
        if source.get("kind") != "official":
            continue
        try:
            pins.append(pin_of_template(document))
        except KeyError as exc:
            raise SnapshotError(f"{path}: source.{exc.args[0]} is missing") from exc
    return sorted(pins, key=lambda p: p.connector)


def snapshot_path(pin: ConnectorPin, templates_dir: Path = TEMPLATES_DIR) -> Path:
    return templates_dir / SPECS_SUBDIR / pin.snapshot_name


def load_snapshot(pin: ConnectorPin, templates_dir: Path = TEMPLATES_DIR) -> dict[str, Any]:
    """The committed snapshot for ``pin``; a clear error when it was never generated."""
    path = snapshot_path(pin, templates_dir)
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"no spec snapshot {path.relative_to(templates_dir.parent)} for {pin.requirement}: "
            "run `make refresh-specs` (needs PyPI) and commit the result"
        ) from exc
    if document.get("version") != pin.version or document.get("connector") != pin.connector:
        raise SnapshotError(f"{path} does not describe {pin.connector} {pin.version}: refresh it")
    spec: dict[str, Any] = document["spec"]
    return spec


def connection_specification(
    pin: ConnectorPin, templates_dir: Path = TEMPLATES_DIR
) -> dict[str, Any]:
    schema: dict[str, Any] = load_snapshot(pin, templates_dir)["connectionSpecification"]
    return schema


# --- generation (network) -----------------------------------------------------------------------


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def extract_spec_message(stdout: str) -> dict[str, Any]:
    """The ``spec`` object from a connector's stdout (AirbyteMessages, one JSON object per line)."""
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(message, dict) and message.get("type") == "SPEC":
            spec: dict[str, Any] = message["spec"]
            return spec
    raise SnapshotError("the connector printed no SPEC message")


def generate_snapshot(pin: ConnectorPin, timeout: float = 900.0) -> dict[str, Any]:
    """Install ``pin`` into a throwaway virtualenv, run ``spec`` and return the snapshot document."""
    with tempfile.TemporaryDirectory(prefix=f"spec-{pin.connector}-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        python = env_dir / "bin" / "python"
        installed = _run(
            [str(python), "-m", "pip", "install", "--quiet", "--no-input", pin.requirement], timeout
        )
        if installed.returncode != 0:
            raise SnapshotError(
                f"cannot install {pin.requirement} (template {pin.template}): "
                f"{_tail(installed.stderr or installed.stdout)}; check the version in "
                f"templates/{pin.template}_source.yaml exists on PyPI"
            )
        entrypoint = env_dir / "bin" / pin.connector
        if not entrypoint.exists():
            raise SnapshotError(f"{pin.requirement} installs no `{pin.connector}` command")
        ran = _run([str(entrypoint), "spec"], 300.0)
        if ran.returncode != 0:
            raise SnapshotError(
                f"`{pin.connector} spec` exited {ran.returncode}: {_tail(ran.stderr)}"
            )
        spec = extract_spec_message(ran.stdout)
        probe = _run(
            [str(python), "-c", "import importlib.metadata as m; print(m.version('airbyte-cdk'))"],
            60.0,
        )
        cdk_version = probe.stdout.strip() if probe.returncode == 0 else "unknown"
    return {
        "connector": pin.connector,
        "version": pin.version,
        "pypi_package": pin.pypi_package,
        "docker_repository": pin.docker_repository,
        "docker_image": f"{pin.docker_repository}:{pin.version}",
        "definition_id": pin.definition_id,
        "generated_by": "scripts/refresh_specs.py (make refresh-specs)",
        "generator": {
            "command": f"{pin.connector} spec",
            "python": ".".join(str(v) for v in sys.version_info[:3]),
            "airbyte_cdk": cdk_version,
        },
        "spec": spec,
    }


def write_snapshot(document: dict[str, Any], path: Path) -> None:
    """Write atomically, so an interrupted refresh never leaves a truncated snapshot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    tmp.replace(path)
