"""Recordings made once and kept in a cache folder (outside the checkout, never committed).

A connector scenario's recording is filed under a fingerprint of everything that decides which
requests the read makes and what they are answered: the connector's manifest and components, the
sandbox modules, and this package's recording and scenario code. A change to any of them makes a
new recording on the next run, so a connector refactored since the last run is never measured
against answers to requests it no longer makes; older recordings of the scenario are removed.

Each recording folder holds ``responses.json`` and ``bodies/`` (see :class:`Recording`) and
``scenario.json``: the configured catalog the read used, its records and its requests.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sandboxes.base
import sandboxes.linkedin
import sandboxes.tiktok
from benchmarks.throughput import recording as recording_module
from benchmarks.throughput import scenarios as scenarios_module
from benchmarks.throughput.measure import SdmRunner
from benchmarks.throughput.recording import Recording, RecordingApp, RecordingError
from benchmarks.throughput.scenarios import Scenario
from sandboxes.base import serve

SCENARIO_FILE = "scenario.json"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "airbyte-tenant-stack-bench" / "throughput"
_CODE = (sandboxes.base, sandboxes.linkedin, sandboxes.tiktok, recording_module, scenarios_module)


@dataclass(frozen=True)
class Recorded:
    """A scenario's recording, the catalog its read used and what the read emitted."""

    recording: Recording
    catalog: dict[str, Any]
    records: int
    fingerprint: str
    folder: Path


def fingerprint(scenario: Scenario) -> str:
    digest = hashlib.sha256(scenario.name.encode())
    files = [scenario.folder.manifest_path, scenario.folder.components_path]
    files += [Path(str(module.__file__)) for module in _CODE]
    for path in files:
        if path is not None:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def recorded(scenario: Scenario, cache: Path, work: Path) -> Recorded:
    """The scenario's recording from ``cache``, made first when there is none for its
    fingerprint."""
    key = fingerprint(scenario)
    folder = cache / f"{scenario.name}-{key}"
    if not (folder / SCENARIO_FILE).is_file():
        progress(f"recording {scenario.name} ({scenario.folder.name}, {scenario.stream}) ...")
        _record(scenario, folder, work)
        _remove_older(cache, scenario, keep=folder)
    meta = _read_meta(folder)
    return Recorded(Recording.load(folder), meta["catalog"], int(meta["records"]), key, folder)


def _record(scenario: Scenario, folder: Path, work: Path) -> None:
    if scenario.sandbox is None:
        raise RecordingError(f"the {scenario.name} scenario has no sandbox to record from")
    app = RecordingApp(scenario.sandbox())
    with serve(app) as server:
        runner = SdmRunner(scenario.folder, scenario.config(server.url), work)
        catalog = runner.configured_catalog(scenario.stream)
        result = runner.read(catalog)
    if result.records == 0:
        raise RecordingError(
            f"{scenario.folder.name}: the recording read of {scenario.stream} emitted no record"
        )
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    app.recording.save(partial)
    meta = {"catalog": catalog, "records": result.records, "requests": len(app.recording)}
    (partial / SCENARIO_FILE).write_text(json.dumps(meta, indent=1))
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)


def _read_meta(folder: Path) -> dict[str, Any]:
    try:
        meta = json.loads((folder / SCENARIO_FILE).read_text())
        if not isinstance(meta, dict) or "catalog" not in meta or "records" not in meta:
            raise ValueError("catalog or records missing")
    except (OSError, ValueError) as exc:
        raise RecordingError(
            f"{folder / SCENARIO_FILE} cannot be used ({exc}); delete {folder} and run again"
        ) from None
    return meta


def _remove_older(cache: Path, scenario: Scenario, keep: Path) -> None:
    """Drop the scenario's earlier recordings: only folders this module made (they hold a
    ``scenario.json``) are removed."""
    for folder in cache.glob(f"{scenario.name}-*"):
        if folder != keep and folder.is_dir() and (folder / SCENARIO_FILE).is_file():
            shutil.rmtree(folder)


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries only the figures)."""
    print(f"[throughput] {message}", file=sys.stderr, flush=True)
